"""One-command backup and restore: every table's rows (JSON lines) plus the uploaded files,
in one .tar.gz, on SQLite (and on PostgreSQL when asked for; its default is pg_dump, in
zhicheng.system.backup_pg).

A restore is all or nothing: the whole archive is read and checked before anything changes,
the tables are replaced in one transaction, and the uploaded files wait in a staging directory
until that transaction has committed. Any failure leaves the database and the upload
directory as they were."""
from __future__ import annotations

import errno
import gzip
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import zlib
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import Date, DateTime, Integer, delete, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from zhicheng.domain import DomainError
from zhicheng.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
_TABLE_MEMBER = re.compile(r"tables/([^/]+)\.jsonl")
_BATCH = 5000


class BackupError(DomainError):
    """A backup that cannot be written, or an archive that cannot be restored."""

    def __init__(self, message: str, *, nothing_changed: bool = True) -> None:
        super().__init__(message)
        self.nothing_changed = nothing_changed


_OS_REASONS = {
    errno.ENOENT: "目录不存在", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘空间不足", errno.EROFS: "文件系统只读", errno.EISDIR: "这是一个目录",
}


def _os_reason(exc: OSError) -> str:
    return _OS_REASONS.get(exc.errno, f"系统错误 {exc.errno}")


def upload_name_ok(name: str) -> bool:
    """A name the upload directory may hold: one path component, never hidden (storage.path_of
    refuses those), printable, within what every filesystem accepts."""
    return (bool(name) and not name.startswith(".") and "/" not in name and "\\" not in name
            and name.isprintable() and len(name.encode()) <= 255)


def _encode(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def make_backup(path: str, kind: str | None = None) -> str:
    """Writes the archive beside `path` and renames it into place, so a failed backup never
    leaves a partial file (nor replaces an older backup of the same name).

    `kind`: "pg_dump" (the default on PostgreSQL: zhicheng.system.backup_pg) or "json" (rows as
    JSON lines, on either database; the default on SQLite)."""
    target = Path(path)
    kind = kind or ("pg_dump" if db.engine.dialect.name == "postgresql" else "json")
    if kind == "pg_dump" and db.engine.dialect.name != "postgresql":
        raise BackupError("pg_dump 备份只用于 PostgreSQL 数据库")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise BackupError(f"无法写入备份文件 {path}（{_os_reason(exc)}）") from exc
    os.close(fd)
    try:
        if kind == "pg_dump":
            from zhicheng.system.backup_pg import make_pg_backup
            message = make_pg_backup(Path(tmp_name))
        else:
            counts, files = _write_archive(tmp_name)
            message = f"已备份 {sum(counts.values())} 行数据、{files} 个上传文件到 {path}"
        os.replace(tmp_name, target)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise BackupError(f"无法写入备份文件 {path}（{_os_reason(exc)}）") from exc
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return message.replace(tmp_name, path)


def _local_uploads_only() -> None:
    if current_app.config["STORAGE_BACKEND"] != "local":
        raise BackupError("上传文件保存在对象存储中：本命令只备份、恢复本机磁盘上的上传文件，"
                          "对象存储中的文件请用其自身的版本管理或复制功能备份")


def _write_archive(path: str) -> tuple[dict[str, int], int]:
    _local_uploads_only()
    tables = db.metadata.sorted_tables
    counts = {}
    with tarfile.open(path, "w:gz") as tar:
        for table in tables:
            buf = io.BytesIO()
            n = 0
            # In key order, not the physical order of insertion: a ballot's random key then says
            # nothing about when it was cast (zhicheng.boards.voting).
            ordered = select(table).order_by(*table.primary_key.columns)
            for row in db.session.execute(ordered).mappings().yield_per(_BATCH):
                buf.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False).encode() + b"\n")
                n += 1
            _add_bytes(tar, f"tables/{table.name}.jsonl", buf.getvalue())
            counts[table.name] = n
        upload_dir = Path(current_app.config["UPLOAD_DIR"])
        files = 0
        if upload_dir.exists():
            for f in sorted(upload_dir.iterdir()):
                # Only what a restore accepts, so every backup can be restored.
                if f.is_file() and upload_name_ok(f.name):
                    tar.add(f, arcname=f"uploads/{f.name}")
                    files += 1
        _add_bytes(tar, MANIFEST, json.dumps({"format": FORMAT, "counts": counts, "files": files,
                                              "created": datetime.now().isoformat()}).encode())
    return counts, files


def _decode(table, row: dict) -> dict:
    out = {}
    for key, value in row.items():
        col = table.c[key]
        if value is not None and isinstance(col.type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(col.type, Date):
            value = date.fromisoformat(value)
        out[key] = value
    return out


def _check_members(tar: tarfile.TarFile, table_names: set[str]) -> tuple[tarfile.TarInfo, dict, dict]:
    """Every member of the archive, checked by name and type before any is read."""
    manifest = None
    table_members: dict[str, tarfile.TarInfo] = {}
    upload_members: dict[str, tarfile.TarInfo] = {}
    seen = set()
    for member in tar.getmembers():
        name = member.name
        if name in seen:
            raise BackupError(f"备份文件中 {name!r} 出现了不止一次")
        seen.add(name)
        if not member.isreg():
            raise BackupError(f"备份文件中的 {name!r} 不是普通文件（链接、目录或设备），不能恢复")
        table_match = _TABLE_MEMBER.fullmatch(name)
        if name == MANIFEST:
            manifest = member
        elif table_match:
            if table_match.group(1) not in table_names:
                raise BackupError(f"备份中有当前系统没有的数据表 {table_match.group(1)!r}")
            table_members[table_match.group(1)] = member
        elif name.startswith("uploads/") and upload_name_ok(name[len("uploads/"):]):
            upload_members[name[len("uploads/"):]] = member
        else:
            raise BackupError(f"备份文件中有不应出现的内容 {name!r}（只能有清单、数据表和上传文件）")
    if manifest is None:
        raise BackupError("备份文件缺少清单 manifest.json，不是本系统的备份")
    missing = sorted(table_names - table_members.keys())
    if missing:
        raise BackupError(f"备份文件缺少数据表：{'、'.join(missing)}")
    return manifest, table_members, upload_members


def _read_manifest(tar: tarfile.TarFile, member: tarfile.TarInfo) -> dict:
    try:
        manifest = json.loads(tar.extractfile(member).read())
    except ValueError as exc:
        raise BackupError("备份文件的清单无法读取") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("备份文件格式不受支持（不是本版本系统生成的备份）")
    if not isinstance(manifest.get("counts"), dict) or not isinstance(manifest.get("files"), int):
        raise BackupError("备份文件的清单不完整")
    return manifest


def _read_rows(tar: tarfile.TarFile, table, member: tarfile.TarInfo) -> list[dict]:
    rows = []
    for number, line in enumerate(tar.extractfile(member), start=1):
        if not line.strip():
            continue
        where = f"数据表 {table.name} 的第 {number} 行"
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise BackupError(f"{where}无法读取") from exc
        if not isinstance(row, dict):
            raise BackupError(f"{where}不是一条记录")
        unknown = [str(k) for k in row if k not in table.c]
        if unknown:
            raise BackupError(f"{where}有当前系统没有的字段：{'、'.join(unknown)}")
        try:
            rows.append(_decode(table, row))
        except (TypeError, ValueError) as exc:
            raise BackupError(f"{where}的日期或时间无法识别") from exc
    return rows


def _read_archive(tar: tarfile.TarFile, tables) -> tuple[dict[str, list[dict]], dict]:
    manifest_member, table_members, upload_members = _check_members(tar, {t.name for t in tables})
    manifest = _read_manifest(tar, manifest_member)
    rows_by_table = {t.name: _read_rows(tar, t, table_members[t.name]) for t in tables}
    counts = manifest["counts"]
    if set(counts) != set(rows_by_table) or any(counts[k] != len(v) for k, v in rows_by_table.items()) \
            or manifest["files"] != len(upload_members):
        raise BackupError("备份文件不完整：行数或文件数与清单不符")
    return rows_by_table, upload_members


def _first_missing(path: Path) -> Path | None:
    missing = None
    while not path.exists():
        missing, path = path, path.parent
    return missing


def _stage_uploads(tar: tarfile.TarFile, members: dict, staging: Path) -> None:
    for name, member in members.items():
        source = tar.extractfile(member)
        with open(staging / name, "wb") as out:
            shutil.copyfileobj(source, out)


def _replace_tables(tables, rows_by_table: dict[str, list[dict]]) -> None:
    current = None
    try:
        with db.engine.begin() as conn:
            for table in reversed(tables):
                current = table.name
                conn.execute(delete(table))
            for table in tables:
                current = table.name
                rows = rows_by_table[table.name]
                for i in range(0, len(rows), _BATCH):
                    conn.execute(insert(table), rows[i:i + _BATCH])
            if conn.dialect.name == "postgresql":
                for table in tables:
                    if "id" in table.c and isinstance(table.c.id.type, Integer):
                        current = table.name
                        conn.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
    except SQLAlchemyError as exc:
        cause = type(getattr(exc, "orig", None) or exc).__name__
        raise BackupError(f"数据表 {current} 的数据无法写入数据库（{cause}）") from exc


def restore_backup(path: str) -> str:
    from zhicheng.system.backup_pg import is_pg_archive, restore_pg_backup
    if is_pg_archive(path):
        if db.engine.dialect.name != "postgresql":
            raise BackupError("这是 PostgreSQL（pg_dump）的备份，只能恢复到 PostgreSQL 数据库")
        return restore_pg_backup(path)
    _local_uploads_only()
    tables = db.metadata.sorted_tables
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    created = staging = None
    try:
        with tarfile.open(path, "r:gz") as tar:
            rows_by_table, upload_members = _read_archive(tar, tables)
            created = _first_missing(upload_dir)
            upload_dir.mkdir(parents=True, exist_ok=True)
            # Inside the upload directory: the same filesystem, so each file moves in atomically.
            staging = Path(tempfile.mkdtemp(dir=upload_dir, prefix=".restore-"))
            _stage_uploads(tar, upload_members, staging)
        _replace_tables(tables, rows_by_table)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        _undo(created, staging)
        raise BackupError("备份文件已损坏或不是 .tar.gz 格式") from exc
    except OSError as exc:
        _undo(created, staging)
        raise BackupError(f"读取备份或写入上传目录失败（{_os_reason(exc)}）") from exc
    except BaseException:
        _undo(created, staging)
        raise
    # The database now holds the backup's rows: bring its files in, then drop the others.
    try:
        for name in upload_members:
            os.replace(staging / name, upload_dir / name)
        for f in upload_dir.iterdir():
            if f.name not in upload_members and upload_name_ok(f.name) and f.is_file():
                f.unlink()
        shutil.rmtree(staging)
    except OSError as exc:
        raise BackupError(f"数据库已恢复，但上传文件未能全部放入 {upload_dir}（{_os_reason(exc)}）；"
                          f"尚未放入的文件在 {staging}，请手工移入", nothing_changed=False) from exc
    return f"已恢复 {sum(len(r) for r in rows_by_table.values())} 行数据、{len(upload_members)} 个上传文件"


def _undo(created: Path | None, staging: Path | None) -> None:
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
    if created is not None:
        shutil.rmtree(created, ignore_errors=True)
