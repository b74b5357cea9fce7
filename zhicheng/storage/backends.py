"""Where stored files live, behind one interface: a directory on the local disk (the default)
or a bucket of an S3-compatible object storage shared by every app server.

Files are kept in areas ("uploads", "exports"), each under a generated name; callers check
permission first and never see a path or a key. A download is answered by the backend: the disk
sends the file, the bucket redirects to a presigned URL valid for seconds (or streams, where the
browsers cannot reach the object storage).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from flask import Response, redirect, send_file

AREAS = ("uploads", "exports")
CHUNK = 1024 * 1024


CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def content_type_of(name: str) -> str:
    return CONTENT_TYPES.get(name.rpartition(".")[2].lower(), "application/octet-stream")


def check_name(name: str) -> str:
    """Stored names are generated (hex + extension): refuse anything that could leave the area."""
    if not name or "/" in name or "\\" in name or name.startswith(".") or "\x00" in name:
        raise FileNotFoundError(name)
    return name


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


class LocalBackend:
    """One directory per area on this server's disk."""

    kind = "local"

    def __init__(self, dirs: dict[str, str]) -> None:
        self.dirs = {area: Path(path) for area, path in dirs.items()}

    def _dir(self, area: str) -> Path:
        path = self.dirs[area]
        path.mkdir(parents=True, exist_ok=True)
        return path

    def path(self, area: str, name: str) -> Path:
        return self._dir(area) / check_name(name)

    def put_bytes(self, area: str, name: str, data: bytes, content_type: str) -> None:
        self.path(area, name).write_bytes(data)

    def put_stream(self, area: str, name: str, stream: IO[bytes], content_type: str) -> None:
        with self.path(area, name).open("wb") as out:
            shutil.copyfileobj(stream, out, CHUNK)

    def put_file(self, area: str, name: str, source: Path, content_type: str) -> None:
        """Move a finished file (written elsewhere) into place; the source is gone afterwards."""
        target = self.path(area, name)
        try:
            os.replace(source, target)
        except OSError:  # another filesystem
            shutil.move(str(source), target)

    def open(self, area: str, name: str) -> IO[bytes]:
        return self.path(area, name).open("rb")

    def exists(self, area: str, name: str) -> bool:
        try:
            return self.path(area, name).is_file()
        except FileNotFoundError:
            return False

    def delete(self, area: str, name: str) -> None:
        try:
            self.path(area, name).unlink()
        except FileNotFoundError:
            pass

    def names(self, area: str) -> Iterator[str]:
        for f in sorted(self._dir(area).iterdir()):
            if f.is_file() and not f.name.startswith("."):
                yield f.name

    def download(self, area: str, name: str, *, mimetype: str, download_name: str,
                 disposition: str) -> Response:
        response = send_file(self.path(area, name), mimetype=mimetype, as_attachment=True,
                             download_name=download_name)
        response.headers["Content-Disposition"] = disposition
        return response


class S3Backend:
    """One bucket, a key prefix per area ("uploads/…", "exports/…"), through boto3."""

    kind = "s3"

    def __init__(self, *, bucket: str, endpoint_url: str | None, region: str, access_key: str | None,
                 secret_key: str | None, download: str = "redirect", presign_seconds: int = 60) -> None:
        import boto3  # only the servers configured for object storage load it
        from botocore.config import Config as BotoConfig
        self.bucket = bucket
        self.download_mode = download
        self.presign_seconds = presign_seconds
        self.client = boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=region, aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=BotoConfig(signature_version="s3v4", s3={"addressing_style": "path"},
                              retries={"max_attempts": 3, "mode": "standard"}))

    @staticmethod
    def key(area: str, name: str) -> str:
        if area not in AREAS:
            raise ValueError(area)
        return f"{area}/{check_name(name)}"

    def ensure_bucket(self) -> None:
        from botocore.exceptions import ClientError
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)

    def put_bytes(self, area: str, name: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.key(area, name), Body=data, ContentType=content_type)

    def put_stream(self, area: str, name: str, stream: IO[bytes], content_type: str) -> None:
        self.client.upload_fileobj(stream, self.bucket, self.key(area, name), ExtraArgs={"ContentType": content_type})

    def put_file(self, area: str, name: str, source: Path, content_type: str) -> None:
        self.client.upload_file(str(source), self.bucket, self.key(area, name),
                                ExtraArgs={"ContentType": content_type})
        Path(source).unlink(missing_ok=True)

    def open(self, area: str, name: str) -> IO[bytes]:
        from botocore.exceptions import ClientError
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(area, name))["Body"]
        except ClientError as exc:
            raise FileNotFoundError(name) from exc

    def exists(self, area: str, name: str) -> bool:
        from botocore.exceptions import ClientError
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(area, name))
            return True
        except (ClientError, FileNotFoundError):
            return False

    def delete(self, area: str, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(area, name))

    def names(self, area: str) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=f"{area}/")
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][len(area) + 1:]

    def download(self, area: str, name: str, *, mimetype: str, download_name: str,
                 disposition: str) -> Response:
        if self.download_mode == "stream":
            body = self.open(area, name)
            response = Response(iter(lambda: body.read(CHUNK), b""), mimetype=mimetype)
            response.headers["Content-Disposition"] = disposition
            response.call_on_close(body.close)
            return response
        url = self.client.generate_presigned_url(
            "get_object", ExpiresIn=self.presign_seconds,
            Params={"Bucket": self.bucket, "Key": self.key(area, name), "ResponseContentType": mimetype,
                    "ResponseContentDisposition": disposition})
        response = redirect(url, code=302)
        response.headers["Cache-Control"] = "no-store"
        return response


def spool_file(suffix: str = "") -> Path:
    """A temporary file for a result written piece by piece before it is stored."""
    fd, name = tempfile.mkstemp(prefix="zc-", suffix=suffix)
    os.close(fd)
    return Path(name)
