"""录入高中级申报信息: a department types in an applicant's 评审简表 for a unit of its subtree, and the
new material starts 审核中 at that department (review.workflow.enter_material says why)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select, update

from zhicheng import scope
from zhicheng.extensions import db
from zhicheng.materials.services import MaterialInput, Upload, new_material, rewrite_material
from zhicheng.models import Material, MaterialState, Project, ReviewRecord, Unit
from zhicheng.policy import P, require
from zhicheng.review import workflow
from zhicheng.review.workflow import ALREADY_HANDLED, WorkflowError
from zhicheng.security import parse_id

#: 高、中级: the projects of this menu (初级 ones are filled by the units themselves).
LEVEL_KINDS = ("cd_middle", "ps_middle", "ps_senior")
#: Units listed for one search.
UNIT_MATCHES = 30


def find_units(user, term: str) -> list[Unit]:
    """Units of the user's subtree whose 单位全称 contains `term` or whose 统一社会信用代码 is it."""
    term = (term or "").strip()
    if not term:
        return []
    match = or_(Unit.name.contains(term, autoescape=True), Unit.uscc == term.upper())
    return list(db.session.scalars(select(Unit).where(scope.units(user), match)
                                   .order_by(Unit.name, Unit.id).limit(UNIT_MATCHES)))


def visible_unit(user, unit_id) -> Unit | None:
    from zhicheng.security import parse_id
    pk = parse_id(unit_id)
    if pk is None or not (user.is_authenticated and user.is_staff):
        return None
    return db.session.scalar(select(Unit).where(Unit.id == pk, scope.units(user)))


def entry_projects(user, unit: Unit, today: date | None = None) -> list[Project]:
    """高中级 projects open today that a material of `unit` entered here may go to: issued by the
    user's department or one above it (the chain from the unit's 归口部门 up passes through here)."""
    today = today or date.today()
    dept = user.department
    if dept is None or dept.id not in unit.department.ancestor_ids():
        return []
    return list(db.session.scalars(
        select(Project).where(Project.issuer_id.in_(dept.ancestor_ids()), Project.kind.in_(LEVEL_KINDS),
                              Project.start_date <= today, Project.end_date >= today)
        .order_by(Project.year.desc(), Project.id.desc())))


def enter(user, unit_id, project_id, data: MaterialInput, uploads: list[Upload] = (),
          today: date | None = None) -> Material:
    """The material as typed in, numbered, 审核中 at the user's department, with its 审核记录."""
    require(user, P.REVIEW, error=WorkflowError)
    unit = visible_unit(user, unit_id)
    if unit is None:
        raise WorkflowError("所选单位不存在或不在本部门管辖范围内")
    project = next((p for p in entry_projects(user, unit, today) if str(p.id) == str(project_id)), None)
    if project is None:
        raise WorkflowError("请选择本部门或上级部门发布的、正在申报时间内的高中级申报项目")
    material = new_material(user, unit.id, project, data, uploads)
    workflow.enter_material(user, material)
    return material


def own_entries(user):
    """Materials this department entered and still holds as entered: 审核中 here, with no step of the
    review after the 录入 (its only 审核记录). Once passed on or returned they go on like any other."""
    # Each material's own records, by the review_record.material_id index (not every record grouped).
    records = select(ReviewRecord.id).where(ReviewRecord.material_id == Material.id)
    entered_here = (ReviewRecord.action == "enter") & (ReviewRecord.department_id == user.department_id)
    return (Material.state == MaterialState.IN_REVIEW, Material.current_department_id == user.department_id,
            records.where(entered_here).exists(), ~records.where(~entered_here).exists(), scope.materials(user))


def editable_entries(user, ids: list[int]) -> set[int]:
    """Which of `ids` the user's department may still 修改 (its own 录入, untouched)."""
    if not ids or user.department_id is None:
        return set()
    return set(db.session.scalars(select(Material.id).where(Material.id.in_(ids), *own_entries(user))))


def editable_entry(user, material_id) -> Material | None:
    """A material the user's department entered and may still 修改, by its id; None otherwise."""
    pk = parse_id(material_id)
    if pk is None or user.department_id is None:
        return None
    return db.session.scalar(select(Material).where(Material.id == pk, *own_entries(user)))


def update_entry(user, material: Material, data: MaterialInput, uploads: list[Upload] = (),
                 remove_attachment_ids=()) -> Material:
    """修改 a material this department entered, while it is still here as entered (every tab at
    once, as the unit's 修改); refused once a reviewer has passed or returned it."""
    require(user, P.REVIEW, error=WorkflowError)
    if editable_entry(user, material.id) is None:
        raise WorkflowError(f"材料{material.number}不是本部门录入、仍在本部门待审核的材料，不能修改")

    def claim(m: Material) -> None:
        done = db.session.execute(
            update(Material).where(Material.id == m.id, Material.version == m.version, *own_entries(user))
            .values(version=Material.version + 1).execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise WorkflowError(f"材料{m.number}：{ALREADY_HANDLED}")

    return rewrite_material(user, material, data, uploads, remove_attachment_ids, claim)
