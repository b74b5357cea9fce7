"""The 高中级 prints: the filtered list under an office's 打印模板 (定制打印), each material's 评审简表
and 资格审查表, and the blank forms of 打印空白表格 (初定表, 认定表, 评审简表, 资格审查表) — HTML
templates under templates/print/ turned into PDF the way zhicheng.printing does, in its font."""
from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from flask import current_app, render_template

from zhicheng.boards.results import results_for
from zhicheng.checks.eligibility import full_years
from zhicheng.config import DEFAULT_MAX_ROWS_PER_TABLE
from zhicheng.declare.fields import FIELDS, text_of
from zhicheng.materials.services import BASIC_FIELDS
from zhicheng.models import Material, Project
from zhicheng.printing.fonts import FONT_FAMILY
from zhicheng.printing.pdf import cn_date, ems, html_to_pdf, opinions, period, render_material_pdf, unit_opinion, wrap

#: A printed list of up to this many rows is made in the request; a longer one by a background job
#: (xhtml2pdf took 30 ms a row at city scale on a busy two-core machine: 1,000 rows 30 s).
LIST_PRINT_NOW = 200
#: The most rows one printed list holds (a background job of about a minute); a longer list is for
#: the workbook (导出Excel) rather than the printer.
LIST_PRINT_MAX = 5000
#: Rows per table of the printed list (about a page; templates/print/declare_list.html says why).
LIST_CHUNK = 30
#: Characters of the 业绩 a 评审简表 prints (the full text is in the material and its 初定表/评审表).
BRIEF_ACHIEVEMENTS = 300
#: The 评审简表's 基本信息 when no 打印模板 is chosen.
BRIEF_FIELDS = ("name", "gender", "birth_date", "id_card", "unit", "education", "current_title",
                "work_start_date", "current_major", "series", "major", "qualification")
#: 资格审查表's 审查项目.
QUALIFICATION_CHECKS = ("学历（学位）条件", "任职年限（资历）条件", "专业技术工作业绩条件", "论文、著作等成果条件",
                        "继续教育条件", "年度考核情况", "破格条件（破格申报时填写）")
#: 打印空白表格: what each blank form is and which project kind it stands for.
BLANK_FORMS = {"chuding": ("专业技术资格初定表", "cd_middle"), "rending": ("专业技术资格认定表", "rd_junior"),
               "brief": ("专业技术资格评审简表", None), "qualification": ("专业技术资格申报资格审查表", None)}
BLANK_ROWS = 2

_LEVELS = {"ps_senior": "高级", "ps_middle": "中级", "cd_middle": "中级", "cd_junior": "初级", "rd_junior": "初级"}


def _now_text() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M")


# --- 定制打印: the list --------------------------------------------------------------------

#: The landscape list's frame width and type size, in points (templates/print/_declare.html).
_LIST_FRAME = 27.3 / 2.54 * 72
_LIST_FONT = 9.0


def _list_wrap(text: str, pct: float) -> str:
    """ "w" when `text` may not fit on one line of a cell `pct` % of the landscape frame wide."""
    room = (pct / 100 * _LIST_FRAME - 8.0) / _LIST_FONT
    return "w" if text and ems(text) > room * 0.95 else ""


#: A column of the printed list is given room for its longest text up to this many ems (longer
#: text wraps), and at least its heading.
_COLUMN_MAX_EMS = 24.0
_CELL_PADDING_EMS = 1.2


def _shares(need: list[float], room: float) -> list[float]:
    """Per cent of the frame for columns needing `need` ems: all of it when everything fits (the
    rest shared in proportion); otherwise the narrow columns get what they need and the widest
    ones share what is left equally (water-filling), so that only long text wraps."""
    available = room / 100 * _LIST_FRAME / _LIST_FONT
    if sum(need) <= available:
        return [round(room * n / sum(need), 1) for n in need]
    low, high = 0.0, max(need)
    for _ in range(40):  # the level c with sum(min(n, c)) == available
        level = (low + high) / 2
        if sum(min(n, level) for n in need) > available:
            high = level
        else:
            low = level
    return [round(room * min(n, low) / available, 1) for n in need]


def render_list_pdf(title: str, department: str, description: str, order: str,
                    columns: list[tuple[str, str]], rows, total: int) -> bytes:
    """The list's rows (values as shown, in the order of `columns`) under the template's headings;
    each column as wide as its longest text needs (within bounds), the page shared out in proportion."""
    fields = [FIELDS[k] for k, _ in columns]
    body = [[text_of(f, v) for f, v in zip(fields, row)] for row in rows]
    need = [max([ems(heading)] + [min(ems(row[i]), _COLUMN_MAX_EMS) for row in body]) + _CELL_PADDING_EMS
            for i, (_, heading) in enumerate(columns)]
    pcts = _shares(need, 96.0)  # the 序号 column takes the rest
    headings = [(heading, pct) for (_, heading), pct in zip(columns, pcts)]
    cells = [[(text, pct) for text, pct in zip(row, pcts)] for row in body]
    html = render_template("print/declare_list.html", title=title, department=department, description=description,
                           order=order, headings=headings, rows=cells, total=total, printed_at=_now_text(),
                           font_family=FONT_FAMILY, wrap=_list_wrap, chunk=LIST_CHUNK)
    return html_to_pdf(html)


# --- one material: 评审简表, 资格审查表 ------------------------------------------------------

def _title(material: Material, name: str) -> str:
    level = _LEVELS.get(material.project.kind, "") if material.project is not None else ""
    return f"{level}{name}"


def _project_label(material: Material) -> str:
    project = material.project
    if project is None or not project.name:
        return "申报项目："
    label = f"申报项目：{project.name}"
    if project.year and str(project.year) not in project.name:
        label += f"（{project.year}年度）"
    return label


def _blank_row() -> SimpleNamespace:
    return SimpleNamespace(start_date=None, end_date=None, school="", major="", education="", degree="",
                           employer="", post="")


def _rows(items: list) -> list:
    """A table's rows up to the cap, or blank lines to write in by hand."""
    cap = current_app.config.get("MAX_ROWS_PER_TABLE", DEFAULT_MAX_ROWS_PER_TABLE)
    items = list(items)[:cap]
    return items or [_blank_row() for _ in range(BLANK_ROWS)]


def _unit_name(material: Material) -> str:
    from zhicheng.org.profile import name_at
    return name_at(material.unit, material.submitted_at) if material.unit is not None else ""


def _common(material: Material) -> dict:
    supervisor, approver = opinions(material)
    return {"m": material, "project_label": _project_label(material), "unit_name": _unit_name(material),
            "unit_opinion": unit_opinion(material), "supervisor": supervisor, "approver": approver,
            "font_family": FONT_FAMILY, "cn_date": cn_date, "period": period, "wrap": wrap}


def basic_pairs(material: Material, columns: list[tuple[str, str]] | None) -> list[tuple[str, str]]:
    """The 评审简表's 基本信息: (heading, value) for the 打印模板's fields, or BRIEF_FIELDS."""
    from zhicheng.declare.listing import rows_for
    columns = columns or [(k, FIELDS[k].label) for k in BRIEF_FIELDS]
    keys = [k for k, _ in columns]
    found = rows_for([material.id], keys) if material.id is not None else []
    values = found[0][1] if found else [None] * len(keys)
    return [(heading, text_of(FIELDS[k], v)) for (k, heading), v in zip(columns, values)]


def render_brief_pdf(material: Material, user=None, columns: list[tuple[str, str]] | None = None) -> bytes:
    """打印评审简表 (a blank one for a material never stored)."""
    achievements = (material.achievements or "").strip()
    if len(achievements) > BRIEF_ACHIEVEMENTS:
        achievements = achievements[:BRIEF_ACHIEVEMENTS] + "……（全文见申报材料）"
    results = results_for(user, material) if user is not None and material.id is not None else []
    html = render_template(
        "print/declare_brief.html", title=_title(material, "专业技术资格评审简表"),
        basic=basic_pairs(material, columns),
        educations=_rows(material.educations), work_histories=_rows(material.work_histories),
        achievements=achievements, board=results[-1] if results else None, **_common(material))
    return html_to_pdf(html)


def _years(material: Material) -> str:
    """参加工作年限 on the 资格审查表: full years from the start of work to the 上报 (or today)."""
    if material.work_start_date is None:
        return ""
    end = material.submitted_at.date() if material.submitted_at else date.today()
    return f"{full_years(material.work_start_date, end)}年"


def render_qualification_pdf(material: Material) -> bytes:
    """打印资格审查表 (a blank one for a material never stored)."""
    educations = [e for e in material.educations if e.school or e.education]
    highest = max(educations, key=lambda e: (e.end_date or e.start_date or date.min), default=None)
    html = render_template("print/declare_qualification.html", title=_title(material, "专业技术资格申报资格审查表"),
                           years=_years(material), highest=highest, checks=QUALIFICATION_CHECKS, **_common(material))
    return html_to_pdf(html)


# --- 打印空白表格 --------------------------------------------------------------------------------

def blank_material(kind: str | None) -> Material:
    """An empty material never stored (nor added to the session): every text field blank, no
    unit, no records; its project only says which form it is."""
    material = Material(**{name: ("" if not name.endswith("date") else None) for name in BASIC_FIELDS})
    material.number = None
    material.unit_opinion = ""
    material.project = Project(name="", kind=kind or "", year=None)
    return material


def render_blank(form: str) -> bytes:
    """One of BLANK_FORMS as PDF (KeyError for another name)."""
    _title_text, kind = BLANK_FORMS[form]
    material = blank_material(kind)
    if form in ("chuding", "rending"):
        return render_material_pdf(material)
    if form == "brief":
        return render_brief_pdf(material)
    return render_qualification_pdf(material)
