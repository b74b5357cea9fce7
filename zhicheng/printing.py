"""打印初定表 / 打印认定表: a material as an A4 PDF form.

The form is the Jinja template templates/print/form.html turned into PDF by
xhtml2pdf, with the Chinese drawn in an embedded TrueType font
(zhicheng/fonts/ZhichengSerifSC-Regular.ttf: a subset of Noto Serif CJK SC with
TrueType outlines, made by tools/build_font.py; ReportLab embeds only glyf
outlines). A material that is not (or no longer) submitted -- 待上报, 被退回 --
prints with a diagonal watermark, "未上报 · 仅供核对"; a submitted or approved one
prints clean (the manual: 不带水印).

Call register_fonts() once at start-up (create_app does); render_material_pdf()
calls it too, so nothing breaks without it, the first render is just slower.
"""
from __future__ import annotations

import atexit
import io
import mmap
import re
import shutil
import tempfile
import threading
from array import array
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask import render_template

from .models.materials import Material, MaterialState

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "ZhichengSerifSC-Regular.ttf"
#: The face's name in ReportLab's registry, and the font-family the template asks for.
FONT_NAME = "ZhichengSerifSC"
FONT_FAMILY = "zhsong"
TEMPLATE = "print/form.html"
WATERMARK_TEXT = "未上报 · 仅供核对"
#: States printed with the watermark: the material is not in the departments' hands.
WATERMARKED_STATES = frozenset({MaterialState.DRAFT, MaterialState.RETURNED})

_lock = threading.Lock()
_registered = False
_watermark_dir: Path | None = None


# --- fonts -------------------------------------------------------------------------------

def _to_unicode_cmap(fontname: str, subset) -> str:
    """ReportLab's ToUnicode CMap, with characters beyond U+FFFF written as UTF-16.

    ReportLab writes every destination as "<%04X>", so 𠮷 (U+20BB7) came out as
    the odd-length "<20BB7>", which PDF readers reject: copy, search and text
    extraction lost the character. A bfchar destination is UTF-16BE (PDF 32000
    9.10.3), i.e. a surrogate pair "<D842DFB7>" for such a character.
    """
    def utf16(cp: int) -> str:
        if cp <= 0xFFFF:
            return "%04X" % cp
        return chr(cp).encode("utf-16-be").hex().upper()

    return "\n".join([
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        "<< /Registry (%s)" % fontname,
        "/Ordering (%s)" % fontname,
        "/Supplement 0",
        ">> def",
        "/CMapName /%s def" % fontname,
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<00> <%02X>" % (len(subset) - 1),
        "endcodespacerange",
        "%d beginbfchar" % len(subset),
        *("<%02X> <%s>" % (i, utf16(v)) for i, v in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ])


class _MappedFont:
    """The font file for ReportLab's parser: read() hands out a read-only mmap, not a copy.

    TTFontParser keeps whatever read() returns as the face's data and only ever
    slices, indexes and unpacks it, which an mmap answers like bytes. The 14 MB
    file then costs the process only the pages actually read -- the tables that
    registration parses and the glyphs that documents embed -- instead of a
    resident copy in every worker; the pages are the file's, shared by every
    process that maps it.
    """

    def __init__(self, path: Path) -> None:
        self.name = str(path)  # ReportLab's face.filename
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)

    def read(self) -> mmap.mmap:
        return self._map


class _TableView:
    """A table of the font file, sliced without copying the whole of it first.

    ReportLab's TTFontFile.get_table() returns `data[pos:pos + length]`, and
    makeSubset() asks for the 'glyf' table once for every subset of 256
    characters a document uses: with a CJK face that is a copy of 12 MB each
    time (several ms) to take a few hundred glyphs out of it. This answers the
    same slices, as bytes, from a memoryview.
    """

    __slots__ = ("_view",)

    def __init__(self, data, pos: int, length: int) -> None:
        self._view = memoryview(data)[pos:pos + length]

    def __len__(self) -> int:
        return len(self._view)

    def __getitem__(self, key) -> bytes:
        return bytes(self._view[key])


def _zero_copy_glyf(face) -> None:
    """Make this one face (not ReportLab's class) hand out 'glyf' as a _TableView."""
    plain = face.get_table

    def get_table(tag):
        if tag == "glyf":
            pos, length = face.get_table_pos(tag)
            return _TableView(face._ttf_data, pos, length)
        return plain(tag)

    face.get_table = get_table


class _Metrics:
    """A face's hmetrics, (advance width, left side bearing) by glyph, kept as two arrays.

    ReportLab's parser builds a list of tuples of ints (about 3 MB for 32,000
    glyphs); makeSubset() only looks glyphs up in it by index.
    """

    __slots__ = ("_advance", "_bearing")

    def __init__(self, pairs) -> None:
        self._advance = array("H", (aw for aw, _ in pairs))
        self._bearing = array("H", (lsb for _, lsb in pairs))

    def __len__(self) -> int:
        return len(self._advance)

    def __getitem__(self, glyph: int) -> tuple[int, int]:
        return self._advance[glyph], self._bearing[glyph]


def _compact_face(face) -> None:
    """Keep the per-glyph tables ReportLab left on the face in a compact form.

    The parser leaves one Python object or more per glyph in them; after
    registration ReportLab still needs charToGlyph and charWidths as they are
    (looked up for every character laid out), and the rest only as follows:

    - glyphPos (the 'loca' offsets) and hmetrics: looked up by glyph index when
      a subset is embedded, which arrays answer the same;
    - glyphToChar: read only when shaping text, and the font is registered
      without shaping (Chinese needs none, and paragraph styles never ask);
    - charWidths holds a separate int per glyph for fewer than 200 distinct widths.
    """
    face.glyphPos = array("I", face.glyphPos)
    face.hmetrics = _Metrics(face.hmetrics)
    del face.glyphToChar
    widths: dict[int, int] = {}
    for code, width in face.charWidths.items():
        face.charWidths[code] = widths.setdefault(width, width)


def register_fonts() -> None:
    """Register the form's font with ReportLab and xhtml2pdf. Idempotent, thread-safe.

    Loading the face parses the file's tables once per process (about 50 ms),
    reading the file through an mmap; every document then embeds only the
    glyphs it uses.
    """
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics, ttfonts
        from xhtml2pdf import default as x2p_default

        ttfonts.makeToUnicodeCMap = _to_unicode_cmap
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            font = ttfonts.TTFont(FONT_NAME, _MappedFont(FONT_PATH), shapable=False)
            _zero_copy_glyf(font.face)
            _compact_face(font.face)
            pdfmetrics.registerFont(font)
        # One weight: bold and italic draw with the same face (the headings are
        # set larger rather than bolder), so <b> or <th> never falls back to Helvetica.
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(FONT_NAME, bold, italic, FONT_NAME)
                addMapping(FONT_FAMILY, bold, italic, FONT_NAME)
        # Every xhtml2pdf document starts from a copy of this table, so the
        # template's font-family resolves without a per-document @font-face
        # (which would hash the 14 MB file on every render).
        x2p_default.DEFAULT_FONT[FONT_FAMILY] = FONT_NAME
        x2p_default.DEFAULT_FONT[FONT_NAME.lower()] = FONT_NAME
        _registered = True


# --- watermark ---------------------------------------------------------------------------

def _draw_watermark(path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4, pageCompression=1)
    c.setTitle("watermark")
    c.setFillGray(0.82)
    c.saveState()
    c.translate(width / 2, height / 2)
    c.rotate(45)
    # Three parallel lines across the page's diagonal, the middle one largest.
    for offset, size in ((-250, 36), (0, 54), (250, 36)):
        c.setFont(FONT_NAME, size)
        c.drawCentredString(0, offset - size / 3, WATERMARK_TEXT)
    c.restoreState()
    c.showPage()
    c.save()


def watermark_dir() -> Path:
    """A private directory holding watermark.pdf, drawn once per process.

    xhtml2pdf merges an @page background-image that is a PDF under every page;
    the render's resource policy lets the document read this directory only.
    """
    global _watermark_dir
    if _watermark_dir is not None and (_watermark_dir / "watermark.pdf").exists():
        return _watermark_dir
    register_fonts()
    with _lock:
        if _watermark_dir is None or not (_watermark_dir / "watermark.pdf").exists():
            folder = Path(tempfile.mkdtemp(prefix="zhicheng-print-"))
            atexit.register(shutil.rmtree, folder, True)
            tmp = folder / "watermark.pdf.tmp"
            _draw_watermark(tmp)
            tmp.replace(folder / "watermark.pdf")
            _watermark_dir = folder
    return _watermark_dir


# --- opinions ----------------------------------------------------------------------------

@dataclass
class Opinion:
    department: str
    actor: str
    text: str
    day: date | None


def _day(value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def opinions(material: Material) -> tuple[Opinion | None, Opinion | None]:
    """(主管部门意见, 职改部门意见) from the review records of the current submission.

    Only a material in review or approved has them; only records after its
    latest 上报 count (a returned material starts over). The 主管部门 is the
    first department that passed it ("同意上报") -- or approved it, when that
    department issued the project; the 职改部门 is the one that approved it
    ("审核通过"). Either is None while not reached: the form prints blank lines.
    """
    if material.state not in (MaterialState.IN_REVIEW, MaterialState.APPROVED):
        return None, None
    records = list(material.review_records)
    last_submit = max((i for i, r in enumerate(records) if r.action == "submit"), default=None)
    if last_submit is None:
        return None, None
    current = records[last_submit + 1:]

    def opinion(record, text) -> Opinion:
        return Opinion(department=record.department.name if record.department else "",
                       actor=record.actor_name or "", text=text, day=_day(record.at))

    supervisor = approver = None
    for record in current:
        if record.action in ("return", "change_department"):
            return None, None
        if record.action == "pass" and supervisor is None:
            supervisor = opinion(record, "同意上报")
        elif record.action == "approve":
            approver = opinion(record, "审核通过")
            if supervisor is None:
                supervisor = approver
    return supervisor, approver


# --- render ------------------------------------------------------------------------------

def _cn_date(value: datetime | date | None, month_only: bool = False) -> str:
    value = _day(value)
    if value is None:
        return ""
    if month_only:
        return f"{value.year}.{value.month:02d}"
    return f"{value.year}年{value.month:02d}月{value.day:02d}日"


def _period(start, end) -> str:
    start_s, end_s = _cn_date(start, True), _cn_date(end, True)
    if not start_s and not end_s:
        return ""
    return f"{start_s}—{end_s or '至今'}"


#: The body frame's width and the type size of the form, in points.
_FRAME_WIDTH = 17.4 / 2.54 * 72
_FONT_SIZE = 10.5
_CELL_PADDING = 8.0


def _ems(text: str) -> float:
    """How wide `text` sets in the form's font, in ems."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, FONT_NAME, 1.0)


def _wrap(text, pct: float) -> str:
    """ "w" (break between any two characters) when `text` may not fit on one
    line of a cell `pct` % of the frame wide; "" when it surely fits."""
    text = "" if text is None else str(text)
    room = (pct / 100 * _FRAME_WIDTH - _CELL_PADDING) / _FONT_SIZE
    return "w" if _ems(text) > room * 0.95 else ""


def _paragraphs(text: str | None) -> list[str]:
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line.strip() for line in lines if line.strip()]


def watermarked(material: Material) -> bool:
    return material.state in WATERMARKED_STATES


def render_material_html(material: Material, watermark_path: Path | None = None) -> str:
    """The form as HTML (inside an app context), before it becomes a PDF.

    `watermark_path` is the PDF put under every page; None prints without one.
    """
    supervisor, approver = opinions(material)
    project = material.project
    project_label = f"申报项目：{project.name}" if project else ""
    if project and project.year and str(project.year) not in project.name:
        project_label += f"（{project.year}年度）"
    return render_template(
        TEMPLATE,
        m=material,
        project=project,
        title=f"专业技术资格{project.form_name if project else '初定表'}",
        unit_name=material.unit.name if material.unit else "",
        educations=list(material.educations),
        work_histories=list(material.work_histories),
        achievements=_paragraphs(material.achievements),
        supervisor=supervisor,
        approver=approver,
        watermark_url=watermark_path.as_uri() if watermark_path else None,
        font_family=FONT_FAMILY,
        cn_date=_cn_date,
        period=_period,
        wrap=_wrap,
        project_label=project_label,
    )


class PrintError(RuntimeError):
    """The PDF could not be made."""


_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def page_count(pdf: bytes) -> int:
    """How many pages a PDF written by ReportLab (or pypdf) has: its /Type /Page objects."""
    return len(_PAGE_OBJECT.findall(pdf))


def _render(material: Material, watermark: Path | None) -> bytes:
    from xhtml2pdf import pisa
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    html = render_material_html(material, watermark)
    # The document may read nothing but the watermark, and fetch nothing: the
    # form holds applicants' text, escaped by Jinja, and no resources of its own.
    policy = ResourceAccessPolicy.server(base_dir=watermark.parent if watermark else None,
                                         allow_remote=False)
    out = io.BytesIO()
    status = pisa.CreatePDF(html, dest=out, encoding="utf-8", resource_policy=policy)
    if status.err:
        raise PrintError(f"生成PDF失败（{status.err}）")
    return out.getvalue()


def render_material_pdf(material: Material) -> bytes:
    """The material's 初定表/认定表 as PDF bytes. Needs an app context (render_template).

    Each page's footer says "第 n 页". A total ("共 N 页", xhtml2pdf's <pdf:pagecount>)
    would make xhtml2pdf lay the whole form out twice, doubling the time a form takes.
    """
    register_fonts()
    watermark = watermark_dir() / "watermark.pdf" if watermarked(material) else None
    return _render(material, watermark)
