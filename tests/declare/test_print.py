"""打印评审简表 / 打印资格审查表 per material (the applicant in the text, the opinion boxes with
what the review recorded), and 打印空白表格."""
from __future__ import annotations

from zhicheng.extensions import db
from zhicheng.models import AuditLog
from zhicheng.review import workflow

from .world import pdf_text, populate

URL = "/admin/declare/"


def test_brief_and_qualification_carry_the_applicant_and_the_opinions(org, auth):
    world = populate(org)
    m = world["xihu"][0]
    workflow.pass_materials(org["xihu_review"], [m.id])
    workflow.pass_materials(org["root"], [m.id])
    db.session.commit()
    c = auth.client("xihureview")
    brief = pdf_text(c.get(f"{URL}brief/{m.id}.pdf"))
    assert "中级专业技术资格评审简表" in brief
    assert m.name in brief and m.id_card in brief and "甲单位科技有限公司" in brief and m.number in brief
    assert "单位推荐意见" in brief and "主管部门意见" in brief and "职改部门意见" in brief and "评委会" in brief
    assert "同意上报" in brief and "西湖区人才职改办" in brief and "审核通过" in brief
    qualification = pdf_text(c.get(f"{URL}qualification/{m.id}.pdf"))
    assert "中级专业技术资格申报资格审查表" in qualification and m.name in qualification
    assert "主管部门" in qualification and "审查意见" in qualification and "同意上报" in qualification
    assert "工作年限" in qualification
    actions = {a.action for a in db.session.query(AuditLog).filter_by(target_id=m.id)}
    assert {"material.print_brief", "material.print_qualification"} <= actions


def test_the_brief_prints_its_basic_block_under_the_chosen_template(org, auth, csrf):
    world = populate(org)
    m = world["xihu"][1]
    c = auth.client("xihureview")
    url = "/admin/print_templates/edit/"
    c.post(url, data={"csrf_token": csrf(c, url), "name": "简表样式", "use_name": "y", "pos_name": "1",
                      "head_name": "申报人", "use_unit_uscc": "y", "pos_unit_uscc": "2", "head_unit_uscc": "单位代码"})
    from zhicheng.models import PrintTemplate
    template = db.session.query(PrintTemplate).one()
    text = pdf_text(c.get(f"{URL}brief/{m.id}.pdf?template={template.id}"))
    assert "申报人" in text and "单位代码" in text and org.unit_a.uscc in text and m.name in text


def test_another_branchs_material_is_not_printed(org, auth):
    world = populate(org)
    edu, xihu = world["edu"], world["xihu"][0]
    for kind in ("brief", "qualification"):
        assert auth.client("xihureview").get(f"{URL}{kind}/{edu.id}.pdf").status_code == 404
        assert auth.client("eduadmin").get(f"{URL}{kind}/{xihu.id}.pdf").status_code == 404
        assert auth.client("rootadmin").get(f"{URL}{kind}/{world['draft'].id}.pdf").status_code == 404
        assert auth.client("unita").get(f"{URL}{kind}/{xihu.id}.pdf").status_code == 403


def test_blank_forms_render_without_any_data(org, auth):
    populate(org)
    c = auth.client("edureview")
    page = c.get("/admin/blank_forms/").get_data(as_text=True)
    for title in ("初定表", "认定表", "评审简表", "资格审查表"):
        assert f"打印空白专业技术资格{title}" in page or f"打印空白专业技术资格申报{title}" in page
    chuding = pdf_text(c.get("/admin/blank_forms/chuding.pdf"))
    assert "专业技术资格初定表" in chuding and "主管部门" in chuding and "职改部门" in chuding
    assert "None" not in chuding and "赵甲" not in chuding and "未上报" not in chuding
    rending = pdf_text(c.get("/admin/blank_forms/rending.pdf"))
    assert "专业技术资格认定表" in rending and "None" not in rending
    brief = pdf_text(c.get("/admin/blank_forms/brief.pdf"))
    assert "专业技术资格评审简表" in brief and "姓名" in brief and "申报资格名称" in brief
    assert "None" not in brief and "主任委员签字" in brief
    qualification = pdf_text(c.get("/admin/blank_forms/qualification.pdf"))
    assert "资格审查表" in qualification and "□符合" in qualification and "None" not in qualification
    assert c.get("/admin/blank_forms/other.pdf").status_code == 404
    assert auth.client("unita").get("/admin/blank_forms/chuding.pdf").status_code == 403
    assert db.session.query(AuditLog).filter_by(action="print.blank_form").count() == 4
