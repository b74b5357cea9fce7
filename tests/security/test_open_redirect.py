"""Finding 9: no `url=` or `next=` of any view sends a browser to another site."""
from __future__ import annotations

import pytest

from zhicheng.extensions import db
from zhicheng.models import DictItem

FOREIGN = ["http:/evil.example", "http://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil.example",
           "https:evil.example", "javascript:alert(1)", " //evil.example", "/\t/evil.example", "http:///evil.example"]


def _item():
    item = DictItem(kind="series", code="T1", name="测试系列", sort=1)
    db.session.add(item)
    db.session.commit()
    return item


def _off_site(location: str | None) -> bool:
    if not location:
        return False
    loc = location.strip()
    return not loc.startswith("/") or loc.startswith("//") or "\\" in loc or "evil" in loc


@pytest.mark.parametrize("target", FOREIGN)
def test_save_never_redirects_off_site(app, org, auth, csrf, target):
    item = _item()
    c = auth.client(org["root"].username)
    token = csrf(c, "/admin/dicts/")
    r = c.post(f"/admin/dicts/edit/?id={item.id}&url={target}",
               data={"kind": "series", "code": "T1", "name": "改名系列", "sort": "2", "active": "y", "csrf_token": token})
    assert r.status_code == 302
    assert not _off_site(r.headers["Location"]), r.headers["Location"]
    db.session.refresh(item)
    assert item.name == "改名系列"


@pytest.mark.parametrize("target", FOREIGN)
def test_pages_drop_foreign_targets_from_their_links(app, org, auth, target):
    item = _item()
    c = auth.client(org["root"].username)
    r = c.get(f"/admin/dicts/edit/?id={item.id}&url={target}")
    assert r.status_code == 302 and "evil" not in r.headers["Location"]
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "evil.example" not in page


@pytest.mark.parametrize("target", FOREIGN)
def test_login_next_never_leaves_the_site(org, auth, csrf, target):
    c = auth.client()
    token = csrf(c, "/login")
    r = c.post(f"/login?next={target}", data={"username": "unita", "password": "Passw0rd123", "csrf_token": token})
    assert r.status_code == 302 and not _off_site(r.headers["Location"]), r.headers["Location"]


def test_a_local_target_is_kept(app, org, auth, csrf):
    item = _item()
    c = auth.client(org["root"].username)
    token = csrf(c, "/admin/dicts/")
    r = c.post(f"/admin/dicts/edit/?id={item.id}&url=/admin/dicts/?page=0",
               data={"kind": "series", "code": "T1", "name": "再改", "sort": "2", "active": "y", "csrf_token": token})
    assert r.headers["Location"] == "/admin/dicts/?page=0"
