"""Finding 5: what one 申报材料 may hold is capped (rows per table, attachments, their bytes in all,
long texts), with a message and nothing saved beyond a cap; a material filled to every cap prints
its PDF within a few seconds."""
from __future__ import annotations

import io
import os
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from zhicheng.config import Config
from zhicheng.extensions import db
from zhicheng.models import Attachment, Education, Material, WorkHistory

from .. import factories

BIRTH = date(1988, 3, 9)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: The PDF of a material filled to every cap takes about 2 s on an idle core, 4 s on a busy machine.
PDF_SECONDS = 10.0


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def uploads(app) -> list[str]:
    path = app.config["UPLOAD_DIR"]
    return os.listdir(path) if os.path.isdir(path) else []


def pdf_of(size: int) -> bytes:
    return PDF + b"%" + b"0" * (size - len(PDF) - 2) + b"\n"


def basic(**over) -> dict:
    data = {"name": "李四", "gender": "女", "birth_date": BIRTH.isoformat(),
            "id_card": factories.make_id_card(BIRTH, 222), "phone": "13912345678",
            "work_start_date": "2010-07-01", "current_major": "建筑工程", "series": "工程", "major": "建筑工程",
            "qualification": "助理工程师", "education": "本科", "current_title": "技术员", "achievements": ""}
    data.update(over)
    return data


def education_rows(n: int, text: str = "浙江大学", start: int = 0) -> dict:
    rows = {}
    for i in range(start, start + n):
        rows.update({f"educations-{i}-start_date": "2006-09-01", f"educations-{i}-end_date": "2010-06-30",
                     f"educations-{i}-school": text, f"educations-{i}-major": "土木工程",
                     f"educations-{i}-education": "本科", f"educations-{i}-degree": "学士"})
    return rows


def fill(client, org, csrf, data, files=None, content_type="multipart/form-data"):
    url = f"/admin/materials/fill/?project={org.projects['xihu_junior'].id}"
    payload = dict(data, csrf_token=csrf(client, url))
    payload.update(files or {})
    return client.post(url, data=payload, content_type=content_type)


def modify(client, material, csrf, data, files=None):
    url = f"/admin/materials/modify/?id={material.id}"
    payload = dict(data, csrf_token=csrf(client, url))
    payload.update(files or {})
    return client.post(url, data=payload, content_type="multipart/form-data")


def test_the_caps_are_configured_with_defaults_for_a_real_applicant(monkeypatch):
    config = Config()
    assert (config.MAX_ROWS_PER_TABLE, config.MAX_ATTACHMENTS_PER_MATERIAL,
            config.MAX_ATTACHMENT_MB_PER_MATERIAL) == (30, 20, 40)
    monkeypatch.setenv("MAX_ROWS_PER_TABLE", "12")
    monkeypatch.setenv("MAX_ATTACHMENTS_PER_MATERIAL", "5")
    monkeypatch.setenv("MAX_ATTACHMENT_MB_PER_MATERIAL", "10")
    config = Config()
    assert (config.MAX_ROWS_PER_TABLE, config.MAX_ATTACHMENTS_PER_MATERIAL,
            config.MAX_ATTACHMENT_MB_PER_MATERIAL) == (12, 5, 10)


# A multipart form of 2,000 rows is refused before it is read (more than MAX_FORM_PARTS); a
# urlencoded one is read.
@pytest.mark.parametrize("rows, content_type", [(31, "multipart/form-data"),
                                                (2000, "application/x-www-form-urlencoded")])
def test_rows_beyond_the_cap_are_refused_and_nothing_is_saved(org, auth, csrf, rows, content_type):
    r = fill(auth.client("unita"), org, csrf, dict(basic(), **education_rows(rows)), content_type=content_type)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "学历学位最多填写30行" in page
    assert count(Material) == 0 and count(Education) == 0


def test_the_cap_follows_the_configuration(app, org, auth, csrf):
    app.config["MAX_ROWS_PER_TABLE"] = 3
    data = dict(basic(), **{f"work_histories-{i}-start_date": "2010-07-01" for i in range(4)},
                **{f"work_histories-{i}-employer": f"单位{i}" for i in range(4)})
    r = fill(auth.client("unita"), org, csrf, data)
    assert r.status_code == 200 and "工作经历最多填写3行" in r.get_data(as_text=True)
    assert count(Material) == 0 and count(WorkHistory) == 0


def test_service_refuses_rows_beyond_the_cap_too(org):
    from zhicheng.materials.services import MaterialInput, create_material
    from zhicheng.review.workflow import WorkflowError
    rows = [{"start_date": date(2006, 9, 1), "school": "浙江大学"}] * 31
    data = MaterialInput(dict(basic(), birth_date=BIRTH, work_start_date=date(2010, 7, 1)), rows, [])
    with pytest.raises(WorkflowError, match="最多填写30行"):
        create_material(org["unit_a"], org.projects["xihu_junior"], data)
    assert count(Material) == 0


def test_attachments_beyond_the_count_are_refused_and_nothing_is_stored(app, org, auth, csrf):
    app.config["MAX_ATTACHMENTS_PER_MATERIAL"] = 3
    c = auth.client("unita")
    r = fill(c, org, csrf, dict(basic(), **education_rows(1)),
             {"scans": [(io.BytesIO(PDF), f"扫描件{i}.pdf") for i in range(2)]})
    assert r.status_code == 302
    m = db.session.scalars(select(Material)).one()
    data = dict(basic(), **education_rows(1))
    r = modify(c, m, csrf, data, {"scans": [(io.BytesIO(PDF), f"新扫描件{i}.pdf") for i in range(2)]})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "每份材料最多3个附件" in page
    assert count(Attachment) == 2 and len(uploads(app)) == 2
    # Removing one makes room for one.
    first = db.session.scalars(select(Attachment).order_by(Attachment.id)).first()
    r = modify(c, m, csrf, dict(data, remove_attachment=[str(first.id)]),
               {"scans": [(io.BytesIO(PDF), f"新扫描件{i}.pdf") for i in range(2)]})
    assert r.status_code == 302 and count(Attachment) == 3 and len(uploads(app)) == 3


def test_attachments_beyond_the_total_size_are_refused_and_nothing_is_stored(app, org, auth, csrf):
    app.config["MAX_ATTACHMENT_MB_PER_MATERIAL"] = 1
    c = auth.client("unita")
    big = pdf_of(600 * 1024)
    r = fill(c, org, csrf, dict(basic(), **education_rows(1)), {"scans": [(io.BytesIO(big), "扫描件.pdf")]})
    assert r.status_code == 302
    m = db.session.scalars(select(Material)).one()
    r = modify(c, m, csrf, dict(basic(), **education_rows(1)), {"scans": [(io.BytesIO(big), "第二份.pdf")]})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "每份材料的附件合计不能超过1M" in page
    assert count(Attachment) == 1 and len(uploads(app)) == 1
    # A new 评审表 replaces the old one, so only the one kept counts.
    r = modify(c, m, csrf, dict(basic(), **education_rows(1)), {"review_form": (io.BytesIO(big), "评审表.pdf")})
    assert r.status_code == 200 and "每份材料的附件合计不能超过1M" in r.get_data(as_text=True)


def test_long_texts_of_a_project_are_capped(org, auth, csrf):
    c = auth.client("xihupublish")
    url = "/admin/project_admin/new/"
    today = date.today()
    data = {"name": "2026年度西湖区助理工程师初定", "kind": "cd_junior", "year": str(today.year), "series": "工程",
            "majors": "专" * 2001, "scope": "西湖区各单位", "requirements": "要" * 20001,
            "start_date": today.isoformat(), "end_date": today.isoformat()}
    r = c.post(url, data=dict(data, csrf_token=csrf(c, url)))
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "受理专业不超过2000字" in page and "相关要求不超过20000字" in page


def _distinct_han(n: int, offset: int = 0) -> str:
    # Distinct characters cost the most to print: each glyph is embedded in the PDF once.
    return "".join(chr(0x4E00 + (offset + i) % 20000) for i in range(n))


def test_a_material_filled_to_every_cap_prints_in_seconds_and_one_more_row_is_refused(app, org, auth, csrf):
    cap = app.config["MAX_ROWS_PER_TABLE"]
    c = auth.client("unita")
    data = basic(name=_distinct_han(50), current_title=_distinct_han(100, 50), current_major=_distinct_han(100, 150),
                 achievements="\n".join(_distinct_han(200, i) for i in range(0, 20000, 201))[:20000])
    for i in range(cap):
        data.update({f"educations-{i}-start_date": "2000-09-01", f"educations-{i}-end_date": "2004-06-30",
                     f"educations-{i}-school": _distinct_han(100, 300 * i),
                     f"educations-{i}-major": _distinct_han(100, 300 * i + 100),
                     f"educations-{i}-education": _distinct_han(50, 300 * i + 200),
                     f"educations-{i}-degree": _distinct_han(50, 300 * i + 250)})
        data.update({f"work_histories-{i}-start_date": "2005-07-01", f"work_histories-{i}-end_date": "2006-06-30",
                     f"work_histories-{i}-employer": _distinct_han(200, 500 * i + 9000),
                     f"work_histories-{i}-post": _distinct_han(100, 500 * i + 9200),
                     f"work_histories-{i}-duty": _distinct_han(200, 500 * i + 9300)})
    # Rows added and left blank are ignored, not counted.
    data.update({f"educations-{i}-school": "" for i in range(cap, cap + 5)})
    r = fill(c, org, csrf, data)
    assert r.status_code == 302, r.get_data(as_text=True)
    m = db.session.scalars(select(Material)).one()
    assert (len(m.educations), len(m.work_histories), len(m.achievements)) == (cap, cap, 20000)

    started = time.perf_counter()
    r = c.get(f"/admin/print-file/material/{m.id}.pdf")
    took = time.perf_counter() - started
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert took < PDF_SECONDS, f"PDF took {took:.1f} s"

    # One row more, on a new material or on this one, is refused and changes nothing.
    more = dict(data, **education_rows(1, start=cap))
    r = fill(c, org, csrf, more)
    assert r.status_code == 200 and f"学历学位最多填写{cap}行" in r.get_data(as_text=True)
    r = modify(c, m, csrf, dict(more, id_card=m.id_card))
    assert r.status_code == 200 and f"学历学位最多填写{cap}行" in r.get_data(as_text=True)
    assert count(Material) == 1 and count(Education) == cap


def test_a_material_saved_before_the_caps_prints_only_up_to_them(app, org, auth):
    """Rows stored before the caps existed (or by a bulk import) cannot make a PDF take minutes:
    the print stops at the cap and says how many rows it left out."""
    from io import BytesIO

    from pypdf import PdfReader

    from zhicheng.printing.pdf import render_material_html, render_material_pdf
    cap = app.config["MAX_ROWS_PER_TABLE"]
    m = factories.material(org.projects["middle"], org["unit_a"], name="王五")
    for i in range(cap + 170):
        db.session.add(Education(material=m, school=f"学校{i}", major="土木工程", education="本科", degree="学士"))
    db.session.commit()
    html = render_material_html(m)
    assert "学校0" in html and f"学校{cap - 1}" in html and f"学校{cap}<" not in html
    assert "另有170行学历学位超出每表" in html
    started = time.perf_counter()
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(render_material_pdf(m))).pages)
    assert time.perf_counter() - started < PDF_SECONDS
    assert "王五" in text and "另有170行学历学位" in text
