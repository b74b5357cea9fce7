"""导出基本代码 / 接收更新代码: every dictionary to one workbook and back; an upload shows its diff
(新增 / 修改 / 停用 per sheet) and changes nothing until 确认应用; a bad workbook is refused whole."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from zhicheng.extensions import db
from zhicheng.models import AuditLog, CodeUpdate, DictItem

from . import world

CODES = "/admin/codes/"
HEADER = ["代码", "名称", "排序", "启用"]


def _text(r) -> str:
    return r.get_data(as_text=True)


def _snapshot() -> list[tuple]:
    db.session.expire_all()
    return [(i.kind, i.code, i.name, i.sort, i.active, i.parent.code if i.parent else None)
            for i in db.session.scalars(select(DictItem).order_by(DictItem.kind, DictItem.code))]


def _export(c) -> bytes:
    r = c.get(CODES + "export.xlsx")
    assert r.status_code == 200
    assert "attachment" in r.headers["Content-Disposition"]
    return r.data


def _receive(c, csrf, data: io.BytesIO, name: str = "codes.xlsx"):
    return world.upload(c, csrf, CODES + "receive/", data, CODES, name)


def _pending() -> CodeUpdate:
    return db.session.scalar(select(CodeUpdate).order_by(CodeUpdate.id.desc()))


@pytest.mark.parametrize("role", ["xihu_review", "edusub_admin", "root"])
def test_every_staff_member_exports_every_dictionary(org, auth, role):
    world.dictionaries()
    book = world.read_workbook(_export(auth.client(org[role].username)))
    assert list(book) == ["系列", "评委会", "专业", "资格名称", "职务名称", "学历", "级别", "单位性质"]
    assert book["专业"][0] == HEADER + ["所属系列代码"] and book["系列"][0] == HEADER
    assert ["0501", "中学数学", 3, "是", "JS"] in book["专业"]
    assert ["9901", "通用专业", 4, "是", None] in book["专业"]
    assert ["XZ99", "停用的性质", 3, "否"] in book["单位性质"]
    assert ["PW01", "杭州市工程系列中级评审委员会", 1, "是"] in book["评委会"]
    assert len(book["资格名称"]) == 1 + 4
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "dict.export")).actor_name == org[role].username


def test_others_neither_export_nor_receive(org, auth, csrf):
    world.dictionaries()
    before = _snapshot()
    for role in ("unit_a", "sub_a_full", "person_a"):
        c = auth.client(org[role].username)
        assert c.get(CODES).status_code == 403 and c.get(CODES + "export.xlsx").status_code == 403
    for role in ("xihu_admin", "edu_review"):
        c = auth.client(org[role].username)
        page = _text(c.get(CODES))
        assert "导出基本代码" in page and "接收更新代码" not in page
        r = c.post(CODES + "receive/", data={"file": (io.BytesIO(_export(c)), "x.xlsx"), "csrf_token": csrf(c, CODES)},
                   content_type="multipart/form-data")
        assert r.status_code == 403
    assert _snapshot() == before and db.session.scalar(select(func.count()).select_from(CodeUpdate)) == 0


def test_export_then_receive_shows_no_diff_and_applying_changes_nothing(org, auth, csrf):
    world.dictionaries()
    c = auth.client("rootadmin")
    before = _snapshot()
    r = _receive(c, csrf, io.BytesIO(_export(c)), "基本代码.xlsx")
    assert r.status_code == 302 and "/admin/codes/preview/" in r.headers["Location"]
    page = _text(c.get(r.headers["Location"]))
    assert "工作簿与现有字典一致" in page and 'data-action=' not in page
    assert "专业：新增 0，修改 0，停用 0，不变 4" in page
    update = _pending()
    c.post(f"{CODES}apply/?id={update.id}", data={"fingerprint": _fingerprint(page), "csrf_token": csrf(c, CODES)})
    assert _snapshot() == before
    db.session.refresh(update)
    assert update.state == "applied"


def _fingerprint(page: str) -> str:
    import re
    return re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)


def _edited_book(c) -> io.BytesIO:
    """The export with: a new 系列 农业 and a 专业 of it, 中学数学 renamed and moved to 工程,
    建筑工程 removed (停用), 本科 set 否, and no 评委会 sheet (left as it is)."""
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(_export(c)))
    wb["系列"].append(["NY", "农业", 3, "是"])
    majors = wb["专业"]
    for row in majors.iter_rows(min_row=2):
        if row[0].value == "0501":
            row[1].value, row[4].value = "数学教育", "GC"
    majors.delete_rows(next(r[0].row for r in majors.iter_rows(min_row=2) if r[0].value == "0102"))
    majors.append(["1301", "农学", 9, "是", "NY"])
    for row in wb["学历"].iter_rows(min_row=2):
        if row[0].value == "XL01":
            row[3].value = "否"
    del wb["评委会"]
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_the_diff_is_shown_and_nothing_changes_until_confirmed(org, auth, csrf):
    items = world.dictionaries()
    c = auth.client("rootadmin")
    before = _snapshot()
    r = _receive(c, csrf, _edited_book(c), "2027更新代码.xlsx")
    preview = r.headers["Location"]
    page = _text(c.get(preview))
    assert "系列：新增 1，修改 0，停用 0" in page
    assert "专业：新增 1，修改 1，停用 1" in page
    assert "学历：新增 0，修改 1，停用 0" in page
    assert "评委会：" not in page  # no sheet: left as it is
    assert 'data-action="add" data-code="NY"' in page and 'data-action="add" data-code="1301"' in page
    assert "名称：中学数学 → 数学教育；所属系列代码：JS → GC" in page
    assert 'data-action="deactivate" data-code="0102"' in page and "工作簿中没有该代码" in page
    assert "启用：是 → 否" in page
    # Looking, leaving, coming back: nothing has changed yet.
    assert _snapshot() == before
    assert "待确认" in _text(c.get(CODES)) and _pending().state == "pending"
    r = c.post(f"{CODES}apply/?id={_pending().id}", data={"fingerprint": _fingerprint(page),
                                                          "csrf_token": csrf(c, CODES)})
    assert r.status_code == 302
    db.session.expire_all()
    major = db.session.get(DictItem, items["major:中学数学"].id)
    assert (major.name, major.parent.code) == ("数学教育", "GC")
    assert not db.session.get(DictItem, items["major:建筑工程"].id).active
    assert db.session.scalar(select(DictItem).where(DictItem.code == "1301")).parent.name == "农业"
    assert not db.session.get(DictItem, items["education:本科"].id).active
    assert db.session.get(DictItem, items["board:杭州市工程系列中级评审委员会"].id).active
    assert _pending().state == "applied"
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "dict.update_codes"))
    assert "专业新增1、修改1、停用1" in audit.detail and audit.actor_name == "rootadmin"
    # Applied once: a second 确认应用 is refused.
    r = c.post(f"{CODES}apply/?id={_pending().id}", data={"fingerprint": _fingerprint(page),
                                                          "csrf_token": csrf(c, CODES)}, follow_redirects=True)
    assert "该更新已应用" in _text(r)


def test_a_diff_that_changed_since_it_was_shown_is_not_applied(org, auth, csrf):
    items = world.dictionaries()
    c = auth.client("rootadmin")
    page = _text(c.get(_receive(c, csrf, _edited_book(c)).headers["Location"]))
    # Someone edits the dictionary in between.
    items["series:工程"].name = "工程技术"
    db.session.commit()
    before = _snapshot()
    r = c.post(f"{CODES}apply/?id={_pending().id}", data={"fingerprint": _fingerprint(page),
                                                          "csrf_token": csrf(c, CODES)}, follow_redirects=True)
    assert "字典在查看差异之后已有改变" in _text(r)
    assert "系列：新增 1，修改 1" in _text(r)  # the new diff is shown
    assert _snapshot() == before and _pending().state == "pending"


def test_discarding_changes_nothing(org, auth, csrf):
    world.dictionaries()
    c = auth.client("rootadmin")
    before = _snapshot()
    _receive(c, csrf, _edited_book(c))
    r = c.post(f"{CODES}discard/?id={_pending().id}", data={"csrf_token": csrf(c, CODES)}, follow_redirects=True)
    assert "已放弃该更新，字典没有改变" in _text(r)
    assert _snapshot() == before and _pending().state == "discarded"
    assert c.get(f"{CODES}preview/?id={_pending().id}").status_code == 200


BAD = [
    ({"专业": [HEADER + ["所属系列代码"], ["", "无代码", 1, "是", "GC"]]}, "工作表“专业”第2行：代码为空"),
    ({"系列": [HEADER, ["GC", "工程", 1, "是"], ["GC", "又一个工程", 2, "是"]]}, "工作表“系列”第3行：代码“GC”与第2行重复"),
    ({"系列": [HEADER, ["GC", "工程", 1, "是"]], "职称": [HEADER, ["01", "x", 1, "是"]]}, "工作表“职称”不是字典类别"),
    ({"系列": [["编号", "名称"], ["GC", "工程"]]}, "工作表“系列”第1行应为表头：代码、名称、排序、启用"),
    ({"专业": [HEADER, ["0101", "计算机应用", 1, "是"]]}, "工作表“专业”第1行应为表头：代码、名称、排序、启用、所属系列代码"),
    ({"专业": [HEADER + ["所属系列代码"], ["0101", "计算机应用", 1, "是", "ZZ"]]}, "所属系列代码“ZZ”不在系列中"),
    ({"系列": [HEADER, ["GC", "工程", "第一", "是"]]}, "工作表“系列”第2行：排序应为整数"),
    ({"系列": [HEADER, ["GC", "", 1, "是"]]}, "工作表“系列”第2行：名称为空"),
    ({"学历": [HEADER, ["XL01", "本科", 1, "也许"]]}, "启用应填“是”或“否”"),
]


@pytest.mark.parametrize("sheets, message", BAD)
def test_a_bad_workbook_is_refused_with_a_chinese_message_and_changes_nothing(org, auth, csrf, sheets, message):
    world.dictionaries()
    c = auth.client("rootadmin")
    before = _snapshot()
    # The bad row among good ones: the whole file is refused.
    r = _receive(c, csrf, world.workbook(sheets))
    assert r.status_code == 400
    body = _text(r)
    assert message in body and "未接收，字典没有任何改变" in body
    assert _snapshot() == before
    assert db.session.scalar(select(func.count()).select_from(CodeUpdate)) == 0


def test_a_file_that_is_not_a_workbook_is_refused(org, auth, csrf):
    world.dictionaries()
    c = auth.client("rootadmin")
    r = _receive(c, csrf, io.BytesIO(b"%PDF-1.4 not a workbook"), "codes.pdf")
    assert r.status_code == 400 and "文件不是Excel（.xlsx）格式" in _text(r)
    r = c.post(CODES + "receive/", data={"csrf_token": csrf(c, CODES)})
    assert r.status_code == 400 and "请选择要导入的Excel文件" in _text(r)
    assert db.session.scalar(select(func.count()).select_from(CodeUpdate)) == 0


def test_an_update_is_seen_and_applied_by_the_root_office_only(org, auth, csrf):
    world.dictionaries()
    root = auth.client("rootadmin")
    _receive(root, csrf, _edited_book(root))
    update = _pending()
    before = _snapshot()
    for role in ("xihu_admin", "edu_review", "unit_a", "person_a"):
        c = auth.client(org[role].username)
        assert c.get(f"{CODES}preview/?id={update.id}").status_code == 403
        token = csrf(c, "/password")
        assert c.post(f"{CODES}apply/?id={update.id}", data={"fingerprint": "x", "csrf_token": token}).status_code == 403
        assert c.post(f"{CODES}discard/?id={update.id}", data={"csrf_token": token}).status_code == 403
    assert root.get(f"{CODES}preview/?id={update.id + 99}").status_code == 404
    assert _snapshot() == before and _pending().state == "pending"


def test_text_that_looks_like_a_formula_stays_text_and_round_trips(org, auth, csrf):
    world.dictionaries()
    db.session.add(DictItem(kind="post", code="ZW09", name="=HYPERLINK(\"http://x\",\"点我\")", sort=9))
    db.session.commit()
    c = auth.client("rootadmin")
    data = _export(c)
    from openpyxl import load_workbook
    cell = next(row[1] for row in load_workbook(io.BytesIO(data))["职务名称"].iter_rows(min_row=2) if row[0].value == "ZW09")
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    page = _text(c.get(_receive(c, csrf, io.BytesIO(data)).headers["Location"]))
    assert "工作簿与现有字典一致" in page
