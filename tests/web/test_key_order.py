"""A list sorted by its key that matches much of its table is read in the table's order on SQLite
(zhicheng.admin.key_order: `NOT INDEXED` for the listed table). The rows must be the ones the
indexed statement gives, for every role, page and direction; a list sorted otherwise, or with
few matches, keeps its statement; PostgreSQL's statements never carry the hint."""
from __future__ import annotations

import pytest
from sqlalchemy import event, text

from zhicheng.admin import key_order
from zhicheng.extensions import db

from .test_list_parity import _populate_all
from .test_plain_rows import _page

LISTS = ["/admin/dept_materials/", "/admin/review/", "/admin/materials/", "/admin/tracking/"]
QUERIES = ["", "?page=1&page_size=2", "?page=2&page_size=2", "?page_size=100", "?search=甲&page_size=2",
           "?flt0_0=PROJECT&page_size=2", "?state=draft&page_size=2"]


@pytest.fixture
def statements():
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    yield seen
    event.remove(db.engine, "before_cursor_execute", note)


def _analyze():
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    key_order._rows.clear()


@pytest.mark.parametrize("role", ["root", "xihu_review", "xihu_admin", "unit_a"])
def test_rows_read_in_key_order_are_those_of_the_index(app, org, auth, monkeypatch, statements, role):
    _populate_all(org)
    _analyze()
    client = auth.client(org[role].username)
    sqlite = db.engine.dialect.name == "sqlite"
    hinted = 0
    for url in LISTS:
        for query in (q.replace("PROJECT", str(org.projects["middle"].id)) for q in QUERIES):
            with monkeypatch.context() as m:  # every list counts as large: the walk is chosen
                m.setattr(key_order, "MIN_MATCHES", 1)
                m.setattr(key_order, "WALK_SHARE", 1e9)
                statements.clear()
                walked = client.get(url + query)
                if walked.status_code == 403:
                    break
                walked = _page(client, url + query)
                hinted += any("NOT INDEXED" in s for s in statements)
            assert not any("NOT INDEXED" in s for s in statements) or sqlite
            statements.clear()
            indexed = _page(client, url + query)  # the thresholds as they are: few matches, no hint
            assert not any("NOT INDEXED" in s for s in statements), (url, query)
            assert walked == indexed, (role, url, query)
    assert (hinted > 0) == sqlite


def test_a_list_sorted_by_another_column_keeps_its_index(app, org, auth, monkeypatch, statements):
    _populate_all(org)
    _analyze()
    client = auth.client(org["root"].username)
    monkeypatch.setattr(key_order, "MIN_MATCHES", 1)
    monkeypatch.setattr(key_order, "WALK_SHARE", 1e9)
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "dept_materials")
    other = next(i for i, (c, _) in enumerate(view._list_columns) if view.is_sortable(c) and c != "id")
    statements.clear()
    _page(client, f"/admin/dept_materials/?sort={other}")
    assert not any("NOT INDEXED" in s for s in statements)


def test_the_walk_is_chosen_only_when_it_reads_little(app, monkeypatch):
    """(offset + limit) × rows / matches against WALK_SHARE of the matches; no statistics, or
    another database, or few matches: no walk."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    table = type("T", (), {"name": "material"})
    monkeypatch.setattr(key_order, "table_rows", lambda conn, name: 200_000)
    with app.app_context():
        conn = db.session.connection()
        assert key_order.walk_by_key(conn, table, 14_000, 0, 20)            # ~290 rows read of 14,000
        assert not key_order.walk_by_key(conn, table, 14_000, 980, 20)      # page 50: ~14,000 rows
        assert not key_order.walk_by_key(conn, table, 999, 0, 20)           # few matches
        assert not key_order.walk_by_key(conn, table, None, 0, 20)          # no count (simple pager)
        monkeypatch.setattr(key_order, "table_rows", lambda conn, name: None)
        assert not key_order.walk_by_key(conn, table, 14_000, 0, 20)        # no statistics
