"""打印初定表/认定表: the PDF form, its font, watermark, opinions and page numbers.

The app here is a minimal one of its own (templates, database, nothing else), so
that these tests do not depend on the rest of the application being wired up.
"""
from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader

from zhicheng.accounts.models import KIND_UNIT
from zhicheng.extensions import db
from zhicheng.models import (
    Department,
    Education,
    Material,
    MaterialState,
    Project,
    ReviewRecord,
    Unit,
    User,
    WorkHistory,
)
from zhicheng.printing import fonts
from zhicheng.printing import pdf as printing

ROOT = Path(__file__).resolve().parents[2]
RARE_NAME = "王𠮷䶮堃"  # U+20BB7 (Ext-B), U+4DAE (Ext-A), U+5803
WATERMARK = "未上报 · 仅供核对"
SENTENCE = "本人长期从事建筑结构设计与施工管理工作，主持完成了多项市级重点工程的结构计算、图纸审核和现场技术指导。"


@pytest.fixture
def app(tmp_path):
    app = Flask(__name__, template_folder=str(ROOT / "templates"))
    app.config.update(TESTING=True, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'print.sqlite'}")
    db.init_app(app)
    fonts.register_fonts()
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def org(app):
    root = Department(name="杭州市人力资源和社会保障局", path="/1/", depth=0)
    dept = Department(name="西湖区人才职改办", parent=root, path="/1/2/", depth=1)
    unit = Unit(uscc="91330106MA0000001X", legal_rep="法人", name="杭州市西湖区某某科技有限公司", department=dept)
    user = User(kind=KIND_UNIT, username="unita", password_hash="x", unit=unit)
    cd = Project(name="西湖区初级初定项目", kind="cd_junior", year=2025, start_date=date(2025, 1, 1),
                 end_date=date(2025, 12, 31), issuer=root)
    rd = Project(name="教育局初级认定项目", kind="rd_junior", year=2025, start_date=date(2025, 1, 1),
                 end_date=date(2025, 12, 31), issuer=dept)
    db.session.add_all([root, dept, unit, user, cd, rd])
    db.session.commit()
    return {"root": root, "dept": dept, "unit": unit, "user": user, "cd": cd, "rd": rd}


_seq = iter(range(1, 10_000))


def make_material(org, state=MaterialState.DRAFT, project="cd", records=(), **fields) -> Material:
    """A material with one degree and one post; `records` are (action, department key or None, actor)."""
    n = next(_seq)
    values = dict(name=RARE_NAME, gender="男", birth_date=date(1990, 5, 17), id_card=f"33010619900517{n:04d}",
                  phone="13800138000", work_start_date=date(2012, 7, 1), current_major="建筑工程",
                  series="工程", major="建筑结构", qualification="助理工程师", education="本科",
                  current_title="技术员", achievements=SENTENCE * 3)
    values.update(fields)
    m = Material(number=f"2025CD{n:06d}", project=org[project], unit=org["unit"], creator=org["user"],
                 state=state, **values)
    db.session.add(m)
    m.educations.append(Education(start_date=date(2008, 9, 1), end_date=date(2012, 6, 30), school="浙江工业大学",
                                  major="土木工程", education="本科", degree="学士"))
    m.work_histories.append(WorkHistory(start_date=date(2012, 7, 1), employer=org["unit"].name, post="技术员",
                                        duty="结构设计"))
    db.session.add(m)
    db.session.flush()
    for day, (action, dept, actor) in enumerate(records, start=1):
        db.session.add(ReviewRecord(material=m, action=action, department=org[dept] if dept else None,
                                    actor_name=actor, state_after=state, at=datetime(2025, 3, day, 10, 0)))
    db.session.commit()
    return m


SUBMIT = ("submit", None, "张经办")
PASS = ("pass", "dept", "李审核")
APPROVE = ("approve", "root", "王职改")


def pdf_of(material) -> PdfReader:
    data = printing.render_material_pdf(material)
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


FOOTER = re.compile(r"专业技术资格(初定|认定)表编号：\w+第\d+页")


def flowing_text(reader: PdfReader) -> str:
    """The pages' text run together, without the page footers."""
    return "".join(FOOTER.sub("", squeeze(text)) for text in texts(reader))


# --- font ----------------------------------------------------------------------------------

def test_register_fonts_is_idempotent_and_maps_the_family(app):
    from reportlab.pdfbase import pdfmetrics
    from xhtml2pdf.default import DEFAULT_FONT

    fonts.register_fonts()
    fonts.register_fonts()
    assert fonts.FONT_NAME in pdfmetrics.getRegisteredFontNames()
    assert DEFAULT_FONT[fonts.FONT_FAMILY] == fonts.FONT_NAME


def test_registered_face_has_reportlabs_own_tables_in_compact_form(app):
    """The face keeps what ReportLab's parser would, read from an mmap of the file into compact tables."""
    import mmap

    from reportlab.pdfbase import pdfmetrics, ttfonts

    face = pdfmetrics.getFont(fonts.FONT_NAME).face
    reference = ttfonts.TTFontFace(str(fonts.FONT_PATH))  # ReportLab's parse, for comparison
    assert isinstance(face._ttf_data, mmap.mmap)
    assert len(face.charToGlyph) == len(reference.charToGlyph) > 30_000
    assert dict(face.charToGlyph) == reference.charToGlyph
    assert face.defaultWidth == reference.defaultWidth
    assert {code: face.charWidths.get(code, face.defaultWidth) for code in reference.charWidths} == reference.charWidths
    assert len(face.charWidths) < len(reference.charWidths) // 10  # only the widths other than the default
    assert list(face.glyphPos) == reference.glyphPos
    assert len(face.hmetrics) == len(reference.hmetrics)
    assert [face.hmetrics[glyph] for glyph in range(len(reference.hmetrics))] == reference.hmetrics
    for code in (0x20, 0xA0, ord("堃"), ord("𠮷"), 0x10FFFF, -1, "a"):
        assert (code in face.charToGlyph) is (code in reference.charToGlyph)
        assert face.charToGlyph.get(code) == reference.charToGlyph.get(code)
    for name in ("name", "ascent", "descent", "capHeight", "bbox", "italicAngle", "stemV", "flags",
                 "unitsPerEm", "numGlyphs"):
        assert getattr(face, name) == getattr(reference, name), name
    text = "王𠮷䶮堃 Spring Boot、Kubernetes（1.28）"
    assert pdfmetrics.stringWidth(text, fonts.FONT_NAME, 10.5) == sum(
        reference.charWidths.get(ord(ch), reference.defaultWidth) for ch in text) * 10.5 / 1000


def test_font_is_truetype_and_covers_rare_name_characters():
    from fontTools.ttLib import TTFont

    font = TTFont(str(fonts.FONT_PATH), lazy=True)
    assert "glyf" in font and "CFF " not in font  # ReportLab embeds glyf outlines only
    assert font["maxp"].numGlyphs < 65535
    cmap = font.getBestCmap()
    for ch in "堃喆玥赟昇䶮𠮷" + "，。、（）《》“”—" + "AZaz09":
        assert ord(ch) in cmap, f"{ch} (U+{ord(ch):04X}) is not in the form's font"
    licences = [p.name for p in fonts.FONT_PATH.parent.iterdir() if "LICENSE" in p.name.upper()]
    assert licences, "the font's licence must ship beside it"


# --- content -------------------------------------------------------------------------------

def test_form_shows_title_number_applicant_and_unit(org):
    m = make_material(org, MaterialState.IN_REVIEW, records=[SUBMIT])
    text = "\n".join(texts(pdf_of(m)))
    flat = squeeze(text)
    assert "专业技术资格初定表" in flat
    assert m.number in flat
    assert RARE_NAME in flat  # 𠮷 (beyond U+FFFF) survives extraction: ToUnicode is UTF-16
    for value in ("330106", "13800138000", "杭州市西湖区某某科技有限公司", "浙江工业大学", "助理工程师",
                  "1990年05月17日", "2012.07—至今", "建筑结构设计与施工管理"):
        assert value in flat, value
    for label in ("姓名", "性别", "出生日期", "身份证号", "手机", "参加工作时间", "现从事专业", "申报系列", "申报专业",
                  "申报资格名称", "学历", "现任职务", "工作单位", "学历学位", "工作经历", "专业技术工作业绩", "单位意见",
                  "主管部门", "职改部门"):
        assert label in flat, label


def test_recognition_project_prints_the_recognition_form(org):
    m = make_material(org, MaterialState.IN_REVIEW, project="rd", records=[SUBMIT])
    flat = squeeze("".join(texts(pdf_of(m))))
    assert "专业技术资格认定表" in flat
    assert "专业技术资格初定表" not in flat


def test_rare_characters_are_drawn_with_the_embedded_font(org):
    m = make_material(org, MaterialState.IN_REVIEW, records=[SUBMIT], name="𠮷䶮堃喆玥赟昇")
    reader = pdf_of(m)
    assert "𠮷䶮堃喆玥赟昇" in squeeze(reader.pages[0].extract_text())
    drawn_with = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            drawn_with.append(font)

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    assert drawn_with
    for font in drawn_with:  # every visible character: our TrueType face, embedded
        assert "ZhichengSerifSC" in font["/BaseFont"], font["/BaseFont"]
        assert font["/Subtype"] == "/TrueType" and "/FontFile2" in font["/FontDescriptor"]


def test_markup_in_fields_is_printed_as_text(org):
    m = make_material(org, MaterialState.IN_REVIEW, records=[SUBMIT], name="<b>张三</b>",
                      achievements='<img src="/etc/passwd"> & 其他')
    flat = squeeze("".join(texts(pdf_of(m))))
    assert "<b>张三</b>" in flat
    assert '<imgsrc="/etc/passwd">&其他' in flat


# --- watermark -----------------------------------------------------------------------------

@pytest.mark.parametrize("state, records, marked", [
    (MaterialState.DRAFT, [], True),
    (MaterialState.RETURNED, [SUBMIT, ("return", "dept", "李审核")], True),
    (MaterialState.IN_REVIEW, [SUBMIT], False),
    (MaterialState.APPROVED, [SUBMIT, PASS, APPROVE], False),
])
def test_watermark_only_while_not_submitted(org, state, records, marked):
    m = make_material(org, state, records=records, achievements=SENTENCE * 60)
    pages = texts(pdf_of(m))
    assert len(pages) >= 2
    for text in pages:
        assert (WATERMARK in text) is marked


# --- opinions ------------------------------------------------------------------------------

def test_opinions_blank_until_a_department_passes(org):
    m = make_material(org, MaterialState.IN_REVIEW, records=[SUBMIT])
    assert printing.opinions(m) == (None, None)
    flat = squeeze("".join(texts(pdf_of(m))))
    assert "同意上报" not in flat and "审核通过" not in flat
    assert flat.count("经办人：年月日") == 2  # blank lines to fill in by hand


def test_opinions_filled_from_review_records(org):
    m = make_material(org, MaterialState.APPROVED, records=[SUBMIT, PASS, APPROVE])
    supervisor, approver = printing.opinions(m)
    assert (supervisor.department, supervisor.actor, supervisor.text) == ("西湖区人才职改办", "李审核", "同意上报")
    assert (approver.department, approver.actor, approver.text) == ("杭州市人力资源和社会保障局", "王职改", "审核通过")
    flat = squeeze("".join(texts(pdf_of(m))))
    for value in ("同意上报", "西湖区人才职改办（盖章）", "经办人：李审核", "2025年03月02日",
                  "审核通过", "杭州市人力资源和社会保障局（盖章）", "经办人：王职改", "2025年03月03日"):
        assert value in flat, value


def test_issuing_department_passing_first_fills_both_opinions(org):
    m = make_material(org, MaterialState.APPROVED, project="rd", records=[SUBMIT, ("approve", "dept", "李审核")])
    supervisor, approver = printing.opinions(m)
    assert supervisor == approver and approver.text == "审核通过"


def test_only_the_current_submission_counts(org):
    returned = make_material(org, MaterialState.RETURNED, records=[SUBMIT, PASS, ("return", "root", "王职改")])
    assert printing.opinions(returned) == (None, None)
    resubmitted = make_material(org, MaterialState.IN_REVIEW,
                                records=[SUBMIT, PASS, ("return", "root", "王职改"), SUBMIT])
    assert printing.opinions(resubmitted) == (None, None)
    passed_again = make_material(org, MaterialState.IN_REVIEW,
                                 records=[SUBMIT, PASS, ("return", "root", "王职改"), SUBMIT, PASS])
    supervisor, approver = printing.opinions(passed_again)
    assert supervisor.day == date(2025, 3, 5) and approver is None


# --- layout --------------------------------------------------------------------------------

def text_boxes(page):
    """(text, x0, y, x1) of every piece of text drawn on the page, in page space."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    boxes = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        a, b, c, d, e, f = cm
        x = tm[4] * a + tm[5] * c + e
        y = tm[4] * b + tm[5] * d + f
        scale = (tm[0] * a + tm[1] * c) or 1
        boxes.append((text, x, y, x + stringWidth(text.strip("\n"), fonts.FONT_NAME, size * scale)))

    page.extract_text(visitor_text=visit)
    return boxes


def assert_inside_page(reader: PdfReader, margin: float = 14.0):
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        boxes = text_boxes(page)
        assert boxes
        for text, x0, y, x1 in boxes:
            assert margin <= x0 and x1 <= width - margin, f"page {number}: {text!r} runs off ({x0:.0f}-{x1:.0f})"
            assert margin <= y <= height - margin, f"page {number}: {text!r} off the page (y={y:.0f})"


def test_long_achievements_flow_over_pages_and_stay_on_them(org):
    body = (SENTENCE * 60)[:3000]
    assert len(body) == 3000
    m = make_material(org, MaterialState.IN_REVIEW, records=[SUBMIT], achievements=body)
    reader = pdf_of(m)
    assert len(reader.pages) >= 3
    assert body in flowing_text(reader)  # nothing lost at the page breaks
    assert_inside_page(reader)


def test_long_values_wrap_inside_their_cells(org):
    long_unit = "杭州市西湖区" + "某" * 150 + "科技有限公司"
    org["unit"].name = long_unit
    m = make_material(org, MaterialState.APPROVED, records=[SUBMIT, PASS, APPROVE],
                      current_major="计算机科学与技术及其在智慧城市建设中的应用研究方向" * 2,
                      qualification="高级工程师（正高级职称评审通过人员）" * 2,
                      achievements="\n".join([SENTENCE * 5, "Spring Boot、Kubernetes " * 20, "x" * 400]))
    reader = pdf_of(m)
    assert squeeze(long_unit) in flowing_text(reader)
    assert_inside_page(reader)


@pytest.mark.parametrize("length, paragraph", [(0, 0), (200, 0), (1400, 0), (1400, 100), (2300, 0), (2900, 700)])
def test_footer_numbers_every_page(org, length, paragraph):
    text = (SENTENCE * 60)[:length]
    if paragraph:
        text = "\n".join(text[k:k + paragraph] for k in range(0, len(text), paragraph))
    m = make_material(org, MaterialState.DRAFT, achievements=text)
    reader = pdf_of(m)
    for number, page in enumerate(texts(reader), start=1):
        assert f"第 {number} 页" in page, page[-80:]


def test_a_bare_draft_prints_blank_rows(org):
    m = Material(project=org["cd"], unit=org["unit"], creator=org["user"], name="李四", id_card="330106199001010011")
    db.session.add(m)
    db.session.commit()
    reader = pdf_of(m)
    assert len(reader.pages) == 1
    flat = squeeze(reader.pages[0].extract_text())
    assert "李四" in flat and "编号：________" in flat and WATERMARK in reader.pages[0].extract_text()
    assert "第1页" in flat
