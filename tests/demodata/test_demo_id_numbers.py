"""Every 居民身份证号 the demo and city data make is one the forms accept (check digit included):
an administrator editing a demo material, person or certificate is not refused on a number he
never typed."""
from sqlalchemy import select

from zhicheng.certificates.models import Certificate, IntegrityRecord
from zhicheng.demodata.city import load_city
from zhicheng.extensions import db
from zhicheng.models import Material, User
from zhicheng.people.models import PersonRecord
from zhicheng.persons.models import IdType, Membership, Person
from zhicheng.projects.models import ExamScore
from zhicheng.validators import ValidationError, check_id_card


def _refused(numbers) -> list[str]:
    bad = []
    for number in numbers:
        try:
            check_id_card(number)
        except ValidationError as e:
            bad.append(f"{number}: {e}")
    return bad


def test_every_resident_id_number_of_the_demo_and_city_data_passes_the_check(app):
    load_city(units=10, subs_per_unit=1, materials=200, echo=lambda *_: None, boards=1, groups_per_board=2,
              experts=30, review_materials=20, big_group=10, certificates=100)
    resident = [Person.id_type == IdType.RESIDENT]
    queries = [select(Material.id_card), select(Certificate.id_card), select(IntegrityRecord.id_card),
               select(ExamScore.id_card), select(User.id_card).where(User.id_card != ""),
               select(Person.id_number).where(*resident),
               select(Membership.id_number).join(Person, Person.user_id == Membership.user_id).where(*resident),
               select(PersonRecord.id_number).where(PersonRecord.id_type == IdType.RESIDENT)]
    numbers = {n for q in queries for n in db.session.scalars(q)}
    # the demo's materials (each part of it), its persons, the city's materials and certificates
    assert len(numbers) > 300
    assert _refused(sorted(numbers)) == []
