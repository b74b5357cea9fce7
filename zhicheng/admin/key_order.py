"""SQLite: a list page sorted by its primary key that matches a large share of the table is read
in the table's own order, not through the index of its scope.

A district's 本部门及下级材料 (14,000 of the city's 200,000 materials, in 405 units) is filtered by
`unit_id IN (…)` and `state IN (…)`, both indexed. SQLite then reads every match through that
index and sorts them all for the first 20 by 编号 order (17 ms), where walking the table backwards
by its rowid finds the first 20 after ~300 rows (under 1 ms). SQLite's planner does not weigh the
LIMIT against how many rows match; the list knows both (its count ran first), so it tells SQLite
`NOT INDEXED` for the listed table when the walk is expected to read a small part of the matches.
PostgreSQL's planner makes that choice itself (its statistics include the correlation): nothing
changes there.

The expected walk assumes the matches are spread over the table's rows; where they are not (all
of them among the oldest rows) the walk reads more of the table than expected — at worst the whole
table once, about twice the sort it replaces at city scale.
"""
from __future__ import annotations

import time

from sqlalchemy import text
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import Engine

#: Below this many matches the index and the sort cost little: the statement is left as it is.
MIN_MATCHES = 1000
#: The walk is chosen when it is expected to read at most this share of the matches.
WALK_SHARE = 0.25
#: How long a table's row count from sqlite_stat1 is kept by a process.
STAT_SECONDS = 300.0

_rows: dict[str, tuple[float, int | None]] = {}


class _HintingCompiler(SQLiteCompiler):
    """SQLite's compiler, rendering a statement's table hints (`with_hint(table, "NOT INDEXED",
    "sqlite")`) after the table's name as SQLite's grammar has them; SQLAlchemy's SQLite dialect
    drops table hints."""

    def get_from_hint_text(self, table, text):
        return text


def install(engine: Engine) -> None:
    """This engine's SQLite statements render their table hints (other engines: nothing)."""
    if engine.dialect.name == "sqlite":
        engine.dialect.statement_compiler = _HintingCompiler


def table_rows(connection, table: str) -> int | None:
    """The table's row count as of its last ANALYZE (sqlite_stat1), kept a few minutes; None
    without statistics."""
    now = time.monotonic()
    cached = _rows.get(table)
    if cached is not None and now - cached[0] < STAT_SECONDS:
        return cached[1]
    try:  # each index's row leads with the rows it holds: the largest is the table's (a partial index holds fewer)
        stats = connection.execute(text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t"), {"t": table}).scalars().all()
    except Exception:  # noqa: BLE001  (no sqlite_stat1 before the first ANALYZE)
        stats = []
    rows = max((int(stat.split()[0]) for stat in stats if stat and stat.split()[0].isdigit()), default=None)
    _rows[table] = (now, rows)
    return rows


def walk_by_key(connection, table, count: int | None, offset: int, limit: int) -> bool:
    """Whether reading `table` in its key order (NOT INDEXED) is expected to read at most
    WALK_SHARE of the `count` matches before the page's `offset + limit` are found."""
    if connection.dialect.name != "sqlite" or count is None or count < MIN_MATCHES:
        return False
    rows = table_rows(connection, table.name)
    if not rows:
        return False
    expected = (offset + limit) * rows / count
    return expected <= WALK_SHARE * count


def key_sorted(view, sort_column) -> bool:
    """Whether the list's order is its primary key alone (asked, or its default order)."""
    pk = view._primary_key
    if sort_column is not None:
        return sort_column == pk
    order = view.column_default_sort
    if isinstance(order, str):
        order = [(order, False)]
    if isinstance(order, tuple):
        order = [order]
    return isinstance(order, list) and len(order) == 1 and order[0][0] == pk
