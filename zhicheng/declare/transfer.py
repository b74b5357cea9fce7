"""申报数据 as a workbook (the 客户端's 导入 / 导出): the department's materials with their fields
out (DATA_COLUMNS, written by the list's 导出申报数据 like its other workbooks), and back in — a row
creates the material (录入, as the page does) or updates one the office entered itself and still
holds; a row that is already so changes nothing. Each row is checked by the
material form's own rules and written in a savepoint of its own: a refused row (with its reason in
the report) leaves nothing behind."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from zhicheng import scope, transaction
from zhicheng.declare import entry
from zhicheng.declare.fields import FIELDS
from zhicheng.domain import DomainError
from zhicheng.exporting.reading import read_xlsx_table
from zhicheng.extensions import db
from zhicheng.materials.services import BASIC_FIELDS, MaterialInput
from zhicheng.models import Material, MaterialState, Project, Unit, User
from zhicheng.policy import P, require
from zhicheng.review.workflow import ALREADY_HANDLED
from zhicheng.system import audit
from zhicheng.validators import ValidationError

#: The workbook's columns: (field key of zhicheng.declare.fields, heading).
DATA_COLUMNS = (
    ("number", "编号"), ("unit_uscc", "单位统一社会信用代码"), ("unit", "单位名称"), ("project", "申报项目"),
    ("year", "年度"), ("name", "姓名"), ("gender", "性别"), ("birth_date", "出生日期"), ("id_card", "身份证号"),
    ("phone", "手机"), ("work_start_date", "参加工作时间"), ("current_major", "现从事专业"),
    ("current_title", "现任职务"), ("education", "学历"), ("series", "申报系列"), ("major", "申报专业"),
    ("qualification", "申报资格名称"), ("current_qualification", "现有资格"),
    ("current_qualification_date", "取得现有资格时间"), ("exceptional", "破格申报"), ("exception_reason", "破格理由"),
    ("achievements", "专业技术工作业绩"), ("state", "状态"),
)
#: What an import reads (状态 is the system's, not the file's).
IMPORT_HEADER = tuple(h for k, h in DATA_COLUMNS if k != "state")
IMPORT_MAX_ROWS = 2000


# --- import ------------------------------------------------------------------------------

class RowRefused(DomainError):
    pass


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _form_errors(form) -> str:
    messages = []
    for name, errors in form.errors.items():
        label = form[name].label.text if name in form else name
        for error in errors if isinstance(errors, list) else [errors]:
            if isinstance(error, str):
                messages.append(f"{label}：{error}")
    return "；".join(messages)


def _read_row(form_class, values: dict) -> MaterialInput:
    """The row's material fields checked by the 申报材料 form itself (the same messages)."""
    fields = {k: values[k] for k in BASIC_FIELDS if k != "exceptional"}
    if values["exceptional"] in ("是", "y", "Y", "1", "TRUE", "True", "true"):  # 破格申报 是 / 否
        fields["exceptional"] = "y"
    form = form_class(formdata=MultiDict(fields), meta={"csrf": False})
    if not form.validate():
        raise RowRefused(_form_errors(form) or "数据不正确")
    data = form.to_input()
    return MaterialInput({k: v for k, v in data.basic.items()})


def _unit(user, uscc: str, name: str) -> Unit:
    if not uscc:
        raise RowRefused("请填写单位统一社会信用代码")
    units = list(db.session.scalars(select(Unit).where(Unit.uscc == uscc.upper(), scope.units(user))))
    if len(units) > 1:
        units = [u for u in units if u.name == name]
    if len(units) != 1:
        raise RowRefused(f"单位（{uscc}{' ' + name if name else ''}）未在本部门或下级部门注册")
    return units[0]


def _project(user, name: str, year: str) -> Project:
    if not name:
        raise RowRefused("请填写申报项目")
    stmt = select(Project).where(Project.name == name, scope.projects(user))
    if year:
        if not year.isdigit():
            raise RowRefused("年度应为数字，如2026")
        stmt = stmt.where(Project.year == int(year))
    found = list(db.session.scalars(stmt))
    if len(found) != 1:
        raise RowRefused(f"申报项目“{name}”{'不存在' if not found else '有多个同名项目，请填写年度'}")
    return found[0]


def _existing(user, number: str, project: Project, unit: Unit, id_card: str) -> Material | None:
    if number:
        material = db.session.scalar(select(Material).where(Material.number == number, scope.materials(user)))
        if material is None:
            raise RowRefused(f"编号{number}不存在或不在本部门范围内")
        if (material.project_id, material.unit_id, material.id_card) != (project.id, unit.id, id_card):
            raise RowRefused(f"编号{number}的材料与本行的申报项目、单位或身份证号不符")
        return material
    return db.session.scalar(select(Material).where(
        Material.project_id == project.id, Material.unit_id == unit.id, Material.id_card == id_card,
        scope.materials(user)).order_by(Material.id.desc()).limit(1))


def _changes(material: Material, data: MaterialInput) -> dict:
    def norm(name, value):
        return None if name.endswith("date") and value in ("", None) else ("" if value is None else value)
    return {k: norm(k, v) for k, v in data.basic.items()
            if k in BASIC_FIELDS and norm(k, v) != norm(k, getattr(material, k))}


def _update_entered(user, material: Material, changes: dict) -> None:
    """修改 through an import: only a material this office entered and still holds (审核中 here),
    its row unchanged since it was read; the 审核记录 is not touched (no step of the review)."""
    creator_dept = db.session.scalar(select(User.department_id).where(User.id == material.creator_id))
    if creator_dept != user.department_id:
        raise RowRefused(f"材料{material.number}由单位填写上报，不能通过导入修改")
    if material.state != MaterialState.IN_REVIEW or material.current_department_id != user.department_id:
        raise RowRefused(f"材料{material.number}状态为“{material.state_label}”，已不在本部门，不能通过导入修改")
    if entry.editable_entry(user, material.id) is None:  # returned since, and perhaps corrected by the unit
        raise RowRefused(f"材料{material.number}录入后已经审核（退回或通过），不能通过导入修改")
    done = db.session.execute(
        update(Material).where(Material.id == material.id, Material.version == material.version,
                               *entry.own_entries(user))
        .values(version=Material.version + 1, **changes).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise RowRefused(f"材料{material.number}：{ALREADY_HANDLED}")
    db.session.expire(material)
    labels = "、".join(FIELDS[k].label for k in changes)
    audit.record("material.import_update", material, f"{material.number} 导入修改：{labels}", actor=user)


def read_workbook(upload) -> list[dict]:
    rows = read_xlsx_table(upload, IMPORT_HEADER)
    if len(rows) > IMPORT_MAX_ROWS:
        raise ValidationError(f"一次最多导入{IMPORT_MAX_ROWS}行，请分批导入")
    keys = [k for k, _ in DATA_COLUMNS if k != "state"]
    return [{"line": line, **{k: _cell_text(v) for k, v in zip(keys, values)}} for line, *values in rows]


def import_data(user, rows: list[dict]) -> list[dict]:
    """Each row: added / updated / unchanged / rejected with its reason."""
    from flask import current_app

    from zhicheng.materials.forms import material_form
    require(user, P.REVIEW)
    form_class = type(material_form())
    report, seen = [], {}
    for row in rows:
        entry_ = {"line": row["line"], "name": row["name"][:50], "id_card": row["id_card"][:20],
                  "project": row["project"][:100], "number": row["number"][:20]}
        try:
            with transaction.atomic():
                data = _read_row(form_class, row)
                unit = _unit(user, row["unit_uscc"], row["unit"])
                project = _project(user, row["project"], row["year"])
                key = (project.id, unit.id, data.basic["id_card"])
                if key in seen:
                    raise RowRefused(f"与第{seen[key]}行是同一单位、同一项目的同一人")
                material = _existing(user, row["number"], project, unit, data.basic["id_card"])
                if material is None:
                    try:
                        material = entry.enter(user, unit.id, project.id, data)
                    except DomainError as e:
                        raise RowRefused(str(e)) from None
                    entry_.update(status="added", number=material.number, reason="")
                else:
                    changes = _changes(material, data)
                    if changes:
                        _update_entered(user, material, changes)
                        entry_.update(status="updated", number=material.number,
                                      reason="已修改：" + "、".join(FIELDS[k].label for k in changes))
                    else:
                        entry_.update(status="unchanged", number=material.number, reason="与系统中的数据相同，未改变")
            seen[key] = row["line"]
        except (RowRefused, ValidationError) as e:
            entry_.update(status="rejected", reason=str(e))
        except Exception:  # one row's unexpected failure is reported, the others stand
            current_app.logger.exception("申报数据 import row %s failed", row["line"])
            entry_.update(status="rejected", reason="该行未能导入，请检查数据后重试")
        report.append(entry_)
    audit.record_import("material.import", None, "导入申报数据", report,
                        {"added": "新增", "updated": "修改", "unchanged": "未改变", "rejected": "未导入"}, user)
    db.session.flush()
    return report
