"""A unit's home page draws its count cells in Python (zhicheng.system.home.count_cells): for every
account of the unit side, each project row's cells are those the Jinja loop drew, link for link."""
from __future__ import annotations

import re

import pytest
from flask_login import login_user

from zhicheng.extensions import db
from zhicheng.models import STATE_LABELS, Project, User
from zhicheng.system.dashboard import unit_project_counts
from zhicheng.system.home import count_cells, link_for

from ..web.test_access_matrix import _populate

# The loop as templates/admin/home.html drew it before.
JINJA = """{% for s, label in state_labels.items() %}
    <td class="zc-count" data-state="{{ s }}">{% set link = url_for_safe('state:' ~ s, project=row.project.id) %}\
{% if link %}<a href="{{ link }}">{{ row.counts[s] }}</a>{% else %}{{ row.counts[s] }}{% endif %}</td>
    {% endfor %}"""


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>.*?</td>", str(html))


@pytest.mark.parametrize("role", ["unit_a", "sub_a_full", "sub_a_perm_fill", "sub_a_perm_view", "sub_a_none"])
def test_count_cells_are_the_jinja_loops(app, org, role):
    _populate(org)
    user_id = org[role].id
    template = app.jinja_env.from_string(JINJA)
    with app.test_request_context("/admin/"):
        user = db.session.get(User, user_id)
        login_user(user)
        rows = unit_project_counts(user)
        assert rows
        assert any(n for row in rows for n in row["counts"].values()) or role.startswith("sub_a_")
        for row in rows:
            ours = _cells(count_cells(row["project"].id, row["counts"], STATE_LABELS))
            theirs = _cells(template.render(state_labels=STATE_LABELS, row=row, url_for_safe=link_for))
            assert ours == theirs and len(ours) == len(STATE_LABELS)
        links = [c for row in rows for c in _cells(count_cells(row["project"].id, row["counts"], STATE_LABELS))
                 if "<a " in c]
        assert bool(links) == (role != "sub_a_none")


def test_a_units_home_page_shows_each_projects_facts(app, org, auth):
    """The projects are read as plain rows: name, kind, year, issuer and dates as the project has them."""
    import lxml.html
    page = auth.client("unita").get("/admin/").get_data(as_text=True)
    rows = lxml.html.fromstring(page).xpath('//table[@id="unit-counts"]/tbody/tr[@data-project]')
    assert rows
    for tr in rows:
        p = db.session.get(Project, int(tr.get("data-project")))
        cells = [" ".join(td.text_content().split()) for td in tr.findall("td")][:5]
        assert cells == [p.name, p.kind_label, str(p.year), p.issuer.name, f"{p.start_date} 至 {p.end_date}"]
