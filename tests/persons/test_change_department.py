"""修改归口部门 while people of the unit have 个人申报 on the way: each stays the person's application.
One still with the person or at the unit's review is left as it is; one already 上报 (or returned by
a department) goes back to the unit's review, not into the unit's own drafts, and the unit 上报 it
to the new 归口部门 as a 个人申报 (单位意见 and sign-offs still checked)."""
from __future__ import annotations

from sqlalchemy import select

from zhicheng import transaction
from zhicheng.extensions import db
from zhicheng.models import Material, ReviewRecord
from zhicheng.models import MaterialState as S
from zhicheng.persons import applications
from zhicheng.review import workflow

from .. import factories
from .conftest import outbox


def fresh(m) -> Material:
    db.session.expire_all()
    return db.session.get(Material, m.id)


def _reported(org, person, project) -> Material:
    m = factories.person_material(org[person], project, submit=True)
    applications.save_unit_opinion(org["unit_a"], m, "同意推荐")
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    transaction.commit()
    return fresh(m)


def test_person_materials_stay_the_persons_through_a_change_of_department(app, org, auth, csrf):
    factories.join(org["person_a"], org["unit_a"])
    factories.join(org["person_b"], org["unit_a"])
    root_project = org.projects["middle"]  # issued by the root office: open under the new department too
    p_draft = factories.person_material(org["person_a"], org.projects["xihu_junior"])
    at_unit = factories.person_material(org["person_b"], org.projects["xihu_junior"], submit=True)
    p_returned = factories.person_material(org["person_b"], root_project, submit=True)
    workflow.unit_return(org["unit_a"], [p_returned.id], "请补充论文")
    in_review = _reported(org, "person_a", root_project)
    unit_own = factories.material(root_project, org["unit_a"], name="单位自填", seq=40)
    workflow.submit_materials(org["unit_a"], [unit_own.id], "王经办", "13812345678")
    transaction.commit()
    creators = {m.id: fresh(m).creator_id for m in (p_draft, at_unit, p_returned, in_review)}
    sent_before = len(outbox(app))

    ua = auth.client("unita")
    page = ua.post("/admin/change_department/", data={"department": org.talent.id, "confirm": "y",
                                                      "csrf_token": csrf(ua, "/admin/change_department/")},
                   follow_redirects=True).get_data(as_text=True)
    assert "1份材料已退回到“待上报”状态，1份个人申报已退回到“单位审核中”状态" in page

    # Still with the person or the unit: untouched.
    assert fresh(p_draft).state == S.PERSON_DRAFT
    assert fresh(at_unit).state == S.UNIT_REVIEW
    assert fresh(p_returned).state == S.PERSON_RETURNED
    # Already 上报: back at the unit's review, not a unit draft; the unit's own goes to 待上报.
    back = fresh(in_review)
    assert (back.state, back.current_department_id) == (S.UNIT_REVIEW, None)
    assert fresh(unit_own).state == S.DRAFT
    assert {m.id: fresh(m).creator_id for m in (p_draft, at_unit, p_returned, in_review)} == creators
    assert all(fresh(m).unit_id == org.unit_a.id for m in (p_draft, at_unit, p_returned, in_review))
    record = db.session.scalars(select(ReviewRecord).where(ReviewRecord.material_id == in_review.id)
                                .order_by(ReviewRecord.id)).all()[-1]
    assert (record.action, record.state_after, record.department_id) == ("change_department", S.UNIT_REVIEW,
                                                                         org.xihu.id)
    assert "材料退回单位审核中" in record.reason
    assert any("因单位修改归口部门已退回单位" in p.read_text(encoding="utf-8") for p in outbox(app)[sent_before:])

    # The person still sees it as his, at the unit; the unit reviews it as a 个人申报, not as its draft.
    pa = auth.client("gerena")
    page = pa.get(f"/admin/person_apply/edit?id={in_review.id}").get_data(as_text=True)
    assert "单位审核中" in page and "修改归口部门退回" in page
    assert in_review.number in ua.get("/admin/unit_applications/").get_data(as_text=True)
    assert not back.editable  # not a draft of the unit's to rewrite
    # The unit may return it to him …
    applications.check_ready(back)
    # … or 上报 it again, now to the new department.
    workflow.submit_materials(org["unit_a"], [in_review.id], "王经办", "13812345678")
    transaction.commit()
    assert (fresh(in_review).state, fresh(in_review).current_department_id) == (S.IN_REVIEW, org.talent.id)


def test_a_person_material_returned_by_a_department_goes_back_to_the_unit_review(org):
    factories.join(org["person_a"], org["unit_a"])
    m = _reported(org, "person_a", org.projects["middle"])
    workflow.return_materials(org["xihu_return"], [m.id], "请补充学历证明")
    transaction.commit()
    assert fresh(m).state == S.RETURNED
    assert workflow.change_department(org["unit_a"], org.talent.id) == 1
    transaction.commit()
    assert (fresh(m).state, fresh(m).creator_id) == (S.UNIT_REVIEW, org["person_a"].id)
    # The unit can send it back to the person, who then edits and submits it again.
    workflow.unit_return(org["unit_a"], [m.id], "请按新归口部门的要求修改")
    transaction.commit()
    assert fresh(m).state == S.PERSON_RETURNED
