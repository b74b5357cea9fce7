"""A person's 职称 history on one page: the materials of his 证件号码 (states and dates), the 评审
results, his certificates, his 聘任 and units, and his own account — each as far as the viewer may
see it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from zhicheng import transaction
from zhicheng.certificates.models import Certificate
from zhicheng.extensions import db
from zhicheng.people import services
from zhicheng.persons.models import Person

from .. import factories
from ..boards.world import populate_boards
from ..certificates.world import approved
from .world import A1, populate_people


def _history(client, person_id) -> str:
    r = client.get(f"/admin/people/details/?id={person_id}")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def test_the_history_gathers_materials_results_and_certificates_of_the_number(org, auth):
    w = populate_people(org)
    passed = approved(org, "甲员工一", 31, id_card=A1)  # 西湖区 初级 project: 审核通过
    draft = factories.material(org.projects["middle"], org["unit_a"], name="甲员工一", seq=32, id_card=A1)
    other = factories.material(org.projects["middle"], org["unit_a"], name="别人", seq=33)
    db.session.add(Certificate(number="HZ2015-000123", name="甲员工一", id_card=A1, qualification="助理工程师",
                               obtained_on=date(2015, 9, 30), issuing_body="杭州市人力资源和社会保障局",
                               issued_on=date(2015, 9, 30), query_code="ABCD2345", source="imported", state="valid",
                               created_at=datetime(2026, 1, 1)))
    transaction.commit()

    department = _history(auth.client("xihuadmin"), w["a1"].id)
    assert passed.number in department and "审核通过" in department
    assert draft.number not in department  # not 上报: no department sees it
    assert other.number not in department
    assert "HZ2015-000123" in department and "历史导入" in department
    assert "工程师" in department and "2020-01-01" in department  # the 聘任
    timeline = department[department.index('id="timeline"'):]
    for words in ("取得资格", "助理工程师，证书编号HZ2015-000123", "聘任", "上报", "审核通过"):
        assert words in timeline, words
    # The timeline runs in date order: the 2015 certificate before the 2020 聘任.
    assert timeline.index("HZ2015-000123") < timeline.index("2020-01-01")
    assert f'href="/admin/dept_materials/details/?id={passed.id}"' in department

    unit = _history(auth.client("unita"), w["a1"].id)
    assert passed.number in unit and draft.number in unit and "待上报" in unit and other.number not in unit
    assert f'href="/admin/materials/details/?id={draft.id}"' in unit
    # Another branch of the tree has no page for him.
    assert auth.client("eduadmin").get(f"/admin/people/details/?id={w['a1'].id}").status_code == 404
    assert auth.client("unitb").get(f"/admin/people/details/?id={w['a1'].id}").status_code == 404


def test_the_history_shows_the_board_result_and_the_persons_own_account(org, auth):
    world = populate_boards(org)
    material = world["materials"]["c"]  # 评审丙 of unit A: 评审未通过 at a closed meeting
    person = db.session.scalar(select(Person).where(Person.user_id == org["person_a"].id))
    root = org["root"]
    record = services.add_person(root, {"name": material.name, "id_number": material.id_card}, org.unit_a.id)
    own = services.add_person(root, {"name": person.name, "id_number": person.id_number}, org.unit_a.id)
    transaction.commit()
    factories.join(org["person_a"], org["unit_a"])
    page = _history(auth.client("xihuadmin"), record.id)
    assert "评审未通过（出席1人，同意0，不同意0，弃权0）" in page
    assert "未注册" in page[page.index('id="person-account"'):][:200]
    page = _history(auth.client("unita"), own.id)
    account = page[page.index('id="person-account"'):][:300]
    assert "已注册" in account and org.unit_a.name in account
