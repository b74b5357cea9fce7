"""Backup and restore on PostgreSQL with its own tools: `pg_dump -Fc` (one consistent snapshot,
whatever runs meanwhile) and `pg_restore` into an empty database, in a single transaction.

The archive (.tar.gz) holds the dump, a manifest (the Alembic revision of the schema, when, and
what files belong to it) and the uploaded files when they are on this server's disk; with object
storage the manifest lists the bucket's objects (name, size) and a restore checks they are there.
A restore refuses an archive of another schema revision (restore with the program of that
revision, then `flask db upgrade`) and a database that is not empty.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect, text

from zhicheng import storage
from zhicheng.extensions import db
from zhicheng.system.backup import MANIFEST, BackupError, upload_name_ok

FORMAT = "pg_dump"
DUMP = "database.dump"


def _libpq() -> tuple[str, dict]:
    """The database as a libpq URL without its password (kept out of the process list) and the
    environment that carries the password."""
    url = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, env


def _run(args: list[str], what: str) -> None:
    plain, env = _libpq()
    try:
        done = subprocess.run([*args, "--dbname", plain], env=env, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(f"找不到 {args[0]}：请安装 PostgreSQL 客户端（Debian：postgresql-client）") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["未知错误"])[-1]
        raise BackupError(f"{what}失败：{last}")


def current_revision() -> str | None:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        db.session.rollback()
        return None


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from zhicheng.config import MIGRATIONS
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def make_pg_backup(target: Path) -> str:
    backend = storage.backend()
    revision = current_revision()
    if revision is None:
        raise BackupError("数据库没有迁移版本记录（alembic_version）：请用 flask db upgrade 建立的数据库")
    with tempfile.TemporaryDirectory(prefix="zc-backup-") as tmp:
        dump = Path(tmp) / DUMP
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(dump)], "pg_dump 备份数据库")
        manifest = {"format": FORMAT, "revision": revision, "created": datetime.now().isoformat(),
                    "storage": backend.kind, "files": [], "objects": []}
        with tarfile.open(target, "w:gz", compresslevel=1) as tar:  # the dump is compressed already
            tar.add(dump, arcname=DUMP)
            if backend.kind == "local":
                for name in backend.names("uploads"):
                    if upload_name_ok(name):
                        tar.add(backend.path("uploads", name), arcname=f"uploads/{name}")
                        manifest["files"].append(name)
            else:
                manifest["objects"] = [{"name": item["Key"], "size": item["Size"]} for item in _objects(backend)]
            data = json.dumps(manifest, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            from io import BytesIO
            tar.addfile(info, BytesIO(data))
    where = f"、{len(manifest['files'])} 个上传文件" if backend.kind == "local" else \
        f"，对象存储中 {len(manifest['objects'])} 个文件的清单"
    return f"已用 pg_dump 备份数据库（版本 {manifest['revision']}）{where}到 {target}"


def _objects(backend):
    pages = backend.client.get_paginator("list_objects_v2").paginate(Bucket=backend.bucket)
    for page in pages:
        yield from page.get("Contents", [])


def is_pg_archive(path: str) -> bool:
    try:
        with tarfile.open(path, "r:gz") as tar:
            member = tar.getmember(MANIFEST)
            return json.loads(tar.extractfile(member).read()).get("format") == FORMAT
    except (tarfile.TarError, KeyError, OSError, ValueError, EOFError):
        return False


def restore_pg_backup(path: str) -> str:
    """pg_restore into the (empty) configured database, then the files; refused, with nothing
    changed, for an archive of another revision, a non-empty database or missing objects."""
    backend = storage.backend()
    with tarfile.open(path, "r:gz") as tar:
        members = {m.name: m for m in tar.getmembers()}
        if MANIFEST not in members or DUMP not in members:
            raise BackupError("备份文件不完整：缺少清单或数据库转储")
        bad = [n for n, m in members.items() if n not in (MANIFEST, DUMP)
               and not (m.isfile() and n.startswith("uploads/") and upload_name_ok(n[len("uploads/"):]))]
        if bad:
            raise BackupError(f"备份文件含有不应有的内容：{bad[0]}")
        manifest = json.loads(tar.extractfile(members[MANIFEST]).read())
        head = head_revision()
        if manifest.get("revision") != head:
            raise BackupError(f"备份的数据库版本为 {manifest.get('revision')}，本程序为 {head}：请用与备份同一版本的"
                              "程序恢复，再运行 flask db upgrade")
        if inspect(db.engine).get_table_names():
            raise BackupError("恢复须在空数据库中进行：请新建一个数据库，把 DATABASE_URL 指向它后再恢复")
        files = manifest.get("files", [])
        if backend.kind == "local" and sorted(files) != sorted(n[len("uploads/"):] for n in members
                                                               if n.startswith("uploads/")):
            raise BackupError("备份文件不完整：上传文件与清单不符")
        if backend.kind == "s3":
            missing = [o["name"] for o in manifest.get("objects", [])
                       if not backend.exists(*o["name"].split("/", 1))]
            if missing:
                raise BackupError(f"对象存储中缺少备份清单所列的 {len(missing)} 个文件，例如 {missing[0]}")
        with tempfile.TemporaryDirectory(prefix="zc-restore-") as tmp:
            dump = Path(tmp) / DUMP
            with open(dump, "wb") as out:
                shutil.copyfileobj(tar.extractfile(members[DUMP]), out)
            if backend.kind == "local":
                staging = Path(tmp) / "uploads"
                staging.mkdir()
                for name in files:
                    with open(staging / name, "wb") as out:
                        shutil.copyfileobj(tar.extractfile(members[f"uploads/{name}"]), out)
            db.session.rollback()  # nothing of ours open while pg_restore works on its own connection
            _run(["pg_restore", "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error", str(dump)],
                 "pg_restore 恢复数据库")
            for name in files if backend.kind == "local" else ():
                backend.put_file("uploads", name, staging / name, "application/octet-stream")
    return (f"已用 pg_restore 恢复数据库（版本 {head}）"
            + (f"、{len(files)} 个上传文件" if backend.kind == "local" else "；对象存储中的文件齐全"))
