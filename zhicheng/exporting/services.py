"""导出汇总表: the current query as an .xlsx with typed cells, a frozen header and sensible
widths. Rows come from the database in batches and go straight into the workbook's spool file
(zhicheng.exporting.xlsx), so a large export never holds all rows in memory. Exports
above EXPORT_BACKGROUND_THRESHOLD rows run as a background job with visible progress."""
from __future__ import annotations

import json
import secrets
import shutil
import tempfile
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any, Callable, Iterable
from urllib.parse import quote

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from zhicheng import jobs, scope, storage, transaction
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.models import STATE_LABELS, Department, ExportJob, Material, Project, Unit
from zhicheng.policy import P, require
from zhicheng.projects.models import PROJECT_KINDS
from zhicheng.security import parse_id
from zhicheng.storage.backends import content_type_of
from zhicheng.system import audit
from zhicheng.validators import ValidationError, ascii_digits


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: str = "text"  # text | date | datetime | int


#: Text starting with one of these is taken as a formula by spreadsheet programs (OWASP's CSV
#: injection list, plus the full-width forms a Chinese input method types).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


#: Number formats of date and date-time cells (openpyxl's defaults, which the files had before).
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd h:mm:ss"
#: Text a spreadsheet shows as an error value when it is stored as one.
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


def write_xlsx(fileobj, title: str, columns: list[Column], rows: Iterable[Iterable[Any]],
               progress: Callable[[int], None] | None = None, every: int = 2000) -> int:
    """Write rows to an .xlsx; cells typed by their values (text, numbers, dates). Returns the row count.

    zhicheng.exporting.xlsx writes each row to a spool file as it comes (a large export never
    holds its rows in memory); openpyxl reads workbooks (imports). Everything it spools, and the archive
    itself until it is complete, lives in a temporary directory of its own that is removed
    whatever happens, so no file with personal data is left behind by a failed export.

    Every workbook the system offers is written here, so text from users is made safe here:
    characters a workbook cannot hold are dropped, and text that a spreadsheet would read as a
    formula is written as a text cell."""
    return write_xlsx_sheets(fileobj, [(title, columns, rows)], progress=progress, every=every)[0]


def write_xlsx_sheets(fileobj, sheets: Iterable[tuple[str, list[Column], Iterable[Iterable[Any]]]],
                      progress: Callable[[int], None] | None = None, every: int = 2000) -> list[int]:
    """write_xlsx for a workbook of several sheets (title, columns, rows), written one after the
    other; returns the row count of each."""
    from zhicheng.exporting.xlsx import write_workbook

    def quoted(text: str) -> bool:
        return text.startswith(_FORMULA_START) or text in _ERROR_CODES

    with tempfile.TemporaryDirectory(prefix="zc-xlsx-") as tmp:
        book_path = Path(tmp) / "book.xlsx"
        counts = write_workbook(book_path, Path(tmp),
                                [(title, [c.header for c in columns], [c.width for c in columns], rows)
                                 for title, columns, rows in sheets],
                                quoted, DATE_FORMAT, DATETIME_FORMAT, progress=progress, every=every)
        with open(book_path, "rb") as book:
            shutil.copyfileobj(book, fileobj, 1 << 20)
    return counts


def content_disposition(ascii_name: str, display_name: str) -> str:
    """attachment with an ASCII filename and the Chinese one as filename* (RFC 6266)."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(display_name)}"


# --- the material summary ----------------------------------------------------------------

MATERIAL_COLUMNS = [
    Column("编号", 18), Column("姓名", 10), Column("性别", 6), Column("出生日期", 12, "date"),
    Column("身份证号", 21), Column("手机", 14), Column("参加工作时间", 13, "date"),
    Column("工作单位", 28), Column("归口部门", 20), Column("申报项目", 32), Column("项目类别", 10),
    Column("年份", 7, "int"), Column("申报系列", 10), Column("申报专业", 14), Column("申报资格名称", 14),
    Column("学历", 10), Column("状态", 9), Column("所在审核部门", 20), Column("上报时间", 17, "datetime"),
    Column("操作人", 10), Column("联系电话", 14),
]


@dataclass
class ExportFilters:
    project: int | None = None
    state: str | None = None
    name: str | None = None
    id_card: str | None = None
    number: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    unit: str | None = None          # departments: unit name keyword
    department: int | None = None    # departments: a sub-department (its subtree)

    @classmethod
    def from_args(cls, args) -> "ExportFilters":
        def text(key):
            value = (args.get(key) or "").strip()
            return value or None

        def integer(key, label):
            value = text(key)
            if value is None:
                return None
            number = parse_id(value)
            if number is None:
                raise ValidationError(f"{label}不正确")
            return number

        def day(key, label):
            value = text(key)
            if value is None:
                return None
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ValidationError(f"{label}格式应为 年-月-日，例如 2026-01-31") from None

        f = cls(project=integer("project", "申报项目"), state=text("state"), name=text("name"),
                id_card=ascii_digits(text("id_card")).upper() or None, number=text("number"),
                date_from=day("date_from", "上报开始日期"), date_to=day("date_to", "上报截止日期"),
                unit=text("unit"), department=integer("department", "部门"))
        if f.state is not None and f.state not in STATE_LABELS:
            raise ValidationError("状态不正确")
        if f.date_from and f.date_to and f.date_from > f.date_to:
            raise ValidationError("上报开始日期不能晚于截止日期")
        return f

    def as_args(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items() if v is not None}


def material_conditions(user, f: ExportFilters) -> list:
    """The scope of the user plus the filters; the same list feeds the page and the file (and a
    background job, with its owner's permission asked again when it runs)."""
    require(user, P.EXPORT_SUMMARY)
    conds = [scope.materials(user)]
    if f.project is not None:
        conds.append(Material.project_id == f.project)
    if f.state is not None:
        conds.append(Material.state == f.state)
    if f.name:
        conds.append(Material.name.contains(f.name, autoescape=True))
    if f.id_card:
        conds.append(Material.id_card == f.id_card)
    if f.number:
        conds.append(Material.number == f.number)
    if f.date_from:
        conds.append(Material.submitted_at >= datetime.combine(f.date_from, datetime.min.time()))
    if f.date_to:
        conds.append(Material.submitted_at < datetime.combine(f.date_to, datetime.max.time()))
    if f.unit and user.is_staff:
        conds.append(Material.unit_id.in_(select(Unit.id).where(Unit.name.contains(f.unit, autoescape=True))))
    if f.department is not None and user.is_staff:
        dept = db.session.scalar(select(Department).where(Department.id == f.department, scope.departments(user)))
        if dept is None:
            raise ValidationError("所选部门不存在或不在本部门管辖范围内")
        conds.append(Material.unit_id.in_(select(Unit.id).where(Unit.department_id.in_(scope.subtree_ids(dept)))))
    return conds


def material_rows_statement(conds):
    unit_dept = aliased(Department)
    cur_dept = aliased(Department)
    return (
        select(Material.number, Material.name, Material.gender, Material.birth_date, Material.id_card,
               Material.phone, Material.work_start_date, Unit.name, unit_dept.name, Project.name, Project.kind,
               Project.year, Material.series, Material.major, Material.qualification, Material.education,
               Material.state, cur_dept.name, Material.submitted_at, Material.submitter_name,
               Material.submitter_phone)
        .join(Unit, Unit.id == Material.unit_id)
        .join(unit_dept, unit_dept.id == Unit.department_id)
        .join(Project, Project.id == Material.project_id)
        .outerjoin(cur_dept, cur_dept.id == Material.current_department_id)
        .where(*conds)
        .order_by(Material.id)
    )


#: Rows fetched from the database at a time (a server-side cursor). A batch is held several times
#: over while it becomes cells (the driver's rows, SQLAlchemy's, ours): the process grows by about
#: 1.4 MB per 250 rows of batch (11 MB at 2,000), and larger batches are no faster.
ROW_BATCH = 250
#: A background job's progress is recorded every so many rows.
PROGRESS_EVERY = 2000


def _material_rows(conds, batch: int | None = None):
    result = db.session.execute(material_rows_statement(conds).execution_options(yield_per=batch or ROW_BATCH))
    for row in result:
        values = list(row)
        values[10] = PROJECT_KINDS.get(values[10], values[10])
        values[16] = STATE_LABELS.get(values[16], values[16])
        yield values


def count_materials(conds) -> int:
    return db.session.scalar(select(func.count()).select_from(Material).where(*conds))


def export_filename(user, f: ExportFilters) -> tuple[str, str]:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    label = "汇总表"
    if f.project is not None:
        from zhicheng.materials.services import visible_project
        project = visible_project(user, f.project)
        if project is not None:
            label = f"{project.name}汇总表"
    return f"zhicheng-export-{stamp}.xlsx", f"{label}-{stamp}.xlsx"


def export_materials_to(fileobj, user, f: ExportFilters, progress=None) -> int:
    return write_xlsx(fileobj, "汇总表", MATERIAL_COLUMNS, _material_rows(material_conditions(user, f)),
                      progress=progress, every=PROGRESS_EVERY)


def export_materials_file(user, f: ExportFilters) -> tuple[IO[bytes], int]:
    """The workbook in an anonymous temporary file, at its start, for the response to stream.

    The file has no name on disk: the personal data in it is gone once it is closed, after the
    response, when the client goes away or when writing fails."""
    tmp = tempfile.TemporaryFile(prefix="zc-export-", suffix=".xlsx")
    try:
        n = export_materials_to(tmp, user, f)
        audit.record("export.materials", None,
                     f"导出汇总表 {n} 行；条件 {json.dumps(f.as_args(), ensure_ascii=False)}", actor=user)
        db.session.flush()
        tmp.seek(0)
    except BaseException:
        tmp.close()
        raise
    return tmp, n


# --- background jobs (zhicheng.jobs: RQ, or in-process without Redis) --------------------------

class ExportError(DomainError):
    pass


def check_job_cap(user) -> None:
    """At most JOBS_PER_USER of a user's background jobs (exports, 批量打印) wait or run at once."""
    cap = current_app.config["JOBS_PER_USER"]
    busy = db.session.scalar(select(func.count()).select_from(ExportJob).where(
        ExportJob.user_id == user.id, ExportJob.status.in_(("pending", "running"))))
    if busy >= cap:
        raise ExportError(f"您已有{busy}个后台任务正在进行（每人最多同时{cap}个），请等它们完成后再试")


def start_export_job(user, f: ExportFilters, total: int) -> ExportJob:
    """A 导出汇总表 too large for one request: a job row the owner watches, run by zhicheng.jobs
    once this request has committed. At most JOBS_PER_USER of a user's jobs wait or run at once."""
    check_job_cap(user)
    ascii_name, display = export_filename(user, f)
    job = ExportJob(user_id=user.id, status="pending", params=json.dumps(f.as_args()), total=total,
                    filename=display, created_at=datetime.now())  # the reaper compares it with the app's clock
    db.session.add(job)
    audit.record("export.job", None, f"后台导出汇总表 {total} 行", actor=user)
    db.session.flush()
    jobs.enqueue("zhicheng.exporting.services.run_export_job", job.id)
    return job


def wait_for_job(job_id: int, timeout: float = 60) -> None:
    """Kept for callers that wait: without Redis the job has already run when the request that
    started it has answered; with RQ the pages poll the job row."""


def run_export_job(job_id: int) -> None:
    """The job: the rows read again through the owner's scope (and permission) as they are now,
    written to a spool file and put into storage; progress and a heartbeat on the job row."""
    from zhicheng.models import User
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status != "pending":
        return  # reaped meanwhile, or delivered twice by the queue
    user = db.session.get(User, job.user_id)
    stored = f"{secrets.token_hex(16)}.xlsx"
    spool = storage.spool_file(".xlsx")
    job.status, job.started_at, job.heartbeat_at = "running", datetime.now(), datetime.now()
    transaction.commit()  # the owner sees it running (a job commits as it goes)

    mark = ExportJob.__table__.update().where(ExportJob.id == job_id)

    def progress(n):
        values = {"done": n, "heartbeat_at": datetime.now()}
        if db.engine.dialect.name == "sqlite":
            # One writer at a time: the row reader's own connection records it. Committed on
            # that connection itself: a session commit would hand it back to the pool, and the
            # next progress would be written on another connection, which SQLite refuses
            # (locked) while the rows are still being read.
            db.session.execute(mark.values(**values))
            db.session.connection().connection.dbapi_connection.commit()
            return
        # Committed on a connection of its own: a commit on the one the rows stream from
        # would close their server-side cursor (PostgreSQL closes cursors at commit).
        with db.engine.begin() as conn:
            conn.execute(mark.values(**values))

    try:
        f = ExportFilters(**{k: (date.fromisoformat(v) if k.startswith("date_") else v)
                             for k, v in json.loads(job.params).items()})
        with open(spool, "wb") as out:
            n = export_materials_to(out, user, f, progress=progress)
        storage.put_export(stored, spool, XLSX)  # the shared storage: any app server can send it
        job_done(job_id, stored, n)
    except Exception:  # noqa: BLE001 (logged and shown on the job page by job_failed, never lost)
        job_failed(job_id, spool, stored, "export")


def job_done(job_id: int, stored: str, rows: int) -> None:
    """A job whose file of `rows` rows is in storage under `stored`."""
    job = db.session.get(ExportJob, job_id)
    job.status, job.done, job.total, job.stored_name = "done", rows, rows, stored
    job.finished_at = job.heartbeat_at = datetime.now()


def job_failed(job_id: int, spool: Path, stored: str, kind: str) -> None:
    """A job that raised (called in its except clause): its partial file gone from the spool and
    the storage, the session rolled back, the job failed. The page shows Chinese; the details
    (which may quote any stored text) go to the log, as "`kind` job <id> failed"."""
    spool.unlink(missing_ok=True)
    storage.delete(stored, area="exports")
    db.session.rollback()
    job = db.session.get(ExportJob, job_id)
    current_app.logger.exception("%s job %s failed", kind, job_id)
    job.status, job.error = "failed", "请稍后重试；如问题持续，请联系系统管理员"
    job.finished_at = datetime.now()


def reap_stale_jobs(now: datetime | None = None) -> int:
    """Jobs lost with their worker (no heartbeat for JOB_STALE_SECONDS) or never picked up (pending
    for JOB_PENDING_MINUTES: no worker running) are marked failed, so nobody waits for ever."""
    now = now or datetime.now()
    config = current_app.config
    lost = (ExportJob.status == "running") & (ExportJob.heartbeat_at < now - timedelta(seconds=config["JOB_STALE_SECONDS"]))
    waiting = (ExportJob.status == "pending") & (ExportJob.created_at < now - timedelta(minutes=config["JOB_PENDING_MINUTES"]))
    n = 0
    for clause, error in ((lost, "导出中断（后台处理进程已停止），请重新导出"),
                          (waiting, "导出未能开始（后台处理进程未运行），请稍后重新导出")):
        n += db.session.execute(ExportJob.__table__.update().where(clause).values(
            status="failed", error=error, finished_at=now)).rowcount
    return n


def purge_expired_jobs(now: datetime | None = None) -> int:
    """Finished files older than JOB_RETENTION_DAYS are deleted; their jobs say so."""
    now = now or datetime.now()
    cutoff = now - timedelta(days=current_app.config["JOB_RETENTION_DAYS"])
    old = list(db.session.scalars(select(ExportJob).where(ExportJob.status == "done", ExportJob.finished_at < cutoff)))
    for job in old:
        if job.stored_name:
            storage.delete(job.stored_name, area="exports")
        job.status, job.stored_name = "expired", None
        job.error = f"导出文件已超过保留期限（{current_app.config['JOB_RETENTION_DAYS']}天）并已删除，如需要请重新导出"
    db.session.flush()
    return len(old)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send_job_file(job: ExportJob):
    """The finished job's file (the caller has loaded the job through scope.export_jobs)."""
    ext = job.stored_name.rpartition(".")[2]
    ascii_name = f"zhicheng-{job.kind}-{job.id}.{ext}"
    return storage.download(job.stored_name, area="exports", mimetype=content_type_of(job.stored_name),
                            download_name=ascii_name, disposition=content_disposition(ascii_name, job.filename))
