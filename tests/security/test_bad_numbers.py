"""Findings 7 and 8: an integer of 2^63 or more, or no integer at all, where an id, a page or a
filter value is expected answers 404 or a Chinese message, never a 500 or Python's own text."""
from __future__ import annotations

import re

import pytest

from zhicheng.admin.base import GuardedView, ScopedModelView

from ..web.test_access_matrix import _populate

HUGE = "9223372036854775808"
BAD_VALUES = [HUGE, "99999999999999999999999999", "-9223372036854775809", "abc", "1e3", "0x10", "１２", "²", "٣"]
ROLES = ["root", "xihu_review", "unit_a", "sub_a_full"]
# Every bad value for the root office and a unit (between them every view); the two values that
# reach different code paths (beyond the range, not a number) for the other roles.
VALUES_FOR = {"root": BAD_VALUES, "unit_a": BAD_VALUES, "xihu_review": [HUGE, "abc"], "sub_a_full": [HUGE, "abc"]}
# Python's and the drivers' own words, which users must never see.
RAW_ERROR = re.compile(r"invalid literal|too large|Traceback|OverflowError|ValueError|DataError|"
                       r"psycopg|sqlite3|out of range for type|Failed to|IntegrityError|integrity constraint", re.I)


def _views(app):
    admin = app.extensions["admin"][0]
    return [v for v in admin._views if isinstance(v, (ScopedModelView, GuardedView))]


def _check(response, url):
    body = response.get_data(as_text=True)
    assert response.status_code != 500, url
    assert response.status_code in (200, 302, 400, 403, 404), (url, response.status_code)
    assert not RAW_ERROR.search(body), (url, RAW_ERROR.search(body).group(0))


# One test per role and value, so that the workers share them out.
@pytest.mark.parametrize(("role", "value"), [(role, value) for role in ROLES for value in VALUES_FOR[role]])
def test_ids_pages_and_filters_out_of_range_never_fail(app, org, auth, role, value):
    _populate(org)
    c = auth.client(org[role].username)
    for view in _views(app):
        if not view.allowed(org[role]):
            continue
        base = view.url + "/"
        urls = [f"{base}?page={value}", f"{base}?project={value}", f"{base}?department={value}",
                f"{base}?flt0_0={value}", f"{base}?flt1_1={value}", f"{base}?sort={value}",
                f"{base}?page_size={value}"]
        if isinstance(view, ScopedModelView):
            urls += [f"{base}details/?id={value}", f"{base}edit/?id={value}"]
        for url in urls:
            _check(c.get(url), url)


@pytest.mark.parametrize("role", ROLES)
def test_custom_pages_with_huge_ids(app, org, auth, role):
    _populate(org)
    c = auth.client(org[role].username)
    urls = [f"/admin/materials/attachment/{HUGE}", f"/admin/print-file/material/{HUGE}.pdf",
            f"/admin/export/job/{HUGE}", f"/admin/export/job/{HUGE}/file",
            f"/admin/submit/confirm/?id={HUGE}", f"/admin/review/return/?id={HUGE}",
            f"/admin/materials/fill/?project={HUGE}", f"/admin/materials/modify/?id={HUGE}",
            f"/admin/export/?project={HUGE}&department={HUGE}", f"/admin/export/download?project={HUGE}",
            f"/admin/sub_departments/new/?parent_id={HUGE}", f"/admin/units/?department_id={HUGE}",
            f"/admin/staff/?department_id={HUGE}"]
    for url in urls:
        _check(c.get(url), url)


def test_posted_huge_ids_in_actions_change_nothing(app, org, auth, csrf):
    materials = _populate(org)
    c = auth.client(org["xihu_review"].username)
    token = csrf(c, "/admin/review/")
    for action in ("pass", "delete"):
        r = c.post("/admin/review/action/", data={"action": action, "rowid": [HUGE, str(materials[1].id)],
                                                   "csrf_token": token})
        _check(r, f"review action {action}")
    u = auth.client("unita")
    token = csrf(u, "/admin/submit/")
    for url, data in [("/admin/submit/action/", {"action": "submit", "rowid": [HUGE]}), ("/admin/materials/action/",
                                                               {"action": "delete", "rowid": [HUGE, "abc"]}),
                      ("/admin/sub_accounts/action/", {"action": "reset_password", "rowid": [HUGE]}),
                      ("/admin/materials/delete/", {"id": HUGE})]:
        _check(u.post(url, data={**data, "csrf_token": token}), url)


def test_dictionary_form_with_huge_number_gives_a_chinese_message(app, org, auth, csrf):
    from sqlalchemy import func, select

    from zhicheng.extensions import db
    from zhicheng.models import DictItem
    c = auth.client(org["root"].username)
    before = db.session.scalar(select(func.count()).select_from(DictItem))
    for sort in (HUGE, "abc"):
        r = c.post("/admin/dicts/new/", data={"kind": "series", "code": "X9", "name": "测试系列", "sort": sort,
                                              "active": "y", "csrf_token": csrf(c, "/admin/dicts/new/")},
                   follow_redirects=True)
        _check(r, f"/admin/dicts/new/ sort={sort}")
        body = r.get_data(as_text=True)
        assert "数值超出允许的范围" in body or "请输入整数" in body
    assert db.session.scalar(select(func.count()).select_from(DictItem)) == before


def test_a_failed_background_export_shows_chinese_not_the_exception(app, org, auth, monkeypatch):
    from sqlalchemy import select

    from zhicheng.exporting import services as exporting
    from zhicheng.extensions import db
    from zhicheng.models import ExportJob
    app.config["EXPORT_BACKGROUND_THRESHOLD"] = 0
    _populate(org)

    def broken(*args, **kwargs):
        raise RuntimeError("psycopg internal detail")
    monkeypatch.setattr(exporting, "export_materials_to", broken)
    c = auth.client(org["root"].username)
    r = c.get("/admin/export/download")
    assert r.status_code == 302
    job = db.session.scalars(select(ExportJob)).one()
    exporting.wait_for_job(job.id)
    db.session.expire_all()
    page = c.get(f"/admin/export/job/{job.id}").get_data(as_text=True)
    assert "导出失败" in page and "psycopg" not in page and "RuntimeError" not in page

