"""A unit's home page draws its count cells in Python (zhicheng.system.home.count_cells): for every
account of the unit side, each project row's cells are those the Jinja loop drew, link for link."""
from __future__ import annotations

import re

import pytest
from flask_login import login_user

from zhicheng.extensions import db
from zhicheng.models import STATE_LABELS, User
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
