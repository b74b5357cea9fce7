from sqlalchemy import func, select

from zhicheng.demodata.city import load_city
from zhicheng.extensions import db
from zhicheng.models import Material, Meeting, MeetingMaterial, ReviewBoard, User
from zhicheng.review.consistency import check_consistency
from zhicheng.review.workflow import pass_materials, return_materials, submit_materials

from .. import factories


def test_city_loader_small_is_deterministic_and_consistent(app):
    counts = load_city(units=30, subs_per_unit=3, materials=600, echo=lambda *_: None, boards=2, groups_per_board=2,
                       experts=150, review_materials=100, big_group=40, certificates=500)
    # and the demo's five before its two meetings, its person's 个人申报, its three of 评后管理
    # (two certified, one on 公示) and its four of the reviewers' checks (破格, resubmitted, a duplicate pair)
    assert counts["units"] == 32 and counts["materials"] == 600 + 5 + 1 + 3 + 4
    # 评审: the demo's 评委会 and the city's, experts, materials before meetings, one meeting in 评议
    assert (counts["boards"], counts["groups"], counts["experts"], counts["review_materials"]) == (2, 4, 150, 100)
    assert db.session.scalar(select(func.count()).select_from(ReviewBoard)) == 2 + 1
    assert db.session.get(Meeting, counts["reviewing_meeting"]).state == "reviewing"
    big = select(func.count()).select_from(MeetingMaterial).where(MeetingMaterial.group_id == counts["big_group"])
    assert db.session.scalar(big) == 40
    # no material is before two meetings (the demo's two meetings hold their own five)
    assert db.session.scalar(select(func.count(MeetingMaterial.material_id.distinct()))) == 100 + 5
    assert counts["review_records"] > 600
    # the demo's two issued certificates and the historical ones, each verifiable by its 查询码
    assert counts["certificates"] == 2 + 500
    from zhicheng.certificates import issuing
    from zhicheng.certificates.models import Certificate
    old = db.session.scalars(select(Certificate).where(Certificate.source == "imported").limit(3)).all()
    assert all(issuing.verify(c.number, c.name, c.query_code).id == c.id for c in old)
    assert len({c.number for c in db.session.scalars(select(Certificate))}) == 502
    states = dict(db.session.execute(select(Material.state, func.count()).group_by(Material.state)).all())
    assert set(states) == {"draft", "in_review", "returned", "approved", "in_board", "unit_review", "publicized",
                           "certified"}
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
