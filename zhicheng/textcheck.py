"""Text the system stores: no control characters or other invisible ones.

A vertical tab or a NUL in a name cannot be seen on a page, breaks every Excel export that
contains it (XML forbids it) and is refused by PostgreSQL (NUL). Forms refuse it next to the
field (zhicheng.forms); the flush check below keeps out what reaches the database another way.
"""
from __future__ import annotations

import unicodedata
from itertools import chain

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from zhicheng.validators import ValidationError

MESSAGE = "不能包含控制字符等不可见字符"

#: Allowed in multi-line text (a TextArea) only.
LINE_BREAKS = frozenset("\t\n\r")

#: Control (Cc), format (Cf: zero-width and direction marks, BOM), surrogate (Cs) and the line
#: and paragraph separators (Zl, Zp), which the rest of Unicode text handling treats as breaks.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _refused(ch: str, multiline: bool) -> bool:
    if multiline and ch in LINE_BREAKS:
        return False
    code = ord(ch)
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:  # Unicode noncharacters
        return True
    return unicodedata.category(ch) in _REFUSED_CATEGORIES


def invisible_at(text: str, multiline: bool = False) -> int | None:
    """Index of the first refused character of `text`, None when there is none."""
    # isprintable() is False for every refused character (and for spaces other than ' ',
    # private-use and unassigned ones, which are allowed): the common case is one C-level pass.
    if not text or text.isprintable():
        return None
    for i, ch in enumerate(text):
        if _refused(ch, multiline):
            return i
    return None


def message(at: int) -> str:
    return f"{MESSAGE}（第{at + 1}个字符）"


def check(text: str, label: str = "", multiline: bool = False) -> str:
    """`text` unchanged, or ValidationError naming the field and the character's position."""
    at = invisible_at(text, multiline)
    if at is not None:
        raise ValidationError(f"{label}{message(at)}")
    return text


# --- safety net under the forms ------------------------------------------------------------

@event.listens_for(Session, "before_flush")
def _refuse_invisible_text(session, flush_context, instances):
    """Every string column of a new row, and every changed one of an updated row, is checked
    (line breaks allowed: a column does not know whether its form was one line or several).
    Unchanged columns are not: a row stored before this check can still be updated."""
    for obj in chain(session.new, session.dirty):
        state = inspect(obj)
        changed = state.dict.keys() if state.key is None else state.committed_state.keys()
        columns = state.mapper.columns
        for key in changed:
            column = columns.get(key)
            if column is None or not isinstance(column.type, String):
                continue
            value = state.dict.get(key)
            if isinstance(value, str) and invisible_at(value, multiline=True) is not None:
                raise ValidationError(f"未保存：{MESSAGE}（{column.table.name}.{column.name}）")
