from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from zhicheng.extensions import db

# pending → running → done (→ expired, its file deleted after JOB_RETENTION_DAYS), or failed;
# the database refuses anything else.
EXPORT_STATUSES = ("pending", "running", "done", "failed", "expired")


class ExportJob(db.Model):
    """A long job run in the background (a large 导出汇总表, a 批量打印); the owner polls its
    progress and downloads its file."""

    __tablename__ = "export_job"
    __table_args__ = (CheckConstraint(f"status IN ({', '.join(map(repr, EXPORT_STATUSES))})", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # What the job makes: "export" (导出汇总表, .xlsx) or "print" (批量打印, one merged .pdf).
    kind: Mapped[str] = mapped_column(String(12), default="export", server_default="export")
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    params: Mapped[str] = mapped_column(Text, default="{}")
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    stored_name: Mapped[str | None] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    # Written with the progress: a running job without it for JOB_STALE_SECONDS was lost.
    heartbeat_at: Mapped[datetime | None]
