"""申报数据 as a workbook: 导出申报数据 holds the scoped rows with every field; 导入 of such a workbook
creates materials (as 录入 does), updates the office's own entries, leaves equal rows alone (a second
import changes nothing), and refuses bad rows with their reasons, writing nothing of them."""
from __future__ import annotations

import re
from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from zhicheng.declare.transfer import IMPORT_HEADER
from zhicheng.extensions import db
from zhicheng.models import AuditLog, Material, MaterialState, ReviewRecord

from .. import factories
from .world import populate, xlsx_rows

URL = "/admin/declare_import/"


def _import(c, csrf, book: BytesIO) -> str:
    r = c.post(URL, data={"file": (book, "申报数据.xlsx"), "csrf_token": csrf(c, URL)},
               content_type="multipart/form-data")
    assert r.status_code == 200, r.status_code
    return r.get_data(as_text=True)


def _statuses(page: str) -> dict[int, str]:
    return {int(line): status for line, status in re.findall(r'data-line="(\d+)" data-status="(\w+)"', page)}


def _row(org, name, seq, **over):
    birth = date(1985, 2, 3)
    values = {"编号": "", "单位统一社会信用代码": org.unit_a.uscc, "单位名称": org.unit_a.name, "申报项目": "中级初定项目",
              "年度": date.today().year, "姓名": name, "性别": "男", "出生日期": birth,
              "身份证号": factories.make_id_card(birth, seq), "手机": "13712345678", "参加工作时间": date(2008, 7, 1),
              "现从事专业": "给排水", "现任职务": "助理工程师", "学历": "本科", "申报系列": "工程", "申报专业": "市政工程",
              "申报资格名称": "工程师", "现有资格": "助理工程师", "取得现有资格时间": date(2012, 9, 1), "破格申报": "否",
              "破格理由": "", "专业技术工作业绩": "参与某污水处理厂设计。"}
    values.update(over)
    return [values[h] for h in IMPORT_HEADER]


def test_export_holds_the_scoped_rows_with_their_fields(org, auth):
    world = populate(org)
    header, rows = xlsx_rows(auth.client("xihureview").get("/admin/declare/data.xlsx?order=name"))
    assert header[:len(IMPORT_HEADER)] == list(IMPORT_HEADER) and header[-1] == "状态"
    xihu = sorted(world["xihu"], key=lambda m: (m.name, m.id))
    assert [r[header.index("编号")] for r in rows] == [m.number for m in xihu]
    first = rows[0]
    m = xihu[0]
    assert first[header.index("单位统一社会信用代码")] == m.unit.uscc
    assert first[header.index("出生日期")].date() == m.birth_date and first[header.index("状态")] == "审核中"
    assert db.session.query(AuditLog).filter_by(action="material.export_data").count() == 1


def test_import_creates_then_changes_nothing_the_second_time(org, auth, csrf):
    c = auth.client("xihureview")
    book = [IMPORT_HEADER, _row(org, "蒋导入", 61), _row(org, "沈导入", 62, 单位统一社会信用代码=org.unit_a.uscc.lower())]
    page = _import(c, csrf, factories.xlsx(book))
    assert _statuses(page) == {2: "added", 3: "added"}
    made = db.session.query(Material).filter(Material.name.in_(["蒋导入", "沈导入"])).all()
    assert len(made) == 2
    for m in made:
        assert (m.state, m.current_department_id) == (MaterialState.IN_REVIEW, org.xihu.id)
        assert [r.action for r in m.review_records] == ["enter"]
    page = _import(c, csrf, factories.xlsx(book))
    assert _statuses(page) == {2: "unchanged", 3: "unchanged"}
    assert db.session.query(Material).count() == 2
    assert db.session.query(ReviewRecord).count() == 2


def test_an_exported_workbook_imports_back_unchanged_and_an_edit_updates_the_offices_entry(org, auth, csrf):
    c = auth.client("xihureview")
    _import(c, csrf, factories.xlsx([IMPORT_HEADER, _row(org, "韩导入", 63)]))
    world = populate(org)
    exported = c.get("/admin/declare/data.xlsx")
    page = _import(c, csrf, BytesIO(exported.data))
    assert set(_statuses(page).values()) == {"unchanged"} and len(_statuses(page)) == len(world["xihu"]) + 1
    # change the office's own entry and a unit's material in the same workbook
    wb = load_workbook(BytesIO(exported.data))
    ws = wb.active
    header = [cell.value for cell in ws[1]]
    entered = unit_row = None
    for row in ws.iter_rows(min_row=2):
        if row[header.index("姓名")].value == "韩导入":
            entered = row
        elif unit_row is None:
            unit_row = row
    entered[header.index("现任职务")].value = "工程师"
    unit_row[header.index("现任职务")].value = "总工程师"
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    page = _import(c, csrf, out)
    statuses = _statuses(page)
    assert statuses[entered[0].row] == "updated" and statuses[unit_row[0].row] == "rejected"
    assert "由单位填写上报，不能通过导入修改" in page
    assert db.session.query(Material).filter_by(name="韩导入").one().current_title == "工程师"
    unit_material = db.session.query(Material).filter_by(number=unit_row[0].value).one()
    assert unit_material.current_title != "总工程师"
    assert db.session.query(AuditLog).filter_by(action="material.import_update").count() == 1


def test_bad_rows_are_refused_with_reasons_and_leave_nothing(org, auth, csrf):
    populate(org)
    edu_material = db.session.query(Material).filter_by(name="郑乙").one()
    c = auth.client("xihureview")
    rows = [
        _row(org, "好行", 71),
        _row(org, "坏证件", 72, 身份证号="33010619850203"),
        _row(org, "外单位", 73, 单位统一社会信用代码=org.unit_b.uscc, 单位名称=org.unit_b.name),
        _row(org, "无项目", 74, 申报项目="不存在的项目"),
        _row(org, "初级项目", 75, 申报项目="西湖区初级初定项目"),
        _row(org, "好行", 71),  # the same person again: refused, the first stands
        _row(org, "外编号", 76, 编号=edu_material.number),
        _row(org, "", 77),
        _row(org, "坏日期", 78, 出生日期="去年"),
    ]
    page = _import(c, csrf, factories.xlsx([IMPORT_HEADER, *rows]))
    assert _statuses(page) == {2: "added", 3: "rejected", 4: "rejected", 5: "rejected", 6: "rejected",
                               7: "rejected", 8: "rejected", 9: "rejected", 10: "rejected"}
    for reason in ("身份证号", "未在本部门或下级部门注册", "申报项目“不存在的项目”不存在",
                   "正在申报时间内的高中级申报项目", "与第2行是同一单位、同一项目的同一人", "不存在或不在本部门范围内",
                   "姓名：请填写姓名", "出生日期："):
        assert reason in page, reason
    names = {m.name for m in db.session.query(Material)}
    assert "好行" in names and not names & {"坏证件", "外单位", "无项目", "初级项目", "外编号", "坏日期"}
    assert db.session.query(Material).filter_by(name="好行").count() == 1


def test_each_import_leaves_its_counts_in_the_audit_log(org, auth, csrf):
    c = auth.client("xihureview")
    _import(c, csrf, factories.xlsx([IMPORT_HEADER, _row(org, "蒋导入", 61), _row(org, "", 62)]))
    page = _import(c, csrf, factories.xlsx([IMPORT_HEADER, _row(org, "蒋导入", 61), _row(org, "沈导入", 63)]))
    assert _statuses(page) == {2: "unchanged", 3: "added"}
    entered = db.session.query(Material).filter_by(name="蒋导入").one().number
    _import(c, csrf, factories.xlsx([IMPORT_HEADER, _row(org, "蒋导入", 61, 编号=entered, 现任职务="工程师")]))
    assert [a.detail for a in db.session.query(AuditLog).filter_by(action="material.import").order_by(AuditLog.id)] == [
        "导入申报数据：新增1条，修改0条，未改变0条，未导入1条", "导入申报数据：新增1条，修改0条，未改变1条，未导入0条",
        "导入申报数据：新增0条，修改1条，未改变0条，未导入0条"]


def test_a_workbook_that_is_not_one_is_refused(org, auth, csrf):
    c = auth.client("xihureview")
    r = c.post(URL, data={"file": (BytesIO(b"name,id\n"), "a.xlsx"), "csrf_token": csrf(c, URL)},
               content_type="multipart/form-data")
    assert "文件不是Excel" in r.get_data(as_text=True)
    page = c.post(URL, data={"file": (factories.xlsx([["姓名", "身份证号"]]), "a.xlsx"), "csrf_token": csrf(c, URL)},
                  content_type="multipart/form-data").get_data(as_text=True)
    assert "第1行应为表头" in page
    assert db.session.query(Material).count() == 0
    assert auth.client("xihuadmin").get(URL).status_code == 403  # 导入 needs 审核经办


def test_an_exceptional_row_needs_its_reason_and_keeps_it(org, auth, csrf):
    """破格申报 是 with a 破格理由 is entered as 破格 with its reason; 是 without a reason is refused."""
    c = auth.client("xihureview")
    book = [IMPORT_HEADER, _row(org, "许破格", 64, 破格申报="是", 破格理由="获省级科技进步一等奖"),
            _row(org, "吕破格", 65, 破格申报="是")]
    page = _import(c, csrf, factories.xlsx(book))
    assert _statuses(page) == {2: "added", 3: "rejected"} and "破格" in page
    m = db.session.query(Material).filter_by(name="许破格").one()
    assert m.exceptional and m.exception_reason == "获省级科技进步一等奖"
    assert db.session.query(Material).filter_by(name="吕破格").count() == 0


def test_an_entry_returned_and_corrected_by_the_unit_is_not_overwritten_by_an_import(org, auth, csrf):
    """The office's old workbook imported after its entry was 退回, corrected by the unit and 上报 again:
    the row is refused and the unit's correction stands."""
    from zhicheng.review import workflow
    c = auth.client("xihureview")
    _import(c, csrf, factories.xlsx([IMPORT_HEADER, _row(org, "韩导入", 63)]))
    m = db.session.query(Material).filter_by(name="韩导入").one()
    workflow.return_materials(org["xihu_return"], [m.id], "请核对现任职务")
    db.session.commit()
    m.current_title = "工程师"  # the unit's correction
    db.session.commit()
    workflow.submit_materials(org["unit_a"], [m.id], "甲经办", "13900001111")
    db.session.commit()
    page = _import(c, csrf, factories.xlsx([IMPORT_HEADER, _row(org, "韩导入", 63, 编号=m.number)]))
    assert _statuses(page) == {2: "rejected"} and "录入后已经审核（退回或通过），不能通过导入修改" in page
    db.session.expire_all()
    assert db.session.get(Material, m.id).current_title == "工程师"
