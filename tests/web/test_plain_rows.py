"""The material lists read their rows as plain values (zhicheng.admin.plainrows.read_plain_rows), not as
ORM objects. For every such list and every role that opens it, the page must show what the ORM
objects showed: the same count, the same rows in the same order, cell by cell, whatever the
search, filter, sort and page; a formatter that reads more than the list loads still gets it."""
from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from zhicheng.admin.base import ScopedModelView
from zhicheng.admin.plainrows import PlainRow
from zhicheng.extensions import db
from zhicheng.models import Material

from .test_access_matrix import ROLES
from .test_list_parity import _populate_all, _rows


def _plain_views(app) -> list:
    return [v for v in app.extensions["admin"][0]._views
            if isinstance(v, ScopedModelView) and type(v).plain_list is not ScopedModelView.plain_list]


def _count(html: str) -> str | None:
    m = re.search(r'class="nav-link active">列表(?: \((\d+)\))?</a>', html)
    assert m, "the list's tab"
    return m.group(1)


def _page(client, url: str) -> tuple:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    html = r.get_data(as_text=True)
    return _count(html), _rows(html)


def _queries(view, org) -> list[str]:
    """Each list's default page, its pages of two rows, every sortable column both ways, a
    search, the 申报项目 filter and the home page's ?project= / ?state= links."""
    queries = ["?page_size=100", "?page_size=20&page=1", "?page=1&page_size=2", "?search=甲",
               "?search=审核中", f"?project={org.projects['middle'].id}", "?state=draft"]
    if view._filters:
        queries.append(f"?flt0_{view.get_filter_arg(0, view._filters[0])}={org.projects['middle'].id}")
    for i, (column, _) in enumerate(view._list_columns):
        if view.is_sortable(column):
            queries += [f"?sort={i}", f"?sort={i}&desc=1"]
    return queries


def test_plain_rows_show_what_the_orm_objects_showed(app, org, auth, monkeypatch):
    _populate_all(org)
    views = _plain_views(app)
    assert {"materials", "submit", "returned", "tracking", "review", "dept_materials", "print_list",
            "board_transfer", "expert_materials"} <= {v.endpoint for v in views}

    def compare(client, view, queries, why):
        for query in queries:
            url = f"{view.url}/{query}"
            plain = _page(client, url)
            with monkeypatch.context() as m:
                m.setattr(view, "plain_list", lambda: None)
                orm = _page(client, url)
            assert plain == orm, (view.endpoint, why, query)
        return len(plain[1])

    # Every role's own rows (each its scope), then every query as the role that sees the most.
    clients, best = {}, {}
    for role in ROLES:
        user = org[role]
        allowed = [v for v in views if v.allowed(user)]
        if not allowed or user.must_change_password:
            continue
        clients[role] = auth.client(user.username)
        for view in allowed:
            n = compare(clients[role], view, ["?page_size=100"], role)
            if n > best.get(view.endpoint, (0, None))[0]:
                best[view.endpoint] = (n, role)
    assert sorted(best) == sorted(v.endpoint for v in views), "a plain list no role saw rows of"
    for view in views:
        role = best[view.endpoint][1]
        compare(clients[role], view, _queries(view, org), role)


def test_a_formatter_reading_more_than_the_list_loads_gets_it(app, org, auth, monkeypatch):
    """A cell that needs a column the list does not read (and a related row's column) loads the
    row as a lazy load would, and shows the right value; the page just costs more statements."""
    _populate_all(org)
    view = next(v for v in _plain_views(app) if v.endpoint == "materials")
    formatters = dict(view.column_formatters,
                      name=lambda v, c, m, n: Markup(f"{m.name}|{m.submitter_phone}|{m.project.kind}|{m.unit.name}"))
    monkeypatch.setattr(view, "column_formatters", formatters)
    monkeypatch.setattr(view, "_zc_list_values", {}, raising=False)
    client = auth.client(org["unit_a"].username)
    _, rows = _page(client, f"{view.url}/?page_size=100")
    mine = db.session.scalars(db.select(Material).where(Material.unit_id == org["unit_a"].unit_id)
                              .order_by(Material.id.desc())).all()
    mine = [m for m in mine if m.state != "person_draft"]
    names = [{cls: text for cls, text, _ in row["cells"]}["col-name"] for row in rows]
    assert names == [f"{m.name}|{m.submitter_phone}|{m.project.kind}|{m.unit.name}" for m in mine]


def test_plain_row_reads_values_properties_and_falls_back(app, org):
    from zhicheng.models import Project
    p = org.projects["middle"]
    loads = []

    def load():
        loads.append(1)
        return db.session.get(Project, p.id)

    row = PlainRow(Project, {"id": p.id, "kind": p.kind}, load)
    assert row.id == p.id and row.form_name == p.form_name and row.kind_label == p.kind_label
    assert not loads  # properties run on the plain values
    assert row.name == p.name and row.year == p.year
    assert loads == [1]  # one load, kept for the next attribute
    assert not hasattr(row, "__html__") and loads == [1]
    with pytest.raises(AttributeError):
        row.no_such_attribute  # noqa: B018


# Statements of each plain list page with rows of several projects: the account's, the count,
# the page (its related names joined on PostgreSQL, one statement per relationship by primary
# keys on SQLite), and what a list reads besides (退回理由, 考试 results, 审核提示's duplicates).
BUDGETS = [
    ("unita", "/admin/materials/", 3, 5),
    ("unita", "/admin/submit/", 3, 4),
    ("unita", "/admin/returned/", 4, 5),
    ("unita", "/admin/tracking/", 3, 5),
    ("unita", "/admin/print/", 3, 4),
    ("xihureview", "/admin/review/", 4, 6),
    ("xihuadmin", "/admin/dept_materials/", 3, 6),
    ("rootadmin", "/admin/dept_materials/", 3, 6),
    ("rootadmin", "/admin/board_transfer/", 5, 7),
    # joined on SQLite too (ExpertMaterialView.plain_joined); his open seats first (scope.meeting_materials)
    ("experta", "/admin/expert_materials/", 4, 4),
]


@pytest.mark.parametrize("username,url,pg,sqlite", BUDGETS)
def test_plain_list_statements(app, org, auth, username, url, pg, sqlite):
    from zhicheng.review import workflow

    from .test_query_count import make_materials, statements_for
    _populate_all(org)
    ids = make_materials(org, 6, submit=True)
    workflow.return_materials(org["xihu_return"], ids[:2], "请补充材料")
    db.session.commit()
    client = auth.client(username)
    n = statements_for(app, client, url, -1)
    assert n == (pg if db.engine.dialect.name == "postgresql" else sqlite), (url, n)
    assert len(_page(client, url)[1]) >= 2, "rows of more than one material"


def test_review_records_read_as_plain_rows_show_every_field(app, org, auth):
    """A material's 审核记录 on its details page (the unit's and the department's): each record's
    time, action, department, next department, actor and reason, oldest first, none of another
    material's."""
    import lxml.html
    from sqlalchemy import select

    from zhicheng.models import ReviewRecord
    from zhicheng.review import workflow

    from .test_query_count import make_materials
    mine, _other = make_materials(org, 2, submit=True)
    workflow.return_materials(org["xihu_return"], [mine], "请补充学历证明")
    workflow.submit_materials(org["unit_a"], [mine], "王经办", "13812345678")
    workflow.pass_materials(org["xihu_review"], [mine])
    db.session.commit()
    records = db.session.scalars(select(ReviewRecord).where(ReviewRecord.material_id == mine)
                                 .order_by(ReviewRecord.id)).all()
    assert len(records) == 4 and any(r.to_department_id for r in records)
    expected = [[str(r.at), r.action_label, r.department.name if r.department else "—",
                 r.to_department.name if r.to_department else "—", r.actor_name, r.reason] for r in records]
    for username, url in (("unita", f"/admin/materials/details/?id={mine}"),
                          ("rootadmin", f"/admin/dept_materials/details/?id={mine}")):
        page = auth.client(username).get(url)
        assert page.status_code == 200, (username, page.status_code)
        rows = lxml.html.fromstring(page.get_data(as_text=True)).xpath('//table[@id="review-records"]/tbody/tr')
        assert [[" ".join(td.text_content().split()) for td in tr.findall("td")] for tr in rows] == expected
