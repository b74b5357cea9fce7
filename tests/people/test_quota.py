"""结构比例管理: a 聘任 that takes its unit over the 岗位结构比例 is not accepted silently — the form
warns and asks for a reason, which is recorded; quotas as numbers or as ratios; the structure
page's figures per unit and per department."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from zhicheng import transaction
from zhicheng.extensions import db
from zhicheng.models import AuditLog
from zhicheng.people import appointments, values
from zhicheng.people.models import Appointment, PostQuota
from zhicheng.people.structure import department_structures, unit_structures

from .world import populate_people


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Appointment))


def test_the_form_warns_asks_for_a_reason_and_records_it(org, auth, csrf):
    w = populate_people(org)  # unit A may have 1 中级 post; 甲员工一 holds it
    c = auth.client("unita")
    url = f"/admin/appointments/new/?person={w['a2'].id}"
    token = csrf(c, url)
    data = {"post_title": "工程师", "level": "middle", "grade": "9", "start_date": "2025-07-01", "csrf_token": token}
    r = c.post(url, data=data)
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "中级岗位核定1个，已聘任1人，此次聘任将超出岗位结构比例" in page and 'id="quota-warning"' in page
    assert _count() == 2  # nothing saved
    r = c.post(url, data={**data, "over_quota_reason": "承担省重点项目，经单位研究同意"})
    assert r.status_code == 302
    a = db.session.scalar(select(Appointment).where(Appointment.person_id == w["a2"].id))
    assert a.over_quota and a.over_quota_reason == "承担省重点项目，经单位研究同意"
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "appointment.over_quota"))
    assert "已聘任1人" in log.detail and "承担省重点项目" in log.detail
    history = c.get(f"/admin/people/details/?id={w['a2'].id}").get_data(as_text=True)
    assert "承担省重点项目，经单位研究同意" in history
    listing = c.get("/admin/appointments/").get_data(as_text=True)
    assert "是：承担省重点项目" in listing
    # 结构比例 now shows unit A's 中级 over its quota, for the unit and its department.
    for who in ("unita", "xihuadmin"):
        structure = auth.client(who).get("/admin/post_quotas/").get_data(as_text=True)
        assert re.search(r'title="超出结构比例">2 / 1<', structure), who


def test_within_the_quota_no_reason_is_asked(org, auth, csrf):
    w = populate_people(org)
    c = auth.client("unita")
    url = f"/admin/appointments/new/?person={w['a2'].id}"
    token = csrf(c, url)
    r = c.post(url, data={"post_title": "助理工程师", "level": "junior", "start_date": "2024-03-01", "csrf_token": token})
    assert r.status_code == 302
    a = db.session.scalar(select(Appointment).where(Appointment.person_id == w["a2"].id))
    assert not a.over_quota and a.over_quota_reason == ""


def test_what_counts_against_the_quota(org):
    w = populate_people(org)
    root, today = org["root"], date(2026, 6, 1)
    # An ended 聘任 is history: it is not checked and does not count.
    past = appointments.save_appointment(root, None, w["a2"], {"post_title": "工程师", "level": "中级",
                                                           "start_date": date(2015, 1, 1),
                                                           "end_date": date(2019, 12, 31)}, today=today)
    assert not past.over_quota
    # 甲员工一's 中级 聘任 ends: the post is free from the next day.
    appointments.save_appointment(root, w["appt_a"], w["a1"], {"post_title": "工程师", "level": "中级",
                                                          "start_date": date(2020, 1, 1),
                                                          "end_date": date(2026, 6, 30)}, today=today)
    with pytest.raises(appointments.QuotaExceeded):
        appointments.save_appointment(root, None, w["a2"], {"post_title": "工程师", "level": "中级",
                                                        "start_date": date(2026, 6, 15)}, today=today)
    later = appointments.save_appointment(root, None, w["a2"], {"post_title": "工程师", "level": "中级",
                                                            "start_date": date(2026, 7, 1)}, today=today)
    assert not later.over_quota
    # The same person may not hold two 聘任 at one unit at once.
    with pytest.raises(values.PeopleError, match="时间重叠"):
        appointments.save_appointment(root, None, w["a2"], {"post_title": "助理工程师", "level": "初级",
                                                        "start_date": date(2027, 1, 1)}, today=today)


def test_ratio_quotas_count_whole_posts(org):
    w = populate_people(org)
    root = org["root"]
    quota = appointments.set_quota(root, org.unit_a.id, {"mode": "ratio", "total": "15", "senior": "0", "deputy": "10",
                                                     "middle": "10", "junior": "30"})
    assert quota.allowed() == {"senior": 0, "deputy": 1, "middle": 1, "junior": 4}  # 1.5 → 1
    with pytest.raises(appointments.QuotaExceeded, match="中级岗位核定1个"):
        appointments.save_appointment(root, None, w["a2"], {"post_title": "工程师", "level": "中级",
                                                        "start_date": date(2025, 1, 1)})
    for bad, field in (({"mode": "ratio", "total": "", "middle": "10"}, "total"),
                       ({"mode": "ratio", "total": "10", "middle": "60", "junior": "50"}, "junior"),
                       ({"mode": "count", "middle": "-1"}, "middle"), ({"mode": "count", "deputy": "两个"}, "deputy")):
        with pytest.raises(values.PeopleError) as e:
            appointments.set_quota(root, org.unit_a.id, bad)
        assert e.value.field == field


def test_the_quota_form_and_the_department_tree(org, auth, csrf):
    populate_people(org)
    c = auth.client("eduadmin")
    url = f"/admin/post_quotas/edit/?unit={org.unit_b.id}"
    token = csrf(c, url)
    r = c.post(url, data={"mode": "count", "senior": "0", "deputy": "2", "middle": "5", "junior": "x", "csrf_token": token})
    assert r.status_code == 400 and "初级应为不小于0的整数（个）" in r.get_data(as_text=True)
    r = c.post(url, data={"mode": "count", "senior": "0", "deputy": "2", "middle": "5", "junior": "8",
                          "note": "杭教人〔2026〕1号", "csrf_token": token})
    assert r.status_code == 302
    assert db.session.scalar(select(PostQuota).where(PostQuota.unit_id == org.unit_b.id)).junior == 8
    # The root office's tree: each department sums its whole subtree.
    root = org["root"]
    depts = {d.department.name: d for d in department_structures(root, unit_structures(root))}
    assert depts[org.root.name].units == 2 and depts[org.root.name].with_quota == 2
    assert depts[org.root.name].allowed == {"senior": 0, "deputy": 3, "middle": 6, "junior": 10}
    assert depts[org.root.name].holding == {"senior": 0, "deputy": 0, "middle": 1, "junior": 1}
    assert depts[org.edu.name].holding["junior"] == 1 and depts[org.edu.name].depth == 1
    assert depts[org.edu_sub.name].depth == 2 and depts[org.xihu.name].allowed["middle"] == 1
    page = auth.client("rootadmin").get("/admin/post_quotas/").get_data(as_text=True)
    summary = page[page.index('id="department-summary"'):page.index('id="unit-structure"')]
    assert org.edu_sub.name in summary and org.talent.name in summary
    # The quota can be cleared again, by the department only.
    unit = auth.client("unitb")
    assert unit.post(f"/admin/post_quotas/clear/?unit={org.unit_b.id}",
                     data={"csrf_token": csrf(unit, "/password")}).status_code == 403
    r = c.post(f"/admin/post_quotas/clear/?unit={org.unit_b.id}", data={"csrf_token": token})
    assert r.status_code == 302
    assert db.session.scalar(select(PostQuota).where(PostQuota.unit_id == org.unit_b.id)) is None


def test_the_structure_page_filters_units(org, auth):
    populate_people(org)
    transaction.commit()
    c = auth.client("rootadmin")
    page = c.get("/admin/post_quotas/?over=1").get_data(as_text=True)
    table = page[page.index('id="unit-structure"'):]
    assert "没有符合条件的单位" in table
    page = c.get(f"/admin/post_quotas/?department={org.edu.id}").get_data(as_text=True)
    table = page[page.index('id="unit-structure"'):]
    assert org.unit_b.name in table and org.unit_a.name not in table
