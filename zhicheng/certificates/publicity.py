"""公示 and 异议, then 评定: the root office (职改部门) publishes a batch of passed results for at
least 5 工作日 (China's official calendar with 调休, from `chinesecalendar`); anyone may file an
异议 meanwhile; the office upholds it (the result is revoked, the reason in the 审核记录) or rejects
it with a reply; after a period without an open 异议 the batch is confirmed (评定, final)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from zhicheng import scope, transaction
from zhicheng.certificates.models import Objection, PublicityBatch, PublicityEntry
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.models import Material, MaterialState, Project
from zhicheng.policy import P, require
from zhicheng.review import workflow
from zhicheng.system import audit

MIN_WORKING_DAYS = 5
MAX_BATCH = 20000


class PublicityError(DomainError):
    pass


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def working_days(start: date, end: date) -> int:
    """工作日 from `start` to `end` inclusive on China's official calendar (调休 included)."""
    import chinese_calendar
    count, day = 0, start
    try:
        while day <= end:
            count += chinese_calendar.is_workday(day)
            day += timedelta(days=1)
    except NotImplementedError:
        raise PublicityError(f"系统的法定节假日历尚未包含{day.year}年的安排，无法计算工作日，"
                             f"请升级节假日历（chinesecalendar）后再发布") from None
    return count


def earliest_end(start: date) -> date:
    """The first day on which a period starting on `start` holds MIN_WORKING_DAYS 工作日."""
    end = start
    while working_days(start, end) < MIN_WORKING_DAYS:
        end += timedelta(days=1)
    return end


def candidates(user):
    """Select of the passed results not yet on a 公示: 评审通过 of 评审 projects, 审核通过 of 初定/认定
    projects, within the user's view of the materials."""
    from zhicheng.projects.models import REVIEW_KINDS
    review = Project.kind.in_(list(REVIEW_KINDS))
    return (select(Material).join(Project, Project.id == Material.project_id)
            .where(scope.materials(user),
                   ((Material.state == MaterialState.BOARD_PASSED) & review)
                   | ((Material.state == MaterialState.APPROVED) & ~review))
            .order_by(Material.project_id, Material.id))


def _source(material: Material) -> str:
    project = material.project
    if project.board_id:
        from zhicheng.boards.models import ReviewBoard
        board = db.session.get(ReviewBoard, project.board_id)
        if board is not None:
            return f"{board.name} / {project.name}"
    return project.name


def create_batch(user, title: str, start: date | None, end: date | None, material_ids,
                 today: date | None = None) -> PublicityBatch:
    """发布公示: the chosen passed results, all or nothing."""
    require(user, P.POST_REVIEW, error=PublicityError)
    today = today or date.today()
    title = (title or "").strip()
    if not title:
        raise PublicityError("请填写公示标题")
    if start is None or end is None:
        raise PublicityError("请填写公示起止日期")
    if start < today:
        raise PublicityError("公示开始日期不能早于今天")
    if end < start:
        raise PublicityError("公示结束日期不能早于开始日期")
    days = working_days(start, end)
    if days < MIN_WORKING_DAYS:
        raise PublicityError(f"公示期{start}至{end}只有{days}个工作日，应不少于{MIN_WORKING_DAYS}个工作日"
                             f"（最早可到{earliest_end(start)}）")
    try:
        ids = sorted({int(i) for i in material_ids or ()})
    except (TypeError, ValueError):
        raise PublicityError("所选材料不存在或无权操作") from None
    if not ids:
        raise PublicityError("请先勾选要公示的人员")
    if len(ids) > MAX_BATCH:
        raise PublicityError(f"一批公示最多{MAX_BATCH}人")
    with transaction.atomic():
        found = {}
        for chunk in range(0, len(ids), 1000):
            stmt = candidates(user).where(Material.id.in_(ids[chunk:chunk + 1000])).options(
                joinedload(Material.unit), joinedload(Material.project))
            found.update((m.id, m) for m in db.session.scalars(stmt).unique())
        missing = [i for i in ids if i not in found]
        if missing:
            m = db.session.get(Material, missing[0])
            what = f"材料{m.number}（{m.name}）状态为“{m.state_label}”" if m is not None else "所选材料不存在"
            raise PublicityError(f"{what}，不能公示（只有评审通过或审核通过、尚未公示的结果可以公示）")
        batch = PublicityBatch(title=title, department_id=user.department_id, start_date=start, end_date=end,
                               created_at=_now(), created_by=user.display_name)
        db.session.add(batch)
        db.session.flush()
        sources: dict[int, str] = {}
        for mid in ids:
            m = found[mid]
            workflow.publicize(user, m, title)
            if m.project_id not in sources:
                sources[m.project_id] = _source(m)
            db.session.add(PublicityEntry(batch_id=batch.id, material_id=m.id, name=m.name,
                                          unit_name=m.unit.name if m.unit else "", qualification=m.qualification,
                                          major=m.major, source=sources[m.project_id]))
        audit.record("publicity.create", batch, f"发布公示“{title}”：{len(ids)}人，{start}至{end}", actor=user)
        db.session.flush()
    _invalidate()
    return batch


def in_period(batch: PublicityBatch, today: date | None = None) -> bool:
    today = today or date.today()
    return batch.state == "publicizing" and batch.start_date <= today <= batch.end_date


def public_batches(today: date | None = None) -> list[PublicityBatch]:
    """The batches the public page lists: those in their period."""
    today = today or date.today()
    return list(db.session.scalars(select(PublicityBatch).where(
        PublicityBatch.state == "publicizing", PublicityBatch.start_date <= today,
        PublicityBatch.end_date >= today).order_by(PublicityBatch.start_date.desc(), PublicityBatch.id.desc())))


def listed_entries(batch_id: int) -> list[PublicityEntry]:
    return list(db.session.scalars(select(PublicityEntry).where(
        PublicityEntry.batch_id == batch_id, PublicityEntry.state == "listed").order_by(PublicityEntry.id)))


# --- 异议 ----------------------------------------------------------------------------------

def file_objection(batch_id: int, entry_id, filer_name: str, contact: str, content: str, address: str,
                   today: date | None = None) -> Objection:
    """Anyone, during the period, against one person listed on the batch."""
    from zhicheng.validators import ValidationError
    batch = db.session.get(PublicityBatch, batch_id)
    if batch is None or not in_period(batch, today):
        raise PublicityError("该公示不在公示期内，不能提出异议")
    try:
        entry_id = int(entry_id)
    except (TypeError, ValueError):
        raise PublicityError("请选择异议对象") from None
    entry = db.session.scalar(select(PublicityEntry).where(
        PublicityEntry.id == entry_id, PublicityEntry.batch_id == batch.id, PublicityEntry.state == "listed"))
    if entry is None:
        raise PublicityError("请选择公示名单中的人员")
    filer_name, contact, content = (filer_name or "").strip(), (contact or "").strip(), (content or "").strip()
    if not filer_name or len(filer_name) > 50:
        raise PublicityError("请填写姓名（不超过50字）")
    if not contact or len(contact) > 100:
        raise PublicityError("请填写联系方式（不超过100字）")
    if not content:
        raise PublicityError("请填写异议内容")
    if len(content) > 2000:
        raise PublicityError("异议内容不超过2000字")
    objection = Objection(batch_id=batch.id, entry_id=entry.id, filer_name=filer_name, contact=contact,
                          content=content, filed_at=_now(), address=(address or "")[:64])
    db.session.add(objection)
    try:
        db.session.flush()
    except ValidationError as e:  # invisible characters and the like (zhicheng.textcheck)
        raise PublicityError(str(e)) from None
    return objection


def handle_objection(user, objection_id, upheld: bool, text: str) -> Objection:
    """异议成立 (the result is revoked with `text` as the reason) or 不成立 (closed with `text` as
    the reply)."""
    require(user, P.POST_REVIEW, error=PublicityError)
    text = (text or "").strip()
    if not text:
        raise PublicityError("请填写撤销理由" if upheld else "请填写答复意见")
    objection = db.session.scalar(select(Objection).where(
        Objection.id == parse_int(objection_id), Objection.batch_id.in_(select(PublicityBatch.id).where(
            scope.publicity_batches(user)))))
    if objection is None:
        raise PublicityError("该异议不存在或无权处理")
    with transaction.atomic():
        taken = db.session.execute(
            update(Objection).where(Objection.id == objection.id, Objection.state == "open")
            .values(state="upheld" if upheld else "rejected", reply=text, handled_by=user.display_name,
                    handled_at=_now()).execution_options(synchronize_session=False)).rowcount
        if taken != 1:
            raise PublicityError("该异议已处理")
        db.session.expire(objection)
        entry = objection.entry
        if upheld and entry.state == "listed":
            workflow.revoke_result(user, entry.material, f"公示异议成立：{text}")
            entry.state = "revoked"
            entry.batch.version += 1
        audit.record("publicity.objection", objection.batch,
                     f"异议（{entry.name}）{'成立' if upheld else '不成立'}：{text}", actor=user)
        db.session.flush()
    _invalidate()
    return objection


def parse_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def open_objections(batch_id: int) -> int:
    return db.session.scalar(select(func.count(Objection.id)).where(
        Objection.batch_id == batch_id, Objection.state == "open")) or 0


# --- 评定 ----------------------------------------------------------------------------------

def load_batch(user, batch_id, permission=P.POST_REVIEW) -> PublicityBatch:
    require(user, permission, error=PublicityError)
    batch = db.session.scalar(select(PublicityBatch).where(
        PublicityBatch.id == parse_int(batch_id), scope.publicity_batches(user)))
    if batch is None:
        raise PublicityError("该公示不存在或无权操作")
    return batch


def check_period_over(batch: PublicityBatch, today: date, doing: str) -> None:
    if batch.state == "publicizing" and today <= batch.end_date:
        raise PublicityError(f"“{batch.title}”仍在公示期内（{batch.start_date}至{batch.end_date}），公示期满后方可{doing}")
    count = open_objections(batch.id)
    if count:
        raise PublicityError(f"“{batch.title}”尚有{count}条异议未处理，处理完毕后方可{doing}")


def confirm_batch(user, batch_id, today: date | None = None) -> PublicityBatch:
    """评定: after the period, with no open 异议, every result still listed becomes final."""
    today = today or date.today()
    batch = load_batch(user, batch_id)
    if batch.state != "publicizing":
        raise PublicityError(f"“{batch.title}”已评定")
    check_period_over(batch, today, "评定")
    with transaction.atomic():
        entries = list(db.session.scalars(select(PublicityEntry).where(
            PublicityEntry.batch_id == batch.id, PublicityEntry.state == "listed")
            .options(joinedload(PublicityEntry.material))))
        for entry in entries:
            workflow.certify(user, entry.material, batch.title)
            entry.state = "certified"
        batch.state, batch.confirmed_at = "confirmed", _now()
        batch.version += 1
        audit.record("publicity.confirm", batch, f"评定“{batch.title}”：{len(entries)}人", actor=user)
        db.session.flush()
    _invalidate()
    return batch


# --- the public page's cache ----------------------------------------------------------------

def page_cache() -> dict:
    """The rendered public pages this process keeps (zhicheng.certificates.public), per app."""
    from flask import current_app
    return current_app.extensions.setdefault("zhicheng.publicity_pages", {})


def _invalidate() -> None:
    """Once the change is committed, this process renders the public pages afresh (others within
    PUBLICITY_CACHE_SECONDS)."""
    transaction.after_commit(page_cache().clear)
