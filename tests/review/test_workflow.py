"""The state machine (zhicheng.workflow): every transition, every refusal, the 审核记录 rows."""
from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zhicheng import transaction
from zhicheng.extensions import db
from zhicheng.models import AuditLog, Material, ReviewRecord, Unit, User
from zhicheng.models import MaterialState as S
from zhicheng.review import workflow
from zhicheng.review.workflow import WorkflowError

from .. import factories

PHONE = "13812345678"


def submit(user, *materials, **kw):
    """上报 as a request does it: the service, then the request's commit."""
    done = workflow.submit_materials(user, [m.id for m in materials], "王经办", PHONE, **kw)
    transaction.commit()
    return done


def fresh(material) -> Material:
    db.session.expire_all()
    return db.session.get(Material, material.id)


def records(material) -> list[tuple[str, str]]:
    return [(r.action, r.state_after) for r in db.session.scalars(
        select(ReviewRecord).where(ReviewRecord.material_id == material.id).order_by(ReviewRecord.id))]


# --- 上报 ---------------------------------------------------------------------------------

def test_submit_sends_draft_to_the_units_department(org):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    submit(org["unit_a"], m)
    m = fresh(m)
    assert (m.state, m.current_department_id) == (S.IN_REVIEW, org.xihu.id)
    assert (m.submitter_name, m.submitter_phone) == ("王经办", PHONE)
    rec = db.session.scalars(select(ReviewRecord).where(ReviewRecord.material_id == m.id)).one()
    assert (rec.action, rec.to_department_id, rec.state_after) == ("submit", org.xihu.id, S.IN_REVIEW)
    assert "王经办" in rec.reason
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "material.submit",
                                                   AuditLog.target_id == m.id)) is not None


def test_submit_many_at_once_is_all_or_nothing(org):
    ok = factories.material(org.projects["xihu_junior"], org["unit_a"], name="甲", seq=1)
    closed = factories.material(org.projects["closed"], org["unit_a"], name="乙", seq=2)
    with pytest.raises(WorkflowError, match="不在申报时间内"):
        submit(org["unit_a"], ok, closed)
    assert fresh(ok).state == S.DRAFT and records(ok) == []


@pytest.mark.parametrize("name,phone,message", [("", PHONE, "操作人姓名"), ("王经办", "12345", "联系电话")])
def test_submit_requires_operator_name_and_mobile(org, name, phone, message):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    with pytest.raises(WorkflowError, match=message):
        workflow.submit_materials(org["unit_a"], [m.id], name, phone)
    assert fresh(m).state == S.DRAFT


@pytest.mark.parametrize("phone", ["0571-88888888", "057188888888", "0571-88888888-123", "13812345678"])
def test_operator_phone_may_be_a_landline(org, phone):
    """操作人联系电话: a unit's office phone with its area code is as good as a mobile."""
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", phone)
    assert fresh(m).state == S.IN_REVIEW and fresh(m).submitter_phone == phone


def test_submit_refused_without_permission_or_twice(org):
    m = factories.material(org.projects["xihu_junior"], org["sub_a_perm_fill"])
    with pytest.raises(WorkflowError, match="没有上报材料的权限"):
        submit(org["sub_a_perm_fill"], m)
    submit(org["unit_a"], m)
    with pytest.raises(WorkflowError, match="审核中"):
        submit(org["unit_a"], m)
    assert len(records(m)) == 1


def test_submit_of_another_units_material_is_refused(org):
    m = factories.material(org.projects["middle"], org["unit_a"])
    with pytest.raises(WorkflowError, match="不存在或无权操作"):
        submit(org["unit_b"], m)
    assert fresh(m).state == S.DRAFT


def test_sub_account_cannot_submit_the_units_other_materials(org):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    with pytest.raises(WorkflowError, match="不存在或无权操作"):
        submit(org["sub_a_full"], m)


def test_first_submit_refused_after_window_but_returned_material_may_go_back(org):
    project = org.projects["xihu_junior"]
    m = factories.material(project, org["unit_a"])
    with pytest.raises(WorkflowError, match="不在申报时间内"):
        submit(org["unit_a"], m, today=project.end_date + timedelta(days=1))
    submit(org["unit_a"], m)
    workflow.return_materials(org["xihu_return"], [m.id], "学历证书不清晰")
    submit(org["unit_a"], m, today=project.end_date + timedelta(days=5))
    assert fresh(m).state == S.IN_REVIEW
    assert records(m) == [("submit", S.IN_REVIEW), ("return", S.RETURNED), ("submit", S.IN_REVIEW)]


# --- 通过 / 退回 ------------------------------------------------------------------------

def test_full_path_unit_a_to_xihu_which_issued_the_project(org):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    submit(org["unit_a"], m)
    workflow.pass_materials(org["xihu_review"], [m.id])
    m = fresh(m)
    assert (m.state, m.current_department_id) == (S.APPROVED, None) and m.approved_at is not None
    assert records(m) == [("submit", S.IN_REVIEW), ("approve", S.APPROVED)]


def test_full_path_unit_b_via_edu_sub_to_edu(org):
    m = factories.material(org.projects["edu_rd"], org["unit_b"])
    submit(org["unit_b"], m)
    assert fresh(m).current_department_id == org.edu_sub.id
    with pytest.raises(WorkflowError, match="不在本部门审核"):
        workflow.pass_materials(org["edu_review"], [m.id])
    workflow.pass_materials(org["edusub_review"], [m.id])
    assert (fresh(m).state, fresh(m).current_department_id) == (S.IN_REVIEW, org.edu.id)
    workflow.pass_materials(org["edu_review"], [m.id])
    assert fresh(m).state == S.APPROVED
    passed = db.session.scalars(select(ReviewRecord).where(ReviewRecord.material_id == m.id,
                                                           ReviewRecord.action == "pass")).one()
    assert (passed.department_id, passed.to_department_id) == (org.edu_sub.id, org.edu.id)


def test_middle_project_goes_from_xihu_to_the_root_office(org):
    m = factories.material(org.projects["middle"], org["unit_a"])
    submit(org["unit_a"], m)
    workflow.pass_materials(org["xihu_review"], [m.id])
    assert (fresh(m).state, fresh(m).current_department_id) == (S.IN_REVIEW, org.root.id)
    with pytest.raises(WorkflowError):
        workflow.pass_materials(org["xihu_review"], [m.id])
    workflow.pass_materials(org["root"], [m.id])
    assert fresh(m).state == S.APPROVED
    assert records(m) == [("submit", S.IN_REVIEW), ("pass", S.IN_REVIEW), ("approve", S.APPROVED)]


def test_reviewer_of_another_department_is_refused(org):
    m = factories.material(org.projects["middle"], org["unit_a"])
    submit(org["unit_a"], m)
    with pytest.raises(WorkflowError):
        workflow.pass_materials(org["edu_review"], [m.id])
    with pytest.raises(WorkflowError):
        workflow.return_materials(org["edu_return"], [m.id], "不是本部门的")
    assert (fresh(m).state, fresh(m).current_department_id) == (S.IN_REVIEW, org.xihu.id)


def test_roles_are_separate(org):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    submit(org["unit_a"], m)
    with pytest.raises(WorkflowError, match="没有退回审查权限"):
        workflow.return_materials(org["xihu_review"], [m.id], "理由")
    with pytest.raises(WorkflowError, match="没有审核经办权限"):
        workflow.pass_materials(org["xihu_return"], [m.id])
    with pytest.raises(WorkflowError, match="没有审核经办权限"):
        workflow.pass_materials(org["unit_a"], [m.id])
    assert fresh(m).state == S.IN_REVIEW and len(records(m)) == 1


def test_return_needs_a_reason_and_goes_back_to_the_unit(org):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    submit(org["unit_a"], m)
    with pytest.raises(WorkflowError, match="请填写退回理由"):
        workflow.return_materials(org["xihu_return"], [m.id], "   ")
    workflow.return_materials(org["xihu_return"], [m.id], "缺少评审表")
    m = fresh(m)
    assert (m.state, m.current_department_id, m.editable) == (S.RETURNED, None, True)
    rec = db.session.scalars(select(ReviewRecord).where(ReviewRecord.action == "return")).one()
    assert (rec.department_id, rec.reason, rec.actor_name) == (org.xihu.id, "缺少评审表", "xihureturn")


def test_pass_or_return_of_a_draft_or_approved_material_is_refused(org):
    draft = factories.material(org.projects["xihu_junior"], org["unit_a"], seq=1)
    with pytest.raises(WorkflowError):
        workflow.pass_materials(org["xihu_review"], [draft.id])
    done = factories.material(org.projects["xihu_junior"], org["unit_a"], name="李四", seq=2)
    submit(org["unit_a"], done)
    workflow.pass_materials(org["xihu_review"], [done.id])
    with pytest.raises(WorkflowError, match="审核通过"):
        workflow.return_materials(org["xihu_return"], [done.id], "晚了")
    assert fresh(done).state == S.APPROVED and fresh(draft).state == S.DRAFT


# --- editing, deleting, 审核记录 -----------------------------------------------------------

def test_ensure_editable(org):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    workflow.ensure_editable(m)
    submit(org["unit_a"], m)
    with pytest.raises(WorkflowError, match="不可修改或删除"):
        workflow.ensure_editable(fresh(m))


def test_delete_only_never_submitted_drafts(org):
    draft = factories.material(org.projects["xihu_junior"], org["unit_a"], seq=1)
    sent = factories.material(org.projects["xihu_junior"], org["unit_a"], name="李四", seq=2)
    submit(org["unit_a"], sent)
    with pytest.raises(WorkflowError, match="已上报过"):
        workflow.delete_materials(org["unit_a"], [draft.id, sent.id])
    assert fresh(draft) is not None
    assert workflow.delete_materials(org["unit_a"], [draft.id]) == 1
    assert db.session.get(Material, draft.id) is None
    with pytest.raises(WorkflowError, match="没有填写材料的权限"):
        workflow.delete_materials(org["sub_a_perm_submit"], [sent.id])


def test_review_records_can_never_be_edited_or_deleted(org):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    submit(org["unit_a"], m)
    rec = db.session.scalars(select(ReviewRecord)).one()
    rec.reason = "改写"
    with pytest.raises(RuntimeError, match="审核记录不可修改或删除"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(ReviewRecord, rec.id))
    with pytest.raises(RuntimeError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(ReviewRecord, rec.id).reason.startswith("操作人")


# --- 修改归口部门 --------------------------------------------------------------------------

def test_change_department_sends_submitted_materials_back_and_keeps_approved(org):
    p = org.projects["middle"]
    at_xihu = factories.material(p, org["unit_a"], name="甲", seq=1)
    at_root = factories.material(p, org["unit_a"], name="乙", seq=2)
    returned = factories.material(p, org["unit_a"], name="丙", seq=3)
    approved = factories.material(org.projects["xihu_junior"], org["unit_a"], name="丁", seq=4)
    draft = factories.material(p, org["unit_a"], name="戊", seq=5)
    submit(org["unit_a"], at_xihu, at_root, returned, approved)
    workflow.pass_materials(org["xihu_review"], [at_root.id, approved.id])
    workflow.return_materials(org["xihu_return"], [returned.id], "补充材料")

    assert workflow.change_department(org["unit_a"], org.talent.id) == 3
    for m in (at_xihu, at_root, returned):
        assert (fresh(m).state, fresh(m).current_department_id) == (S.DRAFT, None)
        assert records(m)[-1] == ("change_department", S.DRAFT)
    assert fresh(approved).state == S.APPROVED and fresh(draft).state == S.DRAFT
    assert db.session.get(Unit, org.unit_a.id).department_id == org.talent.id
    rec = db.session.scalars(select(ReviewRecord).where(ReviewRecord.material_id == at_root.id,
                                                        ReviewRecord.action == "change_department")).one()
    assert rec.department_id == org.root.id, "the record names the department the material was taken from"
    assert "杭州市人才服务局" in rec.reason
    # Back at 待上报 it may be submitted again, now to the new department.
    submit(org["unit_a"], at_xihu)
    assert fresh(at_xihu).current_department_id == org.talent.id


def test_change_department_refusals(org):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    submit(org["unit_a"], m)
    with pytest.raises(WorkflowError, match="只有单位用户"):
        workflow.change_department(org["sub_a_full"], org.talent.id)
    with pytest.raises(WorkflowError, match="相同"):
        workflow.change_department(org["unit_a"], org.xihu.id)
    with pytest.raises(WorkflowError, match="有效的归口部门"):
        workflow.change_department(org["unit_a"], org.root.id)
    assert fresh(m).state == S.IN_REVIEW


# --- two reviewers at once ------------------------------------------------------------------

def test_stale_reviewer_is_told_it_was_already_handled(org):
    """Session A loads the material; session B (another worker) returns it; A's 通过 is refused."""
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    submit(org["unit_a"], m)
    mid = m.id
    reviewer = db.session.get(User, org["xihu_review"].id)
    stale = db.session.get(Material, mid)
    assert stale.state == S.IN_REVIEW

    with Session(db.engine) as other:
        other_user = other.get(User, org["xihu_return"].id)
        other.execute(update(Material).where(Material.id == mid)
                      .values(state=S.RETURNED, current_department_id=None, version=Material.version + 1))
        other.add(ReviewRecord(material_id=mid, action="return", department_id=org.xihu.id,
                               actor_id=other_user.id, reason="另一位审核人退回", state_after=S.RETURNED))
        other.commit()

    with pytest.raises(WorkflowError, match="已被他人处理"):
        workflow.pass_materials(reviewer, [mid])
    m = fresh(m)
    assert m.state == S.RETURNED
    assert [a for a, _ in records(m)] == ["submit", "return"]


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_concurrent_pass_and_return_exactly_one_wins(app, org):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    submit(org["unit_a"], m)
    mid, reviewer_id, returner_id = m.id, org["xihu_review"].id, org["xihu_return"].id
    db.session.remove()
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def act(name, user_id, fn):
        with app.app_context():
            user = db.session.get(User, user_id)
            assert db.session.get(Material, mid).state == S.IN_REVIEW
            barrier.wait()
            try:
                fn(user)
                transaction.commit()  # as the request's end does
                outcomes[name] = "ok"
            except WorkflowError as e:
                outcomes[name] = str(e)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=act, args=("pass", reviewer_id, lambda u: workflow.pass_materials(u, [mid])))
        , threading.Thread(target=act, args=("return", returner_id,
                                             lambda u: workflow.return_materials(u, [mid], "同时退回")))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(v == "ok" for v in outcomes.values()) == [False, True], outcomes
    loser = next(v for v in outcomes.values() if v != "ok")
    assert "已被他人处理" in loser
    final = fresh(m)
    assert final.state in (S.APPROVED, S.RETURNED)
    assert len(records(final)) == 2
