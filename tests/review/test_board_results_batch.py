"""接收评审情况 of a closed meeting, all its materials at once (workflow.record_board_results): each
material's state and 审核记录, the applicant of a 个人申报 told, a constant number of statements
whatever the number of materials, and all or nothing when one was changed meanwhile."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select, update

from zhicheng.extensions import db
from zhicheng.models import Material, ReviewRecord
from zhicheng.models import MaterialState as S
from zhicheng.review import workflow
from zhicheng.review.workflow import WorkflowError

from .. import factories
from ..persons.conftest import outbox


def _in_board(materials) -> list[Material]:
    db.session.execute(update(Material).where(Material.id.in_([m.id for m in materials])).values(state=S.IN_BOARD))
    db.session.commit()
    db.session.expire_all()
    return [db.session.get(Material, m.id) for m in materials]


def _records(m) -> list[ReviewRecord]:
    return list(db.session.scalars(select(ReviewRecord).where(ReviewRecord.material_id == m.id)
                                   .order_by(ReviewRecord.id)))


def _statements(fn) -> list[str]:
    """What fn ran, each statement as its verb and table ("UPDATE material", "INSERT review_record");
    the SAVEPOINT around them left out."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        words = statement.split()
        if words[0].upper() in ("SAVEPOINT", "RELEASE", "BEGIN", "ROLLBACK"):
            return
        seen.append(f"{words[0].upper()} {words[2] if words[1].upper() in ('INTO', 'FROM') else words[1]}")

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return seen


def test_each_result_in_its_record_and_the_applicant_told(app, org):
    factories.archive(org["person_a"])
    factories.join(org["person_a"], org["unit_a"])
    own = factories.person_material(org["person_a"], org.projects["middle"])
    units = [factories.material(org.projects["middle"], org["unit_a"], name=f"单位{i}", seq=60 + i) for i in range(3)]
    db.session.commit()
    own, *units = _in_board([own, *units])
    sent_before = set(outbox(app))
    workflow.record_board_results([(own, True, "同意17票"), (units[0], False, "同意3票"),
                                   (units[1], True, "同意20票"), (units[2], False, "同意1票")])
    db.session.commit()
    db.session.expire_all()
    for m, state, action, reason in ((own, "board_passed", "board_pass", "同意17票"),
                                     (units[0], "board_failed", "board_fail", "同意3票"),
                                     (units[1], "board_passed", "board_pass", "同意20票"),
                                     (units[2], "board_failed", "board_fail", "同意1票")):
        m = db.session.get(Material, m.id)
        last = _records(m)[-1]
        assert (m.state, m.version, last.action, last.state_after, last.reason, last.actor_name) == (
            state, 2, action, state, reason, "评委会")
    texts = [p.read_text(encoding="utf-8") for p in set(outbox(app)) - sent_before]
    assert len(texts) == 1 and f"您的申报材料{own.number}" in texts[0] and "评审通过" in texts[0]


@pytest.mark.parametrize("n", [2, 6])
def test_the_statements_do_not_grow_with_the_materials(app, org, n):
    ms = _in_board([factories.material(org.projects["middle"], org["unit_a"], name=f"甲{i}", seq=70 + i)
                    for i in range(n)])
    for m in ms:
        m.number  # loaded, as the meeting's close has them
    done = _statements(lambda: workflow.record_board_results([(m, i % 2 == 0, "计票") for i, m in enumerate(ms)]))
    assert done.count("UPDATE material") == 2 and done.count("INSERT review_record") == 1, done
    assert len(done) <= 4, done  # the two updates, the records, the applicants (none here)


def _three_the_second_changed(org, name: str, seq: int) -> list[Material]:
    """Three materials 评审中, read; then another request moves the second one behind the session."""
    ms = _in_board([factories.material(org.projects["middle"], org["unit_a"], name=f"{name}{i}", seq=seq + i)
                    for i in range(3)])
    for m in ms:
        m.version
    db.session.execute(update(Material).where(Material.id == ms[1].id).values(version=Material.version + 1)
                       .execution_options(synchronize_session=False))
    return ms


def test_a_material_changed_meanwhile_leaves_every_result_unrecorded(app, org):
    ms = _three_the_second_changed(org, "乙", 80)
    with pytest.raises(WorkflowError, match="已被他人处理或状态已改变"):
        workflow.record_board_results([(m, True, "同意20票") for m in ms])
    db.session.rollback()
    db.session.expire_all()
    assert {db.session.get(Material, m.id).state for m in ms} == {"in_board"}
    assert not any(r.action.startswith("board_") for m in ms for r in _records(m))


def test_a_material_not_before_a_board_refuses_them_all(app, org):
    first, second = _in_board([factories.material(org.projects["middle"], org["unit_a"], name=f"丙{i}", seq=90 + i)
                               for i in range(2)])
    draft = factories.material(org.projects["middle"], org["unit_a"], name="丙草稿", seq=95)
    db.session.commit()
    with pytest.raises(WorkflowError, match=f"材料{draft.number}状态为“待上报”，不能记录评审结果"):
        workflow.record_board_results([(first, True, "x"), (draft, True, "x"), (second, False, "x")])
    db.session.rollback()
    db.session.expire_all()
    assert {db.session.get(Material, m.id).state for m in (first, second)} == {"in_board"}


def test_a_refused_result_undoes_the_others_by_itself(app, org):
    """The passed ones are written first; when a failed one was changed meanwhile, their UPDATE is
    undone by record_board_results itself, not only by a caller's rollback."""
    ms = _three_the_second_changed(org, "丁", 100)
    with pytest.raises(WorkflowError, match=f"材料{ms[1].number}：该材料已被他人处理"):
        workflow.record_board_results([(ms[0], True, "同意20票"), (ms[1], False, "同意3票"), (ms[2], True, "同意20票")])
    states = db.session.scalars(select(Material.state).where(Material.id.in_([m.id for m in ms]))).all()
    assert set(states) == {"in_board"}  # read in the same transaction, before any rollback
