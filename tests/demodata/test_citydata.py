from sqlalchemy import func, select

from zhicheng.demodata.city import load_city
from zhicheng.extensions import db
from zhicheng.models import Material, User
from zhicheng.review.consistency import check_consistency
from zhicheng.review.workflow import pass_materials, return_materials, submit_materials

from .. import factories


def test_city_loader_small_is_deterministic_and_consistent(app):
    counts = load_city(units=30, subs_per_unit=3, materials=600, echo=lambda *_: None)
    assert counts["units"] == 32 and counts["materials"] == 600
    assert counts["review_records"] > 600
    states = dict(db.session.execute(select(Material.state, func.count()).group_by(Material.state)).all())
    assert set(states) == {"draft", "in_review", "returned", "approved"}
    assert check_consistency() == []
    # generated 工作账号 keep their permissions (unit and sub-account rows are inserted together)
    sub = db.session.scalar(select(User).where(User.username == "u00000001"))
    assert sub.perm_fill and sub.perm_submit and not sub.perm_export
    # the named demo logins exist beside the generated ones
    assert db.session.scalar(select(User.id).where(User.username == "xhsz")) is not None


def test_consistency_check_finds_a_tampered_material(app, org):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    submit_materials(org["unit_a"], [m.id], "经办人", "13900001111")
    assert check_consistency() == []
    db.session.execute(Material.__table__.update().where(Material.id == m.id).values(state="approved"))
    db.session.commit()
    problems = check_consistency()
    assert len(problems) == 1 and m.number in problems[0]


def test_workflow_paths_replay_consistently(app, org):
    a = factories.material(org.projects["middle"], org["unit_a"], seq=1)
    b = factories.material(org.projects["edu_rd"], org["unit_b"], seq=2)
    submit_materials(org["unit_a"], [a.id], "经办人", "13900001111")
    pass_materials(org["xihu_review"], [a.id])
    submit_materials(org["unit_b"], [b.id], "经办人", "13900001111")
    return_materials(org["edusub_return"], [b.id], "缺少附件")
    assert check_consistency() == []
