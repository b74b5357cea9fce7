"""Material data (not state): numbering, saving every tab of a material, and project rules.

State changes (上报, 通过, 退回 …) live in workflow.py; this module only writes what the
unit types in, and refuses writes the workflow does not allow (ensure_editable).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from zhicheng import scope, storage, transaction
from zhicheng.extensions import db
from zhicheng.materials.states import states_where
from zhicheng.models import Attachment, Department, Education, Material, Project, WorkHistory
from zhicheng.policy import P, require
from zhicheng.projects.models import PROJECT_KINDS
from zhicheng.review.workflow import ALREADY_HANDLED, WorkflowError, ensure_editable
from zhicheng.system import audit

EDITABLE_STATES = states_where("editable")

BASIC_FIELDS = ("name", "gender", "birth_date", "id_card", "phone", "work_start_date", "current_major",
                "series", "major", "qualification", "education", "current_title", "current_qualification",
                "current_qualification_date", "exceptional", "exception_reason", "achievements")
EDUCATION_FIELDS = ("start_date", "end_date", "school", "major", "education", "degree")
WORK_FIELDS = ("start_date", "end_date", "employer", "post", "duty")

REVIEW_FORM_MAX = 4 * storage.MB
SCAN_MAX = 4 * storage.MB
#: 专业技术工作业绩, in characters: with the row and attachment caps (config MAX_ROWS_PER_TABLE,
#: MAX_ATTACHMENTS_PER_MATERIAL, MAX_ATTACHMENT_MB_PER_MATERIAL) it bounds what one material
#: costs to store and to print.
ACHIEVEMENTS_MAX = 20000


def assign_number(material: Material) -> str:
    """编号: year-project-sequence, e.g. 2026-003-0000127 (unique because the id is)."""
    material.number = f"{material.project.year}-{material.project_id:03d}-{material.id:07d}"
    return material.number


# --- projects ---------------------------------------------------------------------------

def project_kinds_for(department: Department | None) -> dict[str, str]:
    """Which kinds a department may publish: the root office 中级 初定, first-level 归口部门 初级;
    the 组建单位 of a 评委会 also that 评委会's 评审 (zhicheng.projects.services)."""
    from zhicheng.projects.models import REVIEW_KINDS
    from zhicheng.projects.services import review_kinds_for
    if department is None:
        return {}
    kinds = {}
    if department.is_root:
        kinds = {k: v for k, v in PROJECT_KINDS.items() if k.endswith("_middle") and k not in REVIEW_KINDS}
    elif department.is_first_level:
        kinds = {k: v for k, v in PROJECT_KINDS.items() if k.endswith("_junior")}
    return {**kinds, **review_kinds_for(department)}


def check_project_kind(department: Department | None, kind: str) -> None:
    allowed = project_kinds_for(department)
    if not allowed:
        raise WorkflowError("只有市人社局（中级）、一级归口部门（初级）和评委会的组建单位（评审）可以发布申报项目")
    if kind not in allowed:
        raise WorkflowError(f"本部门只能发布以下类别的项目：{'、'.join(allowed.values())}")


def visible_project(user, project_id) -> Project | None:
    try:
        pk = int(project_id)
    except (TypeError, ValueError):
        return None
    return db.session.scalar(select(Project).where(Project.id == pk, scope.projects(user)))


# --- materials --------------------------------------------------------------------------

@dataclass
class MaterialInput:
    """What the form gives us, already validated: basic fields and the rows of each tab."""

    basic: dict
    educations: list[dict] = field(default_factory=list)
    work_histories: list[dict] = field(default_factory=list)


@dataclass
class Upload:
    kind: str  # "review_form" or "scan"
    file: FileStorage


class UploadFailed(ValueError):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def check_can_fill(user, project: Project, today: date | None = None) -> None:
    from zhicheng.projects.services import has_agreed, needs_commitment
    require(user, P.FILL, error=WorkflowError)
    if not project.is_open(today):
        raise WorkflowError(
            f"项目“{project.name}”申报时间为{project.start_date}至{project.end_date}，当前不在申报时间内，不能填写材料")
    if needs_commitment(project) and not has_agreed(user, project):
        raise CommitmentMissing("请先阅读并同意该项目的真实性承诺，再填写材料")


class CommitmentMissing(WorkflowError):
    """填写材料 of a 评审 project before its 真实性承诺 was agreed to."""


def check_size(data: MaterialInput) -> None:
    """The caps the form shows next to its fields, for callers that do not go through it."""
    cap = current_app.config["MAX_ROWS_PER_TABLE"]
    for label, rows in (("学历学位", data.educations), ("工作经历", data.work_histories)):
        if len(rows) > cap:
            raise WorkflowError(f"{label}最多填写{cap}行")
    checked = checked_basic(data.basic)
    if "exception_reason" in checked:
        data.basic["exception_reason"] = checked["exception_reason"]


def checked_basic(basic: dict, exceptional_now: bool = False) -> dict:
    """The rules of a material's basic fields every way of saving them keeps (the unit's form,
    the department's 录入, the person's 个人申报): 业绩 within ACHIEVEMENTS_MAX characters, 破格
    with its reason (`exceptional_now`: the material's flag when only the reason is posted). The
    values, with the 破格 flag and its cleaned reason when either was posted."""
    if len(basic.get("achievements") or "") > ACHIEVEMENTS_MAX:
        raise WorkflowError(f"专业技术工作业绩不超过{ACHIEVEMENTS_MAX}字")
    if "exceptional" in basic or "exception_reason" in basic:  # 破格 needs its reason
        from zhicheng.checks.eligibility import EligibilityError, check_exception
        exceptional = bool(basic.get("exceptional", exceptional_now))
        try:
            reason = check_exception(exceptional, basic.get("exception_reason") or "")
        except EligibilityError as e:
            raise WorkflowError(str(e)) from None
        basic = {**basic, "exceptional": exceptional, "exception_reason": reason}
    return basic


def _uploading(uploads: list[Upload]) -> list[Upload]:
    return [up for up in uploads if up.file and up.file.filename]


def _check_attachment_count(kept: list[Attachment], uploads: list[Upload]) -> None:
    """Before anything is written: the material keeps `kept` and gets `uploads` (a new 评审表
    replaces the old one)."""
    if not uploads:
        return
    cap = current_app.config["MAX_ATTACHMENTS_PER_MATERIAL"]
    if any(up.kind == "review_form" for up in uploads):
        kept = [a for a in kept if a.kind != "review_form"]
    if len(kept) + len(uploads) > cap:
        kind = "scan" if any(up.kind == "scan" for up in uploads) else "review_form"
        raise UploadFailed(kind, f"每份材料最多{cap}个附件（已有{len(kept)}个，本次上传{len(uploads)}个），"
                                 "请删除不需要的附件后再上传")


def _check_attachment_bytes(kept: list[Attachment], stored: list[tuple[str, storage.StoredFile]]) -> None:
    """After the uploads are stored (their sizes known): the material's total."""
    if not stored:
        return
    cap = current_app.config["MAX_ATTACHMENT_MB_PER_MATERIAL"] * storage.MB
    if any(kind == "review_form" for kind, _ in stored):
        kept = [a for a in kept if a.kind != "review_form"]
    if sum(a.size for a in kept) + sum(sf.size for _, sf in stored) > cap:
        kind = "scan" if any(k == "scan" for k, _ in stored) else "review_form"
        raise UploadFailed(kind, f"每份材料的附件合计不能超过{_megabytes(cap)}"
                                 f"（已有{_megabytes(sum(a.size for a in kept))}），请删除不需要的附件或压缩后再上传")


def _megabytes(size: int) -> str:
    return f"{size / storage.MB:.1f}".removesuffix(".0") + "M"


def store_uploads(uploads: list[Upload]) -> list[tuple[str, storage.StoredFile]]:
    """Save every upload, or none: on the first bad file the ones already stored are removed."""
    stored: list[tuple[str, storage.StoredFile]] = []
    for up in uploads:
        if not up.file or not up.file.filename:
            continue
        try:
            if up.kind == "review_form":
                sf = storage.save_upload(up.file, allowed=("pdf",), max_bytes=REVIEW_FORM_MAX)
            else:
                sf = storage.save_upload(up.file, max_bytes=SCAN_MAX)
        except storage.UploadError as e:
            discard([s for _, s in stored])
            raise UploadFailed(up.kind, f"{up.file.filename}：{e}") from None
        stored.append((up.kind, sf))
    return stored


def discard(files: list[storage.StoredFile]) -> None:
    for sf in files:
        storage.delete(sf.stored_name)


def _discard_unless_committed(stored: list[tuple[str, storage.StoredFile]]) -> None:
    """Files stored for rows of this transaction go if the transaction does not commit."""
    if stored:
        transaction.after_rollback(lambda: discard([sf for _, sf in stored]))


def _apply(material: Material, data: MaterialInput) -> None:
    for name in BASIC_FIELDS:
        if name in data.basic:
            value = data.basic[name]
            setattr(material, name, _empty(name) if value in (None, "") else value)
    material.educations = [Education(**{k: row.get(k) or _empty(k) for k in EDUCATION_FIELDS})
                           for row in data.educations]
    material.work_histories = [WorkHistory(**{k: row.get(k) or _empty(k) for k in WORK_FIELDS})
                               for row in data.work_histories]


def _empty(name: str):
    return None if name.endswith("date") else ""


def _attach(material: Material, stored: list[tuple[str, storage.StoredFile]]) -> list[str]:
    """Add the new files; a new 评审表 replaces the old one. Returns stored names to delete later."""
    obsolete: list[str] = []
    if any(kind == "review_form" for kind, _ in stored):
        for old in [a for a in material.attachments if a.kind == "review_form"]:
            obsolete.append(old.stored_name)
            material.attachments.remove(old)
    for kind, sf in stored:
        material.attachments.append(Attachment(kind=kind, original_name=sf.original_name,
                                               stored_name=sf.stored_name, mime=sf.mime, size=sf.size))
    return obsolete


def _claim(material: Material) -> None:
    """Bump the version only if the row is still editable and unchanged since we loaded it, so
    an edit racing a 上报 in another tab cannot rewrite a material that has just been submitted."""
    result = db.session.execute(
        update(Material)
        .where(Material.id == material.id, Material.version == material.version,
               Material.state.in_(EDITABLE_STATES))
        .values(version=Material.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise WorkflowError(f"材料{material.number}：{ALREADY_HANDLED}")


def create_material(user, project: Project, data: MaterialInput, uploads: list[Upload] = (),
                    today: date | None = None) -> Material:
    """填写材料: a new draft of the user's unit for `project`, with every tab in one go."""
    check_can_fill(user, project, today)
    if user.unit_id is None:
        raise WorkflowError("只有单位用户和工作账号可以填写材料")
    return new_material(user, user.unit_id, project, data, uploads)


def new_material(creator, unit_id: int, project: Project, data: MaterialInput, uploads: list[Upload] = ()) -> Material:
    """A new draft of unit `unit_id` for `project`, every tab in one go, written by `creator`
    (填写材料 above; a department's 录入 in zhicheng.declare): the caller has checked who may."""
    check_size(data)
    uploads = _uploading(list(uploads))
    _check_attachment_count([], uploads)
    stored = store_uploads(uploads)
    _discard_unless_committed(stored)
    try:
        with transaction.atomic():
            _check_attachment_bytes([], stored)
            material = Material(project=project, unit_id=unit_id, creator_id=creator.id)
            _apply(material, data)
            _attach(material, stored)
            db.session.add(material)
            db.session.flush()
            assign_number(material)
            audit.record("material.create", material, f"{material.number} {material.name}", actor=creator)
    except Exception:
        discard([sf for _, sf in stored])
        raise
    return material


def update_material(user, material: Material, data: MaterialInput, uploads: list[Upload] = (),
                    remove_attachment_ids: list[int] = ()) -> Material:
    """修改: drafts and returned materials only (workflow.ensure_editable), every tab at once."""
    require(user, P.FILL, error=WorkflowError)
    ensure_editable(material)
    return rewrite_material(user, material, data, uploads, remove_attachment_ids, _claim)


def rewrite_material(user, material: Material, data: MaterialInput, uploads: list[Upload],
                     remove_attachment_ids, claim: Callable[[Material], None]) -> Material:
    """Every tab of `material` replaced at once, by `user`: the caller has checked who may, and
    `claim` bumps the row's version only while it may still be changed (a concurrent step refused)."""
    check_size(data)
    remove = {int(i) for i in remove_attachment_ids}
    kept = [a for a in material.attachments if a.id not in remove]
    uploads = _uploading(list(uploads))
    _check_attachment_count(kept, uploads)
    stored = store_uploads(uploads)
    _discard_unless_committed(stored)
    try:
        with transaction.atomic():
            _check_attachment_bytes(kept, stored)
            obsolete = [a.stored_name for a in material.attachments if a.id in remove]
            material.attachments = kept
            _apply(material, data)
            obsolete += _attach(material, stored)
            claim(material)
            audit.record("material.update", material, f"{material.number} {material.name}", actor=user)
    except Exception:
        db.session.expire(material)  # the form shows the stored material again, not the refused edit
        discard([sf for _, sf in stored])
        raise
    transaction.after_commit(lambda: [storage.delete(name) for name in obsolete])
    return material
