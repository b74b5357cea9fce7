"""单位字典: each department's coded list of its units, kept by its 管理员 for its own units
(the root office's for all), and 接收原系统数据 for units: 主管单位代码 / 单位代码 rows from an .xlsx.

A row's 主管单位 is the department of that 主管单位代码; a code the system does not know yet is
given to the department of that 主管单位名称 (one without a code, within the importer's reach),
so the next import finds it by code. Importing the same file again changes nothing: every row
then comes back 跳过 (与单位字典一致).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select

from zhicheng import scope
from zhicheng.codes.dictionaries import DictionaryError, active_names
from zhicheng.codes.models import UnitCode
from zhicheng.extensions import db
from zhicheng.models import Department
from zhicheng.org import codes as org_codes
from zhicheng.policy import P, require
from zhicheng.system import audit
from zhicheng.validators import ValidationError, check_uscc, not_repeated, refuse_row

IMPORT_HEADER = ("主管单位代码", "主管单位名称", "单位代码", "单位名称", "统一社会信用代码", "单位性质", "单位行业",
                 "所在地", "启用")
OPTIONAL = ("主管单位名称", "统一社会信用代码", "单位性质", "单位行业", "所在地", "启用")
FIELD_LABELS = {"name": "单位名称", "department_id": "主管单位", "uscc": "统一社会信用代码", "nature": "单位性质",
                "industry": "单位行业", "region": "所在地", "active": "启用"}
MESSAGE = "只有部门管理员可以维护单位字典"
REPORT_LABELS = {"added": "新增", "updated": "更新", "skipped": "跳过"}
UNCHANGED = "与单位字典中一致，未改变"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _coded(table: dict[str, str], value: str, label: str) -> str:
    """A code of an org code table given as its code or its name."""
    if not value:
        return ""
    if value in table:
        return value
    for code, name in table.items():
        if name == value:
            return code
    raise ValidationError(f"{label}“{value}”不在{label}代码表中")


@dataclass
class UnitValues:
    code: str
    name: str
    uscc: str = ""
    nature: str = ""
    industry: str = ""
    region: str = ""
    active: bool | None = None  # None: as it is (a new entry: 启用)


def clean(code, name, uscc="", nature="", industry="", region="", active=None) -> UnitValues:
    """The values of an entry, checked: ValidationError (the first problem) otherwise."""
    from zhicheng import textcheck
    code, name = _text(code), _text(name)
    if not code:
        raise ValidationError("单位代码为空")
    if len(code) > 20:
        raise ValidationError("单位代码超过20个字符")
    textcheck.check(code, "单位代码")
    if not name:
        raise ValidationError("单位名称为空")
    if len(name) > 200:
        raise ValidationError("单位名称超过200个字")
    textcheck.check(name, "单位名称")
    uscc = _text(uscc)
    if uscc:
        result = check_uscc(uscc)
        if not result.checksum_ok:
            raise ValidationError("统一社会信用代码校验位不正确")
        uscc = result.code
    nature = _text(nature)
    if nature and nature not in active_names("unit_nature"):
        raise ValidationError(f"单位性质“{nature}”不在单位性质字典中")
    if isinstance(active, str):
        text = active.strip()
        if not text:
            active = None
        elif text in ("是", "1", "启用"):
            active = True
        elif text in ("否", "0", "停用"):
            active = False
        else:
            raise ValidationError(f"启用应填“是”或“否”，而不是“{text}”")
    return UnitValues(code, name, uscc, nature, _coded(org_codes.INDUSTRIES, _text(industry), "单位行业"),
                      _coded(org_codes.REGIONS, _text(region), "所在地"),
                      None if active is None else bool(active))


def _changes(entry: UnitCode, values: UnitValues, department: Department, dept_names: dict) -> list[str]:
    out = []
    for key in ("name", "uscc", "nature", "industry", "region"):
        old, new = getattr(entry, key) or "", getattr(values, key)
        if old != new:
            out.append(f"{FIELD_LABELS[key]}：{old or '（空）'} → {new or '（空）'}")
    if entry.department_id != department.id:
        out.append(f"主管单位：{dept_names.get(entry.department_id, '')} → {department.name}")
    if values.active is not None and entry.active != values.active:
        out.append(f"启用：{'是' if entry.active else '否'} → {'是' if values.active else '否'}")
    return out


def _assign(entry: UnitCode, values: UnitValues, department: Department) -> None:
    entry.code, entry.name, entry.department_id = values.code, values.name, department.id
    entry.uscc, entry.nature, entry.industry, entry.region = values.uscc, values.nature, values.industry, values.region
    if values.active is not None:
        entry.active = values.active


# --- one entry, by hand -------------------------------------------------------------------------

def save_entry(actor, entry: UnitCode | None, department: Department | None, raw: dict) -> UnitCode:
    """新增 (entry None) or 修改 an entry of the 单位字典 of the actor's department or below."""
    require(actor, P.ADMIN, message=MESSAGE, error=DictionaryError)
    if entry is not None and not _reachable(actor, UnitCode, entry.id, scope.unit_codes(actor)):
        raise DictionaryError("该单位不在本部门的单位字典中")
    if department is None or not _reachable(actor, Department, department.id, scope.departments(actor)):
        raise DictionaryError("请选择本部门或下级部门作为主管单位", field="department_id")
    try:
        values = clean(**raw)
    except ValidationError as e:
        raise DictionaryError(str(e)) from None
    with db.session.no_autoflush:
        other = db.session.scalar(select(UnitCode).where(UnitCode.code == values.code,
                                                         UnitCode.id != (entry.id if entry else 0)))
    if other is not None:
        raise DictionaryError(f"单位代码“{values.code}”已由“{other.name}”使用", field="code")
    created = entry is None
    if created:
        entry = UnitCode()
        db.session.add(entry)
    _assign(entry, values, department)
    db.session.flush()
    audit.record("unit_dict.create" if created else "unit_dict.update", entry,
                 f"{'新增' if created else '修改'}单位字典：{entry.code} {entry.name}（{department.name}）", actor=actor)
    return entry


def delete_entry(actor, entry: UnitCode) -> None:
    require(actor, P.ADMIN, message=MESSAGE, error=DictionaryError)
    if not _reachable(actor, UnitCode, entry.id, scope.unit_codes(actor)):
        raise DictionaryError("该单位不在本部门的单位字典中")
    audit.record("unit_dict.delete", entry, f"删除单位字典：{entry.code} {entry.name}", actor=actor)
    db.session.delete(entry)
    db.session.flush()


def _reachable(actor, model, pk, condition) -> bool:
    return db.session.scalar(select(model.id).where(model.id == pk, condition)) is not None


# --- 接收原系统数据 ------------------------------------------------------------------------------

class _Departments:
    """The departments a row may name: by 主管单位代码 (any, to tell "not yours" from "unknown")
    and, for a code not known yet, by name among the importer's departments."""

    def __init__(self, actor):
        rows = list(db.session.execute(select(Department.id, Department.name, Department.code,
                                              scope.departments(actor).label("mine"))))
        self.by_id = {r.id: r for r in rows}
        # The rows themselves, held here: the session keeps loaded rows only while they are referenced.
        self.objects = {d.id: d for d in db.session.scalars(select(Department))}
        self.by_code = {r.code: r.id for r in rows if r.code}
        self.mine = {r.id for r in rows if r.mine}
        self.by_name: dict[str, list[int]] = {}
        for r in rows:
            if r.mine:
                self.by_name.setdefault(r.name, []).append(r.id)
        self.names = {r.id: r.name for r in rows}
        self.coded: dict[int, str] = {}  # codes given by this import

    def resolve(self, code: str, name: str) -> tuple[int, str]:
        """(department id, note) or ValidationError."""
        if code and code in self.by_code:
            dept_id = self.by_code[code]
            if dept_id not in self.mine:
                raise ValidationError(f"主管单位“{self.names[dept_id]}”（{code}）不在本部门管辖范围内")
            return dept_id, ""
        if not name:
            raise ValidationError(f"系统中没有主管单位代码“{code}”，请同时填写主管单位名称" if code
                                  else "主管单位代码和主管单位名称均为空")
        found = self.by_name.get(name, [])
        if not found:
            raise ValidationError((f"系统中没有主管单位代码“{code}”，" if code else "")
                                  + f"本部门及下级部门中也没有名为“{name}”的部门")
        if len(found) > 1:
            raise ValidationError(f"有多个名为“{name}”的部门，请填写主管单位代码")
        dept_id = found[0]
        if not code:
            return dept_id, ""
        current = self.by_id[dept_id].code or self.coded.get(dept_id)
        if current and current != code:
            raise ValidationError(f"主管单位“{name}”的代码为“{current}”，与“{code}”不符")
        self.coded[dept_id] = code
        self.by_code[code] = dept_id
        return dept_id, f"主管单位“{name}”的代码设为“{code}”"


def import_units(actor, rows) -> list[dict]:
    """`rows`: (row number, *IMPORT_HEADER values). One report entry per row: added, updated
    or skipped (with the reason); an audit row for the whole import. The new entries go in as
    one bulk insert (a 10,000-row file is the expected size)."""
    require(actor, P.ADMIN, message="只有部门管理员可以接收原系统数据", error=DictionaryError)
    departments = _Departments(actor)
    existing = {e.code: e for e in db.session.scalars(select(UnitCode))}
    seen: dict[str, int] = {}
    added: list[dict] = []  # new entries, inserted together (their values are checked by clean())
    report = []
    for line, dept_code, dept_name, code, name, uscc, nature, industry, region, active in rows:
        entry = {"line": line, "dept_code": _text(dept_code)[:20], "code": _text(code)[:20], "name": _text(name)[:200]}
        try:
            values = clean(code, name, uscc, nature, industry, region,
                           active if active is None or isinstance(active, bool) else _text(active))
            not_repeated(seen, values.code, "单位代码")
            seen[values.code] = line
            dept_id, note = departments.resolve(_text(dept_code), _text(dept_name))
        except ValidationError as e:
            refuse_row(report, entry, e, "skipped")
            continue
        department = departments.objects[dept_id]
        current = existing.get(values.code)
        if note and (current is None or current.department_id in departments.mine):
            department.code = departments.coded[dept_id]  # said in the row's reason below
        if current is None:
            added.append({"code": values.code, "name": values.name, "department_id": department.id,
                          "uscc": values.uscc, "nature": values.nature, "industry": values.industry,
                          "region": values.region, "active": True if values.active is None else values.active})
            entry.update(status="added", reason=note)
        elif current.department_id not in departments.mine:
            entry.update(status="skipped", reason=f"单位代码已属于其他主管单位"
                                                  f"（{departments.names.get(current.department_id, '')}）的单位")
        else:
            changes = _changes(current, values, department, departments.names)
            if changes:
                _assign(current, values, department)
                entry.update(status="updated", reason="；".join(([note] if note else []) + changes))
            else:
                entry.update(status="skipped", reason=note or UNCHANGED)
        report.append(entry)
    db.session.flush()
    for start in range(0, len(added), 2000):
        db.session.execute(insert(UnitCode), added[start:start + 2000])
    audit.record_import("unit_dict.import", None, "接收原系统数据（单位）", report,
                        {"added": "新增", "updated": "更新", "skipped": "跳过"}, actor)
    return report


def export_rows(actor) -> list[list]:
    """The 单位字典 rows the actor reads, in the import's columns (行业 and 所在地 by name):
    importing the file again changes nothing."""
    require(actor, P.STAFF, message="只有部门工作人员可以导出单位字典")
    rows = db.session.execute(
        select(Department.code, Department.name, UnitCode.code, UnitCode.name, UnitCode.uscc, UnitCode.nature,
               UnitCode.industry, UnitCode.region, UnitCode.active)
        .join(Department, Department.id == UnitCode.department_id)
        .where(scope.unit_codes(actor)).order_by(UnitCode.code))
    return [[dept_code or "", dept_name, code, name, uscc, nature, org_codes.INDUSTRIES.get(industry, industry),
             org_codes.REGIONS.get(region, region), "是" if active else "否"]
            for dept_code, dept_name, code, name, uscc, nature, industry, region, active in rows]
