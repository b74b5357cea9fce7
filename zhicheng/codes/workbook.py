"""导出基本代码 and 接收更新代码: every dictionary to and from one workbook.

The workbook has a sheet per dictionary, named as the dictionary (系列, 评委会, 专业 …), with the
columns 代码, 名称, 排序, 启用 (是/否) and, for 专业 and 资格名称, 所属系列代码. Receiving one
goes in three steps:

1. `read_workbook` reads the upload; any bad row (an unknown sheet, a missing header, an empty or
   repeated code, a 所属系列代码 that names no 系列 …) refuses the whole file with every message, and
   nothing is kept;
2. `stage` keeps the rows (a CodeUpdate, pending) and `diff` shows, sheet by sheet, what applying
   them would do: 新增 (a code the dictionary lacks), 修改 (name, order, 启用 or 系列 differ) and
   停用 (an entry in use that the sheet no longer lists; a dictionary without a sheet is left as it is);
3. `apply` (确认应用) works the diff out again, refuses when it is no longer the one shown, and
   writes all of it or nothing, with an audit row.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from zhicheng import transaction
from zhicheng.codes.models import DICT_KINDS, PARENT_KINDS, CodeUpdate, DictItem
from zhicheng.domain import DomainError
from zhicheng.exporting.reading import open_workbook, sheet_rows
from zhicheng.extensions import db
from zhicheng.policy import P, require
from zhicheng.system import audit
from zhicheng.validators import ValidationError

KIND_OF_SHEET = {label: kind for kind, label in DICT_KINDS.items()}
BASE_HEADER = ("代码", "名称", "排序", "启用")
#: The most messages a refused workbook lists (the rest are counted).
MAX_MESSAGES = 100


class CodeUpdateError(DomainError):
    """A workbook refused, or an update that cannot be applied: nothing changed."""

    def __init__(self, message: str, messages: list[str] | None = None):
        super().__init__(message)
        self.messages = messages or [message]


def parent_header(kind: str) -> str | None:
    parent = PARENT_KINDS.get(kind)
    return f"所属{DICT_KINDS[parent]}代码" if parent else None


def header_of(kind: str) -> tuple[str, ...]:
    extra = parent_header(kind)
    return BASE_HEADER + ((extra,) if extra else ())


# --- 导出基本代码 -------------------------------------------------------------------------

def export_codes(user, fileobj) -> list[int]:
    """Every dictionary, a sheet each, inactive entries included (启用 否): importing the file
    again changes nothing. Any staff member may export. Returns the row count of each sheet."""
    require(user, P.STAFF, message="只有部门工作人员可以导出基本代码")
    items = list(db.session.scalars(select(DictItem).order_by(DictItem.kind, DictItem.sort, DictItem.id)))
    code_of = {i.id: i.code for i in items}
    by_kind: dict[str, list[DictItem]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    sheets = []
    for kind, label in DICT_KINDS.items():
        rows = [[i.code, i.name, i.sort, "是" if i.active else "否"]
                + ([code_of.get(i.parent_id, "")] if parent_header(kind) else [])
                for i in by_kind.get(kind, [])]
        sheets.append((label, header_of(kind), rows))
    _write_book(fileobj, sheets)
    audit.record("dict.export", None, f"导出基本代码：{len(items)}条", actor=user)
    return [len(rows) for _, _, rows in sheets]


#: Column widths of the workbook (代码, 名称, 排序, 启用, 所属系列代码).
WIDTHS = (12, 34, 8, 8, 14)


def _write_book(fileobj, sheets) -> None:
    """A sheet per dictionary, by the exports' writer (text made safe as in every export)."""
    from zhicheng.exporting.services import Column, write_xlsx_sheets

    write_xlsx_sheets(fileobj, [(title, [Column(h, w) for h, w in zip(header, WIDTHS)], rows)
                                for title, header, rows in sheets])


# --- 接收更新代码: reading ------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number in a spreadsheet
    return str(value).strip()


def _sort(value, where: str) -> int:
    text = _text(value)
    if not text:
        return 0
    try:
        number = int(text)
    except ValueError:
        raise ValidationError(f"{where}排序应为整数，而不是“{text}”") from None
    if not -1_000_000 <= number <= 1_000_000:
        raise ValidationError(f"{where}排序超出范围")
    return number


def _active(value, where: str) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text in ("", "是", "1", "启用", "Y", "y"):
        return True
    if text in ("否", "0", "停用", "N", "n"):
        return False
    raise ValidationError(f"{where}启用应填“是”或“否”，而不是“{text}”")


def read_workbook(upload) -> dict[str, list[dict]]:
    """The rows of each sheet, {kind: [{line, code, name, sort, active, parent}]}, or
    CodeUpdateError listing every problem (nothing kept)."""
    try:
        wb = open_workbook(upload)
    except ValidationError as e:
        raise CodeUpdateError(str(e)) from None
    messages: list[str] = []
    sheets: dict[str, list[dict]] = {}
    try:
        for ws in wb.worksheets:
            title = (ws.title or "").strip()
            kind = KIND_OF_SHEET.get(title)
            if kind is None:
                messages.append(f"工作表“{title}”不是字典类别（应为：{'、'.join(DICT_KINDS.values())}）")
                continue
            if kind in sheets:
                messages.append(f"工作表“{title}”重复")
                continue
            try:
                rows = sheet_rows(ws, header_of(kind), where=f"工作表“{title}”")
            except ValidationError as e:
                messages.append(str(e))
                continue
            sheets[kind] = _check_rows(kind, rows, messages)
    finally:
        wb.close()
    if not sheets and not messages:
        messages.append("工作簿中没有字典工作表")
    if not messages:
        _check_parents(sheets, messages)
    if messages:
        shown = messages[:MAX_MESSAGES]
        if len(messages) > MAX_MESSAGES:
            shown.append(f"……另有{len(messages) - MAX_MESSAGES}处问题")
        raise CodeUpdateError(f"工作簿有{len(messages)}处问题，未接收，字典没有任何改变", shown)
    return sheets


def _check_rows(kind: str, rows: list[tuple], messages: list[str]) -> list[dict]:
    from zhicheng import textcheck
    label = DICT_KINDS[kind]
    linked = kind in PARENT_KINDS
    seen: dict[str, int] = {}
    out = []
    for line, *values in rows:
        where = f"工作表“{label}”第{line}行："
        code, name = _text(values[0]), _text(values[1])
        try:
            if not code:
                raise ValidationError(f"{where}代码为空")
            if len(code) > 20:
                raise ValidationError(f"{where}代码“{code}”超过20个字符")
            if code in seen:
                raise ValidationError(f"{where}代码“{code}”与第{seen[code]}行重复")
            seen[code] = line
            if not name:
                raise ValidationError(f"{where}名称为空")
            if len(name) > 100:
                raise ValidationError(f"{where}名称超过100个字")
            try:
                textcheck.check(code, "代码")
                textcheck.check(name, "名称")
            except ValidationError as e:
                raise ValidationError(f"{where}{e}") from None
            row = {"line": line, "code": code, "name": name, "sort": _sort(values[2], where),
                   "active": _active(values[3], where)}
            if linked:
                row["parent"] = _text(values[4])
            out.append(row)
        except ValidationError as e:
            messages.append(str(e))
    return out


def _check_parents(sheets: dict[str, list[dict]], messages: list[str]) -> None:
    """A 所属系列代码 names a 系列 of the workbook's 系列 sheet, or of the dictionary when the
    workbook has none."""
    for kind, parent_kind in PARENT_KINDS.items():
        if kind not in sheets:
            continue
        if parent_kind in sheets:
            known = {r["code"] for r in sheets[parent_kind]}
        else:
            known = set(db.session.scalars(select(DictItem.code).where(DictItem.kind == parent_kind)))
        for row in sheets[kind]:
            if row["parent"] and row["parent"] not in known:
                messages.append(f"工作表“{DICT_KINDS[kind]}”第{row['line']}行：{parent_header(kind)}"
                                f"“{row['parent']}”不在{DICT_KINDS[parent_kind]}中")


# --- the diff -----------------------------------------------------------------------------

@dataclass
class Change:
    action: str  # add | update | deactivate
    code: str
    name: str
    details: list[str] = field(default_factory=list)
    line: int | None = None

    @property
    def label(self) -> str:
        return {"add": "新增", "update": "修改", "deactivate": "停用"}[self.action]


@dataclass
class SheetDiff:
    kind: str
    changes: list[Change]
    unchanged: int

    @property
    def label(self) -> str:
        return DICT_KINDS[self.kind]

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def diff(sheets: dict[str, list[dict]]) -> list[SheetDiff]:
    """What applying the rows would do, per sheet in the dictionaries' order."""
    items = list(db.session.scalars(select(DictItem).order_by(DictItem.sort, DictItem.id)))
    code_of = {i.id: i.code for i in items}
    out = []
    for kind in DICT_KINDS:
        if kind not in sheets:
            continue
        existing = {i.code: i for i in items if i.kind == kind}
        linked = kind in PARENT_KINDS
        changes, unchanged = [], 0
        for row in sheets[kind]:
            item = existing.get(row["code"])
            if item is None:
                details = [f"名称：{row['name']}", f"排序：{row['sort']}", f"启用：{_yes(row['active'])}"]
                if linked and row["parent"]:
                    details.append(f"{parent_header(kind)}：{row['parent']}")
                changes.append(Change("add", row["code"], row["name"], details, row["line"]))
                continue
            details = []
            if item.name != row["name"]:
                details.append(f"名称：{item.name} → {row['name']}")
            if item.sort != row["sort"]:
                details.append(f"排序：{item.sort} → {row['sort']}")
            if item.active != row["active"]:
                details.append(f"启用：{_yes(item.active)} → {_yes(row['active'])}")
            if linked and code_of.get(item.parent_id, "") != row["parent"]:
                details.append(f"{parent_header(kind)}：{code_of.get(item.parent_id) or '（无）'} → "
                               f"{row['parent'] or '（无）'}")
            if details:
                changes.append(Change("update", row["code"], row["name"], details, row["line"]))
            else:
                unchanged += 1
        listed = {r["code"] for r in sheets[kind]}
        for code, item in existing.items():
            if code not in listed and item.active:
                changes.append(Change("deactivate", code, item.name, ["工作簿中没有该代码"]))
        out.append(SheetDiff(kind, changes, unchanged))
    return out


def fingerprint(diffs: list[SheetDiff]) -> str:
    """A digest of a diff: 确认应用 applies only the diff that was shown."""
    text = json.dumps([[d.kind, [[c.action, c.code, c.details] for c in d.changes]] for d in diffs],
                      ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def summary(diffs: list[SheetDiff]) -> str:
    parts = [f"{d.label}新增{d.count('add')}、修改{d.count('update')}、停用{d.count('deactivate')}"
             for d in diffs if d.changes]
    return "；".join(parts) or "与现有字典一致，没有改变"


# --- staging and applying -----------------------------------------------------------------

def stage(user, upload) -> CodeUpdate:
    """Read the workbook and keep its rows until 确认应用 (nothing of the dictionaries changes)."""
    require(user, P.ROOT_DICT, message="只有市人社局（职改办）的字典维护人员可以接收更新代码", error=CodeUpdateError)
    sheets = read_workbook(upload)
    update = CodeUpdate(filename=(upload.filename or "")[:200], payload=json.dumps(sheets, ensure_ascii=False),
                        uploaded_by_id=user.id, uploaded_by=user.username, summary=summary(diff(sheets))[:500])
    db.session.add(update)
    db.session.flush()
    audit.record("dict.receive", update, f"接收更新代码（待确认）：{update.filename}；{update.summary}", actor=user)
    return update


def sheets_of(update: CodeUpdate) -> dict[str, list[dict]]:
    return json.loads(update.payload)


def _pending(update: CodeUpdate) -> None:
    if update.state != "pending":
        raise CodeUpdateError("该更新已" + ("应用" if update.state == "applied" else "放弃") + "，请重新接收更新代码")


def apply(user, update: CodeUpdate, shown: str) -> list[SheetDiff]:
    """确认应用: the diff worked out now must be the one shown (`shown`, its fingerprint);
    everything is written in one SAVEPOINT, or nothing."""
    require(user, P.ROOT_DICT, message="只有市人社局（职改办）的字典维护人员可以接收更新代码", error=CodeUpdateError)
    update = db.session.scalar(select(CodeUpdate).where(CodeUpdate.id == update.id).with_for_update())
    _pending(update)
    sheets = sheets_of(update)
    diffs = diff(sheets)
    if fingerprint(diffs) != shown:
        raise CodeUpdateError("字典在查看差异之后已有改变，请核对新的差异后再确认应用")
    with transaction.atomic():
        _write(sheets)
        update.state, update.decided_by, update.decided_at = "applied", user.username, datetime.now()
        update.summary = summary(diffs)[:500]
        db.session.flush()
    audit.record("dict.update_codes", update, f"接收更新代码：{update.filename}；{update.summary}", actor=user)
    return diffs


def discard(user, update: CodeUpdate) -> None:
    require(user, P.ROOT_DICT, message="只有市人社局（职改办）的字典维护人员可以接收更新代码", error=CodeUpdateError)
    _pending(update)
    update.state, update.decided_by, update.decided_at = "discarded", user.username, datetime.now()
    db.session.flush()
    audit.record("dict.discard_codes", update, f"放弃接收更新代码：{update.filename}", actor=user)


def _write(sheets: dict[str, list[dict]]) -> None:
    """The rows into the dictionaries: parents' kinds first, so a new 系列 is there for its 专业."""
    items = {(i.kind, i.code): i for i in db.session.scalars(select(DictItem))}
    for kind in DICT_KINDS:
        if kind not in sheets:
            continue
        parent_kind = PARENT_KINDS.get(kind)
        listed = set()
        for row in sheets[kind]:
            listed.add(row["code"])
            item = items.get((kind, row["code"]))
            if item is None:
                item = items[(kind, row["code"])] = DictItem(kind=kind, code=row["code"])
                db.session.add(item)
            item.name, item.sort, item.active = row["name"], row["sort"], row["active"]
            if parent_kind:
                item.parent = items.get((parent_kind, row["parent"])) if row["parent"] else None
        for (k, code), item in items.items():
            if k == kind and code not in listed and item.active:
                item.active = False
        db.session.flush()
