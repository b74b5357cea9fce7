"""导入 of 人员基本信息 (接收原系统数据) and of 聘任: a report line per row, bad rows refused with their
reason and nothing of them written, the same file again changes nothing, and an exported file
imports back unchanged."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from zhicheng.extensions import db
from zhicheng.people.models import Appointment, PersonRecord

from .. import factories
from .world import A1, A2, populate_people, read_xlsx, upload, xlsx

HEADER = ["姓名", "证件类型", "证件号码", "性别", "出生日期", "单位代码", "学历", "现有资格", "资格级别", "取得时间"]
NEW1 = factories.make_id_card(date(1979, 2, 3), 811)
NEW2 = factories.make_id_card(date(1992, 11, 30), 812)
BAD = NEW1[:-1] + ("0" if NEW1[-1] != "0" else "1")  # the check digit of NEW1, wrong


def _report(page: str) -> dict[int, tuple[str, str]]:
    """{row number: (结果, 说明)} of the import report."""
    out = {}
    for line, cells in re.findall(r'<tr[^>]*data-line="(\d+)"[^>]*>(.*?)</tr>', page, re.DOTALL):
        tds = [re.sub(r"<[^>]+>", "", td).strip() for td in re.findall(r"<td>(.*?)</td>", cells, re.DOTALL)]
        out[int(line)] = (tds[4], tds[5])
    return out


def _people():
    db.session.expire_all()
    return {p.id_number: p for p in db.session.scalars(select(PersonRecord))}


def test_import_reports_every_row_and_applies_only_the_good_ones(org, auth, csrf):
    populate_people(org)
    a, b = org.unit_a.uscc, org.unit_b.uscc
    rows = [
        ["新人一", "居民身份证", NEW1, "", "", a, "研究生", "高级工程师", "副高级", "2018-12-30"],      # 2 新增
        ["新人二", "", NEW2, "女", date(1992, 11, 30), a, "大学本科", "助理工程师", "初级", ""],  # 3 新增
        ["错号", "", BAD, "", "", a, "", "", "", ""],                                            # 4 校验位
        ["新人一", "", NEW1, "", "", a, "", "", "", ""],                                         # 5 重复
        ["越界", "", factories.make_id_card(seq=813), "", "", b, "", "", "", ""],                 # 6 单位不在本部门
        ["改名者", "", A1, "", "", "", "", "", "", ""],                                          # 7 姓名不符
        ["甲员工二", "", A2, "", "", "", "", "工程师", "中级", "2024年6月30日"],                   # 8 更新
        ["性别错", "", factories.make_id_card(seq=815), "女", "", a, "", "", "", ""],              # 9 性别与号码不符
        ["无单位", "", factories.make_id_card(seq=817), "", "", "", "", "", "", ""],               # 10 新增须有单位
        ["日期错", "", factories.make_id_card(seq=819), "", "", a, "", "", "", "去年"],            # 11 日期
    ]
    c = auth.client("xihuadmin")
    token = csrf(c, "/admin/people/import/")
    r = upload(c, "/admin/people/import/", xlsx(HEADER, rows), token)
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    report = _report(page)
    assert [report[n][0] for n in range(2, 12)] == ["新增", "新增", "未导入", "未导入", "未导入", "未导入", "更新",
                                                  "未导入", "未导入", "未导入"]
    assert "校验位不正确" in report[4][1]
    assert "与第2行的证件号码重复" in report[5][1]
    assert "不是本部门管辖的注册单位" in report[6][1]
    assert "与姓名不符" in report[7][1]
    assert "现有资格" in report[8][1] and "取得时间" in report[8][1]
    assert "性别与证件号码不符" in report[9][1]
    assert "请填写单位代码" in report[10][1]
    assert "取得时间格式不正确" in report[11][1]
    assert "新增2条，更新1条，跳过0条（信息未变化），未导入7条" in page
    people = _people()
    assert people[NEW1].unit_id == org.unit_a.id and people[NEW1].gender == "男"
    assert people[NEW1].birth_date == date(1979, 2, 3) and people[NEW1].qualification_level == "deputy"
    assert people[NEW1].qualified_on == date(2018, 12, 30) and people[NEW1].source == "import"
    assert people[A2].qualification == "工程师" and people[A2].qualified_on == date(2024, 6, 30)
    assert people[A1].name == "甲员工一"
    assert BAD not in people and len(people) == 5  # 3 of the world + 2 new

    # The same file again: every good row 跳过, nothing written.
    stamps = {n: (p.updated_at, p.qualification) for n, p in people.items()}
    report = _report(upload(c, "/admin/people/import/", xlsx(HEADER, rows), token).get_data(as_text=True))
    assert [report[n][0] for n in (2, 3, 8)] == ["跳过", "跳过", "跳过"]
    assert {report[n][0] for n in (4, 5, 6, 7, 9, 10, 11)} == {"未导入"}
    assert {n: (p.updated_at, p.qualification) for n, p in _people().items()} == stamps


def test_blank_cells_never_clear_what_is_recorded(org, auth, csrf):
    populate_people(org)
    c = auth.client("xihuadmin")
    token = csrf(c, "/admin/people/import/")
    r = upload(c, "/admin/people/import/", xlsx(["姓名", "证件号码", "现有资格"], [["甲员工一", A1, ""]]), token)
    assert _report(r.get_data(as_text=True))[2][0] == "跳过"
    p = _people()[A1]
    assert (p.qualification, p.qualified_on, p.phone) == ("工程师", date(2019, 12, 1), "13800001111")


def test_an_exported_file_imports_back_unchanged(org, auth, csrf):
    populate_people(org)
    c = auth.client("rootadmin")
    exported = c.get("/admin/people/export/").data
    assert len(read_xlsx(exported)) == 4
    token = csrf(c, "/admin/people/import/")
    page = upload(c, "/admin/people/import/", exported, token).get_data(as_text=True)
    assert {v[0] for v in _report(page).values()} == {"跳过"} and "跳过3条" in page
    # …and 聘任 likewise.
    exported = c.get("/admin/appointments/export/").data
    page = upload(c, "/admin/appointments/import/", exported, token).get_data(as_text=True)
    assert {v[0] for v in _report(page).values()} == {"跳过"}, _report(page)


def test_a_unit_imports_its_own_people_without_naming_itself(org, auth, csrf):
    populate_people(org)
    c = auth.client("unita")
    token = csrf(c, "/admin/people/import/")
    rows = [["单位自录", NEW1, ""], ["他单位", factories.make_id_card(seq=821), org.unit_b.uscc]]
    page = upload(c, "/admin/people/import/", xlsx(["姓名", "证件号码", "单位代码"], rows), token).get_data(as_text=True)
    report = _report(page)
    assert report[2][0] == "新增" and report[3][0] == "未导入" and "不是本单位" in report[3][1]
    assert _people()[NEW1].unit_id == org.unit_a.id


def test_a_file_that_is_not_a_table_of_people_is_refused_whole(org, auth, csrf):
    c = auth.client("xihuadmin")
    token = csrf(c, "/admin/people/import/")
    r = upload(c, "/admin/people/import/", xlsx(["名字", "号码"], [["张三", NEW1]]), token)
    assert r.status_code == 400 and "第1行表头缺少：姓名、证件号码" in r.get_data(as_text=True)
    r = upload(c, "/admin/people/import/", b"not a workbook", token)
    assert r.status_code == 400 and "文件不是Excel" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PersonRecord)) == 0


APPT_HEADER = ["证件号码", "姓名", "聘任职务", "岗位级别", "岗位等级", "聘任起始日期", "聘任终止日期", "超比例聘任理由"]


def test_appointment_import_checks_the_quota_and_is_idempotent(org, auth, csrf):
    w = populate_people(org)  # unit A: 1 中级 post, held by 甲员工一
    c = auth.client("unita")
    token = csrf(c, "/admin/appointments/import/")
    rows = [
        [A2, "甲员工二", "工程师", "中级", "", "2025-01-01", "", ""],                          # 2 超比例，无理由
        [A2, "甲员工二", "助理工程师", "初级", "专业技术十二级", "2019-01-01", "2024-12-31", ""],  # 3 新增（已解聘）
        [A1, "甲员工一", "工程师", "中级", 10, "2020-01-01", "", ""],                         # 4 已有，跳过
        [A1, "甲员工一", "工程师", "中级", "七级", "2010-01-01", "2011-01-01", ""],             # 5 等级与级别不一致
        [w["b1"].id_number, "乙老师一", "二级教师", "初级", "", "2022-01-01", "", ""],          # 6 他单位人员
        [A2, "甲员工二", "工程师", "中级", "", "2025-02-01", "", "项目急需"],                   # 7 超比例，有理由
        [A2, "甲员工二", "工程师", "中级", "", "2025-03-01", "", "又一次"],                     # 8 与第7行时间重叠
    ]
    page = upload(c, "/admin/appointments/import/", xlsx(APPT_HEADER, rows), token).get_data(as_text=True)
    report = _report(page)
    assert [report[n][0] for n in range(2, 9)] == ["未导入", "新增", "跳过", "未导入", "未导入", "新增", "未导入"]
    assert "超出岗位结构比例" in report[2][1] and "超比例聘任理由" in report[2][1]
    assert "岗位等级与岗位级别不一致" in report[5][1]
    assert "请先导入人员基本信息" in report[6][1]
    assert "时间重叠" in report[8][1]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 4
    # Again: what was written is 跳过, the refused rows are refused again, nothing changes.
    report = _report(upload(c, "/admin/appointments/import/", xlsx(APPT_HEADER, rows), token).get_data(as_text=True))
    assert [report[n][0] for n in (3, 4, 7)] == ["跳过", "跳过", "跳过"]
    assert {report[n][0] for n in (2, 5, 6, 8)} == {"未导入"}
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 4


def test_an_over_quota_row_with_its_reason_is_recorded(org, auth, csrf):
    populate_people(org)
    c = auth.client("unita")
    token = csrf(c, "/admin/appointments/import/")
    rows = [[A2, "甲员工二", "工程师", "中级", "", "2025-02-01", "", "项目急需"]]
    report = _report(upload(c, "/admin/appointments/import/", xlsx(APPT_HEADER, rows), token).get_data(as_text=True))
    assert report[2][0] == "新增", report
    a = db.session.scalar(select(Appointment).where(Appointment.start_date == date(2025, 2, 1)))
    assert a.over_quota and a.over_quota_reason == "项目急需"
    report = _report(upload(c, "/admin/appointments/import/", xlsx(APPT_HEADER, rows), token).get_data(as_text=True))
    assert report[2][0] == "跳过"
    # A change of the same 聘任 (its end) keeps the recorded reason.
    rows[0][6] = "2030-12-31"
    report = _report(upload(c, "/admin/appointments/import/", xlsx(APPT_HEADER, rows), token).get_data(as_text=True))
    assert report[2] == ("更新", "更新：聘任终止日期")
    db.session.expire_all()
    a = db.session.get(Appointment, a.id)
    assert a.end_date == date(2030, 12, 31) and a.over_quota_reason == "项目急需"


def test_appointments_of_a_unit_without_a_quota_are_checked_for_overlaps_too(org, auth, csrf):
    """Unit B has no 岗位结构比例: its new 聘任 are inserted together at the end, after the same checks."""
    w = populate_people(org)  # 乙老师一: 二级教师 (初级) at unit B since 2021-09-01
    c = auth.client("unitb")
    token = csrf(c, "/admin/appointments/import/")
    b1 = w["b1"].id_number
    rows = [
        [b1, "乙老师一", "一级教师", "中级", "", "2023-01-01", "", ""],                # 2 与已有聘任时间重叠
        [b1, "乙老师一", "三级教师", "初级", "", "2018-01-01", "2019-12-31", ""],      # 3 新增
        [b1, "乙老师一", "三级教师", "初级", "", "2019-06-01", "2020-06-30", ""],      # 4 与第3行时间重叠
        [b1, "乙老师一", "二级教师", "初级", "", "2021-09-01", "2022-12-31", ""],      # 5 更新已有聘任的终止日期
        [b1, "乙老师一", "一级教师", "中级", "", "2023-02-01", "", ""],                # 6 第5行后不再重叠：新增
    ]
    report = _report(upload(c, "/admin/appointments/import/", xlsx(APPT_HEADER, rows), token).get_data(as_text=True))
    assert [report[n][0] for n in range(2, 7)] == ["未导入", "新增", "未导入", "更新", "新增"], report
    assert "时间重叠" in report[2][1] and "2021-09-01至今" in report[2][1]
    assert "时间重叠" in report[4][1] and "2018-01-01至2019-12-31" in report[4][1]
    db.session.expire_all()
    held = db.session.execute(select(Appointment.start_date, Appointment.end_date, Appointment.created_by)
                              .where(Appointment.person_id == w["b1"].id).order_by(Appointment.start_date)).all()
    assert [(s, e) for s, e, _ in held] == [(date(2018, 1, 1), date(2019, 12, 31)), (date(2021, 9, 1), date(2022, 12, 31)),
                                            (date(2023, 2, 1), None)]
    assert {by for _, _, by in held[::2]} == {"unitb"}
    report = _report(upload(c, "/admin/appointments/import/", xlsx(APPT_HEADER, rows), token).get_data(as_text=True))
    assert [report[n][0] for n in (3, 5, 6)] == ["跳过", "跳过", "跳过"]
