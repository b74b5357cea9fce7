"""Material lists cost the same number of SQL statements for 20 rows as for 100 (no N+1)."""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from zhicheng.extensions import db
from zhicheng.models import Project
from zhicheng.review import workflow

from .. import factories


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
        db.session.commit()  # as the request that submits them would
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
    ("unita", "/admin/submit/?page_size=100", False, True),
    ("unita", "/admin/print/?page_size=100", True, True),
    ("rootadmin", "/admin/dept_materials/?page_size=100", True, False),
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


def test_returned_list_query_count_does_not_grow_with_rows(app, org, auth):
    client = auth.client("unita")
    url = "/admin/returned/?page_size=100"
    ids = make_materials(org, 20, submit=True)
    workflow.return_materials(org["xihu_return"], ids, "请补充材料")
    db.session.commit()
    small = statements_for(app, client, url, -1)
    more = make_materials(org, 80, start=20, submit=True)
    workflow.return_materials(org["xihu_return"], more, "请补充材料")
    db.session.commit()
    large = statements_for(app, client, url, -1)
    assert small == large, f"{small} statements for 20 rows, {large} for 100"


def _accounts(org, n, start):
    from zhicheng.models import User
    for i in range(start, start + n):
        db.session.add(User(kind="sub", username=f"qc{i:04d}", password_hash="x", unit_id=org.unit_a.id,
                            real_name=f"账号{i}", perm_fill=True))
    db.session.commit()


def _units(org, n, start):
    from zhicheng.models import Unit, User
    for i in range(start, start + n):
        u = Unit(uscc=factories.make_uscc(5000 + i), legal_rep="法人", name=f"计数单位{i}",
                 department=org.xihu if i % 2 else org.edu_sub)
        db.session.add(u)
        db.session.flush()
        db.session.add(User(kind="unit", username=f"qcu{i:04d}", password_hash="x", unit_id=u.id))
    db.session.commit()


def _staff(org, n, start):
    from zhicheng.models import User
    for i in range(start, start + n):
        db.session.add(User(kind="staff", username=f"qcs{i:04d}", password_hash="x",
                            department=org.xihu if i % 2 else org.edu, role_review=True))
    db.session.commit()


def _audit(org, n, start):
    from zhicheng.models import AuditLog
    for i in range(start, start + n):
        db.session.add(AuditLog(action="account.create", actor_id=org["unit_a"].id, actor_name="unita",
                                target_type="User", target_id=i, detail=f"第{i}条"))
    db.session.commit()


@pytest.mark.parametrize("username,url,make", [
    ("unita", "/admin/sub_accounts/?page_size=100", _accounts),
    ("rootadmin", "/admin/units/?page_size=100", _units),
    ("rootadmin", "/admin/staff/?page_size=100", _staff),
    ("rootadmin", "/admin/audit_log/?page_size=100", _audit),
])
def test_account_lists_query_count_does_not_grow_with_rows(app, org, auth, username, url, make):
    client = auth.client(username)
    make(org, 10, 0)
    small = statements_for(app, client, url, -1)
    make(org, 60, 10)
    large = statements_for(app, client, url, -1)
    assert small == large, f"{url}: {small} statements for ~10 more rows, {large} for ~70 more"


def test_home_page_query_count_does_not_grow_with_projects(app, org, auth):
    """The unit's home page lists every project with its issuer and four counts."""
    client = auth.client("unita")
    small = statements_for(app, client, "/admin/", -1)
    model = org.projects["middle"]
    for i in range(12):   # projects of other issuers above the unit: each issuer its own row
        dept = org.root if i % 2 else org.xihu
        db.session.add(Project(name=f"首页项目{i}", kind=model.kind, year=model.year - i, start_date=model.start_date,
                               end_date=model.end_date, issuer_id=dept.id))
    db.session.commit()
    large = statements_for(app, client, "/admin/", -1)
    assert small == large, f"home: {small} statements with 4 projects, {large} with 16"
