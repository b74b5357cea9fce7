"""An export leaves no file with personal data behind: not after a download, not while it is
streamed (a client that goes away), not when writing fails, not after a failed background job."""
import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from zhicheng.accounts.admin import otp_workbook
from zhicheng.exporting import services as exporting
from zhicheng.extensions import db
from zhicheng.models import ExportJob
from zhicheng.review.workflow import submit_materials

from .. import factories


@pytest.fixture
def temp_dir(tmp_path, monkeypatch):
    """The directory every temporary file goes to during the test (the exporter's and openpyxl's)."""
    path = tmp_path / "system-tmp"
    path.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(path))
    return path


def _materials(org):
    a = factories.material(org.projects["middle"], org["unit_a"], name="王小明", seq=1)
    b = factories.material(org.projects["middle"], org["unit_a"], name="李晓红", seq=2)
    submit_materials(org["unit_a"], [a.id, b.id], "经办人", "13900001111")


def _left(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


def _fail_after_first_row(monkeypatch):
    real = exporting._material_rows

    def rows(conds, batch=None):
        source = real(conds, batch)
        yield next(source)
        raise RuntimeError("数据库连接中断")

    monkeypatch.setattr(exporting, "_material_rows", rows)


def _fail_while_saving(monkeypatch):
    """The disk fills up once the workbook's parts (the rows among them) are on disk."""
    real = zipfile.ZipFile.close

    def close(self):
        real(self)
        raise OSError("磁盘已满")

    monkeypatch.setattr(zipfile.ZipFile, "close", close)


FAILURES = {"while rows are written": _fail_after_first_row, "while the file is saved": _fail_while_saving}


def test_download_leaves_no_file_and_a_job_only_its_result(app, org, auth, temp_dir):
    _materials(org)
    c = auth.client("unita")
    r = c.get("/admin/export/download")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    assert sorted(row[1] for row in rows[1:]) == ["李晓红", "王小明"]
    assert int(r.headers["Content-Length"]) == len(r.data)
    r.close()
    assert _left(temp_dir) == []
    # a background job keeps its result in EXPORT_DIR (until its retention) and nothing else
    app.config["EXPORT_BACKGROUND_THRESHOLD"] = 0
    r = c.get("/admin/export/download")
    job_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    exporting.wait_for_job(job_id)
    job = db.session.get(ExportJob, job_id)
    db.session.refresh(job)
    assert job.status == "done", job.error
    assert _left(Path(app.config["EXPORT_DIR"])) == [job.stored_name]
    assert _left(temp_dir) == []


def test_nothing_on_disk_while_the_download_streams(org, auth, temp_dir):
    """A client that disconnects mid-download leaves nothing: the file has no name even while
    the response is still being sent."""
    _materials(org)
    r = auth.client("unita").get("/admin/export/download", buffered=False)
    assert r.status_code == 200
    assert _left(temp_dir) == []
    first = next(iter(r.response))
    assert first.startswith(b"PK")
    r.close()
    assert _left(temp_dir) == []


@pytest.mark.parametrize("fail", FAILURES.values(), ids=FAILURES.keys())
def test_failed_download_leaves_no_file(org, auth, temp_dir, monkeypatch, fail):
    _materials(org)
    fail(monkeypatch)
    with pytest.raises((RuntimeError, OSError)):
        auth.client("unita").get("/admin/export/download")
    assert _left(temp_dir) == []


@pytest.mark.parametrize("fail", FAILURES.values(), ids=FAILURES.keys())
def test_failed_background_job_leaves_no_file(app, org, auth, temp_dir, monkeypatch, fail):
    _materials(org)
    app.config["EXPORT_BACKGROUND_THRESHOLD"] = 0
    fail(monkeypatch)
    c = auth.client("unita")
    r = c.get("/admin/export/download")
    job_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    exporting.wait_for_job(job_id)
    job = db.session.get(ExportJob, job_id)
    db.session.refresh(job)
    assert job.status == "failed" and job.stored_name is None
    assert _left(Path(app.config["EXPORT_DIR"])) == []
    assert _left(temp_dir) == []


def test_failed_password_sheet_leaves_no_file(app, temp_dir, monkeypatch):
    _fail_while_saving(monkeypatch)
    with pytest.raises(OSError):
        otp_workbook([("unita003", "Qx7-kP2m-Zt9w")])
    assert _left(temp_dir) == []
