"""Uploads: checked by content (magic bytes) and size, stored outside the web root under a
generated name, read back only by callers that have already checked permission."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app
from werkzeug.datastructures import FileStorage

MB = 1024 * 1024
ALLOWED = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


class UploadError(ValueError):
    pass


@dataclass
class StoredFile:
    stored_name: str
    original_name: str
    mime: str
    size: int


def _dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_upload(file: FileStorage, *, allowed=("pdf", "jpg", "png"), max_bytes: int = 4 * MB) -> StoredFile:
    data = file.read(max_bytes + 1)
    if not data:
        raise UploadError("上传的文件为空")
    if len(data) > max_bytes:
        raise UploadError(f"文件大小不能超过{max_bytes // MB}M")
    kind = filetype.guess(data)
    if kind is None or kind.extension not in allowed:
        names = "、".join(x.upper() for x in allowed)
        raise UploadError(f"文件格式不正确，只能上传{names}文件（按文件内容识别）")
    stored = f"{secrets.token_hex(16)}.{kind.extension}"
    (_dir() / stored).write_bytes(data)
    original = (file.filename or f"附件.{kind.extension}").replace("/", "_").replace("\\", "_")[-200:]
    return StoredFile(stored, original, ALLOWED[kind.extension], len(data))


def path_of(stored_name: str) -> Path:
    # Stored names are generated (hex + extension); refuse anything else.
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise FileNotFoundError(stored_name)
    return _dir() / stored_name


def delete(stored_name: str) -> None:
    try:
        path_of(stored_name).unlink()
    except FileNotFoundError:
        pass
