"""Department side (材料审核): 待审核材料 with 通过 / 退回, 本部门及下级材料, roles, scope."""
from __future__ import annotations

import re

from sqlalchemy import select

from zhicheng.extensions import db
from zhicheng.models import MaterialState as S
from zhicheng.models import ReviewRecord
from zhicheng.review import workflow

from .. import factories
from ..materials.test_materials_views import assert_confirmation_refuses_bad_ids, fresh, post_action, submitted


def test_queue_lists_only_what_waits_at_the_department(org, auth):
    at_xihu = submitted(org, "xihu_junior", name="西湖待审", seq=1)
    draft = factories.material(org.projects["xihu_junior"], org["unit_a"], name="未上报", seq=2)
    at_edu_sub = submitted(org, "edu_rd", "unit_b", name="教育待审", seq=3)
    page = auth.client("xihureview").get("/admin/review/").get_data(as_text=True)
    assert at_xihu.number in page and "甲单位科技有限公司" in page
    assert draft.number not in page and at_edu_sub.number not in page
    page = auth.client("edusubreturn").get("/admin/review/").get_data(as_text=True)
    assert at_edu_sub.number in page and at_xihu.number not in page
    assert at_edu_sub.number not in auth.client("edureview").get("/admin/review/").get_data(as_text=True)


def test_queue_search_and_project_filter(org, auth):
    a = submitted(org, "xihu_junior", name="王小明", seq=1)
    b = submitted(org, "middle", name="赵大同", seq=2)
    c = auth.client("xihureview")
    page = c.get("/admin/review/?search=王小明").get_data(as_text=True)
    assert a.number in page and b.number not in page
    page = c.get(f"/admin/review/?search={b.id_card}").get_data(as_text=True)
    assert b.number in page and a.number not in page
    page = c.get(f"/admin/review/?search={a.number}").get_data(as_text=True)
    assert a.number in page and b.number not in page
    page = c.get(f"/admin/review/?flt0_0={org.projects['middle'].id}").get_data(as_text=True)
    assert b.number in page and a.number not in page
    page = c.get(f"/admin/review/?project={org.projects['xihu_junior'].id}").get_data(as_text=True)
    assert a.number in page and b.number not in page and "西湖区初级初定项目" in page


def test_pass_approves_at_the_issuer_and_moves_up_otherwise(org, auth, csrf):
    junior = submitted(org, "xihu_junior", name="初级", seq=1)
    middle = submitted(org, "middle", name="中级", seq=2)
    c = auth.client("xihureview")
    r = post_action(c, "/admin/review/", "pass", [junior.id, middle.id], csrf)
    assert r.status_code == 302
    assert "已审核通过2份材料" in c.get("/admin/review/").get_data(as_text=True)
    assert fresh(junior).state == S.APPROVED
    assert (fresh(middle).state, fresh(middle).current_department_id) == (S.IN_REVIEW, org.root.id)
    root_page = auth.client("rootadmin").get("/admin/review/").get_data(as_text=True)
    assert middle.number in root_page and junior.number not in root_page


def test_return_asks_for_a_reason(org, auth, csrf):
    m = submitted(org)
    c = auth.client("xihureturn")
    r = post_action(c, "/admin/review/", "return", [m.id], csrf)
    assert r.status_code == 302 and "/admin/review/return/" in r.headers["Location"]
    url = r.headers["Location"]
    page = c.get(url).get_data(as_text=True)
    assert re.search(r'<label for="reason">退回理由<span class="required-star"[^>]*>\*</span>', page)
    token = csrf(c, url)
    r = c.post(url, data={"reason": "  ", "csrf_token": token})
    assert "请填写退回理由" in r.get_data(as_text=True) and fresh(m).state == S.IN_REVIEW
    r = c.post(url, data={"reason": "评审表未盖章", "csrf_token": token}, follow_redirects=True)
    assert "已退回1份材料" in r.get_data(as_text=True)
    assert fresh(m).state == S.RETURNED
    rec = db.session.scalars(select(ReviewRecord).where(ReviewRecord.action == "return")).one()
    assert (rec.reason, rec.department_id) == ("评审表未盖章", org.xihu.id)


def test_return_with_nothing_or_bad_ids_asks_again_or_is_not_found(org, auth, csrf):
    """退回 with no ticked material (or only another department's): "请先勾选要退回的材料" on the
    queue; its page without ids, with a non-number or with one id outside the department: 404,
    nothing returned."""
    m = submitted(org)
    other = submitted(org, "middle", creator="unit_b", seq=2)
    assert_confirmation_refuses_bad_ids(auth.client("xihureturn"), csrf, "/admin/review/", "return", "/admin/review/return/",
                                        "请先勾选要退回的材料", m, other, {"reason": "评审表未盖章"})
    assert fresh(m).state == fresh(other).state == S.IN_REVIEW


def test_actions_without_the_role_are_forbidden(org, auth, csrf):
    m = submitted(org)
    returner = auth.client("xihureturn")
    page = returner.get("/admin/review/").get_data(as_text=True)
    assert "退回" in page and 'data-action="pass"' not in page and "通过</a>" not in page
    assert post_action(returner, "/admin/review/", "pass", [m.id], csrf).status_code == 403
    reviewer = auth.client("xihureview")
    assert post_action(reviewer, "/admin/review/", "return", [m.id], csrf).status_code == 403
    assert reviewer.get(f"/admin/review/return/?id={m.id}").status_code == 403
    r = reviewer.post(f"/admin/review/return/?id={m.id}",
                      data={"reason": "越权退回", "csrf_token": csrf(reviewer, "/admin/review/")})
    assert r.status_code == 403
    assert auth.client("xihuadmin").get("/admin/review/").status_code == 403
    assert auth.client("unita").get("/admin/review/").status_code == 403
    assert fresh(m).state == S.IN_REVIEW


def test_another_departments_material_is_not_found(org, auth, csrf):
    m = submitted(org)
    c = auth.client("edureview")
    assert c.get(f"/admin/review/details/?id={m.id}").status_code == 404
    assert c.get(f"/admin/dept_materials/details/?id={m.id}").status_code == 404
    r = post_action(c, "/admin/review/", "pass", [m.id], csrf)
    assert r.status_code == 302
    assert fresh(m).state == S.IN_REVIEW and fresh(m).current_department_id == org.xihu.id
    assert auth.client("edureturn").get(f"/admin/review/return/?id={m.id}").status_code == 404


def test_details_are_read_only_with_attachments_and_records(org, auth):
    m = submitted(org, "middle")
    workflow.pass_materials(org["xihu_review"], [m.id])
    page = auth.client("rootadmin").get(f"/admin/review/details/?id={m.id}").get_data(as_text=True)
    assert m.name in page and m.id_card in page and "审核记录" in page and "附件" in page
    assert "审核通过并上报" in page and "西湖区人才职改办" in page
    assert "修改材料" not in page and 'name="name"' not in page
    # once passed up, it is no longer in xihu's queue, but still in its 本部门及下级材料 list
    assert auth.client("xihureview").get(f"/admin/review/details/?id={m.id}").status_code == 404
    page = auth.client("xihuadmin").get("/admin/dept_materials/").get_data(as_text=True)
    assert m.number in page and "杭州市人力资源和社会保障局" in page and "审核中" in page


def test_department_materials_cover_the_subtree(org, auth):
    a = submitted(org, "middle", name="西湖的", seq=1)
    b = submitted(org, "edu_rd", "unit_b", name="教育的", seq=2)
    workflow.pass_materials(org["edusub_review"], [b.id])
    workflow.pass_materials(org["edu_review"], [b.id])
    draft = factories.material(org.projects["edu_rd"], org["unit_b"], name="草稿", seq=3)
    page = auth.client("eduadmin").get("/admin/dept_materials/").get_data(as_text=True)
    assert b.number in page and "审核通过" in page and a.number not in page and draft.number not in page
    page = auth.client("rootadmin").get("/admin/dept_materials/").get_data(as_text=True)
    assert a.number in page and b.number in page and draft.number not in page
    page = auth.client("eduadmin").get("/admin/dept_materials/?flt1_1=approved").get_data(as_text=True)
    assert b.number in page


def test_department_home_links_to_the_filtered_queue(org, auth):
    m = submitted(org)
    other = submitted(org, "middle", name="另一个", seq=2)
    c = auth.client("xihureview")
    home = c.get("/admin/").get_data(as_text=True)
    p = org.projects["xihu_junior"]
    link = re.search(rf'data-project="{p.id}"><a href="([^"]+)">1</a>', home)
    assert link
    page = c.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert m.number in page and other.number not in page
    home = auth.client("xihuadmin").get("/admin/").get_data(as_text=True)
    assert "/admin/review/" not in home


def test_search_by_whole_id_card_or_number_is_exact(org, auth):
    from zhicheng.review.workflow import submit_materials
    p = org.projects["xihu_junior"]
    a = factories.material(p, org["unit_a"], name="精确甲", seq=41)
    b = factories.material(p, org["unit_a"], name="精确乙", seq=42)
    submit_materials(org["unit_a"], [a.id, b.id], "经办人", "13900001111")
    c = auth.client("xihureview")
    html = c.get(f"/admin/review/?search={a.id_card.lower()}").get_data(as_text=True)
    assert "精确甲" in html and "精确乙" not in html
    html = c.get(f"/admin/review/?search={b.number}").get_data(as_text=True)
    assert "精确乙" in html and "精确甲" not in html
    html = c.get("/admin/review/?search=精确").get_data(as_text=True)   # names still match by part
    assert "精确甲" in html and "精确乙" in html


def test_search_by_two_characters_finds_them_anywhere_in_the_name(org, auth):
    """A given name alone (two characters: no trigram; on PostgreSQL the search uses the name
    with its characters doubled) finds the same materials as a LIKE would, at any position."""
    a = submitted(org, "xihu_junior", name="王小明", seq=1)
    b = submitted(org, "xihu_junior", name="小明华", seq=2)
    c_ = submitted(org, "xihu_junior", name="明小", seq=3)
    d = submitted(org, "xihu_junior", name="小小明明", seq=4)
    c = auth.client("xihureview")
    page = c.get("/admin/review/?search=小明").get_data(as_text=True)
    assert a.number in page and b.number in page and d.number in page and c_.number not in page
    page = c.get("/admin/review/?search= 明明 ").get_data(as_text=True)
    assert d.number in page and a.number not in page
    r = c.get("/admin/review/?search=%25明")   # a LIKE wildcard: Flask-Admin's own search, as before
    assert r.status_code == 200 and a.number in r.get_data(as_text=True)
