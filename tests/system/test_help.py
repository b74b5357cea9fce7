"""帮助: the process 申报 → 初审 → 考试/评审 → 公示 → 评定, open to everyone and linked everywhere."""
from __future__ import annotations

import re

from ..web.test_access_matrix import ROLES
from ..boards.world import populate_boards


def test_help_shows_the_process_in_order_without_login(client):
    r = client.get("/help")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "申报 → 初审 → 考试/评审 → 公示 → 评定" in page
    steps = re.findall(r'<span class="zc-step-name">([^<]+)</span>', page)
    assert steps == ["申报", "初审", "考试/评审", "公示", "评定"]
    assert "不少于5个工作日" in page and "退回原因" in page
    assert 'href="/help"' in client.get("/login").get_data(as_text=True)


def test_every_account_opens_help_from_its_top_bar(org, auth):
    populate_boards(org)
    for role in ROLES:
        c = auth.client(org[role].username)
        home = c.get("/admin/", follow_redirects=True).get_data(as_text=True)
        assert 'href="/help"' in home, role
        assert c.get("/help").status_code == 200, role


def test_favicon_is_served(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert r.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
