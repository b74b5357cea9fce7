"""Material states as data: one table of states and transitions drives the workflow, the lists,
editability and the print; the database refuses any other value."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from zhicheng.extensions import db
from zhicheng.materials import states
from zhicheng.materials.states import STATES, TRANSITIONS, MaterialState, states_where
from zhicheng.models import ExportJob
from zhicheng.models import MaterialState as S
from zhicheng.printing.pdf import opinions, watermarked
from zhicheng.review import workflow

from .. import factories
from .test_materials_views import fresh, submitted


def one_of_each(org) -> dict[str, object]:
    draft = factories.material(org.projects["xihu_junior"], org["unit_a"], name="待上报的", seq=1)
    in_review = submitted(org, "middle", name="审核中的", seq=2)
    returned = submitted(org, "xihu_junior", name="被退回的", seq=3)
    workflow.return_materials(org["xihu_return"], [returned.id], "请补充学历证明")
    approved = submitted(org, "xihu_junior", name="通过的", seq=4)
    workflow.pass_materials(org["xihu_review"], [approved.id])
    project = factories.review_project(org)
    in_board, board_passed, board_failed = (factories.passed_first_review(org, project, name, seq)
                                            for name, seq in (("评审中的", 5), ("评审通过的", 6), ("评审未通过的", 7)))
    workflow.transfer_to_board(org["xihu_review"], [in_board.id, board_passed.id, board_failed.id])
    workflow.record_board_result(fresh(board_passed), True, "同意17票，不同意6票，弃权2票")
    workflow.record_board_result(fresh(board_failed), False, "同意12票，不同意11票，弃权2票")
    # 个人申报: 待提交, 单位审核中, 退回个人
    factories.join(org["person_a"], org["unit_a"])
    factories.join(org["person_b"], org["unit_a"])
    p_draft = factories.person_material(org["person_a"], org.projects["xihu_junior"])
    unit_review = factories.person_material(org["person_a"], org.projects["middle"], submit=True)
    p_returned = factories.person_material(org["person_b"], org.projects["middle"], submit=True)
    workflow.unit_return(org["unit_a"], [p_returned.id], "请补充论文")
    # 评后管理: one on 公示, one confirmed (评定), one revoked after an upheld 异议.
    from ..certificates import world
    from zhicheng import transaction
    from zhicheng.certificates import publicity
    on_list, final, revoked = (world.approved(org, name, seq) for name, seq in (("公示中的", 8), ("已评定的", 9),
                                                                                  ("被撤销的", 10)))
    batch = world.publish(org, [final, revoked])
    objection = publicity.file_objection(batch.id, world.entry_of(batch, revoked).id, "李某", "13900000000",
                                         "学历造假", "127.0.0.1")
    publicity.handle_objection(org["root"], objection.id, True, "经核实学历证书系伪造")
    publicity.confirm_batch(org["root"], batch.id, today=world.after(batch))
    world.publish(org, [on_list], "第二批")
    transaction.commit()
    found = {m.state: m for m in map(fresh, (draft, in_review, returned, approved, in_board, board_passed,
                                             board_failed, p_draft, unit_review, p_returned, on_list, final,
                                             revoked))}
    assert set(found) == set(MaterialState)
    return found


def test_the_stored_values_are_unchanged_and_every_state_has_its_facts():
    assert [s.value for s in MaterialState] == ["draft", "in_review", "returned", "approved", "in_board",
                                                "board_passed", "board_failed", "p_draft", "unit_review",
                                                "p_returned", "publicized", "certified", "revoked"]
    assert MaterialState("returned") is S.RETURNED and S.RETURNED == "returned"
    assert set(STATES) == set(MaterialState)
    assert [STATES[s].label for s in MaterialState] == ["待上报", "审核中", "被退回", "审核通过", "评审中", "评审通过",
                                                        "评审未通过", "待提交", "单位审核中", "退回个人", "公示中",
                                                        "已评定", "结果已撤销"]


def test_a_transition_from_a_state_the_table_does_not_allow_is_refused(org):
    m = one_of_each(org)
    with pytest.raises(workflow.WorkflowError, match="状态为“审核中”，不能上报"):
        workflow.submit_materials(org["unit_a"], [m[S.IN_REVIEW].id], "王经办", "13812345678")
    with pytest.raises(workflow.WorkflowError, match=f"状态为“被退回”，{workflow.ALREADY_HANDLED}"):
        workflow.pass_materials(org["xihu_review"], [m[S.RETURNED].id])
    with pytest.raises(workflow.WorkflowError, match=f"状态为“审核通过”，{workflow.ALREADY_HANDLED}"):
        workflow.return_materials(org["xihu_return"], [m[S.APPROVED].id], "再看看")
    assert {s: fresh(x).state for s, x in m.items()} == {s: s for s in MaterialState}


def test_the_workflow_reads_its_sources_and_targets_from_the_table(org, monkeypatch):
    m = one_of_each(org)
    # Were a returned material no longer allowed to be submitted, the workflow would refuse it
    # with its usual message: it asks the table, not a list of its own.
    monkeypatch.setitem(TRANSITIONS, "submit", states.Transition("上报", frozenset({S.DRAFT}), S.IN_REVIEW))
    with pytest.raises(workflow.WorkflowError, match="状态为“被退回”，不能上报"):
        workflow.submit_materials(org["unit_a"], [m[S.RETURNED].id], "王经办", "13812345678")
    assert fresh(m[S.RETURNED]).state == S.RETURNED
    done = workflow.submit_materials(org["unit_a"], [m[S.DRAFT].id], "王经办", "13812345678")
    assert [fresh(x).state for x in done] == [TRANSITIONS["submit"].target]
    assert fresh(m[S.DRAFT]).review_records[-1].state_after == S.IN_REVIEW


def test_every_transition_leads_where_the_table_says(org):
    m = one_of_each(org)
    back = submitted(org, "xihu_junior", name="又一份", seq=5)
    workflow.change_department(org["unit_a"], org.edu.id)
    # change_department takes every material in one of its sources back to its target.
    assert fresh(back).state == TRANSITIONS["change_department"].target
    assert fresh(m[S.RETURNED]).state == TRANSITIONS["change_department"].target
    assert fresh(m[S.APPROVED]).state == S.APPROVED


def test_editability_watermark_and_opinions_follow_the_table(org):
    for state, material in one_of_each(org).items():
        facts = STATES[state]
        assert material.editable is facts.editable
        assert watermarked(material) is facts.watermarked
        if not facts.opinions:
            assert opinions(material) == (None, None)
    assert states_where("editable") == (S.DRAFT, S.RETURNED)
    assert states_where("watermarked") == (S.DRAFT, S.RETURNED, S.PERSON_DRAFT, S.UNIT_REVIEW, S.PERSON_RETURNED)
    assert states_where("person_editable") == (S.PERSON_DRAFT, S.PERSON_RETURNED)
    assert states_where("opinions") == (S.IN_REVIEW, S.APPROVED, S.IN_BOARD, S.BOARD_PASSED, S.BOARD_FAILED,
                                        S.PUBLICIZED, S.CERTIFIED, S.RESULT_REVOKED)


@pytest.mark.parametrize("url, listed", [
    ("/admin/submit/", TRANSITIONS["submit"].sources),
    ("/admin/tracking/", states_where("submitted")),
    ("/admin/print/", states_where("submitted")),
])
def test_the_unit_lists_show_the_states_the_table_names(org, auth, url, listed):
    m = one_of_each(org)
    page = auth.client("unita").get(url).get_data(as_text=True)
    for state, material in m.items():
        assert (material.number in page) is (state in listed), (url, state)


def test_the_database_refuses_a_state_outside_the_enum(org):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE material SET state = 'lost' WHERE id = :id"), {"id": m.id})
        db.session.flush()
    db.session.rollback()
    assert fresh(m).state == S.DRAFT
    for state in MaterialState:
        db.session.execute(text("UPDATE material SET state = :s WHERE id = :id"), {"s": state.value, "id": m.id})
    db.session.rollback()


def test_the_database_refuses_a_review_state_or_export_status_outside_the_known_values(org):
    m = submitted(org)
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE review_record SET state_after = 'lost' WHERE material_id = :id"),
                           {"id": m.id})
    db.session.rollback()
    job = ExportJob(user_id=org["xihu_admin"].id)
    db.session.add(job)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE export_job SET status = 'lost' WHERE id = :id"), {"id": job.id})
    db.session.rollback()


def test_the_migrations_create_the_same_checks(tmp_path):
    import os

    from flask_migrate import upgrade

    from zhicheng import create_app
    from zhicheng.config import TestConfig

    from ..conftest import _reset_postgres
    url = os.environ.get("TEST_DATABASE_URL")
    app = create_app(TestConfig(tmp_path, url))
    with app.app_context():
        if url:
            _reset_postgres()
        upgrade()
        inspector = inspect(db.engine)
        checks = {(table, c["name"]): c["sqltext"] for table in ("material", "review_record", "export_job")
                  for c in inspector.get_check_constraints(table)}
        assert set(checks) == {("material", "ck_material_state"), ("review_record", "ck_review_record_state_after"),
                               ("export_job", "ck_export_job_status")}
        for state in MaterialState:
            assert f"'{state.value}'" in checks[("material", "ck_material_state")]
            assert f"'{state.value}'" in checks[("review_record", "ck_review_record_state_after")]
        if url:
            _reset_postgres()
        db.engine.dispose()
