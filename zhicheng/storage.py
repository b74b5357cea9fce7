"""Uploads: checked by content (magic bytes) and size, stored outside the web root under a
generated name, read back only by callers that have already checked permission."""
from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app
from werkzeug.datastructures import FileStorage

from zhicheng.domain import DomainError

MB = 1024 * 1024
ALLOWED = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


class UploadError(DomainError, ValueError):
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
    original = name_for_type(file.filename or "附件", kind.extension)
    return StoredFile(stored, original, ALLOWED[kind.extension], len(data))


#: Extensions a file name may keep for each type found from the content; the first is the one given.
EXTENSIONS = {"pdf": (".pdf",), "jpg": (".jpg", ".jpeg"), "png": (".png",)}
_EXTENSION_LIKE = re.compile(r"\.[A-Za-z0-9]{1,8}")


def name_for_type(name: str, kind: str) -> str:
    """`name` ending in `kind`'s extension: another extension (a PDF called poly.html) is
    replaced, a missing one added, so a download never opens as something else."""
    name = name.replace("/", "_").replace("\\", "_").strip()
    extensions = EXTENSIONS.get(kind, (f".{kind}",))
    dot = name.rfind(".")
    suffix = name[dot:] if dot >= 0 else ""
    if _EXTENSION_LIKE.fullmatch(suffix):
        if suffix.lower() in extensions:
            return name[:dot][:200 - len(suffix)] + suffix
        name = name[:dot]
    stem = name.strip(" .") or "附件"
    return stem[:200 - len(extensions[0])] + extensions[0]


def served_as(original_name: str, stored_name: str, mime: str, fallback: str = "attachment") -> tuple[str, str, str]:
    """(Content-Type, file name, ASCII file name) to send an upload with. The type is the one
    found from the content at upload (the stored name's extension), whatever the uploader
    named the file, so rows saved before names followed the type are sent right too."""
    kind = stored_name.rpartition(".")[2].lower()
    if kind not in ALLOWED:
        kind = next((k for k, v in ALLOWED.items() if v == mime), None)
    if kind is None:
        return "application/octet-stream", name_for_type(original_name, "bin"), f"{fallback}.bin"
    name = name_for_type(original_name, kind)
    stem, _, ext = name.rpartition(".")
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "_", unicodedata.normalize("NFKD", stem)
                        .encode("ascii", "ignore").decode()).strip("._-")
    return ALLOWED[kind], name, f"{ascii_stem or fallback}.{ext}"


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
