"""个人申报: a person's own application, and his unit's review of it.

The person chooses a project of his confirmed unit's reach, agrees to its 真实性承诺 when it has
one (zhicheng.projects.services.agree), and gets a material filled from his 档案 as it is that
moment (a copy: later 档案 edits leave it alone): 学历学位 and 工作经历 as its tables, 工作业绩,
研究成果, a teacher's 公开课 and 教育教学, 培训 and 年度考核 as its 业绩 text (printed on the
申报表), the 身份证照片 as its files. He adds files in the manual's categories, each
with a 名称 and 说明, prints the 申报表 and 提交 it to the unit. The unit writes its 单位意见 (and
附件), waits for the 职能部门 sign-offs it asks for, then 上报 (review.workflow.submit_materials)
or returns it to him with a reason. Every move is a 审核记录 row written by zhicheng.review.workflow
from the one transition table (zhicheng.materials.states).
"""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from zhicheng import scope, storage, transaction
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.materials.models import PERSON_ATTACHMENT_KINDS, UNIT_OPINION_KIND
from zhicheng.materials.services import assign_number, checked_basic
from zhicheng.materials.states import STATES
from zhicheng.models import Attachment, Education, Material, Project, WorkHistory
from zhicheng.models import MaterialState as S
from zhicheng.persons import membership, snapshot
from zhicheng.persons import models as pm
from zhicheng.persons.models import (
    Person,
    Signoff,
    SignoffResult,
    SignoffStep,
)
from zhicheng.policy import P, require
from zhicheng.review.workflow import WorkflowError
from zhicheng.system import audit

#: Each file of a 个人申报: PDF, JPG or PNG (checked by content), at most this size.
FILE_MAX_MB = 4
FILE_TYPES = ("pdf", "jpg", "png")
#: Fields of the 基本信息 the person may still change on his application.
EDITABLE_FIELDS = ("phone", "current_major", "series", "major", "qualification", "education", "current_title",
                   "work_start_date", "current_qualification", "current_qualification_date", "exceptional",
                   "exception_reason", "achievements")


class ApplicationError(DomainError):
    pass


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


# --- projects ---------------------------------------------------------------------------------

def open_projects(user, today: date | None = None) -> list[Project]:
    """Projects the person may apply to now: those of his confirmed unit's reach, in their window."""
    today = today or date.today()
    return list(db.session.scalars(select(Project).where(
        scope.projects(user), Project.start_date <= today, Project.end_date >= today)
        .order_by(Project.kind, Project.name)))


def visible_project(user, project_id) -> Project | None:
    try:
        pid = int(project_id)
    except (TypeError, ValueError):
        return None
    return db.session.scalar(select(Project).where(Project.id == pid, scope.projects(user)))


def start(user, project_id, today: date | None = None) -> Material:
    """A new 个人申报 for the project, filled from the 档案 as it is now (a copy)."""
    from zhicheng.projects.services import has_agreed, needs_commitment
    require(user, P.PERSON, error=ApplicationError)
    unit = membership.confirmed_unit(user)
    if unit is None:
        raise ApplicationError("请先在“所属单位”中申请加入单位，经单位确认后才能申报")
    project = visible_project(user, project_id)
    if project is None:
        raise ApplicationError("项目不存在或不在本单位可申报的范围内")
    if not project.is_open(today):
        raise ApplicationError(f"项目“{project.name}”申报时间为{project.start_date}至{project.end_date}，"
                               "当前不在申报时间内")
    if needs_commitment(project) and not has_agreed(user, project):
        raise CommitmentNeeded("请先阅读并同意该项目的真实性承诺")
    exists = db.session.scalar(select(Material.id).where(Material.creator_id == user.id,
                                                         Material.project_id == project.id))
    if exists is not None:
        raise ApplicationError(f"已有该项目的申报材料，请在“个人申报”中继续填写（材料ID {exists}）")
    person = db.session.scalar(select(Person).where(Person.user_id == user.id))
    educations = snapshot.own_rows(pm.PersonEducation, user.id, "start_date")
    works = snapshot.own_rows(pm.PersonWork, user.id, "start_date")
    highest = educations[-1].education if educations else ""
    material = Material(
        project=project, unit_id=unit.id, creator_id=user.id, state=S.PERSON_DRAFT, name=person.name,
        gender=person.gender or "", birth_date=person.birth_date, id_card=person.id_number[:18], phone=person.phone,
        work_start_date=works[0].start_date if works else None, series=project.series or "", education=highest,
        current_title=works[-1].position if works else "", achievements=snapshot.archive_text(person))
    material.educations = [Education(start_date=e.start_date, end_date=e.end_date, school=e.school, major=e.major,
                                     education=e.education, degree=e.degree) for e in educations]
    material.work_histories = [WorkHistory(start_date=w.start_date, end_date=w.end_date, employer=w.employer,
                                           post=w.position, duty="") for w in works]
    snapshot.copy_id_photos(person, material)
    db.session.add(material)
    db.session.flush()
    assign_number(material)
    audit.record("person.apply", material, f"{material.number} 个人申报：{project.name}（所属单位：{unit.name}）",
                 actor=user)
    return material


class CommitmentNeeded(ApplicationError):
    pass


# --- the person's edits -----------------------------------------------------------------------

def own_material(user, material_id) -> Material:
    try:
        mid = int(material_id)
    except (TypeError, ValueError):
        mid = None
    found = db.session.scalar(select(Material).where(Material.id == mid, scope.materials(user),
                                                     Material.creator_id == user.id)) if mid else None
    if found is None:
        raise ApplicationError("申报材料不存在或无权操作")
    return found


def _editable(material: Material) -> None:
    facts = STATES.get(material.state)
    if facts is None or not facts.person_editable:
        raise ApplicationError(f"材料{material.number}状态为“{material.state_label}”，不能修改")


#: The fields the person chooses from the dictionaries (zhicheng.codes), with their labels: selects
#: when the dictionary has entries in use, 专业 and 资格名称 following the 系列, as on the unit's form.
DICT_FIELDS = (("series", "申报系列"), ("major", "申报专业"), ("qualification", "申报资格名称"))


def dict_options(material: Material) -> dict[str, list[tuple[str, str | None]]]:
    """The options of each dictionary field of the material's form (zhicheng.codes.dictionaries.
    field_options): the entries in use and the value stored; empty for a field typed in."""
    from zhicheng.codes.dictionaries import field_options
    return {name: field_options(name, getattr(material, name)) for name, _ in DICT_FIELDS}


def _check_series(material: Material, values: dict) -> None:
    """申报系列, 申报专业 and 申报资格名称 from their dictionaries (the value stored may stay), the
    专业 and 资格名称 of the 系列 (a combination stored before the link is kept when left as it
    was): the unit's form's checks and messages (zhicheng.materials.forms.material_form)."""
    from zhicheng.codes.dictionaries import series_mismatch
    options = dict_options(material)
    series = values.get("series", material.series)
    for name, label in DICT_FIELDS:
        value = values.get(name, getattr(material, name))
        if value and options[name] and value not in {o for o, _ in options[name]}:
            raise ApplicationError(f"请从列表中选择{label}")
        if name != "series" and (series, value) != (material.series, getattr(material, name)):
            message = series_mismatch(name, value, series)
            if message:
                raise ApplicationError(message)


def update_basic(user, material: Material, values: dict) -> None:
    require(user, P.PERSON, error=ApplicationError)
    _editable(material)
    _check_series(material, values)
    try:
        values = checked_basic(values, material.exceptional)
    except WorkflowError as e:
        raise ApplicationError(str(e)) from None
    for name in EDITABLE_FIELDS:
        if name in values:
            value = values[name]
            setattr(material, name, value if value not in (None, "") else (None if name.endswith("date") else ""))
    audit.record("material.update", material, f"{material.number} 个人修改基本信息", actor=user)
    db.session.flush()


def _store(file: FileStorage | None) -> storage.StoredFile:
    if file is None or not file.filename:
        raise ApplicationError("请选择要上传的文件")
    try:
        stored = storage.save_upload(file, allowed=FILE_TYPES, max_bytes=FILE_MAX_MB * storage.MB)
    except storage.UploadError as e:
        raise ApplicationError(f"{file.filename}：{e}（只能上传PDF、JPG、PNG文件，每个不超过{FILE_MAX_MB}M）") from None
    transaction.after_rollback(lambda: storage.delete(stored.stored_name))
    return stored


def _check_title(title: str, description: str) -> tuple[str, str]:
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise ApplicationError("请填写附件名称")
    if len(title) > 100:
        raise ApplicationError("附件名称不能超过100字")
    if len(description) > 500:
        raise ApplicationError("附件说明不能超过500字")
    return title, description


def _check_count(material: Material) -> None:
    cap = current_app.config["MAX_ATTACHMENTS_PER_MATERIAL"]
    if len(material.attachments) >= cap:
        raise ApplicationError(f"每份材料最多{cap}个附件，请删除不需要的附件后再上传")


def add_file(user, material: Material, kind: str, title: str, description: str, file: FileStorage | None) -> Attachment:
    """上传附件 in one of the manual's categories; nothing is stored when anything is wrong."""
    require(user, P.PERSON, error=ApplicationError)
    _editable(material)
    if kind not in PERSON_ATTACHMENT_KINDS:
        raise ApplicationError("请选择附件类别")
    title, description = _check_title(title, description)
    _check_count(material)
    stored = _store(file)
    att = Attachment(kind=kind, original_name=stored.original_name, stored_name=stored.stored_name,
                     mime=stored.mime, size=stored.size, title=title, description=description)
    material.attachments.append(att)
    db.session.flush()
    audit.record("material.attach", material, f"{material.number} 上传{att.kind_label}：{title}", actor=user)
    return att


def remove_file(user, material: Material, attachment_id) -> None:
    require(user, P.PERSON, error=ApplicationError)
    _editable(material)
    att = next((a for a in material.attachments if str(a.id) == str(attachment_id) and a.kind in PERSON_ATTACHMENT_KINDS),
               None)
    if att is None:
        raise ApplicationError("附件不存在")
    name = att.stored_name
    material.attachments.remove(att)
    db.session.flush()
    transaction.after_commit(lambda: storage.delete(name))
    audit.record("material.detach", material, f"{material.number} 删除附件：{att.title}", actor=user)


def submit_to_unit(user, material: Material, today: date | None = None) -> None:
    """提交 to the unit that confirmed him (he must still belong to it)."""
    from zhicheng.review import workflow
    require(user, P.PERSON, error=ApplicationError)
    if not membership.is_member(user.id, material.unit_id):
        raise ApplicationError(f"您已不是“{material.unit.name}”的工作人员（或单位尚未确认），不能向其提交")
    if material.state == S.PERSON_DRAFT and not material.project.is_open(today):
        raise ApplicationError(f"项目“{material.project.name}”当前不在申报时间内，不能提交")
    if not material.name or not material.id_card:
        raise ApplicationError("请先完善基本信息")
    workflow.person_submit(user, material)


# --- the unit's review ------------------------------------------------------------------------

def unit_material(user, material_id, permission=P.PERSON_REVIEW) -> Material:
    require(user, permission, error=ApplicationError)
    try:
        mid = int(material_id)
    except (TypeError, ValueError):
        mid = None
    predicate = scope.person_applications if permission == P.PERSON_REVIEW else scope.signoff_materials
    found = db.session.scalar(select(Material).where(Material.id == mid, predicate(user))) if mid else None
    if found is None:
        raise ApplicationError("申报材料不存在或无权操作")
    return found


def save_unit_opinion(user, material: Material, text: str, file: FileStorage | None = None,
                      title: str = "") -> None:
    """单位意见 and, optionally, one 单位意见附件."""
    require(user, P.PERSON_REVIEW, error=ApplicationError)
    if material.state != S.UNIT_REVIEW:
        raise ApplicationError(f"材料{material.number}状态为“{material.state_label}”，不能填写单位意见")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("请填写单位意见")
    if len(text) > 500:
        raise ApplicationError("单位意见不能超过500字")
    if file is not None and file.filename:
        _check_count(material)
        stored = _store(file)
        material.attachments.append(Attachment(
            kind=UNIT_OPINION_KIND, original_name=stored.original_name, stored_name=stored.stored_name,
            mime=stored.mime, size=stored.size, title=(title or "").strip()[:100] or "单位意见附件"))
    material.unit_opinion, material.unit_opinion_at = text, _now()
    audit.record("material.unit_opinion", material, f"{material.number} 单位意见：{text}", actor=user)
    db.session.flush()


def steps_of(unit_id: int) -> list[SignoffStep]:
    return list(db.session.scalars(select(SignoffStep).where(SignoffStep.unit_id == unit_id, SignoffStep.enabled)
                                   .order_by(SignoffStep.id)))


def signoffs_of(material: Material) -> list[tuple[SignoffStep, Signoff | None]]:
    """Each enabled step of the unit with its answer for this material (None: waiting)."""
    done = {s.step_id: s for s in db.session.scalars(select(Signoff).where(Signoff.material_id == material.id))}
    return [(step, done.get(step.id)) for step in steps_of(material.unit_id)]


def check_ready(material: Material) -> None:
    """What 上报 of a 个人申报 waits for: the 单位意见 and every 职能部门 sign-off, all agreeing."""
    if material.state != S.UNIT_REVIEW:
        return
    if not material.unit_opinion:
        raise ApplicationError(f"材料{material.number}（{material.name}）尚未填写单位意见，不能上报")
    waiting = [f"{s.office}{s.name}审核" for s, answer in signoffs_of(material) if answer is None]
    if waiting:
        raise ApplicationError(f"材料{material.number}（{material.name}）尚待{'、'.join(waiting)}，不能上报")
    refused = [f"{s.office}{s.name}审核" for s, answer in signoffs_of(material)
               if answer is not None and answer.result == SignoffResult.DISAGREE]
    if refused:
        raise ApplicationError(f"材料{material.number}（{material.name}）的{'、'.join(refused)}意见为不同意，"
                               "请退回个人修改")


def pending_steps(user, material: Material) -> list[SignoffStep]:
    answered = set(db.session.scalars(select(Signoff.step_id).where(Signoff.material_id == material.id)))
    return [s for s in steps_of(material.unit_id) if s.reviewer_id == user.id and s.id not in answered]


# --- 职能部门审核设置 ------------------------------------------------------------------------------

def add_step(user, name: str, office: str, reviewer_id) -> SignoffStep:
    from zhicheng.models import User
    require(user, P.UNIT_PEOPLE, error=ApplicationError)
    name, office = (name or "").strip(), (office or "").strip()
    if not name or not office:
        raise ApplicationError("请填写审核事项和职能部门")
    if len(name) > 50 or len(office) > 50:
        raise ApplicationError("审核事项和职能部门不能超过50字")
    try:
        reviewer = db.session.scalar(select(User).where(User.id == int(reviewer_id), scope.sub_accounts(user)))
    except (TypeError, ValueError):
        reviewer = None
    if reviewer is None:
        raise ApplicationError("请选择本单位的工作账号作为审核人")
    if db.session.scalar(select(SignoffStep.id).where(SignoffStep.unit_id == user.unit_id, SignoffStep.name == name)):
        raise ApplicationError(f"审核事项“{name}”已存在")
    step = SignoffStep(unit_id=user.unit_id, name=name, office=office, reviewer_id=reviewer.id)
    db.session.add(step)
    db.session.flush()
    audit.record("unit.signoff_step", step, f"新增职能部门审核：{office}·{name}，审核人 {reviewer.username}", actor=user)
    return step


def set_step_enabled(user, step_id, enabled: bool) -> SignoffStep:
    require(user, P.UNIT_PEOPLE, error=ApplicationError)
    try:
        step = db.session.scalar(select(SignoffStep).where(SignoffStep.id == int(step_id), scope.signoff_steps(user)))
    except (TypeError, ValueError):
        step = None
    if step is None:
        raise ApplicationError("审核事项不存在")
    step.enabled = enabled
    audit.record("unit.signoff_step", step, f"{'启用' if enabled else '停用'}职能部门审核：{step}", actor=user)
    db.session.flush()
    return step
