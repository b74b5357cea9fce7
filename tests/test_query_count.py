"""Material lists cost the same number of SQL statements for 20 rows as for 100 (no N+1)."""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from zhicheng import workflow
from zhicheng.extensions import db
from zhicheng.models import Project

from . import factories


@contextmanager
def count_queries():
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def make_materials(org, n: int, start: int = 0, submit: bool = False) -> list[int]:
    """Each material in a project of its own, so a lazy load per row would show as extra queries."""
    model = org.projects["middle"]
    projects = [Project(name=f"中级项目{i}", kind=model.kind, year=model.year, start_date=model.start_date,
                        end_date=model.end_date, issuer_id=model.issuer_id) for i in range(start, start + n)]
    db.session.add_all(projects)
    db.session.commit()
    ids = [factories.material(p, org["unit_a"], name=f"申报人{i}", seq=i).id
           for i, p in zip(range(start, start + n), projects)]
    if submit:
        workflow.submit_materials(org["unit_a"], ids, "王经办", "13812345678")
    return ids


def statements_for(app, client, url: str, expected_rows: int) -> int:
    # Each request in an app context of its own, hence a fresh session: nothing the test loaded
    # sits in the identity map to hide a lazy load per row.
    with app.app_context():
        client.get(url)  # warm-up: first-request work is not what we measure
    with app.app_context(), count_queries() as statements:
        r = client.get(url)
    assert r.status_code == 200
    assert r.get_data(as_text=True).count('name="rowid"') == expected_rows or expected_rows == -1
    return len(statements)


LISTS = [
    ("unita", "/admin/materials/?page_size=100", False, True),
    ("unita", "/admin/tracking/?page_size=100", True, False),
    ("xihureview", "/admin/review/?page_size=100", True, True),
    ("xihuadmin", "/admin/dept_materials/?page_size=100", True, False),
]


@pytest.mark.parametrize("username,url,submit,has_actions", LISTS)
def test_list_query_count_does_not_grow_with_rows(app, org, auth, username, url, submit, has_actions):
    client = auth.client(username)
    make_materials(org, 20, submit=submit)
    small = statements_for(app, client, url, 20 if has_actions else -1)
    make_materials(org, 80, start=20, submit=submit)
    large = statements_for(app, client, url, 100 if has_actions else -1)
    assert small == large, f"{url}: {small} statements for 20 rows, {large} for 100"
    page = client.get(url).get_data(as_text=True)
    assert re.search(r">\s*申报人0\s*<", page) and re.search(r">\s*申报人99\s*<", page)
