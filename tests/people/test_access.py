"""Who sees and changes which people, 聘任 and quotas: a unit its own, a department the units under
it (and its sub-departments), the root office all; lists, history pages, edits, deletions, exports
and dropdowns all keep to it."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from zhicheng.extensions import db
from zhicheng.people.models import Appointment, PersonRecord, PostQuota
from zhicheng.policy import P, can

from .. import factories
from ..boards.world import populate_boards
from ..web.test_access_matrix import ROLES
from .world import A1, A2, B1, populate_people, read_xlsx

NAMES = {"a1": "甲员工一", "a2": "甲员工二", "b1": "乙老师一"}
XIHU = {"xihu_admin", "xihu_review", "xihu_return", "xihu_publish"}
EDU = {"edu_admin", "edu_review", "edusub_admin"}
#: Which people each role sees (every other role may not open the pages at all).
SEES = {"root": {"a1", "a2", "b1"}, **{r: {"a1", "a2"} for r in XIHU}, **{r: {"b1"} for r in EDU},
        "unit_a": {"a1", "a2"}, "unit_b": {"b1"}}
EDITORS = {"root", "xihu_admin", "edu_admin", "edusub_admin", "unit_a", "unit_b"}
QUOTA_SETTERS = {"root", "xihu_admin", "edu_admin", "edusub_admin"}


def test_the_permissions_of_each_account(org):
    populate_boards(org)  # the experts
    for role in ROLES:
        user = org[role]
        assert can(user, P.PEOPLE) == (role in SEES), role
        assert can(user, P.PEOPLE_EDIT) == (role in EDITORS), role
        assert can(user, P.POST_QUOTA) == (role in QUOTA_SETTERS), role


@pytest.mark.parametrize("role", ROLES)
def test_lists_history_and_exports_hold_only_the_roles_own_people(org, auth, role):
    populate_boards(org)
    w = populate_people(org)
    c = auth.client(org[role].username)
    pages = ("/admin/people/", "/admin/appointments/", "/admin/post_quotas/")
    if role not in SEES:
        for url in pages + ("/admin/people/export/", f"/admin/people/details/?id={w['a1'].id}"):
            assert c.get(url).status_code == 403, (role, url)
        return
    seen = SEES[role]
    people = c.get("/admin/people/").get_data(as_text=True)
    appointments = c.get("/admin/appointments/").get_data(as_text=True)
    for key, name in NAMES.items():
        assert (name in people) == (key in seen), (role, name)
        if key != "a2":  # 甲员工二 has no 聘任
            assert (name in appointments) == (key in seen), (role, name)
        r = c.get(f"/admin/people/details/?id={w[key].id}")
        assert r.status_code == (200 if key in seen else 404), (role, key)
    exported = read_xlsx(c.get("/admin/people/export/").data)
    assert exported[0][:3] == ["姓名", "证件类型", "证件号码"]
    assert {row[0] for row in exported[1:]} == {NAMES[k] for k in seen}, role
    exported = read_xlsx(c.get("/admin/appointments/export/").data)
    assert {row[1] for row in exported[1:]} == {NAMES[k] for k in seen if k != "a2"}, role
    structure = c.get("/admin/post_quotas/").get_data(as_text=True)
    assert (org.unit_a.name in structure) == ("a1" in seen), role
    assert (org.unit_b.name in structure) == ("b1" in seen), role


def test_an_export_holds_the_filtered_rows_and_no_others(org, auth):
    populate_people(org)
    c = auth.client("rootadmin")
    rows = read_xlsx(c.get("/admin/people/export/?search=甲员工一").data)
    assert [r[0] for r in rows[1:]] == ["甲员工一"]
    assert rows[1][2] == A1 and rows[1][14] == "工程师" and rows[1][15] == "中级"
    # The 单位名称 filter of the list (its index among the view's filters).
    view = next(v for v in c.application.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "people")
    flt = next(i for i, f in enumerate(view._filters) if f.name == "单位名称")
    rows = read_xlsx(c.get(f"/admin/people/export/?flt0_{flt}=乙单位").data)
    assert [r[0] for r in rows[1:]] == ["乙老师一"]


def test_the_unit_dropdowns_offer_only_the_units_managed(org, auth):
    populate_people(org)
    page = auth.client("xihuadmin").get("/admin/people/new/").get_data(as_text=True)
    assert org.unit_a.name in page and org.unit_b.name not in page
    page = auth.client("rootadmin").get("/admin/people/new/").get_data(as_text=True)
    assert org.unit_a.name in page and org.unit_b.name in page
    page = auth.client("unita").get("/admin/people/new/").get_data(as_text=True)
    assert 'name="unit_id"' not in page and org.unit_a.name in page  # its own, fixed


@pytest.mark.parametrize("role", ROLES)
def test_changes_outside_the_scope_are_refused_and_change_nothing(org, auth, csrf, role):
    populate_boards(org)
    w = populate_people(org)
    user = org[role]
    c = auth.client(user.username)
    if user.is_sub and not user.perm_change_password:
        return  # no page with a form to read a token from; its pages are refused above
    token = csrf(c, "/password")
    before = {k: (r.name, r.qualification, r.unit_id) for k, r in
              ((k, db.session.get(PersonRecord, w[k].id)) for k in ("a1", "a2", "b1"))}
    appts = {k: (a.post_title, a.end_date) for k, a in (("appt_a", w["appt_a"]), ("appt_b", w["appt_b"]))}
    seen = SEES.get(role, set())
    may_edit = role in EDITORS
    for key in ("a1", "b1"):
        person = w[key]
        appt = w["appt_a" if key == "a1" else "appt_b"]
        mine = key in seen and may_edit
        if mine:
            continue  # their own changes are tried in the other tests
        gets = [f"/admin/people/edit/?id={person.id}", f"/admin/appointments/new/?person={person.id}",
                f"/admin/appointments/edit/?id={appt.id}"]
        for url in gets:
            assert c.get(url).status_code in (403, 404), (role, url)
        posts = {f"/admin/people/edit/?id={person.id}": {"name": "改名", "qualification": "改"},
                 "/admin/people/delete/": {"id": person.id},
                 f"/admin/appointments/new/?person={person.id}": {"post_title": "x", "level": "junior",
                                                                  "start_date": "2024-01-01"},
                 f"/admin/appointments/edit/?id={appt.id}": {"post_title": "改", "level": "junior",
                                                            "start_date": "2020-01-01", "end_date": "2024-01-01"},
                 "/admin/appointments/delete/": {"id": appt.id}}
        for url, data in posts.items():
            r = c.post(url, data={**data, "csrf_token": token})
            assert r.status_code in (403, 404), (role, url, r.status_code)
    # A quota of a unit outside the role's reach (or any quota, for a role that may not set one).
    for unit in (org.unit_a, org.unit_b):
        key = "a1" if unit is org.unit_a else "b1"
        if role in QUOTA_SETTERS and key in seen:
            continue
        r = c.post(f"/admin/post_quotas/edit/?unit={unit.id}", data={"mode": "count", "middle": "9", "csrf_token": token})
        assert r.status_code in (403, 404), (role, "quota", r.status_code)
        r = c.post(f"/admin/post_quotas/clear/?unit={unit.id}", data={"csrf_token": token})
        assert r.status_code in (403, 404), (role, "clear quota", r.status_code)
    db.session.expire_all()
    after = {k: (r.name, r.qualification, r.unit_id) for k, r in
             ((k, db.session.get(PersonRecord, w[k].id)) for k in ("a1", "a2", "b1"))}
    for key in ("a1", "b1"):
        if not (key in seen and may_edit):
            assert after[key] == before[key], (role, key)
    for key in ("appt_a", "appt_b"):
        a = db.session.get(Appointment, w[key].id)
        assert a is not None and (a.post_title, a.end_date) == appts[key], (role, key)
    quota = db.session.scalar(select(PostQuota).where(PostQuota.unit_id == org.unit_a.id))
    if role not in {"root", "xihu_admin"}:
        assert quota.middle == 1, role
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 2


def test_a_department_cannot_put_a_person_into_a_unit_outside_it(org, auth, csrf):
    w = populate_people(org)
    c = auth.client("xihuadmin")
    token = csrf(c, "/admin/people/new/")
    r = c.post("/admin/people/new/", data={"name": "越界", "id_number": factories.make_id_card(seq=777), "unit_id": org.unit_b.id,
                                           "csrf_token": token})
    assert r.status_code == 400 and "请选择本部门管辖的单位" in r.get_data(as_text=True)
    # Nor move one of its own people there.
    r = c.post(f"/admin/people/edit/?id={w['a1'].id}", data={"name": "甲员工一", "unit_id": org.unit_b.id,
                                                            "csrf_token": token})
    assert r.status_code == 400
    db.session.expire_all()
    assert db.session.get(PersonRecord, w["a1"].id).unit_id == org.unit_a.id
    assert db.session.scalar(select(PersonRecord).where(PersonRecord.name == "越界")) is None


def test_a_unit_adding_someone_registered_elsewhere_learns_nothing_of_where(org, auth, csrf):
    populate_people(org)
    c = auth.client("unita")
    token = csrf(c, "/admin/people/new/")
    r = c.post("/admin/people/new/", data={"name": "乙老师一", "id_number": B1, "csrf_token": token})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "已登记在其他单位" in page and org.unit_b.name not in page
    r = c.post("/admin/people/new/", data={"name": "甲员工二", "id_number": A2, "csrf_token": token})
    assert r.status_code == 400 and "已登记（甲员工二）" in r.get_data(as_text=True)


def test_staff_without_the_admin_role_read_but_do_not_change(org, auth, csrf):
    w = populate_people(org)
    c = auth.client("xihureview")
    assert c.get(f"/admin/people/details/?id={w['a1'].id}").status_code == 200
    token = csrf(c, "/password")
    for url in ("/admin/people/new/", "/admin/people/import/", "/admin/appointments/import/",
                f"/admin/post_quotas/edit/?unit={org.unit_a.id}"):
        assert c.get(url).status_code == 403, url
    assert c.post("/admin/people/collect/", data={"csrf_token": token}).status_code == 403
    page = c.get("/admin/people/").get_data(as_text=True)
    assert "新增人员" not in page and "从申报材料生成" not in page and "导出Excel" in page


def test_every_filter_of_the_lists_narrows_without_an_error(org, auth):
    """Each filter of 人员基本信息 and 聘任管理, with a value a user would choose (on PostgreSQL too,
    which compares types strictly)."""
    populate_people(org)
    c = auth.client("rootadmin")
    admin = c.application.extensions["admin"][0]
    values = {"单位名称": "甲单位", "归口部门": str(org.xihu.id), "资格级别": "middle", "现有资格": "工程师", "来源": "manual",
              "岗位级别": "middle", "聘任状态": "active", "超比例聘任": "0"}
    for endpoint, expected in (("people", "甲员工一"), ("appointments", "甲员工一")):
        view = next(v for v in admin._views if getattr(v, "endpoint", "") == endpoint)
        for i, flt in enumerate(view._filters):
            r = c.get(f"/admin/{endpoint}/?flt0_{i}={values[str(flt.name)]}")
            page = r.get_data(as_text=True)
            assert r.status_code == 200 and expected in page, (endpoint, flt.name)
            # 来源, 聘任状态 (在聘) and 超比例聘任 (否) keep unit B's 乙老师一 too; the others leave him out.
            assert ("乙老师一" in page) == (str(flt.name) in ("来源", "聘任状态", "超比例聘任")), (endpoint, flt.name)


def test_a_unit_still_ends_the_appointment_of_someone_who_moved_on(org, auth, csrf):
    """甲员工一 moves from unit A to unit B (the root office 调动): unit A no longer sees him, but keeps
    its 聘任 of him, which it may end; unit B sees him and not unit A's 聘任."""
    w = populate_people(org)
    from zhicheng import transaction
    from zhicheng.people import services
    services.update_person(org["root"], w["a1"], {"name": "甲员工一"}, org.unit_b.id)
    transaction.commit()
    a = auth.client("unita")
    assert a.get(f"/admin/people/details/?id={w['a1'].id}").status_code == 404
    listing = a.get("/admin/appointments/").get_data(as_text=True)
    assert "甲员工一" in listing and f"/admin/people/details/?id={w['a1'].id}" not in listing
    url = f"/admin/appointments/edit/?id={w['appt_a'].id}"
    r = a.post(url, data={"post_title": "工程师", "level": "middle", "grade": "10", "start_date": "2020-01-01",
                          "end_date": "2026-01-31", "csrf_token": csrf(a, url)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/appointments/")
    db.session.expire_all()
    assert db.session.get(Appointment, w["appt_a"].id).end_date.isoformat() == "2026-01-31"
    b = auth.client("unitb")
    page = b.get(f"/admin/people/details/?id={w['a1'].id}").get_data(as_text=True)
    appointments = page[page.index('id="appointments"'):page.index('id="materials"')]
    assert "暂无聘任记录" in appointments
