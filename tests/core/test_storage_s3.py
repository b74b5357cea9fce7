"""Uploads and export files in S3-compatible object storage (moto's server, started here, speaks
the S3 HTTP API as MinIO or a cloud OSS would): stored in the bucket, not on the app server's disk;
downloads checked first, then redirected to a short-lived presigned URL (or streamed); the local
files of an existing installation copied over by `flask storage migrate`, each verified."""
from __future__ import annotations

import secrets
import urllib.request
from io import BytesIO
from pathlib import Path

import pytest

from zhicheng import storage, transaction
from zhicheng.materials.services import MaterialInput, Upload, create_material
from zhicheng.storage import local_backend
from zhicheng.storage.backends import S3Backend

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + secrets.token_bytes(64)


@pytest.fixture(scope="session")
def s3_endpoint():
    pytest.importorskip("moto")
    from moto.server import ThreadedMotoServer
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_app(app, s3_endpoint):
    app.config.update(STORAGE_BACKEND="s3", S3_ENDPOINT_URL=s3_endpoint, S3_BUCKET=f"zc-{secrets.token_hex(6)}",
                      S3_ACCESS_KEY="test", S3_SECRET_KEY="test", S3_DOWNLOAD="redirect")
    app.extensions.pop("zhicheng.storage", None)
    storage.backend().ensure_bucket()
    yield app
    app.extensions.pop("zhicheng.storage", None)


def _upload(org):
    from werkzeug.datastructures import FileStorage
    scan = FileStorage(BytesIO(PDF), filename="学历证书.pdf", content_type="application/pdf")
    m = create_material(org["unit_a"], org.projects["xihu_junior"],
                        MaterialInput(basic={"name": "李四", "id_card": "110101199003077777"}), [Upload("scan", scan)])
    transaction.commit()
    return m


def _local_files(app) -> list[str]:
    return [p.name for p in Path(app.config["UPLOAD_DIR"]).glob("*") if p.is_file()]


def test_an_upload_goes_to_the_bucket_not_the_disk(s3_app, org):
    m = _upload(org)
    name = m.attachments[0].stored_name
    assert _local_files(s3_app) == []
    backend = storage.backend()
    assert isinstance(backend, S3Backend) and list(backend.names("uploads")) == [name]
    with storage.open_file(name) as f:
        assert f.read() == PDF


def test_a_download_is_checked_then_redirected_to_a_short_lived_url(s3_app, org, auth):
    m = _upload(org)
    att = m.attachments[0]
    url = f"/admin/materials/attachment/{att.id}"
    assert auth.client("unitb").get(url).status_code == 404, "another unit: no redirect, no URL"
    r = auth.client("unita").get(url)
    assert r.status_code == 302
    location = r.headers["Location"]
    assert location.startswith(s3_app.config["S3_ENDPOINT_URL"]) and "X-Amz-Expires=60" in location
    with urllib.request.urlopen(location) as got:  # what the browser does next
        assert got.read() == PDF
        assert got.headers["Content-Type"] == "application/pdf"
        assert "filename*=UTF-8''%E5%AD%A6%E5%8E%86%E8%AF%81%E4%B9%A6.pdf" in got.headers["Content-Disposition"]


def test_a_download_may_be_streamed_through_the_app(s3_app, org, auth):
    s3_app.config["S3_DOWNLOAD"] = "stream"
    s3_app.extensions.pop("zhicheng.storage", None)
    m = _upload(org)
    r = auth.client("unita").get(f"/admin/materials/attachment/{m.attachments[0].id}")
    assert r.status_code == 200 and r.data == PDF
    assert r.headers["Content-Type"] == "application/pdf"


def test_an_export_job_keeps_its_file_in_the_bucket(s3_app, org, auth):
    from zhicheng.exporting.services import ExportFilters, start_export_job, wait_for_job
    from zhicheng.extensions import db
    from zhicheng.models import ExportJob
    _upload(org)
    job = start_export_job(org["unit_a"], ExportFilters(), total=1)
    transaction.commit()
    wait_for_job(job.id)
    db.session.expire_all()
    job = db.session.get(ExportJob, job.id)
    assert job.status == "done", job.error
    assert list(Path(s3_app.config["EXPORT_DIR"]).glob("*")) == [], "nothing left on the app server's disk"
    assert list(storage.backend().names("exports")) == [job.stored_name]
    r = auth.client("unita").get(f"/admin/export/job/{job.id}/file")
    assert r.status_code == 302
    with urllib.request.urlopen(r.headers["Location"]) as got:
        assert got.read()[:2] == b"PK"
    assert auth.client("unitb").get(f"/admin/export/job/{job.id}/file").status_code == 404


def test_migrate_copies_local_files_and_verifies_them(app, s3_endpoint, org):
    local = local_backend(app.config)
    names = [f"{secrets.token_hex(16)}.pdf" for _ in range(3)]
    for n in names:
        local.put_bytes("uploads", n, PDF + n.encode(), "application/pdf")
    local.put_bytes("exports", "a" * 32 + ".xlsx", b"PK-export", "application/octet-stream")
    env = dict(STORAGE_BACKEND="s3", S3_ENDPOINT_URL=s3_endpoint, S3_BUCKET=f"zc-{secrets.token_hex(6)}",
               S3_ACCESS_KEY="test", S3_SECRET_KEY="test")
    app.config.update(env)
    runner = app.test_cli_runner()
    r = runner.invoke(args=["storage", "migrate"])
    assert r.exit_code == 0, r.output
    assert "已复制 4 个文件，对象存储中已有 0 个，校验失败 0 个" in r.output
    again = runner.invoke(args=["storage", "migrate"])
    assert "已复制 0 个文件，对象存储中已有 4 个" in again.output
    app.extensions.pop("zhicheng.storage", None)
    bucket = storage.backend()
    assert sorted(bucket.names("uploads")) == sorted(names)
    with bucket.open("uploads", names[0]) as f:
        assert f.read() == PDF + names[0].encode()
    app.extensions.pop("zhicheng.storage", None)


def test_migrate_refuses_without_object_storage(app):
    r = app.test_cli_runner().invoke(args=["storage", "migrate"])
    assert r.exit_code == 1 and "STORAGE_BACKEND 不是 s3" in r.output
