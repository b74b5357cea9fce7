"""通过 with an optional 审核意见: recorded in the 审核记录 and printed in the opinion box of the
department's level (主管部门意见 for the first department, 职改部门意见 for the one that approves)."""
from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from zhicheng.extensions import db
from zhicheng.models import MaterialState as S
from zhicheng.models import ReviewRecord
from zhicheng.review import workflow

from ..materials.test_materials_views import fresh, post_action, submitted

XIHU_OPINION = "材料齐全，同意推荐至市职改办"
ROOT_OPINION = "经审核，符合中级初定条件"


def pdf_text(client, material) -> str:
    r = client.get(f"/admin/print-file/material/{material.id}.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF-")
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages))


def pass_with(client, csrf, material, opinion):
    return client.post("/admin/review/action/", data={
        "action": "pass", "rowid": [str(material.id)], "opinion": opinion,
        "csrf_token": csrf(client, f"/admin/review/details/?id={material.id}")})


def test_each_departments_opinion_is_printed_in_its_own_box(org, auth, csrf):
    m = submitted(org, "middle", name="意见甲", seq=1)
    assert pass_with(auth.client("xihureview"), csrf, m, f"  {XIHU_OPINION} ").status_code == 302
    assert (fresh(m).state, fresh(m).current_department_id) == (S.IN_REVIEW, org.root.id)
    assert pass_with(auth.client("rootadmin"), csrf, m, ROOT_OPINION).status_code == 302
    assert fresh(m).state == S.APPROVED
    reasons = dict(db.session.execute(select(ReviewRecord.action, ReviewRecord.reason)
                                      .where(ReviewRecord.material_id == m.id)).all())
    assert reasons["pass"] == XIHU_OPINION and reasons["approve"] == ROOT_OPINION
    text = pdf_text(auth.client("unita"), m)
    supervisor, approver = text.index("主管部门意见"), text.index("职改部门意见")
    assert supervisor < text.index(XIHU_OPINION) < approver < text.index(ROOT_OPINION)
    assert "同意上报" not in text and "审核通过" not in text[approver:]
    # the unit reads them in the 审核记录 too
    page = auth.client("unita").get(f"/admin/tracking/details/?id={m.id}").get_data(as_text=True)
    assert XIHU_OPINION in page and ROOT_OPINION in page


def test_without_an_opinion_the_boxes_say_the_default_words(org, auth, csrf):
    m = submitted(org, "middle", name="意见乙", seq=2)
    post_action(auth.client("xihureview"), "/admin/review/", "pass", [m.id], csrf)
    workflow.pass_materials(org["root"], [m.id])
    text = pdf_text(auth.client("unita"), fresh(m))
    assert text.index("主管部门意见") < text.index("同意上报") < text.index("职改部门意见") < text.rindex("审核通过")


def test_the_list_and_the_details_offer_the_opinion_box_to_the_reviewer_only(org, auth):
    m = submitted(org, name="意见丙", seq=3)
    for user, shown in (("xihureview", True), ("xihureturn", False)):
        c = auth.client(user)
        page = c.get("/admin/review/").get_data(as_text=True)
        assert ('name="opinion"' in page and 'form="action_form"' in page) == shown, user
        details = c.get(f"/admin/review/details/?id={m.id}").get_data(as_text=True)
        assert ('id="pass-form"' in details and 'name="opinion"' in details) == shown, user


def test_a_too_long_opinion_is_refused_and_nothing_changes(org, auth, csrf):
    m = submitted(org, name="意见丁", seq=4)
    c = auth.client("xihureview")
    r = pass_with(c, csrf, m, "很" * (workflow.OPINION_MAX + 1))
    assert r.status_code == 302
    assert f"审核意见不超过{workflow.OPINION_MAX}字" in c.get(r.headers["Location"]).get_data(as_text=True)
    assert fresh(m).state == S.IN_REVIEW
    assert db.session.scalar(select(ReviewRecord.id).where(ReviewRecord.material_id == m.id,
                                                           ReviewRecord.action != "submit")) is None
