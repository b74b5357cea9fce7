"""The list pages draw their rows in Python (zhicheng/admin/listing.py: list_rows) instead of
Flask-Admin's list template. For every list view, as the role that sees the most of its rows,
the page drawn by our template and the same page drawn by Flask-Admin's own list template must
show the same rows: the same cells, column by column, with the same text and links, the same
row checkboxes and the same row-action links."""
from __future__ import annotations

from datetime import datetime

import lxml.html
from jinja2 import pass_context
from markupsafe import Markup

from zhicheng.admin.base import ScopedModelView
from zhicheng.extensions import db
from zhicheng.models import DictItem, EligibilityRule, UnitRegistry

from .. import factories
from .test_access_matrix import ROLES, _populate

STOCK = "admin/model/list.html"  # Flask-Admin's list template (Bootstrap 4 theme)


def _text(el) -> str:
    return " ".join(el.text_content().split())


def _links(el) -> list:
    return [(a.get("href"), a.get("title")) for a in el.iter("a")]


def _rows(html: str) -> list:
    """Per row of the list table: the row checkbox's value, the row-action links, and per data
    column its class, text and links."""
    tree = lxml.html.fromstring(html)
    tables = tree.xpath('//table[contains(concat(" ", @class, " "), " model-list ")]')
    assert len(tables) == 1
    rows = []
    for tr in tables[0].xpath(".//tr[td]"):
        tds = tr.findall("td")
        if len(tds) == 1 and tds[0].get("colspan"):  # the empty-list message
            continue
        rows.append({
            "rowid": [i.get("value") for i in tr.xpath('.//input[@name="rowid"]')],
            "row_actions": [_links(td) + [_text(td)] for td in tds if "list-buttons-column" in (td.get("class") or "")],
            "cells": [(td.get("class"), _text(td), _links(td)) for td in tds
                      if (td.get("class") or "").startswith("col-")],
        })
    return rows


def _populate_all(org) -> None:
    """Rows for every list: materials in every state, plus dictionary entries (an active and an
    inactive one), 单位名录 entries and, through the workflow, audit log entries."""
    _populate(org)
    db.session.add_all([
        DictItem(kind="series", code="01", name="工程系列", sort=1),
        DictItem(kind="education", code="9", name="停用学历", sort=2, active=False),
        UnitRegistry(uscc="91330106MA2B000011", legal_rep="王五", name="名录甲公司"),
        UnitRegistry(uscc="91330106MA2B000022", legal_rep="赵六", name="名录乙公司"),
        EligibilityRule(qualification="工程师", education="本科", current_qualification="助理工程师", min_years=4),
        EligibilityRule(qualification="工程师", education="博士研究生", min_years=0, active=False),
    ])
    db.session.commit()
    _board_transfer_rows(org)


def _board_transfer_rows(org) -> None:
    """转评委会: materials of a 评审 project the root office published that passed 初审, one with a
    passed exam and one without."""
    from datetime import date, timedelta

    from sqlalchemy import update

    from zhicheng import transaction
    from zhicheng.boards import boards
    from zhicheng.models import ExamScore, Material, Project
    board = boards.create_board(org["root"], "列表对照用中级评委会", org.root, "middle")
    today = date.today()
    p = Project(name="中级评审项目", kind="ps_middle", year=today.year, start_date=today - timedelta(days=1),
                end_date=today + timedelta(days=9), issuer_id=org.root.id, board_id=board.id, requires_exam=True)
    db.session.add(p)
    transaction.commit()
    rows = [factories.material(p, org["unit_a"], name=name, seq=60 + i) for i, name in enumerate(("考过的", "没考的"))]
    db.session.execute(update(Material).where(Material.id.in_([m.id for m in rows])).values(state="approved"))
    db.session.add(ExamScore(project_id=p.id, id_card=rows[0].id_card, name="考过的", score="72", passed=True,
                             imported_at=datetime.now()))
    db.session.commit()


def _list_views(app) -> list:
    return [v for v in app.extensions["admin"][0]._views if isinstance(v, ScopedModelView)]


def _both(client, view, monkeypatch, query: str = "") -> tuple:
    url = f"{view.url}/{query}"
    ours = client.get(url)
    assert ours.status_code == 200, (view.endpoint, ours.status_code)
    with monkeypatch.context() as m:
        m.setattr(view, "list_template", STOCK)
        stock = client.get(url)
    assert stock.status_code == 200, (view.endpoint, stock.status_code)
    return _rows(ours.get_data(as_text=True)), _rows(stock.get_data(as_text=True))


def test_every_list_draws_the_rows_flask_admin_draws(app, org, auth, monkeypatch):
    _populate_all(org)
    views = _list_views(app)
    clients = {}
    best: dict[str, tuple] = {}  # endpoint -> (rows seen, role)
    for role in ROLES:
        user = org[role]
        allowed = [v for v in views if v.allowed(user)]
        if not allowed or user.must_change_password:
            continue
        clients[role] = c = auth.client(user.username)
        for view in allowed:
            r = c.get(f"{view.url}/?page_size=100")
            assert r.status_code == 200, (view.endpoint, role)
            n = len(_rows(r.get_data(as_text=True)))
            if n > best.get(view.endpoint, (-1, None))[0]:
                best[view.endpoint] = (n, role)
    assert sorted(best) == sorted(v.endpoint for v in views), "a list no role of the test organisation opens"
    for view in views:
        n, role = best[view.endpoint]
        assert n > 0, f"{view.endpoint}: no rows to compare"
        ours, stock = _both(clients[role], view, monkeypatch, "?page_size=100")
        assert ours, view.endpoint
        for i, (a, b) in enumerate(zip(ours, stock, strict=True)):
            assert a == b, (view.endpoint, role, i)
        assert any(text for row in ours for _, text, _ in row["cells"]), view.endpoint


def test_a_view_that_overrides_get_list_value_gets_its_values_in_every_cell(app, org, auth, monkeypatch):
    _populate_all(org)
    view = next(v for v in _list_views(app) if v.model is DictItem)
    calls = []

    class Overriding(type(view)):
        @pass_context  # as Flask-Admin's own: its list template passes the row and the column only
        def get_list_value(self, context, model, name):
            calls.append(name)
            return Markup(f'<a href="/x/{model.id}">{name}#{model.id}</a>')

    monkeypatch.setattr(view, "__class__", Overriding)
    c = auth.client(org["root"].username)
    ours, stock = _both(c, view, monkeypatch)
    assert ours and ours == stock
    columns = [c for c, _ in view._list_columns]
    for row in ours:
        pk = row["rowid"][0]
        assert [text for _, text, _ in row["cells"]] == [f"{name}#{pk}" for name in columns]
        assert all(links == [(f"/x/{pk}", None)] for _, _, links in row["cells"])
    assert set(calls) == set(columns)
