"""`flask jobs reap` and `flask jobs purge`, for a timer (deploy/zhicheng-jobs.timer) every minute."""
from __future__ import annotations

import click
from flask.cli import AppGroup


def register(app) -> None:
    from zhicheng.system.cli import DomainCommand
    jobs_cli = AppGroup("jobs", help="后台任务。")

    @jobs_cli.command("reap", cls=DomainCommand)
    def reap() -> None:
        """把处理进程已停止或无人处理的后台任务标记为失败。"""
        from zhicheng.exporting.services import reap_stale_jobs
        click.echo(f"标记为失败的后台任务：{reap_stale_jobs()} 个")

    @jobs_cli.command("purge", cls=DomainCommand)
    def purge() -> None:
        """删除超过保留期限（JOB_RETENTION_DAYS）的导出文件。"""
        from zhicheng.exporting.services import purge_expired_jobs
        click.echo(f"删除过期的导出文件：{purge_expired_jobs()} 个")

    app.cli.add_command(jobs_cli)
