"""On SQLite a large list whose only condition is `state IN (most states)` (the root office's
本部门及下级材料) is counted as the table's rows less the other states' (zhicheng.admin.
complement_count). The count a user reads must be the exact one, on every page, with and without
a search or a filter; a smaller table, another condition, a column without a closed set of values
and PostgreSQL keep the plain count."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from zhicheng.admin import complement_count, key_order
from zhicheng.extensions import db
from zhicheng.models import Material
from zhicheng.scope.core import SUBMITTED_STATES

from .test_key_order import statements  # noqa: F401  (fixture)
from .test_list_parity import _populate_all
from .test_plain_rows import _page


def _analyze():
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    key_order._rows.clear()


def _page_count(client, url: str) -> tuple[int, list]:
    count, rows = _page(client, url)
    return int(count or 0), rows


def _complemented(seen) -> bool:
    return any(s.replace("\n", " ").rstrip().endswith("FROM material") and "count(*)" in s for s in seen)


def test_the_root_office_reads_the_exact_count(app, org, auth, monkeypatch, statements):  # noqa: F811
    _populate_all(org)
    _analyze()
    monkeypatch.setattr(complement_count, "MIN_ROWS", 1)  # the test's table counts as large
    submitted = db.session.scalar(select(func.count()).select_from(Material).where(Material.state.in_(SUBMITTED_STATES)))
    drafts = db.session.scalar(select(func.count()).select_from(Material).where(Material.state.not_in(SUBMITTED_STATES)))
    assert submitted >= 2 and drafts >= 1, "drafts to leave out, submitted materials to count"
    client = auth.client(org["root"].username)
    sqlite = db.engine.dialect.name == "sqlite"

    statements.clear()
    count, rows = _page_count(client, "/admin/dept_materials/?page_size=100")
    assert count == submitted == len(rows)
    assert _complemented(statements) == sqlite

    statements.clear()
    count, rows = _page_count(client, "/admin/dept_materials/")  # the default page of 20
    assert count == submitted and len(rows) == min(20, submitted)
    assert _complemented(statements) == sqlite

    # A search or a filter is another condition: counted as it is, and still exact.
    name = db.session.scalar(select(Material.name).where(Material.state.in_(SUBMITTED_STATES)).limit(1))
    expected = db.session.scalar(select(func.count()).select_from(Material).where(
        Material.state.in_(SUBMITTED_STATES), Material.name.contains(name)))
    statements.clear()
    count, rows = _page_count(client, f"/admin/dept_materials/?search={name}&page_size=100")
    assert count == expected == len(rows)
    assert not _complemented(statements)
    project = org.projects["middle"].id
    expected = db.session.scalar(select(func.count()).select_from(Material).where(
        Material.state.in_(SUBMITTED_STATES), Material.project_id == project))
    statements.clear()
    count, rows = _page_count(client, f"/admin/dept_materials/?project={project}&page_size=100")
    assert count == expected == len(rows)
    assert not _complemented(statements)


def test_a_small_table_is_counted_in_one_statement(app, org, auth, statements):  # noqa: F811
    _populate_all(org)
    _analyze()  # a few rows: under MIN_ROWS
    statements.clear()
    _page(auth.client(org["root"].username), "/admin/dept_materials/")
    assert not _complemented(statements)


def test_only_a_closed_set_of_values_most_of_them_asked_for(app, monkeypatch):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only (PostgreSQL: always None, below)")
    monkeypatch.setattr(complement_count, "table_rows", lambda conn, name: 1_000_000)
    with app.app_context():
        conn = db.session.connection()
        most = select(Material.id).where(Material.state.in_(SUBMITTED_STATES))
        assert complement_count.complement_count(conn, most) == 0  # an empty table, counted by its complement
        few = select(Material.id).where(Material.state.in_(["draft", "in_review"]))
        assert complement_count.complement_count(conn, few) is None           # more left out than asked for
        two = most.where(Material.unit_id == 1)
        assert complement_count.complement_count(conn, two) is None           # another condition
        open_set = select(Material.id).where(Material.name.in_(["甲", "乙"]))
        assert complement_count.complement_count(conn, open_set) is None      # no closed set of values
        unknown = select(Material.id).where(Material.state.in_([*SUBMITTED_STATES, "no-such-state"]))
        assert complement_count.complement_count(conn, unknown) is None       # a value outside the set
        joined = most.join(Material.unit)
        assert complement_count.complement_count(conn, joined) is None        # another table
        monkeypatch.setattr(complement_count, "table_rows", lambda conn, name: None)
        assert complement_count.complement_count(conn, most) is None          # no statistics


def test_postgresql_keeps_its_count(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    with app.app_context():
        most = select(Material.id).where(Material.state.in_(SUBMITTED_STATES))
        assert complement_count.complement_count(db.session.connection(), most) is None
