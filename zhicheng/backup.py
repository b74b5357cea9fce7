"""One-command backup and restore: every table's rows (JSON lines) plus the uploaded files,
in one .tar.gz. Works the same on SQLite and PostgreSQL."""
from __future__ import annotations

import io
import json
import tarfile
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import Date, DateTime, Integer, delete, insert, select, text

from .extensions import db

FORMAT = 1


def _encode(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def make_backup(path: str) -> str:
    tables = db.metadata.sorted_tables
    counts = {}
    with tarfile.open(path, "w:gz") as tar:
        for table in tables:
            buf = io.BytesIO()
            n = 0
            for row in db.session.execute(select(table)).mappings().yield_per(5000):
                buf.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False).encode() + b"\n")
                n += 1
            _add_bytes(tar, f"tables/{table.name}.jsonl", buf.getvalue())
            counts[table.name] = n
        upload_dir = Path(current_app.config["UPLOAD_DIR"])
        files = 0
        if upload_dir.exists():
            for f in sorted(upload_dir.iterdir()):
                if f.is_file():
                    tar.add(f, arcname=f"uploads/{f.name}")
                    files += 1
        _add_bytes(tar, "manifest.json", json.dumps({"format": FORMAT, "counts": counts, "files": files,
                                                     "created": datetime.now().isoformat()}).encode())
    return f"已备份 {sum(counts.values())} 行数据、{files} 个上传文件到 {path}"


def _decode(table, row: dict) -> dict:
    out = {}
    for key, value in row.items():
        col = table.c.get(key)
        if col is None:
            continue
        if value is not None and isinstance(col.type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(col.type, Date):
            value = date.fromisoformat(value)
        out[key] = value
    return out


def restore_backup(path: str) -> str:
    tables = db.metadata.sorted_tables
    with tarfile.open(path, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        if manifest.get("format") != FORMAT:
            raise RuntimeError("备份文件格式不受支持")
        rows_by_table = {}
        for table in tables:
            member = tar.extractfile(f"tables/{table.name}.jsonl")
            rows_by_table[table.name] = [_decode(table, json.loads(line)) for line in member if line.strip()]
        with db.engine.begin() as conn:
            for table in reversed(tables):
                conn.execute(delete(table))
            for table in tables:
                rows = rows_by_table[table.name]
                for i in range(0, len(rows), 5000):
                    conn.execute(insert(table), rows[i:i + 5000])
            if conn.dialect.name == "postgresql":
                for table in tables:
                    if "id" in table.c and isinstance(table.c.id.type, Integer):
                        conn.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
        upload_dir = Path(current_app.config["UPLOAD_DIR"])
        upload_dir.mkdir(parents=True, exist_ok=True)
        for member in tar.getmembers():
            if member.name.startswith("uploads/") and member.isfile():
                name = Path(member.name).name
                (upload_dir / name).write_bytes(tar.extractfile(member).read())
    return f"已恢复 {sum(len(r) for r in rows_by_table.values())} 行数据、{manifest.get('files', 0)} 个上传文件"
