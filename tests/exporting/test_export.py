import io
from datetime import date, datetime
from urllib.parse import unquote

from openpyxl import load_workbook

from zhicheng.exporting.services import wait_for_job
from zhicheng.extensions import db
from zhicheng.models import ExportJob
from zhicheng.review.workflow import submit_materials

from .. import factories


def run_background_export(client) -> int:
    """导出汇总表 as a background job (with EXPORT_BACKGROUND_THRESHOLD set low): start it, wait for
    it, return its id."""
    r = client.get("/admin/export/download")
    assert r.status_code == 302 and "/admin/export/job/" in r.headers["Location"]
    job_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    wait_for_job(job_id)
    return job_id

def _rows(resp):
    assert resp.status_code == 200, resp.status_code
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(resp.data))
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    return ws, rows[0], rows[1:]


def _setup(org):
    p = org.projects["middle"]
    a1 = factories.material(p, org["unit_a"], name="王小明", seq=1)
    a2 = factories.material(p, org["sub_a_full"], name="李晓红", seq=2)
    a3 = factories.material(org.projects["xihu_junior"], org["unit_a"], name="赵草稿", seq=3)
    b1 = factories.material(p, org["unit_b"], name="乙单位人员", seq=4)
    submit_materials(org["unit_a"], [a1.id, a2.id], "经办人", "13900001111")
    submit_materials(org["unit_b"], [b1.id], "乙经办", "13900002222")
    return a1, a2, a3, b1


def test_unit_export_has_its_rows_only_typed_and_frozen(org, auth):
    a1, a2, a3, b1 = _setup(org)
    c = auth.client("unita")
    ws, header, rows = _rows(c.get("/admin/export/download"))
    assert header[:2] == ("编号", "姓名")
    assert sorted(r[1] for r in rows) == ["李晓红", "王小明", "赵草稿"]
    assert ws.freeze_panes == "A2"
    row = next(r for r in rows if r[1] == "王小明")
    assert row[3] == datetime(1990, 5, 17)          # 出生日期: a real date cell
    assert isinstance(row[11], int)                 # 年份: a number
    assert row[4] == a1.id_card and isinstance(row[4], str)
    assert row[16] == "审核中" and row[17] == "西湖区人才职改办"


def test_unit_export_filters(org, auth):
    a1, a2, a3, b1 = _setup(org)
    c = auth.client("unita")
    _, _, rows = _rows(c.get("/admin/export/download?state=draft"))
    assert [r[1] for r in rows] == ["赵草稿"]
    _, _, rows = _rows(c.get(f"/admin/export/download?id_card={a2.id_card.lower()}"))
    assert [r[1] for r in rows] == ["李晓红"]
    _, _, rows = _rows(c.get(f"/admin/export/download?project={org.projects['middle'].id}&name=小"))
    assert [r[1] for r in rows] == ["王小明"]
    _, _, rows = _rows(c.get(f"/admin/export/download?number={b1.number}"))
    assert rows == []
    today = date.today().isoformat()
    _, _, rows = _rows(c.get(f"/admin/export/download?date_from={today}&date_to={today}"))
    assert sorted(r[1] for r in rows) == ["李晓红", "王小明"]


def test_file_name_has_ascii_and_chinese_parts(org, auth):
    _setup(org)
    c = auth.client("unita")
    r = c.get(f"/admin/export/download?project={org.projects['middle'].id}")
    cd = r.headers["Content-Disposition"]
    assert 'filename="zhicheng-export-' in cd
    assert "中级初定项目汇总表" in unquote(cd.split("filename*=UTF-8''")[1])


def test_bad_date_gives_a_message_and_no_file(org, auth):
    c = auth.client("unita")
    r = c.get("/admin/export/download?date_from=2026-13-45", follow_redirects=True)
    assert r.mimetype == "text/html"
    assert "上报开始日期格式应为" in r.get_data(as_text=True)


def test_sub_account_export_needs_permission_and_sees_own(org, auth):
    _setup(org)
    assert auth.client("unita002").get("/admin/export/").status_code == 403
    assert auth.client("unita002").get("/admin/export/download").status_code == 403
    _, _, rows = _rows(auth.client("unita001").get("/admin/export/download"))
    assert [r[1] for r in rows] == ["李晓红"]


def test_department_export_is_what_reached_it(org, auth):
    a1, a2, a3, b1 = _setup(org)
    _, _, rows = _rows(auth.client("xihureview").get("/admin/export/download"))
    assert sorted(r[1] for r in rows) == ["李晓红", "王小明"]       # no draft, no other branch
    _, _, rows = _rows(auth.client("edureview").get("/admin/export/download"))
    assert [r[1] for r in rows] == ["乙单位人员"]
    # a sub-department filter outside the scope is refused, inside it narrows
    r = auth.client("xihureview").get(f"/admin/export/download?department={org.edu_sub.id}", follow_redirects=True)
    assert "不在本部门管辖范围内" in r.get_data(as_text=True)
    _, _, rows = _rows(auth.client("rootadmin").get(f"/admin/export/download?department={org.edu.id}"))
    assert [r[1] for r in rows] == ["乙单位人员"]
    _, _, rows = _rows(auth.client("rootadmin").get("/admin/export/download?unit=甲单位"))
    assert sorted(r[1] for r in rows) == ["李晓红", "王小明"]


def test_preview_page_lists_the_same_rows(org, auth):
    _setup(org)
    html = auth.client("unita").get("/admin/export/?state=in_review").get_data(as_text=True)
    assert "王小明" in html and "李晓红" in html and "赵草稿" not in html and "乙单位人员" not in html


def test_large_export_runs_in_background_with_progress_and_link(app, org, auth):
    _setup(org)
    app.config["EXPORT_BACKGROUND_THRESHOLD"] = 2
    c = auth.client("unita")
    job_id = run_background_export(c)
    page = c.get(f"/admin/export/job/{job_id}").get_data(as_text=True)
    assert "导出完成，共 3 条" in page
    _, _, rows = _rows(c.get(f"/admin/export/job/{job_id}/file"))
    assert sorted(r[1] for r in rows) == ["李晓红", "王小明", "赵草稿"]
    # someone else's job is not found
    assert auth.client("unitb").get(f"/admin/export/job/{job_id}").status_code == 404
    assert auth.client("unitb").get(f"/admin/export/job/{job_id}/file").status_code == 404


def test_background_export_reports_progress_while_it_streams(app, org, auth, monkeypatch):
    """The job's progress is committed between batches of the streamed rows; on PostgreSQL a
    commit on the connection the rows come from would close their server-side cursor."""
    from zhicheng.exporting import services as exporting
    _setup(org)
    app.config["EXPORT_BACKGROUND_THRESHOLD"] = 2
    monkeypatch.setattr(exporting, "ROW_BATCH", 1)
    monkeypatch.setattr(exporting, "PROGRESS_EVERY", 1)
    seen = []
    real_write = exporting.write_xlsx

    def write_and_watch(*args, progress=None, **kwargs):
        def watched(n):
            progress(n)
            seen.append(n)
        return real_write(*args, progress=watched, **kwargs)

    monkeypatch.setattr(exporting, "write_xlsx", write_and_watch)
    c = auth.client("unita")
    job_id = run_background_export(c)
    page = c.get(f"/admin/export/job/{job_id}").get_data(as_text=True)
    assert "导出完成，共 3 条" in page, db.session.get(ExportJob, job_id).error
    assert seen == [1, 2, 3]
    _, _, rows = _rows(c.get(f"/admin/export/job/{job_id}/file"))
    assert sorted(r[1] for r in rows) == ["李晓红", "王小明", "赵草稿"]


def test_export_header_cell_types_and_formats(org, auth):
    """Every column's header in order, dates and times as date cells in yyyy-mm-dd (h:mm:ss),
    numbers as numbers, text as text, a bold header row and the set column widths."""
    from zhicheng.exporting.services import MATERIAL_COLUMNS
    a1, *_ = _setup(org)
    db.session.refresh(a1)
    ws, header, rows = _rows(auth.client("unita").get("/admin/export/download"))
    assert list(header) == [c.header for c in MATERIAL_COLUMNS]
    assert all(cell.font.b for cell in ws[1])
    line = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "王小明")
    cells = dict(zip(header, line))
    assert cells["出生日期"].is_date and cells["出生日期"].number_format == "yyyy-mm-dd"
    assert cells["参加工作时间"].is_date and cells["参加工作时间"].number_format == "yyyy-mm-dd"
    assert cells["上报时间"].is_date and cells["上报时间"].number_format == "yyyy-mm-dd h:mm:ss"
    assert abs((cells["上报时间"].value - a1.submitted_at).total_seconds()) < 1
    assert cells["年份"].data_type == "n" and cells["年份"].value == org.projects["middle"].year
    assert cells["身份证号"].data_type == "s" and cells["手机"].value == a1.phone
    assert cells["项目类别"].value and cells["状态"].value == "审核中"
    assert ws.column_dimensions["H"].width >= 28   # 工作单位: the set width (Excel adds its padding)
