"""Home-page counts and the project buttons of 填写材料 link to the lists that declare them
(`home_links` on the admin views), each only for the accounts that may open that list."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from zhicheng.system.home import declared_links

from ..web.test_access_matrix import ROLES, _populate

DRAFT = "/admin/materials/?state=draft"
RETURNED = "/admin/returned/"
IN_REVIEW = "/admin/tracking/?state=in_review"
APPROVED = "/admin/tracking/?state=approved"
REVIEW = "/admin/review/"
APPLICANTS = {"unit_a", "unit_b", "sub_a_full", "sub_b_full"}

# Which links each account's home page shows (project ids left out), written out from the
# product's role table rather than from the views.
HOME = {
    **{role: {DRAFT, RETURNED, IN_REVIEW, APPROVED} for role in APPLICANTS},
    "sub_a_perm_fill": {DRAFT, RETURNED},
    "sub_a_perm_view": {IN_REVIEW, APPROVED},
    # reviewers whose department has materials waiting in the test data
    "xihu_review": {REVIEW}, "xihu_return": {REVIEW}, "edu_review": {REVIEW},
}
# The buttons on a project row of 填写材料 (the 导出材料 and 进入打印 ones come from home_links).
BUTTONS = {
    **{role: {"/admin/materials/fill/", "/admin/materials/", "/admin/submit/", "/admin/export/", "/admin/print/",
              "/admin/returned/", "/admin/tracking/"} for role in APPLICANTS},
    "sub_a_perm_fill": {"/admin/materials/fill/", "/admin/materials/", "/admin/returned/"},
}


def _without_project(href: str) -> str:
    return re.sub(r"[?&]project=\d+$", "", href) or href


@pytest.mark.parametrize("role", ROLES)
def test_home_links_and_project_buttons_follow_the_role(org, auth, role):
    _populate(org)
    c = auth.client(org[role].username)
    home = c.get("/admin/").get_data(as_text=True)
    links = [h.replace("&amp;", "&") for h in re.findall(r'<td class="zc-count"[^>]*><a href="([^"]+)"', home)]
    assert {_without_project(h) for h in links} == HOME.get(role, set())
    assert all(re.search(r"[?&]project=\d+$", h) for h in links)
    r = c.get("/admin/projects/")
    buttons = re.findall(r'<a class="btn btn-sm [^"]*" href="([^"]+)"', r.get_data(as_text=True)) \
        if r.status_code == 200 else []
    assert {_without_project(h) for h in buttons} == BUTTONS.get(role, set())
    for href in set(links + buttons):
        assert c.get(href).status_code == 200, (role, href)


def test_each_link_is_declared_by_one_view(app):
    links = declared_links(app.extensions["admin"][0])
    assert {key: view.endpoint for key, (view, _) in links.items()} == {
        "state:draft": "materials", "state:returned": "returned", "state:in_review": "tracking",
        "state:approved": "tracking", "review": "review", "export": "export", "print": "print_list",
        "expert_meeting": "expert_materials"}
    twice = SimpleNamespace(_views=[SimpleNamespace(endpoint="a", home_links={"x": {}}),
                                    SimpleNamespace(endpoint="b", home_links={"x": {}})])
    with pytest.raises(RuntimeError, match="'x' is declared by both a and b"):
        declared_links(twice)
