"""The fields of a material a department's list can show, sort by, print and export: one table, so
that the page, the PDF, the workbook and the 打印模板 always mean the same thing by a field."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from zhicheng.exporting.services import Column
from zhicheng.models import STATE_LABELS, Department, Material, Project, Unit
from zhicheng.projects.models import PROJECT_KINDS

UnitDepartment = aliased(Department, name="unit_department")
CurrentDepartment = aliased(Department, name="current_department")
# 组合排序 joins these (listing.ids_statement): aliases of their own, so that a subquery of the
# scope over unit (unit_id IN (SELECT unit.id …)) is never correlated with the sort's join.
SortUnit = aliased(Unit, name="sort_unit")
SortProject = aliased(Project, name="sort_project")


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    width: float  # in the workbook (characters) and, relatively, in the printed list
    expr: object  # the column or expression (over the joins of `rows_statement`)
    kind: str = "text"  # text | date | datetime | int
    labels: dict | None = None  # stored code -> what is shown
    # The ORDER BY for 组合排序 (None: not offered): the field itself, or what groups it.
    sort: tuple = ()
    sort_join: str = ""  # "unit" or "project": the sort reads that table (SortUnit, SortProject)
    listable: bool = True  # offered to lists and 打印模板 (the 业绩 is for the 申报数据 workbook only)

    def shown(self, value):
        """The value as the list, the PDF and the workbook show it (dates stay dates)."""
        if self.labels is not None:
            return self.labels.get(value, value)
        return value

    def column(self, heading: str | None = None) -> Column:
        return Column(heading or self.label, self.width, self.kind)


def _f(key, label, width, expr, kind="text", labels=None, sortable=True, sort=None, sort_join="", listable=True):
    return Field(key, label, width, expr, kind, labels, tuple(sort) if sort else ((expr,) if sortable else ()),
                 sort_join, listable)


FIELDS: dict[str, Field] = {f.key: f for f in (
    _f("number", "编号", 18, Material.number),
    _f("name", "姓名", 10, Material.name),
    _f("gender", "性别", 6, Material.gender, sortable=False),
    _f("birth_date", "出生日期", 12, Material.birth_date, "date"),
    _f("id_card", "身份证号", 21, Material.id_card),
    _f("phone", "手机", 14, Material.phone, sortable=False),
    _f("work_start_date", "参加工作时间", 13, Material.work_start_date, "date"),
    # A unit's materials stay together when two units share a name.
    _f("unit", "工作单位", 28, Unit.name, sort=(SortUnit.name, SortUnit.id), sort_join="unit"),
    _f("unit_uscc", "单位统一社会信用代码", 21, Unit.uscc, sortable=False),
    _f("unit_department", "归口部门", 20, UnitDepartment.name, sortable=False),
    _f("project", "申报项目", 32, Project.name, sort=(SortProject.name, SortProject.id),
       sort_join="project"),
    _f("project_kind", "项目类别", 10, Project.kind, labels=PROJECT_KINDS, sortable=False),
    _f("year", "年度", 7, Project.year, "int", sortable=False),
    _f("current_major", "现从事专业", 14, Material.current_major),
    _f("current_title", "现任职务", 14, Material.current_title),
    _f("education", "学历", 10, Material.education),
    _f("series", "申报系列", 10, Material.series),
    _f("major", "申报专业", 14, Material.major),
    _f("qualification", "申报资格名称", 14, Material.qualification),
    _f("current_qualification", "现有资格", 14, Material.current_qualification),
    _f("current_qualification_date", "取得现有资格时间", 13, Material.current_qualification_date, "date",
       sortable=False),
    _f("exceptional", "破格申报", 8, Material.exceptional, labels={True: "是", False: "否"}, sortable=False),
    _f("exception_reason", "破格理由", 30, Material.exception_reason, sortable=False, listable=False),
    _f("state", "状态", 9, Material.state, labels=STATE_LABELS, sortable=False),  # codes sort meaninglessly
    _f("current_department", "所在审核部门", 20, CurrentDepartment.name, sortable=False),
    _f("submitted_at", "上报时间", 17, Material.submitted_at, "datetime"),
    _f("submitter_name", "操作人", 10, Material.submitter_name, sortable=False),
    _f("submitter_phone", "联系电话", 14, Material.submitter_phone, sortable=False),
    _f("approved_at", "审核通过时间", 17, Material.approved_at, "datetime", sortable=False),
    _f("achievements", "专业技术工作业绩", 40, Material.achievements, sortable=False, listable=False),
)}

SORTABLE = {k: f for k, f in FIELDS.items() if f.sort}
LISTABLE = {k: f for k, f in FIELDS.items() if f.listable}

#: What a list shows before an office has chosen a template of its own.
DEFAULT_COLUMNS = ("number", "name", "id_card", "unit", "project", "series", "qualification", "state",
                   "submitted_at")


def rows_statement(keys) -> select:
    """SELECT material.id and the fields `keys`, in that order, with every join they may need."""
    return (select(Material.id, *(FIELDS[k].expr for k in keys))
            .select_from(Material)
            .join(Unit, Unit.id == Material.unit_id)
            .join(UnitDepartment, UnitDepartment.id == Unit.department_id)
            .join(Project, Project.id == Material.project_id)
            .outerjoin(CurrentDepartment, CurrentDepartment.id == Material.current_department_id))


def text_of(field: Field, value) -> str:
    """A value as text (the page and the PDF)."""
    value = field.shown(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
