"""打印初定表 / 打印认定表: a material as an A4 PDF form.

The form is the Jinja template templates/print/form.html turned into PDF by
xhtml2pdf, with the Chinese drawn in the embedded TrueType font that
zhicheng.printing.fonts loads. A material that is not (or no longer) submitted --
待上报, 被退回 -- prints with a diagonal watermark, "未上报 · 仅供核对"; a
submitted or approved one prints clean (the manual: 不带水印).

Call register_fonts() once at start-up (create_app does); render_material_pdf()
calls it too, so nothing breaks without it, the first render is just slower.
"""
from __future__ import annotations

import atexit
import io
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from zhicheng import scope
from zhicheng.config import DEFAULT_MAX_ROWS_PER_TABLE
from zhicheng.extensions import db
from zhicheng.materials.models import Material
from zhicheng.materials.services import ACHIEVEMENTS_MAX
from zhicheng.materials.states import STATES, states_where
from zhicheng.printing.fonts import FONT_FAMILY, FONT_NAME, register_fonts

TEMPLATE = "print/form.html"
WATERMARK_TEXT = "未上报 · 仅供核对"
#: States printed with the watermark: the material is not in the departments' hands.
WATERMARKED_STATES = frozenset(states_where("watermarked"))

_lock = threading.Lock()
_watermark_dir: Path | None = None


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
    ("审核通过"). A 审核意见 written with 通过 is printed instead of those words.
    Either is None while not reached: the form prints blank lines.
    """
    facts = STATES.get(material.state)
    if facts is None or not facts.opinions:
        return None, None
    records = list(material.review_records)
    # A submission starts with the unit's 上报, or with a department's 录入 of a paper 评审简表.
    last_submit = max((i for i, r in enumerate(records) if r.action in ("submit", "enter")), default=None)
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
            supervisor = opinion(record, record.reason or "同意上报")
        elif record.action == "approve":
            approver = opinion(record, record.reason or "审核通过")
            if supervisor is None:
                supervisor = approver
    return supervisor, approver


# --- render ------------------------------------------------------------------------------

def cn_date(value: datetime | date | None, month_only: bool = False) -> str:
    value = _day(value)
    if value is None:
        return ""
    if month_only:
        return f"{value.year}.{value.month:02d}"
    return f"{value.year}年{value.month:02d}月{value.day:02d}日"


def period(start, end) -> str:
    start_s, end_s = cn_date(start, True), cn_date(end, True)
    if not start_s and not end_s:
        return ""
    return f"{start_s}—{end_s or '至今'}"


#: The body frame's width and the type size of the form, in points.
_FRAME_WIDTH = 17.4 / 2.54 * 72
_FONT_SIZE = 10.5
_CELL_PADDING = 8.0


def ems(text: str) -> float:
    """How wide `text` sets in the form's font, in ems."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, FONT_NAME, 1.0)


def wrap(text, pct: float) -> str:
    """ "w" (break between any two characters) when `text` may not fit on one
    line of a cell `pct` % of the frame wide; "" when it surely fits."""
    text = "" if text is None else str(text)
    room = (pct / 100 * _FRAME_WIDTH - _CELL_PADDING) / _FONT_SIZE
    return "w" if ems(text) > room * 0.95 else ""


def _paragraphs(text: str | None) -> list[str]:
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line.strip() for line in lines if line.strip()]


def unit_opinion(material: Material) -> Opinion | None:
    """The 单位意见 a unit wrote on a 个人申报 (the unit's own materials have none: blank lines)."""
    if not material.unit_opinion:
        return None
    return Opinion(department=material.unit.name if material.unit else "", actor="", text=material.unit_opinion,
                   day=_day(material.unit_opinion_at))


def watermarked(material: Material) -> bool:
    return material.state in WATERMARKED_STATES


def render_material_html(material: Material, watermark_path: Path | None = None) -> str:
    """The form as HTML (inside an app context), before it becomes a PDF.

    `watermark_path` is the PDF put under every page; None prints without one.
    """
    supervisor, approver = opinions(material)
    project = material.project
    # A material saved before the caps existed may hold more rows than a form may now have: the
    # print stops at the cap (and says so), so no material can make a PDF take minutes.
    cap = current_app.config.get("MAX_ROWS_PER_TABLE", DEFAULT_MAX_ROWS_PER_TABLE)
    educations, work_histories = list(material.educations), list(material.work_histories)
    project_label = f"申报项目：{project.name}" if project else ""
    if project and project.year and str(project.year) not in project.name:
        project_label += f"（{project.year}年度）"
    from zhicheng.org.profile import name_at
    from zhicheng.org.seal import seal_for
    # The unit's name as it was when the material was submitted (更名记录); a draft prints today's.
    unit_name = name_at(material.unit, material.submitted_at) if material.unit else ""
    # The unit's electronic seal on its 单位意见 once the unit has put the material forward (not on
    # a draft or a returned one, which print with the watermark), or has written its 单位意见 on a
    # 个人申报.
    sealed = not watermarked(material) or bool(material.unit_opinion)
    seal = seal_for(material.unit) if material.unit and sealed else None
    return render_template(
        TEMPLATE,
        m=material,
        project=project,
        title=f"专业技术资格{project.form_name if project else '初定表'}",
        unit_name=unit_name,
        unit_opinion=unit_opinion(material),
        seal=seal,
        educations=educations[:cap],
        educations_omitted=max(0, len(educations) - cap),
        work_histories=work_histories[:cap],
        work_histories_omitted=max(0, len(work_histories) - cap),
        achievements=_paragraphs((material.achievements or "")[:ACHIEVEMENTS_MAX]),
        supervisor=supervisor,
        approver=approver,
        watermark_url=watermark_path.as_uri() if watermark_path else None,
        font_family=FONT_FAMILY,
        cn_date=cn_date,
        period=period,
        wrap=wrap,
        project_label=project_label,
    )


class PrintError(RuntimeError):
    """The PDF could not be made."""


_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def page_count(pdf: bytes) -> int:
    """How many pages a PDF written by ReportLab (or pypdf) has: its /Type /Page objects."""
    return len(_PAGE_OBJECT.findall(pdf))


def _render(material: Material, watermark: Path | None) -> bytes:
    return html_to_pdf(render_material_html(material, watermark), watermark.parent if watermark else None)


def html_to_pdf(html: str, readable_dir: Path | None = None, failure: str = "生成PDF失败") -> bytes:
    """A printed page's HTML (fonts registered) as PDF bytes; PrintError (`failure`) when xhtml2pdf
    reports an error.

    The document may read nothing but `readable_dir` (the watermark's, a certificate's images),
    and fetch nothing: the forms hold applicants' text, escaped by Jinja, and no resources of
    their own."""
    from xhtml2pdf import pisa
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    register_fonts()
    policy = ResourceAccessPolicy.server(base_dir=readable_dir, allow_remote=False)
    out = io.BytesIO()
    status = pisa.CreatePDF(html, dest=out, encoding="utf-8", resource_policy=policy)
    if status.err:
        raise PrintError(f"{failure}（{status.err}）")
    return out.getvalue()


def material_to_print(user, material_id: int) -> Material | None:
    """The material with the tables its printed forms show, if it is in the user's scope."""
    return db.session.scalar(
        select(Material).where(Material.id == material_id, scope.materials(user))
        .options(selectinload(Material.educations), selectinload(Material.work_histories),
                 selectinload(Material.review_records)))


def render_material_pdf(material: Material) -> bytes:
    """The material's 初定表/认定表 as PDF bytes. Needs an app context (render_template).

    Each page's footer says "第 n 页". A total ("共 N 页", xhtml2pdf's <pdf:pagecount>)
    would make xhtml2pdf lay the whole form out twice, doubling the time a form takes.
    """
    register_fonts()
    watermark = watermark_dir() / "watermark.pdf" if watermarked(material) else None
    return _render(material, watermark)
