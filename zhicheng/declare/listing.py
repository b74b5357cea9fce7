"""高中级申报信息管理's one query: the department's scope, the filters and the 组合排序, feeding the
page, the printed list, the workbook and the 申报数据 export alike, so that each holds exactly the
rows the page lists, in its order."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy import func, select

from zhicheng import scope
from zhicheng.declare.fields import FIELDS, SORTABLE, SortProject, SortUnit, rows_statement
from zhicheng.declare.models import NAME_SORT_FIELDS
from zhicheng.exporting.services import ExportFilters, material_conditions
from zhicheng.extensions import db
from zhicheng.models import Material
from zhicheng.policy import P, require
from zhicheng.validators import ValidationError

#: Sort levels the page offers (第一、第二、第三排序).
MAX_SORT_KEYS = 3
#: Ready-made 组合排序 the page links (the manual's 组合排序: 单位 then 姓名, …).
PRESETS = (("按单位、姓名", "unit,name"), ("按系列、资格、上报时间", "series,qualification,submitted_at"),
           ("按上报时间（最新在前）", "-submitted_at"))
#: Rows fetched at a time when a whole list is read (print, workbook).
BATCH = 500


@dataclass
class DeclareFilters(ExportFilters):
    """导出汇总表's filters (申报项目, 状态, 姓名, 身份证号, 编号, 上报日期, 单位, 部门) and the
    申报系列 / 申报资格名称 of the 高中级 list."""

    series: str | None = None
    qualification: str | None = None

    @classmethod
    def from_args(cls, args) -> DeclareFilters:
        f = super().from_args(args)
        for key, label in (("series", "申报系列"), ("qualification", "申报资格名称")):
            value = (args.get(key) or "").strip()
            if len(value) > 100:
                raise ValidationError(f"{label}不超过100个字")
            setattr(f, key, value or None)
        return f


@dataclass(frozen=True)
class SortKey:
    key: str
    desc: bool = False

    @property
    def text(self) -> str:
        return f"-{self.key}" if self.desc else self.key


def parse_order(text: str | None) -> list[SortKey]:
    """`order=unit,-submitted_at`: up to MAX_SORT_KEYS fields, each once, '-' for 降序."""
    keys: list[SortKey] = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        desc = part.startswith("-")
        key = part.lstrip("-")
        if key not in SORTABLE:
            raise ValidationError("排序字段不正确，请重新选择")
        if any(k.key == key for k in keys):
            raise ValidationError(f"“{SORTABLE[key].label}”已选作排序字段，不能重复选择")
        keys.append(SortKey(key, desc))
    if len(keys) > MAX_SORT_KEYS:
        raise ValidationError(f"组合排序最多选择{MAX_SORT_KEYS}个字段")
    return keys


def order_text(keys: list[SortKey]) -> str:
    return ",".join(k.text for k in keys)


def describe_order(keys: list[SortKey]) -> str:
    return "、".join(f"{SORTABLE[k.key].label}{'（降序）' if k.desc else ''}" for k in keys)


def conditions(user, f: DeclareFilters) -> list:
    """The user's scope of materials (zhicheng.scope.materials) and the filters."""
    require(user, P.STAFF)
    conds = material_conditions(user, f)
    if f.series:
        conds.append(Material.series == f.series)
    if f.qualification:
        conds.append(Material.qualification == f.qualification)
    return conds


#: Sorts an index serves (zhicheng.declare.models): chosen fields that begin one of these are followed
#: by its other fields before the id, so that the index gives the whole order and a page reads only
#: its own rows (系列 then 资格 alone would sort every row of each 系列·资格 pair by id).
INDEXED_ORDERS = (("series", "qualification", "submitted_at"), ("unit", "name"),
                  *((field, "name") for field in NAME_SORT_FIELDS))
#: Fields with few distinct values: a page sorted by one of them and then by other fields is read
#: value by value (page_ids), each value's rows in the order of the other fields, which an index of
#: theirs gives; sorting all of a value's rows (tens of thousands at city scale) is what this avoids.
#: Each is NOT NULL ('' when not given).
GROUPED_FIELDS = frozenset({"series", "education", "qualification", "current_qualification", "major",
                            "current_major", "current_title"})
#: Lists longer than this are read value by value (a district's 14,000 rows sort whole in 9 ms).
GROUPED_FROM = 30_000
#: A value with no more rows than this has them fetched and sorted; a larger one is read in the
#: order of the other fields' index, which meets its rows often enough to stop soon.
SMALL_GROUP = 5000


def _completed(order: list[SortKey]) -> list[SortKey]:
    """The order as sorted: fields an index serves together are added after the chosen ones (系列 →
    系列、资格、上报时间; 学历 → 学历、姓名), also after a grouped first field (学历、资格 → 学历、资格、姓名)."""
    keys = [k.key for k in order]
    if order and len({k.desc for k in order}) == 1:
        for indexed in INDEXED_ORDERS:
            if tuple(keys) == indexed[:len(keys)]:
                return order + [SortKey(key, order[-1].desc) for key in indexed[len(keys):]]
    if len(order) > 1 and order[0].key in GROUPED_FIELDS:
        return order[:1] + _completed(order[1:])
    return order


def _statement(conds, order: list[SortKey]):
    """The ids in `order` (already completed), then the id."""
    stmt = select(Material.id).where(*conds)
    if [k.key for k in order[:3]] == list(INDEXED_ORDERS[0]) or (order and order[0].key == "submitted_at"):
        # Implied by the scope (whatever reached a department was 上报 or 录入 at a time); said
        # outright, the scan of ix_material_series_qualification or ix_material_submitted_at skips
        # the units' drafts, whose time is NULL (the root office's list: 17 ms → 0.4 ms on SQLite).
        # Not in the count's conditions, which the state index answers alone.
        stmt = stmt.where(Material.submitted_at.is_not(None))
    needed = {SORTABLE[k.key].sort_join for k in order}
    if "unit" in needed:
        stmt = stmt.join(SortUnit, SortUnit.id == Material.unit_id)
    if "project" in needed:
        stmt = stmt.join(SortProject, SortProject.id == Material.project_id)
    by = [expr.desc() if k.desc else expr for k in order for expr in SORTABLE[k.key].sort]
    last = Material.id.desc() if not order or order[-1].desc else Material.id
    return stmt.order_by(*by, last)


def ids_statement(conds, order: list[SortKey]):
    """The ids of the rows, in the list's order: the chosen fields, then the id (newest first when
    nothing is chosen), so that every page and every file has the same, total order."""
    return _statement(conds, _completed(order))


def _index_served(full: list[SortKey]) -> bool:
    keys = tuple(k.key for k in full)
    return len({k.desc for k in full}) == 1 and any(keys == indexed[:len(keys)] for indexed in INDEXED_ORDERS)


def _values_in_order(column, desc: bool):
    """The distinct values of an indexed column in sort order, each found by one seek of the index."""
    step, compare = (func.max, column.__lt__) if desc else (func.min, column.__gt__)
    value = db.session.scalar(select(step(column)))
    while value is not None:
        yield value
        value = db.session.scalar(select(step(column)).where(compare(value)))


def page_ids(conds, order: list[SortKey], offset: int, limit: int, total: int) -> list[int]:
    """The ids of one page: rows offset … offset + limit of ids_statement(conds, order) of `total`.

    Sorted by a field with few values (学历, 资格 …) and then others, a long list is read value by
    value of the first field, skipping whole values by their count (which the field's index answers):
    a value with many rows in the order of the other fields, which their index gives, so that only
    the page's rows are read; a value with few rows by the field's index, its rows sorted. A short
    list (GROUPED_FROM rows or fewer) is sorted whole, which costs less than a query per value."""
    full = _completed(order)
    if total <= GROUPED_FROM or len(full) < 2 or full[0].key not in GROUPED_FIELDS or _index_served(full):
        return list(db.session.scalars(_statement(conds, full).limit(limit).offset(offset)))
    column = SORTABLE[full[0].key].sort[0]
    ids: list[int] = []
    for value in _values_in_order(column, full[0].desc):
        group = [*conds, column == value]
        # Counted only as far as needed: past the page's start, or past SMALL_GROUP.
        n = db.session.scalar(select(func.count()).select_from(
            select(Material.id).where(*group).limit(max(offset, SMALL_GROUP) + 1).subquery()))
        if offset >= n:
            offset -= n
            continue
        if n > SMALL_GROUP:
            # `column || ''`: the same rows, but no use of the field's index, which would sort them all.
            group = [*conds, column.concat("") == value]
        else:
            # The value's few rows (SMALL_GROUP at most) found first, then sorted by their ids:
            # not found by walking another field's index, or every unit, in the hope of meeting
            # them (which either database may choose for a subquery).
            group = [Material.id.in_(list(db.session.scalars(select(Material.id).where(*group))))]
        ids += db.session.scalars(_statement(group, full[1:]).limit(limit - len(ids)).offset(offset))
        offset = 0
        if len(ids) == limit:
            break
    return ids


def rows_for(ids: list[int], keys: list[str]) -> list[tuple[int, list]]:
    """(id, values of `keys` as shown) for `ids`, in the order of `ids`."""
    if not ids:
        return []
    fields = [FIELDS[k] for k in keys]
    found = {row[0]: [f.shown(v) for f, v in zip(fields, row[1:])]
             for row in db.session.execute(rows_statement(keys).where(Material.id.in_(ids)))}
    return [(i, found[i]) for i in ids if i in found]


def page_rows(conds, order, keys, page: int, page_size: int, total: int) -> list[tuple[int, list]]:
    return rows_for(page_ids(conds, order, page * page_size, page_size, total), keys)


def all_rows(conds, order, keys, limit: int | None = None):
    """Every row of the list in its order (values as shown), read BATCH at a time."""
    stmt = ids_statement(conds, order)
    if limit is not None:
        stmt = stmt.limit(limit)
    ids = list(db.session.scalars(stmt))
    for start in range(0, len(ids), BATCH):
        for _id, values in rows_for(ids[start:start + BATCH], keys):
            yield values


def query_string(f: DeclareFilters | dict, order: list[SortKey], template_id: int | None = None, **extra) -> str:
    """The list's arguments as a query string (links to the page, its print and its workbook); `f`
    the filters or their arguments (as_args, worked out once for a page's many links)."""
    args = dict(f) if isinstance(f, dict) else f.as_args()
    if order:
        args["order"] = order_text(order)
    if template_id:
        args["template"] = template_id
    args.update({k: v for k, v in extra.items() if v not in (None, "")})
    return urlencode(args)


def filters_description(user, f: DeclareFilters) -> str:
    """The filters in words, for the printed list's heading (the project and the department named
    only as the user may see them)."""
    from zhicheng.materials.services import visible_project
    from zhicheng.models import STATE_LABELS, Department
    parts = []
    if f.project is not None:
        project = visible_project(user, f.project)
        if project is not None:
            parts.append(f"申报项目：{project.name}")
    if f.state:
        parts.append(f"状态：{STATE_LABELS.get(f.state, f.state)}")
    if f.department is not None:
        dept = db.session.scalar(select(Department).where(Department.id == f.department, scope.departments(user)))
        if dept is not None:
            parts.append(f"部门：{dept.name}")
    for key, label in (("unit", "单位"), ("name", "姓名"), ("id_card", "身份证号"), ("number", "编号"),
                       ("series", "申报系列"), ("qualification", "申报资格名称")):
        value = getattr(f, key)
        if value:
            parts.append(f"{label}：{value}")
    if f.date_from or f.date_to:
        parts.append(f"上报时间：{f.date_from or ''}至{f.date_to or ''}")
    return "；".join(parts)

