"""Reading the dictionaries for forms, and the rules every change of an entry keeps.

专业 and 资格名称 follow the 系列 (PARENT_KINDS): `options` gives each name with the 系列 it belongs
to, so that a form offers only the ones of the chosen 系列, and `series_mismatch` is the server's
check of a posted combination.
"""
from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import select
from sqlalchemy.orm import aliased

from zhicheng.codes.models import DICT_KINDS, PARENT_KINDS, DictItem
from zhicheng.domain import DomainError
from zhicheng.extensions import db


class DictionaryError(DomainError):
    """A change of a dictionary refused (nothing changed)."""


def _cached(key, compute):
    """Once per request (a form asks for the same lists while building and while validating)."""
    if not has_request_context():
        return compute()
    cache = g.setdefault("zc_dictionaries", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def active_names(kind: str) -> list[str]:
    """The names of a dictionary's entries in use, in the list's order (each name once)."""
    def compute():
        names = db.session.scalars(select(DictItem.name).where(DictItem.kind == kind, DictItem.active.is_(True))
                                   .order_by(DictItem.sort, DictItem.id))
        return list(dict.fromkeys(names))
    return _cached(("names", kind), compute)


def options(kind: str) -> list[tuple[str, tuple[str, ...]]]:
    """(name, names of the 系列 it belongs to) of the entries in use; () for an entry offered
    with every 系列. A name entered under two 系列 comes once, with both."""
    def compute():
        parent = aliased(DictItem)
        rows = db.session.execute(
            select(DictItem.name, parent.name).outerjoin(parent, DictItem.parent_id == parent.id)
            .where(DictItem.kind == kind, DictItem.active.is_(True)).order_by(DictItem.sort, DictItem.id))
        found: dict[str, list[str | None]] = {}
        for name, series in rows:
            found.setdefault(name, []).append(series)
        return [(name, () if None in parents else tuple(dict.fromkeys(parents))) for name, parents in found.items()]
    return _cached(("options", kind), compute)


def field_options(kind: str, current: str | None = None) -> list[tuple[str, str | None]]:
    """The options of a form's select for a dictionary field: (name, the names of its 系列 joined
    by "|" for the page's script, or None for one offered with every 系列) of the entries in use,
    and `current` (a value stored before, no longer or never in the list) kept offered with every
    系列. Empty when the dictionary has no entry in use: the field is then typed in."""
    if kind in PARENT_KINDS:
        found = [(name, "|".join(parents) if parents else None) for name, parents in options(kind)]
    else:
        found = [(name, None) for name in active_names(kind)]
    if found and current and current not in {name for name, _ in found}:
        found.append((current, None))
    return found


def series_mismatch(kind: str, value: str | None, series: str | None) -> str | None:
    """The message refusing `value` (a 专业 or 资格名称) with the 系列 `series`, or None when they
    go together (or when the dictionary cannot tell: no 系列 chosen, or a name it does not list)."""
    if kind not in PARENT_KINDS or not value or not series:
        return None
    belongs = dict(options(kind)).get(value)
    if belongs is None or not belongs or series in belongs:
        return None
    return (f"申报{DICT_KINDS[kind]}“{value}”不属于申报系列“{series}”"
            f"（属于{'、'.join(belongs)}），请重新选择")


def check_item(item: DictItem) -> None:
    """What an entry being saved must satisfy: a known kind, a code unique in its dictionary, a
    parent only for a linked kind and of the right kind; a 评委会 code in use keeps its code."""
    if item.kind not in DICT_KINDS:
        raise DictionaryError("请选择字典类别")
    label = DICT_KINDS[item.kind]
    with db.session.no_autoflush:
        duplicate = db.session.scalar(select(DictItem.id).where(DictItem.kind == item.kind,
                                                                DictItem.code == item.code,
                                                                DictItem.id != (item.id or 0)))
        if duplicate is not None:
            raise DictionaryError(f"“{label}”中已有代码“{item.code}”")
        parent_kind = PARENT_KINDS.get(item.kind)
        if item.parent is not None and parent_kind is None:
            raise DictionaryError(f"“{label}”不属于其他字典，请不要选择所属系列")
        if item.parent is not None and item.parent.kind != parent_kind:
            raise DictionaryError(f"“{label}”的上级应为{DICT_KINDS[parent_kind]}")
        if item.id is not None:
            _keep_used_board_code(item)


def _keep_used_board_code(item: DictItem) -> None:
    from zhicheng.boards.models import ReviewBoard
    old = db.session.execute(select(DictItem.kind, DictItem.code).where(DictItem.id == item.id)).one_or_none()
    if old is None or old.kind != "board" or (item.kind, item.code) == tuple(old):
        return
    board = db.session.scalar(select(ReviewBoard.name).where(ReviewBoard.code == old.code))
    if board is not None:
        raise DictionaryError(f"评委会代码“{old.code}”已由评委会“{board}”使用，不能修改代码或类别；可停用后新增")


def check_delete(item: DictItem) -> None:
    """An entry with entries under it, or a 评委会 code a board carries, is not deleted (停用 it)."""
    child = db.session.scalar(select(DictItem.name).where(DictItem.parent_id == item.id).limit(1))
    if child is not None:
        raise DictionaryError(f"“{item.name}”下还有“{child}”等条目，不能删除；可改为停用")
    if item.kind == "board":
        from zhicheng.boards.models import ReviewBoard
        board = db.session.scalar(select(ReviewBoard.name).where(ReviewBoard.code == item.code))
        if board is not None:
            raise DictionaryError(f"评委会代码“{item.code}”已由评委会“{board}”使用，不能删除；可改为停用")


def board_code_choices(current: str | None = None) -> list[tuple[str, str]]:
    """(code, "code name") of the 评委会 dictionary's entries in use, for a board's 评委会代码
    (with the board's current code even when it is no longer in use)."""
    rows = list(db.session.execute(select(DictItem.code, DictItem.name).where(
        DictItem.kind == "board", (DictItem.active.is_(True)) | (DictItem.code == (current or "")))
        .order_by(DictItem.sort, DictItem.id)))
    return [("", "（未指定）")] + [(code, f"{code} {name}") for code, name in rows]


def check_board_code(code: str | None, board_id: int | None = None) -> str | None:
    """A board's 评委会代码: empty (none), or a 评委会 dictionary code no other board carries.
    Returns the code to store (None for none); raises DictionaryError otherwise."""
    from zhicheng.boards.models import ReviewBoard
    code = (code or "").strip()
    if not code:
        return None
    item = db.session.scalar(select(DictItem).where(DictItem.kind == "board", DictItem.code == code))
    current = db.session.scalar(select(ReviewBoard.code).where(ReviewBoard.id == board_id)) if board_id else None
    if item is None or (not item.active and code != current):
        raise DictionaryError(f"评委会代码“{code}”不在评委会字典中（或已停用），请从列表中选择")
    other = db.session.scalar(select(ReviewBoard.name).where(ReviewBoard.code == code,
                                                             ReviewBoard.id != (board_id or 0)))
    if other is not None:
        raise DictionaryError(f"评委会代码“{code}”已由评委会“{other}”使用")
    return code
