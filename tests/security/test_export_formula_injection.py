"""Text that a spreadsheet would run as a formula is written as a text cell in every workbook the
system produces (the 导出汇总表 download, its background job, the one-time-password sheet)."""
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from zhicheng.accounts.admin import otp_workbook
from zhicheng.extensions import db
from zhicheng.models import Material, Unit
from zhicheng.review.workflow import submit_materials

from .. import factories
from ..exporting.test_export import run_background_export

# Stored values by the export column they land in; written with UPDATE statements, so no form
# or other input check stands in the way (rows from an import or an older version).
PAYLOADS = {
    "姓名": '=HYPERLINK("http://evil.example/","点我")',
    "操作人": "=cmd|' /C calc'!A0",
    "联系电话": "+8613900001111",
    "申报系列": "@SUM(1+1)*cmd|' /C calc'!A0",
    "申报专业": "-2+3+cmd|' /C calc'!A0",
    "申报资格名称": "\t=1+1",
    "学历": "#N/A",
    "工作单位": "＝1+1甲单位",
}


def _poisoned_material(org):
    m = factories.material(org.projects["middle"], org["unit_a"], name="王小明", seq=1)
    submit_materials(org["unit_a"], [m.id], "经办人", "13900001111")
    db.session.execute(update(Material).where(Material.id == m.id).values(
        name=PAYLOADS["姓名"], submitter_name=PAYLOADS["操作人"], submitter_phone=PAYLOADS["联系电话"],
        series=PAYLOADS["申报系列"], major=PAYLOADS["申报专业"], qualification=PAYLOADS["申报资格名称"],
        education=PAYLOADS["学历"]))
    db.session.execute(update(Unit).where(Unit.id == org.unit_a.id).values(name=PAYLOADS["工作单位"]))
    db.session.commit()


def _assert_no_formula(data: bytes, expected: dict[str, str], plain: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert sheets
        for name in sheets:
            xml = z.read(name).decode()
            assert not re.search(r"<f[\s>/]", xml), f"formula element in {name}"
            assert 't="e"' not in xml, f"error cell in {name}"
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows())
    header = [c.value for c in rows[0]]
    assert len(rows) > 1
    for row in rows[1:]:
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
        for column, value in expected.items():
            cell = row[header.index(column)]
            assert cell.value == value                  # the text itself, unchanged
            assert cell.data_type == "s"
            assert cell.quotePrefix                     # stays text when edited in Excel
        assert not row[header.index(plain)].quotePrefix   # ordinary text is left alone


def test_department_download_writes_formula_like_text_as_text(org, auth):
    _poisoned_material(org)
    r = auth.client("xihureview").get("/admin/export/download")
    assert r.status_code == 200
    _assert_no_formula(r.data, PAYLOADS, plain="性别")


def test_background_export_writes_formula_like_text_as_text(app, org, auth):
    _poisoned_material(org)
    app.config["EXPORT_BACKGROUND_THRESHOLD"] = 0
    c = auth.client("xihureview")
    job_id = run_background_export(c)
    r = c.get(f"/admin/export/job/{job_id}/file")
    assert r.status_code == 200
    _assert_no_formula(r.data, PAYLOADS, plain="性别")


@pytest.mark.parametrize("username", ["=1+2", "@user", "-1", "+1", "#DIV/0!"])
def test_one_time_password_sheet_writes_formula_like_text_as_text(app, username):
    data = otp_workbook([(username, "=A1&A1")])
    _assert_no_formula(data, {"用户名": username, "初始密码": "=A1&A1"}, plain="说明")
