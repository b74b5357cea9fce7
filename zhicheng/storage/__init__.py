"""Uploads and export files: uploads checked by content (magic bytes) and size, every file kept
under a generated name by the configured backend (zhicheng.storage.backends: the local disk or an
S3-compatible bucket), read back only by callers that have already checked permission."""
from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import filetype
from flask import Response, current_app
from werkzeug.datastructures import FileStorage

from zhicheng.domain import DomainError
from zhicheng.storage.backends import LocalBackend, S3Backend, check_name, sha256_of, spool_file

__all__ = ["MB", "ALLOWED", "UploadError", "StoredFile", "backend", "save_upload", "save_generated", "name_for_type", "served_as",
           "open_file", "exists", "delete", "put_export", "download", "spool_file", "sha256_of", "check_name"]

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


def make_backend(config):
    """The backend a configuration names (the app keeps one; `flask storage migrate` builds both)."""
    if config["STORAGE_BACKEND"] == "s3":
        return S3Backend(bucket=config["S3_BUCKET"], endpoint_url=config["S3_ENDPOINT_URL"],
                         region=config["S3_REGION"], access_key=config["S3_ACCESS_KEY"],
                         secret_key=config["S3_SECRET_KEY"], download=config["S3_DOWNLOAD"],
                         presign_seconds=config["S3_PRESIGN_SECONDS"])
    if config["STORAGE_BACKEND"] != "local":
        raise ValueError(f"STORAGE_BACKEND must be local or s3, not {config['STORAGE_BACKEND']!r}")
    return local_backend(config)


def local_backend(config) -> LocalBackend:
    return LocalBackend({"uploads": config["UPLOAD_DIR"], "exports": config["EXPORT_DIR"]})


def backend():
    """The current app's backend, built once per app."""
    found = current_app.extensions.get("zhicheng.storage")
    if found is None:
        found = current_app.extensions["zhicheng.storage"] = make_backend(current_app.config)
    return found


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
    backend().put_bytes("uploads", stored, data, ALLOWED[kind.extension])
    original = name_for_type(file.filename or "附件", kind.extension)
    return StoredFile(stored, original, ALLOWED[kind.extension], len(data))


def save_generated(data: bytes, kind: str, original_name: str) -> StoredFile:
    """A file the system made itself (an electronic seal's PNG), kept like an upload."""
    stored = f"{secrets.token_hex(16)}.{kind}"
    backend().put_bytes("uploads", stored, data, ALLOWED[kind])
    return StoredFile(stored, name_for_type(original_name, kind), ALLOWED[kind], len(data))


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


def open_file(stored_name: str, area: str = "uploads") -> IO[bytes]:
    """The stored file's bytes as a stream (FileNotFoundError if it is not there)."""
    return backend().open(area, stored_name)


def exists(stored_name: str, area: str = "uploads") -> bool:
    return backend().exists(area, stored_name)


def delete(stored_name: str, area: str = "uploads") -> None:
    try:
        backend().delete(area, stored_name)
    except FileNotFoundError:
        pass


def put_export(stored_name: str, source: Path, content_type: str) -> None:
    """A finished export file (written to `source`, which is moved away) into the exports area."""
    backend().put_file("exports", stored_name, source, content_type)


def download(stored_name: str, *, mimetype: str, download_name: str, disposition: str,
             area: str = "uploads") -> Response:
    """The response that gives the user the file: the caller has checked the permission."""
    if not exists(stored_name, area):
        raise FileNotFoundError(stored_name)
    return backend().download(area, stored_name, mimetype=mimetype, download_name=download_name,
                              disposition=disposition)
