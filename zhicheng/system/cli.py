"""flask commands: demo-data, backup, restore; and `flask db` (Flask-Migrate), set up lazily."""
from __future__ import annotations

import click
from flask import Flask, has_app_context

from zhicheng.domain import DomainError


def init_migrate(app: Flask, db, **options) -> None:
    """Flask-Migrate for `flask db …` and flask_migrate.upgrade(), imported on first use.

    Flask-Migrate imports Alembic (and Mako, Pygments) with it: about 9 MB in
    every process, which only the migration commands need. Until one of them
    runs, app.extensions["migrate"] holds a stand-in and app.cli a `db` group
    of the same name and help; the first use imports Flask-Migrate, which puts
    its own extension and command group in their places.
    """
    migrate = _LazyMigrate(app, db, options)
    app.extensions["migrate"] = migrate
    app.cli.add_command(_LazyDbGroup(migrate))


class _LazyMigrate:
    """app.extensions["migrate"] until something reads it (as flask_migrate's functions do)."""

    def __init__(self, app: Flask, db, options: dict) -> None:
        self._app, self._db, self._options = app, db, options
        self._config = None

    def load(self):
        if self._config is None:
            from flask_migrate import Migrate
            Migrate(self._app, self._db, **self._options)  # replaces app.extensions["migrate"] and `db`
            self._config = self._app.extensions["migrate"]
        return self._config

    def __getattr__(self, name: str):
        return getattr(self.load(), name)


class _LazyDbGroup(click.Group):
    """`flask db`: resolves to Flask-Migrate's own group when a command line names it."""

    def __init__(self, migrate: _LazyMigrate) -> None:
        super().__init__("db", help="Perform database migrations.")
        self._migrate = migrate

    def make_context(self, info_name, args, parent=None, **extra):
        self._migrate.load()
        from flask_migrate.cli import db
        return db.make_context(info_name, args, parent=parent, **extra)


class DomainCommand(click.Command):
    """A command whose refusal (a DomainError) ends as one Chinese line on stderr and exit status 1,
    not a traceback. `error_prefix` opens the line; `explain(exc)`, if given, is appended to it."""

    def __init__(self, *args, error_prefix: str = "错误", explain=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.error_prefix = error_prefix
        self.explain = explain

    def invoke(self, ctx: click.Context):
        # The one place a command's work is committed (zhicheng.transaction); a refusal keeps nothing.
        from zhicheng import transaction
        try:
            result = super().invoke(ctx)
            if has_app_context():
                transaction.commit()
            return result
        except DomainError as exc:
            if has_app_context():
                transaction.rollback()
            extra = self.explain(exc) if self.explain else ""
            click.echo(f"{self.error_prefix}：{exc}{extra}", err=True)
            ctx.exit(1)


def _restore_explained(exc) -> str:
    return "。数据库和上传文件均未改动。" if getattr(exc, "nothing_changed", False) else ""


def register_cli(app: Flask) -> None:
    # Every command of the application reports a DomainError the same way.
    app.cli.command_class = DomainCommand
    from zhicheng.jobs.cli import register as register_jobs
    from zhicheng.storage.cli import register as register_storage
    register_storage(app)
    register_jobs(app)

    @app.cli.command("demo-data")
    @click.option("--scale", type=click.Choice(["small", "city"]), default="small", show_default=True)
    @click.option("--if-empty", is_flag=True, help="不报错地跳过已有数据的数据库")
    def demo_data(scale: str, if_empty: bool) -> None:
        """装入演示数据并打印演示账号。"""
        from sqlalchemy import select

        from zhicheng.extensions import db
        from zhicheng.models import Department
        if scale == "city":
            from zhicheng.demodata.city import load_city
            load_city()
            return
        if db.session.scalar(select(Department.id).limit(1)) is not None:
            if if_empty:
                click.echo("数据库中已有数据，跳过演示数据。")
                _print_logins(None)
                return
            raise click.ClickException("数据库中已有数据，演示数据只能装入空数据库")
        from zhicheng.demodata.demo import load_demo
        _print_logins(load_demo())

    @app.cli.command("check-consistency")
    def check_consistency_cmd() -> None:
        """核对每份材料的审核记录与其状态、所在部门是否一致。"""
        from zhicheng.review.consistency import check_consistency
        problems = check_consistency()
        for p in problems[:50]:
            click.echo(p)
        click.echo(f"不一致的材料：{len(problems)} 份")
        if problems:
            raise SystemExit(1)

    @app.cli.command("backup", error_prefix="备份失败")
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option("--format", "kind", type=click.Choice(["auto", "pg_dump", "json"]), default="auto",
                  show_default=True, help="auto：PostgreSQL 用 pg_dump，SQLite 用 json")
    def backup(path: str, kind: str) -> None:
        """备份数据库和上传文件到一个 .tar.gz 文件。"""
        from zhicheng.system.backup import make_backup
        click.echo(make_backup(path, None if kind == "auto" else kind))

    @app.cli.command("restore", error_prefix="恢复失败", explain=_restore_explained)
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--yes", is_flag=True, help="确认覆盖当前数据")
    def restore(path: str, yes: bool) -> None:
        """从备份文件恢复（覆盖当前数据库和上传文件）。"""
        if not yes:
            click.confirm("恢复将覆盖当前全部数据，确定继续？", abort=True)
        from zhicheng.system.backup import restore_backup
        click.echo(restore_backup(path))


def _print_logins(logins) -> None:
    from zhicheng.demodata.demo import DEMO_PASSWORD
    click.echo("\n演示账号（密码均为 %s）：" % DEMO_PASSWORD)
    rows = logins or [
        ("rsj_admin", DEMO_PASSWORD, "市人社局 管理员"),
        ("xihu_admin / _review / _return / _publish", DEMO_PASSWORD, "西湖区人才职改办 各角色"),
        ("jyj_admin / _review / _return / _publish", DEMO_PASSWORD, "杭州市教育局 各角色"),
        ("xhsz", DEMO_PASSWORD, "单位：杭州西湖数字科技有限公司"),
        ("szsz", DEMO_PASSWORD, "单位：杭州市第十四中学"),
        ("xhsz001 / xhsz002 / szsz001 / szsz002", DEMO_PASSWORD, "工作账号"),
        ("zj001 … zj006", DEMO_PASSWORD, "评审专家（杭州市工程系列中级评审委员会 专家库）"),
        ("zj007", DEMO_PASSWORD, "评审专家（首次登录须修改密码）"),
    ]
    for username, _pw, who in rows:
        click.echo(f"  {username:<45} {who}")
    click.echo("")
