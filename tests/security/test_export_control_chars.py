"""A control character already stored in a name never breaks 导出汇总表: the workbook writer
drops the characters a workbook cannot hold."""
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from zhicheng.extensions import db
from zhicheng.models import ExportJob, Material, Unit
from zhicheng.review.workflow import submit_materials

from .. import factories
from ..exporting.test_export import run_background_export

CONTROL_CHARS = ["\x0b", "\x01", "\x00", "\x1f", "\ufffe"]


def _stored_with(org, ch: str):
    """Rows as stored before input was checked: UPDATE statements, which no form or flush check sees."""
    if ch == "\x00" and db.engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL cannot store NUL in text, so no stored row can hold it")
    m = factories.material(org.projects["middle"], org["unit_a"], name="王小明", seq=1)
    other = factories.material(org.projects["middle"], org["unit_a"], name="李晓红", seq=2)
    submit_materials(org["unit_a"], [m.id, other.id], "经办人", "13900001111")
    db.session.execute(update(Material).where(Material.id == m.id).values(
        name=f"张{ch}三", current_title=f"工程{ch}师", submitter_name=f"经{ch}办人"))
    db.session.execute(update(Unit).where(Unit.id == org.unit_a.id).values(name=f"甲单位{ch}科技有限公司"))
    db.session.commit()
    assert db.session.scalar(select(Material.name).where(Material.id == m.id)) == f"张{ch}三"


def _rows(data: bytes):
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def _check(data: bytes):
    header, rows = _rows(data)
    names = sorted(r[header.index("姓名")] for r in rows)
    assert names == ["张三", "李晓红"]
    for r in rows:
        assert r[header.index("工作单位")] == "甲单位科技有限公司"
    row = next(r for r in rows if r[header.index("姓名")] == "张三")
    assert row[header.index("操作人")] == "经办人"


@pytest.mark.parametrize("ch", CONTROL_CHARS, ids=repr)
def test_department_download_with_control_character_in_stored_names(org, auth, ch):
    _stored_with(org, ch)
    for username in ["xihureview", "rootadmin", "unita"]:
        r = auth.client(username).get("/admin/export/download")
        assert r.status_code == 200, username
        _check(r.data)


@pytest.mark.parametrize("ch", ["\x0b", "\x01"], ids=repr)
def test_background_export_with_control_character_in_stored_names(app, org, auth, ch):
    _stored_with(org, ch)
    app.config["EXPORT_BACKGROUND_THRESHOLD"] = 0
    c = auth.client("xihureview")
    job_id = run_background_export(c)
    job = db.session.get(ExportJob, job_id)
    db.session.refresh(job)
    assert job.status == "done", job.error
    r = c.get(f"/admin/export/job/{job_id}/file")
    assert r.status_code == 200
    _check(r.data)
