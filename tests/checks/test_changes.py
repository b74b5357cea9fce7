"""What changed since the last 退回: a snapshot is kept when a department returns a material; after
重新上报 the reviewer's details page lists the changed fields (old → new) and only those, the rows
added and removed, and the attachments added and removed."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from zhicheng.checks.models import ReturnSnapshot
from zhicheng.extensions import db
from zhicheng.models import Material
from zhicheng.review import workflow

from ..materials.test_materials_views import PDF, PNG, form_data, fresh, post_form


def _panel(page: str) -> str:
    start = page.index('id="check-changes"')
    return page[start:page.index("</div>", start)]


def _cells(table_html: str) -> list[tuple[str, str, str]]:
    rows = re.findall(r"<tr><td>(.*?)</td><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>", table_html, re.DOTALL)
    return [tuple(c.strip() for c in row) for row in rows]


def test_the_reviewer_sees_only_what_changed_since_the_return(org, auth, csrf):
    unit = auth.client("unita")
    project = org.projects["xihu_junior"]
    data = form_data()
    r = post_form(unit, f"/admin/materials/fill/?project={project.id}", data, csrf,
                  files={"scans": (io.BytesIO(PDF), "学历证书.pdf")})
    assert r.status_code == 302
    m = db.session.scalar(select(Material))
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    workflow.return_materials(org["xihu_return"], [m.id], "请补充职称证书扫描件，手机号有误")
    db.session.commit()
    snap = db.session.scalar(select(ReturnSnapshot).where(ReturnSnapshot.material_id == m.id))
    assert snap is not None and snap.data["fields"]["phone"] == "13912345678"

    # the unit corrects the phone, adds a degree, removes the old scan and adds two files
    old_scan = fresh(m).attachments[0]
    changed = dict(data, phone="13987654321", **{
        "educations-1-start_date": "2012-09-01", "educations-1-end_date": "2015-06-30",
        "educations-1-school": "同济大学", "educations-1-major": "结构工程", "educations-1-education": "硕士研究生",
        "educations-1-degree": "工学硕士", "remove_attachment": str(old_scan.id)})
    r = post_form(unit, f"/admin/materials/modify/?id={m.id}", changed, csrf,
                  files={"scans": [(io.BytesIO(PNG), "职称证书.png"), (io.BytesIO(PDF), "学历证书（清晰）.pdf")]})
    assert r.status_code == 302
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    db.session.commit()

    page = auth.client("xihureview").get(f"/admin/review/details/?id={m.id}").get_data(as_text=True)
    panel = _panel(page)
    assert "请补充职称证书扫描件，手机号有误" in panel and "西湖区人才职改办" in panel
    assert _cells(panel) == [("手机", "13912345678", "13987654321")]  # nothing else changed
    assert "学历学位：新增“2012-09-01至2015-06-30 同济大学 结构工程 硕士研究生 工学硕士”" in panel
    assert "学历学位：删除" not in panel and "工作经历" not in panel
    assert "附件删除：其他扫描件：学历证书.pdf" in panel
    assert "附件新增：其他扫描件：职称证书.png" in panel and "附件新增：其他扫描件：学历证书（清晰）.pdf" in panel


def test_a_resubmission_without_changes_says_so(org, auth):
    from .. import factories
    m = factories.material(org.projects["xihu_junior"], org["unit_a"], name="未改的")
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    workflow.return_materials(org["xihu_return"], [m.id], "请核对")
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    db.session.commit()
    page = auth.client("xihureview").get(f"/admin/review/details/?id={m.id}").get_data(as_text=True)
    assert "退回后未作修改" in _panel(page) and 'id="changed-fields"' not in page


def test_never_returned_no_comparison(org, auth):
    from .. import factories
    m = factories.material(org.projects["xihu_junior"], org["unit_a"], name="首次上报")
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    db.session.commit()
    page = auth.client("xihureview").get(f"/admin/review/details/?id={m.id}").get_data(as_text=True)
    assert 'id="review-checks"' in page and 'id="check-changes"' not in page
