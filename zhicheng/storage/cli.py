"""`flask storage migrate`: copy the files kept on this server's disk into the object storage."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from zhicheng.domain import DomainError
from zhicheng.storage import local_backend, make_backend
from zhicheng.storage.backends import AREAS, content_type_of, sha256_of


class MigrateError(DomainError):
    pass


def migrate_to_object_storage(echo=click.echo) -> dict[str, int]:
    """Every file of the local upload and export directories into the configured S3 bucket, each
    checked by SHA-256 after the copy; files already there with the same content are skipped, so
    the command may be run again after an interruption. The local files are left in place."""
    config = current_app.config
    if config["STORAGE_BACKEND"] != "s3":
        raise MigrateError("STORAGE_BACKEND 不是 s3：请先配置对象存储（S3_ENDPOINT_URL、S3_BUCKET 等）再迁移")
    source, target = local_backend(config), make_backend(config)
    target.ensure_bucket()
    counts = {"copied": 0, "present": 0, "failed": 0}
    for area in AREAS:
        for name in source.names(area):
            with source.open(area, name) as f:
                digest = sha256_of(f)
            if target.exists(area, name):
                with target.open(area, name) as f:
                    if sha256_of(f) == digest:
                        counts["present"] += 1
                        continue
            with source.open(area, name) as f:
                target.put_stream(area, name, f, content_type_of(name))
            with target.open(area, name) as f:
                ok = sha256_of(f) == digest
            counts["copied" if ok else "failed"] += 1
            if not ok:
                echo(f"校验失败：{area}/{name}")
    echo(f"已复制 {counts['copied']} 个文件，对象存储中已有 {counts['present']} 个，校验失败 {counts['failed']} 个")
    if counts["failed"]:
        raise MigrateError(f"{counts['failed']} 个文件复制后校验不一致，请重新运行本命令")
    return counts


def register(app) -> None:
    from zhicheng.system.cli import DomainCommand
    storage_cli = AppGroup("storage", help="上传文件与导出文件的存储。")

    @storage_cli.command("migrate", cls=DomainCommand, error_prefix="迁移失败")
    def migrate() -> None:
        """把本机磁盘上的上传文件和导出文件复制到对象存储（逐个校验 SHA-256，可重复运行）。"""
        migrate_to_object_storage()

    app.cli.add_command(storage_cli)
