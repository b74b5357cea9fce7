"""转评委会 and 考试成绩: the 职改部门 that published a 评审 project imports the exam scores by
身份证号 (a report per row), and sends what passed 初审 (and the exam) to the 评委会; the result
comes back into the 审核记录 the unit reads."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from zhicheng.extensions import db
from zhicheng.models import AuditLog, ExamScore, Material, ReviewRecord
from zhicheng.review import workflow
from zhicheng.review.consistency import check_consistency
from zhicheng.review.workflow import WorkflowError

from .. import factories

IMPORT = "/admin/exam_import/"
TRANSFER = "/admin/board_transfer/"


@pytest.fixture
def setup(org):
    project = factories.review_project(org, requires_exam=True)
    passed = factories.passed_first_review(org, project, "考试合格的", 1)
    failed = factories.passed_first_review(org, project, "考试不合格的", 2)
    return project, passed, failed


def _import(client, csrf, project, rows, header=("身份证号", "姓名", "成绩", "是否合格")):
    return client.post(IMPORT, data={"project": str(project.id), "file": (factories.xlsx([header, *rows]), "成绩.xlsx"),
                                     "csrf_token": csrf(client, IMPORT)}, content_type="multipart/form-data")


def test_exam_scores_are_imported_row_by_row(org, auth, csrf, setup):
    project, passed, failed = setup
    c = auth.client("xihupublish")
    r = _import(c, csrf, project, [
        (passed.id_card, "考试合格的", 72, "合格"),
        (failed.id_card, "考试不合格的", 41, "不合格"),
        ("110101199003071234", "号码错", 80, "合格"),
        (passed.id_card, "重复的", 90, "合格"),
        ("110101199003071233", "未填合格", 60, ""),
    ])
    page = r.get_data(as_text=True)
    assert "新增 2 条" in page and "未导入 3 条" in page
    assert "与第2行的身份证号重复" in page and "“是否合格”应填写“合格”或“不合格”" in page
    db.session.expire_all()
    scores = {s.id_card: (s.score, s.passed) for s in db.session.scalars(select(ExamScore))}
    assert scores == {passed.id_card: ("72", True), failed.id_card: ("41", False)}
    # a file without the header changes nothing
    r = _import(c, csrf, project, [(failed.id_card, "x", 99, "合格")], header=("证件", "姓名", "分数", "结论"))
    assert "第1行应为表头：身份证号、姓名、成绩、是否合格" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(ExamScore.passed).where(ExamScore.id_card == failed.id_card)) is False
    # another department may not import into it
    r = _import(auth.client("edupublish"), csrf, project, [(failed.id_card, "x", 99, "合格")])
    assert "本部门没有需要考试的评审类项目" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(ExamScore.passed).where(ExamScore.id_card == failed.id_card)) is False


def test_each_score_import_leaves_its_counts_in_the_audit_log(org, auth, csrf, setup):
    project, passed, failed = setup
    c = auth.client("xihupublish")
    _import(c, csrf, project, [(passed.id_card, "考试合格的", 72, "合格"), ("110101199003071234", "号码错", 80, "合格")])
    _import(c, csrf, project, [(passed.id_card, "考试合格的", 75, "合格"), (failed.id_card, "考试不合格的", 41, "不合格"),
                               (failed.id_card, "重复的", 90, "合格")])
    lines = db.session.execute(select(AuditLog.detail, AuditLog.target_id).where(AuditLog.action == "exam.import")
                               .order_by(AuditLog.id)).all()
    assert [tuple(x) for x in lines] == [("导入考试成绩：新增1条，更新0条，拒绝1条", project.id),
                                         ("导入考试成绩：新增1条，更新1条，拒绝1条", project.id)]


def test_transfer_needs_the_exam_and_is_all_or_nothing(org, auth, csrf, setup):
    project, passed, failed = setup
    _import(auth.client("xihupublish"), csrf, project, [(passed.id_card, "考试合格的", 72, "合格"),
                                                         (failed.id_card, "考试不合格的", 41, "不合格")])
    c = auth.client("xihureview")
    page = c.get(TRANSFER).get_data(as_text=True)
    assert passed.number in page and failed.number in page and "合格" in page and "不合格" in page
    r = c.post(TRANSFER + "action/", data={"action": "to_board", "rowid": [passed.id, failed.id],
                                           "csrf_token": csrf(c, TRANSFER)}, follow_redirects=True)
    assert f"材料{failed.number}（考试不合格的）没有考试合格成绩，不能转评委会" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Material, passed.id).state == "approved", "nothing of the batch went"
    r = c.post(TRANSFER + "action/", data={"action": "to_board", "rowid": [passed.id],
                                           "csrf_token": csrf(c, TRANSFER)}, follow_redirects=True)
    assert "已转评委会1份材料" in r.get_data(as_text=True)
    db.session.expire_all()
    m = db.session.get(Material, passed.id)
    assert m.state == "in_board" and m.current_department_id is None
    assert m.review_records[-1].action == "to_board"
    # the unit sees it 评审中 in 上报材料跟踪
    assert "评审中" in auth.client("unita").get("/admin/tracking/").get_data(as_text=True)


def test_other_departments_and_roles_cannot_transfer(org, auth, csrf, setup):
    project, passed, _ = setup
    assert auth.client("xihureturn").get(TRANSFER).status_code == 403
    assert passed.number not in auth.client("edureview").get(TRANSFER).get_data(as_text=True)
    with pytest.raises(WorkflowError):
        workflow.transfer_to_board(org["edu_review"], [passed.id])
    with pytest.raises(WorkflowError, match="没有审核经办权限"):
        workflow.transfer_to_board(org["xihu_return"], [passed.id])


def test_the_result_comes_back_into_the_records(org, setup):
    project, passed, _ = setup
    project.requires_exam = False
    db.session.commit()
    workflow.transfer_to_board(org["xihu_review"], [passed.id])
    m = db.session.get(Material, passed.id)
    workflow.record_board_result(m, True, "应到25人，实到23人；同意17票，不同意5票，弃权1票")
    with pytest.raises(WorkflowError, match="不能记录评审结果"):
        workflow.record_board_result(m, False, "再记一次")
    db.session.commit()
    db.session.expire_all()
    m = db.session.get(Material, passed.id)
    last = db.session.scalars(select(ReviewRecord).where(ReviewRecord.material_id == m.id)
                              .order_by(ReviewRecord.id.desc())).first()
    assert (m.state, last.action, last.state_after) == ("board_passed", "board_pass", "board_passed")
    assert "同意17票" in last.reason
    assert check_consistency() == []
