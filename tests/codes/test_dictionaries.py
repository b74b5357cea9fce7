"""字典管理: every staff account reads and searches every dictionary; only the root office's
字典维护 adds, edits and deletes; 专业 and 资格名称 belong to a 系列."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from zhicheng.extensions import db
from zhicheng.models import AuditLog, DictItem, ReviewBoard

from . import world

DICTS = "/admin/dicts/"
STAFF = ["root", "xihu_admin", "xihu_review", "xihu_return", "xihu_publish", "edu_admin", "edu_review",
         "edusub_admin"]
NOT_STAFF = ["unit_a", "sub_a_full", "person_a"]


def _text(r) -> str:
    return r.get_data(as_text=True)


@pytest.mark.parametrize("role", STAFF + NOT_STAFF)
def test_every_staff_role_reads_and_searches_only_the_root_office_edits(org, auth, csrf, role):
    items = world.dictionaries()
    c = auth.client(org[role].username)
    r = c.get(DICTS)
    if role in NOT_STAFF:
        assert r.status_code == 403
        assert c.get(DICTS + "?search=工程").status_code == 403
        return
    page = _text(r)
    for name in ("杭州市工程系列中级评审委员会", "中学一级教师", "停用的性质", "评委会", "职务名称"):
        assert name in page, (role, name)
    found = _text(c.get(DICTS + "?search=教师"))
    assert "中学二级教师" in found and "计算机应用" not in found
    filtered = _text(c.get(DICTS + "?flt0_0=board"))
    assert "杭州市中小学教师中级评审委员会" in filtered and "中学数学" not in filtered
    editor = role == "root"
    assert ("/admin/dicts/new/" in page) == editor
    item = items["major:中学数学"]
    token = csrf(c, DICTS)
    posts = [
        c.post(DICTS + "new/", data={"kind": "series", "code": "NY", "name": "农业", "sort": "3", "active": "y",
                                     "csrf_token": token}),
        c.post(f"{DICTS}edit/?id={item.id}", data={"kind": "major", "code": "0501", "name": "中学数学（改）",
                                                  "sort": "3", "active": "y", "parent": items["教师"].id,
                                                  "csrf_token": token}),
    ]
    deleted = items["post:工程师"].id
    posts.append(c.post(DICTS + "delete/", data={"id": deleted, "csrf_token": token}))
    db.session.expire_all()
    if editor:
        assert all(r.status_code == 302 for r in posts)
        assert db.session.scalar(select(DictItem).where(DictItem.name == "农业")) is not None
        assert db.session.get(DictItem, item.id).name == "中学数学（改）"
        assert db.session.get(DictItem, deleted) is None
        assert {"dict.create", "dict.update", "dict.delete"} <= set(db.session.scalars(select(AuditLog.action)))
    else:
        assert [r.status_code for r in posts] == [403, 403, 403]
        assert c.get(DICTS + "new/").status_code == 403
        assert c.get(f"{DICTS}edit/?id={item.id}").status_code == 403
        assert db.session.scalar(select(DictItem).where(DictItem.name == "农业")) is None
        assert db.session.get(DictItem, item.id).name == "中学数学"
        assert db.session.get(DictItem, deleted) is not None


def test_the_links_are_kept_consistent(org, auth, csrf):
    items = world.dictionaries()
    c = auth.client("rootadmin")
    before = db.session.scalar(select(func.count()).select_from(DictItem))
    # A 系列 given a parent, a 专业 whose parent is not a 系列: refused, nothing saved.
    r = c.post(DICTS + "new/", data={"kind": "level", "code": "JB09", "name": "带上级的级别", "sort": "1",
                                     "parent": items["工程"].id, "csrf_token": csrf(c, DICTS + "new/")},
               follow_redirects=True)
    db.session.expire_all()
    # A dictionary without links quietly has none.
    level = db.session.scalar(select(DictItem).where(DictItem.name == "带上级的级别"))
    assert level is not None and level.parent_id is None
    r = c.post(DICTS + "new/", data={"kind": "major", "code": "0101", "name": "重复代码", "sort": "1",
                                     "parent": items["工程"].id, "csrf_token": csrf(c, DICTS + "new/")},
               follow_redirects=True)
    assert "“专业”中已有代码“0101”" in _text(r)
    assert db.session.scalar(select(func.count()).select_from(DictItem)) == before + 1
    # The list shows each 专业's 系列.
    page = _text(c.get(DICTS + "?flt0_0=major"))
    assert "中学数学" in page and "教师" in page
    # A 系列 with entries under it is not deleted.
    r = c.post(DICTS + "delete/", data={"id": items["教师"].id, "csrf_token": csrf(c, DICTS)}, follow_redirects=True)
    assert "“教师”下还有" in _text(r) and "可改为停用" in _text(r)
    db.session.expire_all()
    assert db.session.get(DictItem, items["教师"].id) is not None


def test_a_board_carries_a_code_of_the_board_dictionary(org, auth, csrf):
    items = world.dictionaries()
    c = auth.client("rootadmin")
    page = _text(c.get("/admin/boards/new/"))
    assert "PW01 杭州市工程系列中级评审委员会" in page
    r = c.post("/admin/boards/new/", data={"name": "工程中级评委会", "code": "PW01", "department_id": org.root.id,
                                           "level": "middle", "csrf_token": csrf(c, "/admin/boards/new/")})
    assert r.status_code == 302
    board = db.session.scalar(select(ReviewBoard).where(ReviewBoard.name == "工程中级评委会"))
    assert board.code == "PW01"
    assert "PW01" in _text(c.get("/admin/boards/"))
    # The same code for a second board, or a code the dictionary lacks: refused, nothing saved.
    for code, message in (("PW01", "已由评委会“工程中级评委会”使用"), ("PW77", "不在评委会字典中")):
        r = c.post("/admin/boards/new/", data={"name": f"另一评委会{code}", "code": code, "department_id": org.root.id,
                                               "level": "middle", "csrf_token": csrf(c, "/admin/boards/new/")})
        assert message in _text(r)
    assert db.session.scalar(select(func.count()).select_from(ReviewBoard)) == 1
    # A code in use keeps its entry: neither deleted nor recoded.
    entry = items["board:杭州市工程系列中级评审委员会"]
    r = c.post(DICTS + "delete/", data={"id": entry.id, "csrf_token": csrf(c, DICTS)}, follow_redirects=True)
    assert "已由评委会“工程中级评委会”使用，不能删除" in _text(r)
    r = c.post(f"{DICTS}edit/?id={entry.id}", data={"kind": "board", "code": "PW09", "name": entry.name, "sort": "1",
                                                   "active": "y", "csrf_token": csrf(c, DICTS)}, follow_redirects=True)
    assert "不能修改代码" in _text(r)
    db.session.expire_all()
    assert db.session.get(DictItem, entry.id).code == "PW01"
