"""个人申报's snapshot of the 档案: what a new application copies from the person's 档案 as it is that
moment (学历学位 and 工作经历 rows, the 业绩 text, the 身份证照片 files); later 档案 edits leave the
application alone."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from zhicheng import storage, transaction
from zhicheng.extensions import db
from zhicheng.materials.models import ID_PHOTO_KIND
from zhicheng.materials.services import ACHIEVEMENTS_MAX
from zhicheng.models import Attachment, Material
from zhicheng.persons import models as pm
from zhicheng.persons.models import (
    ASSESSMENT_LABELS,
    LESSON_LEVEL_LABELS,
    RESEARCH_KIND_LABELS,
    TEACHING_KIND_LABELS,
    Person,
)


def own_rows(model, user_id: int, *order: str) -> list:
    """The person's rows of one 档案 section, ordered by the named columns."""
    return list(db.session.scalars(select(model).where(model.user_id == user_id)
                                    .order_by(*(getattr(model, name) for name in order))))


def _research_text(user_id: int) -> list[str]:
    lines = []
    for r in own_rows(pm.PersonResearch, user_id, "kind", "published_on", "id"):
        parts = [f"【{RESEARCH_KIND_LABELS.get(r.kind, r.kind)}】{r.title}"]
        parts += [x for x in (r.source, r.number) if x]
        if r.published_on:
            parts.append(r.published_on.strftime("%Y-%m"))
        if r.role:
            parts.append(r.role)
        if r.url:
            parts.append(r.url)
        lines.append("，".join(parts))
    return lines


def _period(start: date | None, end: date | None) -> str:
    return f"{start:%Y-%m}—{f'{end:%Y-%m}' if end else '至今'}" if start else ""


def _achievement_text(user_id: int) -> list[str]:
    lines = []
    for a in own_rows(pm.PersonAchievement, user_id, "start_date", "id"):
        parts = [f"【工作业绩】{_period(a.start_date, a.end_date)} {a.title}"]
        if a.role:
            parts.append(f"本人角色：{a.role}")
        parts.append(a.content)
        if a.outcome:
            parts.append(f"成效：{a.outcome}")
        lines.append("，".join(parts))
    return lines


def _teacher_text(user_id: int) -> list[str]:
    """公开课 and 教育教学 of a teacher's 档案."""
    lines = []
    for o in own_rows(pm.PersonOpenLesson, user_id, "taught_on", "id"):
        parts = [f"【公开课】{o.taught_on:%Y-%m-%d} {o.subject}《{o.title}》",
                 LESSON_LEVEL_LABELS.get(o.level, o.level)]
        parts += [x for x in (o.audience, f"主办：{o.organiser}" if o.organiser else "") if x]
        lines.append("，".join(parts))
    for t in own_rows(pm.PersonTeaching, user_id, "start_date", "id"):
        parts = [f"【教育教学】{_period(t.start_date, t.end_date)} {TEACHING_KIND_LABELS.get(t.kind, t.kind)}：{t.content}"]
        if t.weekly_hours:
            parts.append(f"周课时{t.weekly_hours}")
        if t.evaluation:
            parts.append(f"考核评价：{t.evaluation}")
        lines.append("，".join(parts))
    return lines


def archive_text(person: Person) -> str:
    """工作业绩, 研究成果, (a teacher's) 公开课 and 教育教学, 培训经历 and 年度考核 of the 档案, as the
    业绩 text of the application, one item a line; cut at the text's limit (saying so)."""
    user_id = person.user_id
    lines = _achievement_text(user_id) + _research_text(user_id)
    if person.is_teacher:
        lines += _teacher_text(user_id)
    for t in own_rows(pm.PersonTraining, user_id, "start_date"):
        hours = f"，{t.hours}学时" if t.hours else ""
        lines.append(f"【培训】{t.start_date:%Y-%m} {t.subject}{('，' + t.organiser) if t.organiser else ''}{hours}")
    for a in own_rows(pm.PersonAssessment, user_id, "year"):
        lines.append(f"【年度考核】{a.year}年度：{ASSESSMENT_LABELS.get(a.result, a.result)}")
    kept, size = [], 0
    for i, line in enumerate(lines):
        if size + len(line) + 1 > ACHIEVEMENTS_MAX - len(CUT_NOTE) - 10:
            kept.append(CUT_NOTE.format(n=len(lines) - i))
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


#: The last line of an 业绩 text cut at ACHIEVEMENTS_MAX.
CUT_NOTE = "（另有{n}项超出专业技术工作业绩的字数上限，未带入，请以附件上传）"


def copy_id_photos(person: Person, material: Material) -> None:
    """The 身份证照片 of the 档案 as the material's own files (a copy: a later new photo in the 档案
    leaves the application alone); they go wherever the material goes but to the experts."""
    for stored_name, original, title in ((person.id_front_file, person.id_front_name, "身份证正面（人像面）"),
                                         (person.id_back_file, person.id_back_name, "身份证反面（国徽面）")):
        if not stored_name:
            continue
        try:
            stream = storage.open_file(stored_name)
        except FileNotFoundError:
            continue
        try:
            data = stream.read()
        finally:
            stream.close()
        # The type found from the content at upload (the stored name's extension: jpg or png).
        copy = storage.save_generated(data, stored_name.rpartition(".")[2], original or f"{title}.jpg")
        transaction.after_rollback(lambda n=copy.stored_name: storage.delete(n))
        material.attachments.append(Attachment(kind=ID_PHOTO_KIND, original_name=copy.original_name,
                                               stored_name=copy.stored_name, mime=copy.mime, size=copy.size,
                                               title=title, description="由个人档案带入"))
