"""What the page frame keeps from request to request (the main menu by the account's permissions,
the stylesheet and script links, the rows let go at the end of a read-only request) never
shows one account what another may open, never outlives a change of permissions, and the pages
of the load mix (bench/locustfile.py) cost a fixed number of SQL statements."""
from __future__ import annotations


import pytest

from zhicheng.extensions import db
from zhicheng.models import Material, User
from zhicheng.review import workflow

from .test_query_count import count_queries, make_materials


def _menu(page: str) -> str:
    return page.split('id="admin-navbar-collapse"', 1)[1].split("</nav>", 1)[0]


def test_menu_follows_a_change_of_permissions(app, org, auth):
    """The menu is kept per set of permissions: the next page after a change shows the new set."""
    client = auth.client("unitaonlyfill")  # a 工作账号 with 填写材料 only
    menu = _menu(client.get("/admin/").get_data(as_text=True))
    assert 'href="/admin/projects/"' in menu and 'href="/admin/submit/"' not in menu
    user = db.session.scalar(db.select(User).where(User.username == "unitaonlyfill"))
    user.perm_fill, user.perm_submit = False, True
    db.session.commit()
    page = client.get("/admin/").get_data(as_text=True)
    menu = _menu(page)
    assert 'href="/admin/projects/"' not in menu and 'href="/admin/submit/"' in menu
    assert client.get("/admin/projects/").status_code == 403
    assert client.get("/admin/submit/").status_code == 200
    # Another account with the old permissions still gets its own menu, not the cached other one.
    other = auth.client("unita001")  # every permission
    menu = _menu(other.get("/admin/").get_data(as_text=True))
    assert 'href="/admin/projects/"' in menu and 'href="/admin/submit/"' in menu


def test_menu_and_links_differ_by_mount_point_not_by_user(app, org, auth):
    """Two accounts with the same permissions get the same frame; the links keep the mount point."""
    a = auth.client("unita").get("/admin/materials/").get_data(as_text=True)
    b = auth.client("unitb").get("/admin/materials/").get_data(as_text=True)
    assert _menu(a).split('<ul class="navbar-nav ml-auto zc-user-menu">')[0] == _menu(b).split('<ul class="navbar-nav ml-auto zc-user-menu">')[0]
    assert "甲单位" in _menu(a) and "乙单位" in _menu(b)  # the account line is each one's own
    mounted = auth.client("unita").get("/admin/materials/", environ_overrides={"SCRIPT_NAME": "/zc"})
    html = mounted.get_data(as_text=True)
    assert 'href="/zc/admin/static/' in html and 'src="/zc/admin/static/vendor/jquery.min.js' in html
    assert 'href="/admin/static/' not in html


def test_a_read_only_page_leaves_rows_usable_and_a_write_is_committed(app, org, auth, csrf):
    """A page that only read lets its rows go at the end; a request that wrote still commits."""
    client = auth.client("unita")
    ids = make_materials(org, 2)
    assert client.get(f"/admin/materials/details/?id={ids[0]}").status_code == 200
    r = client.post("/admin/submit/confirm/?id=%d" % ids[0],
                    data={"operator_name": "王经办", "operator_phone": "13812345678",
                          "csrf_token": csrf(client, f"/admin/submit/confirm/?id={ids[0]}")})
    assert r.status_code in (200, 302)
    db.session.expire_all()
    assert db.session.get(Material, ids[0]).state != "draft"
    assert db.session.get(Material, ids[1]).state == "draft"


def _statements(app, client, url: str) -> int:
    with app.app_context():
        client.get(url)
    with app.app_context(), count_queries() as statements:
        r = client.get(url)
    assert r.status_code == 200, url
    return len(statements)


# The pages of the load mix and the SQL statements each may cost (the account's own, then the
# page's): PostgreSQL joins a list's related names into its statement, SQLite loads them apart.
MIX = [
    ("unita", "/admin/", 3, 3),
    ("unita", "/admin/materials/", 3, 5),
    ("unita", "/admin/materials/details/?id={draft}", 6, 6),
    ("unita", "/admin/tracking/", 3, 5),
    ("unita", "/admin/returned/", 4, 5),
    ("unita", "/admin/submit/", 3, 4),
    ("unita", "/admin/submit/confirm/?id={draft}", 2, 3),
    ("xihureview", "/admin/", 3, 3),
    # 审核提示 (zhicheng.checks): the list's duplicates of the page's rows, and on the details page
    # those of the material and the snapshot of its last 退回 (the 可申报资格表 is kept by the process).
    ("xihureview", "/admin/review/", 4, 6),
    ("xihureview", "/admin/review/details/?id={waiting}", 8, 8),
]


def mix_materials(org) -> tuple[list[int], list[int]]:
    """The materials MIX's URLs name, by id: unit A's drafts and those it submitted (one more was
    submitted and returned)."""
    ids = make_materials(org, 4)
    waiting = make_materials(org, 2, start=4, submit=True)
    returned = make_materials(org, 1, start=6, submit=True)
    workflow.return_materials(org["xihu_return"], returned, "请补充材料")
    db.session.commit()
    return ids, waiting


@pytest.mark.parametrize("username,url,pg,sqlite", MIX)
def test_load_mix_pages_statement_budget(app, org, auth, username, url, pg, sqlite):
    ids, waiting = mix_materials(org)
    client = auth.client(username)
    n = _statements(app, client, url.format(draft=ids[0], waiting=waiting[0]))
    budget = pg if db.engine.dialect.name == "postgresql" else sqlite
    assert n <= budget, f"{url}: {n} statements, at most {budget} expected"


@pytest.mark.parametrize("script_name", ["", "/zc"])
def test_list_urls_are_flask_admins(app, org, script_name):
    """The sort, page-size and pager links of a list are the URLs Flask-Admin's url_for builds."""
    from flask_admin.model import BaseModelView
    from flask_admin.model.base import ViewArgs

    admin = app.extensions["admin"][0]
    view = next(v for v in admin._views if v.endpoint == "dept_materials")
    cases = [
        ViewArgs(page=0, page_size=20, sort=None, sort_desc=None, search=None, filters=None, extra_args={}),
        ViewArgs(page=3, page_size=50, sort=2, sort_desc=1, search="张 三&x=1/?", filters=None,
                 extra_args={"project": "7", "state": "submitted"}),
        ViewArgs(page=1, page_size=100, sort=0, sort_desc=None, search="", filters=[(0, "申报项目", "12")],
                 extra_args={"q": "a+b %"}),
    ]
    with app.test_request_context("/admin/dept_materials/", environ_overrides={"SCRIPT_NAME": script_name}):
        for args in cases:
            for clone in (args, args.clone(page=None), args.clone(sort=1, sort_desc=1), args.clone(page_size=20)):
                assert view._get_list_url(clone) == BaseModelView._get_list_url(view, clone)
