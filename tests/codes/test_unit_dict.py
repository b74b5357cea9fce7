"""单位字典 and 接收原系统数据 (单位): each department reads and keeps the entries of its own units;
the import of 主管单位代码 / 单位代码 rows is idempotent and reports every row."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from zhicheng.extensions import db
from zhicheng.models import AuditLog, Department, UnitCode

from . import world

UNITS = "/admin/unit_dict/"
HEADER = ["主管单位代码", "主管单位名称", "单位代码", "单位名称", "统一社会信用代码", "单位性质", "单位行业", "所在地", "启用"]


def _text(r) -> str:
    return r.get_data(as_text=True)


def _snapshot() -> list[tuple]:
    db.session.expire_all()
    return [(u.code, u.name, u.department_id, u.uscc, u.nature, u.industry, u.region, u.active)
            for u in db.session.scalars(select(UnitCode).order_by(UnitCode.code))] + [
        (d.id, d.code) for d in db.session.scalars(select(Department).order_by(Department.id))]


# Which entries each role reads (its department and below; the root office all).
SEES = {
    "root": {"XH0001", "XH0002", "JY0001", "SJ0001"},
    "xihu_admin": {"XH0001", "XH0002"}, "xihu_review": {"XH0001", "XH0002"}, "xihu_publish": {"XH0001", "XH0002"},
    "edu_admin": {"JY0001"}, "edu_review": {"JY0001"}, "edusub_admin": {"JY0001"},
}
KEEPERS = {"root", "xihu_admin", "edu_admin", "edusub_admin"}  # 管理员


@pytest.mark.parametrize("role", list(SEES) + ["unit_a", "sub_a_full", "person_a"])
def test_each_department_reads_and_keeps_only_its_own_units(org, auth, csrf, role):
    world.dictionaries()
    rows = world.unit_codes(org)
    c = auth.client(org[role].username)
    r = c.get(UNITS)
    if role not in SEES:
        assert r.status_code == 403 and c.get(UNITS + "export.xlsx").status_code == 403
        return
    page = _text(r)
    assert {code for code in ("XH0001", "XH0002", "JY0001", "SJ0001") if code in page} == SEES[role]
    exported = world.read_workbook(c.get(UNITS + "export.xlsx").data)["单位字典"]
    assert {row[2] for row in exported[1:]} == SEES[role]
    if "XH0001" in SEES[role]:  # unit A registered under 西湖区 with that 机构代码
        assert "甲单位科技有限公司" in page
    token = csrf(c, "/password")
    before = _snapshot()
    others = [row for row in rows.values() if row.code not in SEES[role]]
    for row in others:  # another department's entry: not even there
        assert c.get(f"{UNITS}edit/?id={row.id}").status_code in (403, 404)
        c.post(UNITS + "delete/", data={"id": row.id, "csrf_token": token})
    assert _snapshot() == before
    own = next(row for row in rows.values() if row.code in SEES[role])
    r = c.post(f"{UNITS}edit/?id={own.id}", data={"department_id": own.department_id, "code": own.code,
                                                 "name": "改名后的单位", "nature": "事业单位", "industry": "M",
                                                 "region": "330106", "active": "y", "csrf_token": token})
    db.session.expire_all()
    if role in KEEPERS:
        assert r.status_code == 302
        changed = db.session.get(UnitCode, own.id)
        assert (changed.name, changed.nature, changed.industry) == ("改名后的单位", "事业单位", "M")
        assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "unit_dict.update"))
    else:
        assert r.status_code == 403 and _snapshot() == before
        assert "/admin/unit_dict/new/" not in page and c.get(UNITS + "import/").status_code == 403


def test_a_department_adds_units_only_under_itself(org, auth, csrf):
    world.dictionaries()
    world.unit_codes(org)
    c = auth.client("xihuadmin")
    page = _text(c.get(UNITS + "new/"))
    assert "西湖区人才职改办" in page and "杭州市教育局" not in page
    before = _snapshot()
    r = c.post(UNITS + "new/", data={"department_id": org.edu.id, "code": "XH0099", "name": "越权单位",
                                     "csrf_token": csrf(c, UNITS + "new/")})
    assert "请选择本部门或下级部门作为主管单位" in _text(r)
    for data, message in (({"code": "JY0001", "name": "重复代码单位"}, "单位代码“JY0001”已由“乙单位中学”使用"),
                          ({"code": "XH0098", "name": "性质不对", "nature": "停用的性质"}, "单位性质“停用的性质”不在单位性质字典中"),
                          ({"code": "XH0097", "name": "代码不对", "uscc": "91330106MA27XF1230"}, "校验位不正确")):
        r = c.post(UNITS + "new/", data={"department_id": org.xihu.id, **data, "csrf_token": csrf(c, UNITS + "new/")})
        assert message in _text(r), message
    assert _snapshot() == before
    r = c.post(UNITS + "new/", data={"department_id": org.xihu.id, "code": "XH0003", "name": "西湖新单位",
                                     "nature": "非公企业", "industry": "I", "region": "330106", "active": "y",
                                     "csrf_token": csrf(c, UNITS + "new/")})
    assert r.status_code == 302
    assert db.session.scalar(select(UnitCode).where(UnitCode.code == "XH0003")).department_id == org.xihu.id


def _import(c, csrf, rows: list[list], header=HEADER):
    return world.upload(c, csrf, UNITS + "import/", world.workbook({"单位": [header, *rows]}), UNITS + "import/",
                        "原系统单位.xlsx")


def _report(body: str) -> list[tuple[str, str]]:
    import re
    return re.findall(r'data-line="(\d+)" data-status="(\w+)"', body)


def test_import_adds_updates_skips_and_a_second_import_changes_nothing(org, auth, csrf):
    world.dictionaries()
    world.unit_codes(org)
    org.edu.code = "3301"  # a department already coded
    db.session.commit()
    ok_uscc = world.factories.make_uscc(77)
    rows = [
        ["330106", "西湖区人才职改办", "XH1001", "西湖原系统单位一", ok_uscc, "非公企业", "信息传输、软件和信息技术服务业", "西湖区", "是"],
        ["330106", "", "XH1002", "西湖原系统单位二", "", "", "I", "330106", None],
        ["330106", "", "XH0002", "西湖某某设计院（新名）", "", "", "", "", ""],   # 更新
        ["3301", "", "JY1001", "教育局原系统单位", "", "事业单位", "P", "", "是"],
        ["3301", "", "XH1003", "同代码重复", "", "", "", "", ""],
        ["330106", "", "XH1001", "文件中重复", "", "", "", "", ""],
        ["330106", "", "", "缺少单位代码", "", "", "", "", ""],
        ["330106", "", "XH1004", "校验位错误", "91330106MA27XF1230", "", "", "", ""],
        ["330106", "", "XH1005", "行业错误", "", "", "外星产业", "", ""],
        ["999999", "不存在的部门", "XH1006", "部门不存在", "", "", "", "", ""],
        ["", "", "XH1007", "没有部门", "", "", "", "", ""],
        ["330106", "", "SJ0001", "市属单位改到西湖", "", "", "", "", ""],
    ]
    rows[4][0] = "3301"
    rows[4][2] = "XH1002"  # the same 单位代码 as row 3
    c = auth.client("rootadmin")
    r = _import(c, csrf, rows)
    body = _text(r)
    assert r.status_code == 200
    assert _report(body) == [("2", "added"), ("3", "added"), ("4", "updated"), ("5", "added"), ("6", "skipped"),
                             ("7", "skipped"), ("8", "skipped"), ("9", "skipped"), ("10", "skipped"),
                             ("11", "skipped"), ("12", "skipped"), ("13", "updated")]
    for reason in ("主管单位“西湖区人才职改办”的代码设为“330106”", "单位名称：西湖某某设计院 → 西湖某某设计院（新名）",
                   "与第3行的单位代码重复", "单位代码为空", "统一社会信用代码校验位不正确", "单位行业“外星产业”不在单位行业代码表中",
                   "系统中没有主管单位代码“999999”", "主管单位代码和主管单位名称均为空", "主管单位：杭州市人力资源和社会保障局 → 西湖区人才职改办"):
        assert reason in body, reason
    assert "新增 3 条，" in body and "更新 2 条，" in body and "跳过 7 条" in body
    db.session.expire_all()
    assert db.session.get(Department, org.xihu.id).code == "330106"
    one = db.session.scalar(select(UnitCode).where(UnitCode.code == "XH1001"))
    assert (one.name, one.uscc, one.nature, one.industry, one.region, one.department_id) == (
        "西湖原系统单位一", ok_uscc, "非公企业", "I", "330106", org.xihu.id)
    assert db.session.scalar(select(UnitCode).where(UnitCode.code == "JY1001")).department_id == org.edu.id
    assert db.session.scalar(select(AuditLog.detail).where(AuditLog.action == "unit_dict.import")) == (
        "接收原系统数据（单位）：新增3条，更新2条，跳过7条")
    # The same file again: every row 跳过, nothing changed.
    before = _snapshot()
    body = _text(_import(c, csrf, rows))
    assert {status for _, status in _report(body)} == {"skipped"}
    assert "新增 0 条，" in body and "更新 0 条，" in body and body.count("与单位字典中一致，未改变") == 5
    assert _snapshot() == before


def test_the_export_imported_again_changes_nothing(org, auth, csrf):
    world.dictionaries()
    world.unit_codes(org)
    c = auth.client("rootadmin")
    data = c.get(UNITS + "export.xlsx").data
    before = _snapshot()
    r = world.upload(c, csrf, UNITS + "import/", io.BytesIO(data), UNITS + "import/")
    assert {status for _, status in _report(_text(r))} == {"skipped"} and len(_report(_text(r))) == 4
    assert _snapshot() == before


def test_a_department_imports_only_its_own_units(org, auth, csrf):
    world.dictionaries()
    world.unit_codes(org)
    org.xihu.code, org.edu.code = "330106", "3301"
    db.session.commit()
    c = auth.client("eduadmin")
    before = _snapshot()
    body = _text(_import(c, csrf, [
        ["330106", "", "XH2001", "西湖的单位", "", "", "", "", ""],
        ["3301", "", "XH0001", "别人的单位代码", "", "", "", "", ""],
        ["", "杭州市教育局直属学校管理处", "JY2001", "直属学校", "", "", "", "", ""],
        # a code for 直属学校管理处 on a row that is not applied: the department keeps its code
        ["330177", "杭州市教育局直属学校管理处", "XH0002", "别人的单位代码", "", "", "", "", ""],
    ]))
    assert _report(body) == [("2", "skipped"), ("3", "skipped"), ("4", "added"), ("5", "skipped")]
    db.session.expire_all()
    assert db.session.get(Department, org.edu_sub.id).code != "330177"
    assert "主管单位“西湖区人才职改办”（330106）不在本部门管辖范围内" in body
    assert "单位代码已属于其他主管单位（西湖区人才职改办）的单位" in body
    db.session.expire_all()
    assert [row for row in _snapshot() if row[0] != "JY2001"] == before
    assert db.session.scalar(select(UnitCode).where(UnitCode.code == "JY2001")).department_id == org.edu_sub.id
    # Only 管理员 import; a bad file is refused with nothing changed.
    assert auth.client("edureview").get(UNITS + "import/").status_code == 403
    r = world.upload(c, csrf, UNITS + "import/", world.workbook({"单位": [["代码", "名称"], ["1", "x"]]}),
                     UNITS + "import/")
    assert "第1行应为表头：主管单位代码、单位代码、单位名称" in _text(r)
    assert db.session.scalar(select(func.count()).select_from(UnitCode)) == 5
