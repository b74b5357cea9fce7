"""Who may see which rows of 个人端: persons, their memberships, applications and 档案."""
from __future__ import annotations

from sqlalchemy import ColumnElement, false, select

from zhicheng.models import (
    Material,
    MaterialState,
    Membership,
    Person,
    SignoffStep,
    User,
)
from zhicheng.persons import models as pm


def persons(user) -> ColumnElement[bool]:
    """A 个人用户 sees his own profile; a unit those of the people it has confirmed."""
    if not user.is_authenticated:
        return false()
    if user.is_unit:
        return Person.user_id.in_(select(Membership.user_id).where(
            Membership.unit_id == user.unit_id, Membership.state == "confirmed"))
    if not user.is_person:
        return false()
    return Person.user_id == user.id


def memberships(user) -> ColumnElement[bool]:
    """所属单位 requests: a person his own (his history of units); a unit those addressed to it."""
    if not user.is_authenticated:
        return false()
    if user.is_person:
        return Membership.user_id == user.id
    if user.is_unit:
        return Membership.unit_id == user.unit_id
    return false()


def person_applications(user) -> ColumnElement[bool]:
    """个人申报 a unit reviews: those its confirmed people 提交 to it (never a person's draft)."""
    from zhicheng.accounts.models import KIND_PERSON
    if not user.is_authenticated or not user.is_unit:
        return false()
    return (Material.unit_id == user.unit_id) & (Material.state != MaterialState.PERSON_DRAFT) & (
        Material.creator_id.in_(select(User.id).where(User.kind == KIND_PERSON)))


def signoff_steps(user) -> ColumnElement[bool]:
    """职能部门审核 steps: the unit's own."""
    if not user.is_authenticated or not user.is_unit:
        return false()
    return SignoffStep.unit_id == user.unit_id


def signoff_materials(user) -> ColumnElement[bool]:
    """职能部门审核: a 工作账号 named reviewer of a step sees the unit's 个人申报 while at the unit."""
    if not user.is_authenticated or not user.is_sub:
        return false()
    has_step = select(SignoffStep.unit_id).where(SignoffStep.reviewer_id == user.id, SignoffStep.enabled)
    return ((Material.unit_id == user.unit_id) & Material.unit_id.in_(has_step)
            & (Material.state == MaterialState.UNIT_REVIEW))


def _own_archive(model):
    def predicate(user) -> ColumnElement[bool]:
        if not user.is_authenticated or not user.is_person:
            return false()
        return model.user_id == user.id

    predicate.__name__ = predicate.__qualname__ = f"own_{model.__tablename__}"
    predicate.__doc__ = f"{model.__doc__.strip()} rows of the person's own 档案 (only his)."
    return predicate


person_educations = _own_archive(pm.PersonEducation)
person_works = _own_archive(pm.PersonWork)
person_trainings = _own_archive(pm.PersonTraining)
person_research = _own_archive(pm.PersonResearch)
person_assessments = _own_archive(pm.PersonAssessment)
person_achievements = _own_archive(pm.PersonAchievement)
person_open_lessons = _own_archive(pm.PersonOpenLesson)
person_teachings = _own_archive(pm.PersonTeaching)
