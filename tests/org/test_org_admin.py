"""机构管理 (department 管理员) and 系统管理 (root office): staff, sub-departments, registered units,
dictionaries, 单位名录 import, 审计日志."""
from __future__ import annotations

import re
from io import BytesIO

from sqlalchemy import select

from zhicheng.extensions import db
from zhicheng.models import AuditLog, Department, DictItem, UnitRegistry

from .. import factories
from ..accounts.test_accounts_admin import _OTP, audit_actions, post_action, try_login, user
from ..conftest import csrf_token

STAFF = "/admin/staff/"
DEPTS = "/admin/sub_departments/"
UNITS = "/admin/units/"
DICTS = "/admin/dicts/"
REGISTRY = "/admin/registry/"
AUDIT = "/admin/audit_log/"


# --- access ---

def test_org_and_system_pages_refuse_other_roles(org, auth):
    for who in ["unita", "unita001"]:
        c = auth.client(who)
        for url in [STAFF, DEPTS, UNITS, DICTS, REGISTRY, AUDIT]:
            assert c.get(url).status_code == 403, (who, url)
    for who in ["xihureview", "xihupublish"]:
        c = auth.client(who)
        for url in [STAFF, DEPTS, UNITS, REGISTRY, AUDIT]:
            assert c.get(url).status_code == 403, (who, url)
    for who in ["xihuadmin", "eduadmin", "xihureview"]:
        c = auth.client(who)
        assert c.get(DICTS).status_code == 200, who  # every staff member reads the dictionaries
        for url in [DICTS + "new/", REGISTRY, REGISTRY + "import/", AUDIT]:
            assert c.get(url).status_code == 403, (who, url)
        assert c.post(REGISTRY + "import/", data={"csrf_token": csrf_token(c, DICTS)}).status_code == 403


def test_root_office_opens_system_pages(org, auth):
    c = auth.client("rootadmin")
    for url in [DICTS, REGISTRY, REGISTRY + "import/", AUDIT, STAFF, DEPTS, UNITS]:
        assert c.get(url).status_code == 200, url


# --- 注册单位 ---

def test_department_admin_sees_units_of_its_subtree_only(org, auth):
    xihu = auth.client("xihuadmin").get(UNITS).get_data(as_text=True)
    assert "甲单位科技有限公司" in xihu and "乙单位中学" not in xihu
    edu = auth.client("eduadmin").get(UNITS).get_data(as_text=True)
    assert "乙单位中学" in edu and "甲单位科技有限公司" not in edu
    assert "unitb（开通）" in edu and org.unit_b.uscc in edu
    root = auth.client("rootadmin").get(UNITS).get_data(as_text=True)
    assert "甲单位科技有限公司" in root and "乙单位中学" in root


def test_department_admin_disables_and_enables_a_unit_account(app, org, auth, csrf):
    c = auth.client("eduadmin")
    post_action(c, csrf, "disable", [org.unit_b.id], url=UNITS)
    assert not user("unitb").enabled
    assert "unitb（禁用）" in c.get(UNITS).get_data(as_text=True)
    _, r = try_login(app, "unitb", factories.PASSWORD)
    assert "已被禁用" in r.get_data(as_text=True)
    post_action(c, csrf, "enable", [org.unit_b.id], url=UNITS)
    assert user("unitb").enabled
    _, r = try_login(app, "unitb", factories.PASSWORD)
    assert r.status_code == 302


def test_unit_outside_the_subtree_is_404_and_unchanged(org, auth, csrf):
    c = auth.client("xihuadmin")
    for action in ["disable", "reset_password"]:
        assert post_action(c, csrf, action, [org.unit_b.id], url=UNITS).status_code == 404
    b = user("unitb")
    assert b.enabled and not b.must_change_password
    assert not audit_actions("account.disable")


def test_department_admin_resets_a_unit_password(app, org, auth, csrf):
    c = auth.client("xihuadmin")
    r = post_action(c, csrf, "reset_password", [org.unit_a.id], url=UNITS)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "unita" in page
    otp = _OTP.findall(page)[0]
    assert len(otp) >= 12 and otp != "123456"
    _, r = try_login(app, "unita", factories.PASSWORD)
    assert "用户名或密码错误" in r.get_data(as_text=True)
    _, r = try_login(app, "unita", otp)
    assert r.status_code == 302 and "/password" in r.headers["Location"]
    assert audit_actions("account.reset_password")[-1].target_id == org["unit_a"].id


# --- 本部门工作人员 ---

def test_staff_list_is_the_subtree(org, auth):
    page = auth.client("eduadmin").get(STAFF).get_data(as_text=True)
    assert "edureview" in page and "edusubreview" in page
    assert "xihureview" not in page and "rootadmin" not in page


def test_add_staff_with_one_time_password(app, org, auth, csrf):
    c = auth.client("eduadmin")
    form = c.get(STAFF + "add/").get_data(as_text=True)
    for label in ["用户名", "所在部门", "管理员", "审核经办", "退回审查", "项目发布"]:
        assert f">{label}" in form
    assert "字典维护" not in form  # only offered in the root office
    assert "西湖区人才职改办" not in form  # the department picker offers the subtree only
    r = c.post(STAFF + "add/", data={"username": "edunew1", "real_name": "孙八", "department_id": org.edu_sub.id,
                                      "role_review": "y", "role_dict": "y", "csrf_token": csrf(c, STAFF + "add/")})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "请将初始密码告知使用人，首次登录须修改密码" in page
    otp = _OTP.findall(page)[0]
    u = user("edunew1")
    assert u.department_id == org.edu_sub.id and u.role_review and not u.role_dict and u.must_change_password
    _, r = try_login(app, "edunew1", otp)
    assert r.status_code == 302 and "/password" in r.headers["Location"]
    assert audit_actions("account.create")[-1].target_id == u.id


def test_add_staff_in_a_department_outside_scope_is_refused(org, auth, csrf):
    c = auth.client("eduadmin")
    r = c.post(STAFF + "add/", data={"username": "sneaky1", "real_name": "周九", "department_id": org.xihu.id,
                                      "role_admin": "y", "csrf_token": csrf(c, STAFF + "add/")})
    assert r.status_code == 200 and "请选择本部门或下级部门" in r.get_data(as_text=True)
    assert user("sneaky1") is None


def test_root_office_may_grant_dictionary_role(org, auth, csrf):
    c = auth.client("rootadmin")
    assert "字典维护" in c.get(STAFF + "add/").get_data(as_text=True)
    c.post(STAFF + "add/", data={"username": "rootdict1", "real_name": "吴十", "department_id": org.root.id,
                                 "role_dict": "y", "csrf_token": csrf(c, STAFF + "add/")})
    assert user("rootdict1").role_dict
    r = c.post(STAFF + "add/", data={"username": "xihudict1", "real_name": "郑一", "department_id": org.xihu.id,
                                     "role_dict": "y", "csrf_token": csrf(c, STAFF + "add/")})
    assert "字典维护角色只能授予" in r.get_data(as_text=True)
    assert user("xihudict1") is None


def test_edit_staff_roles_and_not_own(org, auth, csrf):
    c = auth.client("xihuadmin")
    target = org["xihu_review"]
    url = f"{STAFF}edit/?id={target.id}"
    r = c.post(url, data={"username": "renamed", "real_name": "审核员", "department_id": org.xihu.id,
                          "role_review": "y", "role_return": "y", "csrf_token": csrf(c, url)})
    assert r.status_code == 302
    u = user("xihureview")
    assert u.role_review and u.role_return and u.real_name == "审核员"
    assert audit_actions("account.update")

    own = f"{STAFF}edit/?id={org['xihu_admin'].id}"
    assert "不能修改自己的角色" in c.get(own).get_data(as_text=True)
    c.post(own, data={"real_name": "管理员甲", "department_id": org.xihu.id, "role_publish": "y",
                      "csrf_token": csrf(c, own)})
    me = user("xihuadmin")
    assert me.role_admin and not me.role_publish and me.real_name == "管理员甲"

    r = post_action(c, csrf, "disable", [org["xihu_admin"].id], url=STAFF)
    assert user("xihuadmin").enabled
    assert "不能禁用或开通自己的账号" in c.get(STAFF).get_data(as_text=True)


def test_staff_outside_subtree_is_404(org, auth, csrf):
    c = auth.client("xihuadmin")
    other = org["edu_review"]
    assert c.get(f"{STAFF}edit/?id={other.id}").status_code == 404
    assert post_action(c, csrf, "disable", [other.id], url=STAFF).status_code == 404
    assert user("edureview").enabled
    # a unit's sub-account is not a staff account either
    assert c.get(f"{STAFF}edit/?id={org['sub_a_full'].id}").status_code == 404


def test_disable_and_reset_staff(app, org, auth, csrf):
    c = auth.client("rootadmin")
    post_action(c, csrf, "disable", [org["talent_review"].id], url=STAFF)
    _, r = try_login(app, "talentreview", factories.PASSWORD)
    assert "已被禁用" in r.get_data(as_text=True)
    post_action(c, csrf, "enable", [org["talent_review"].id], url=STAFF)
    page = post_action(c, csrf, "reset_password", [org["talent_review"].id], url=STAFF).get_data(as_text=True)
    otp = _OTP.findall(page)[0]
    _, r = try_login(app, "talentreview", otp)
    assert r.status_code == 302 and "/password" in r.headers["Location"]


# --- 下级部门 ---

def test_sub_departments_list_and_add(org, auth, csrf):
    c = auth.client("eduadmin")
    page = c.get(DEPTS).get_data(as_text=True)
    assert "杭州市教育局直属学校管理处" in page and "西湖区人才职改办" not in page
    form = c.get(DEPTS + "add/").get_data(as_text=True)
    assert "上级部门" in form and "西湖区人才职改办" not in form and "杭州市人力资源和社会保障局" not in form
    r = c.post(DEPTS + "add/", data={"name": "直属幼儿园科", "parent_id": org.edu_sub.id,
                                      "accepts_registration": "y", "csrf_token": csrf(c, DEPTS + "add/")})
    assert r.status_code == 302
    dept = db.session.scalar(select(Department).where(Department.name == "直属幼儿园科"))
    assert dept.parent_id == org.edu_sub.id and dept.path.startswith(org.edu_sub.path) and dept.depth == 3
    assert audit_actions("department.create")[-1].target_id == dept.id
    assert "直属幼儿园科" in c.get(DEPTS).get_data(as_text=True)
    assert "直属幼儿园科" not in auth.client("xihuadmin").get(DEPTS).get_data(as_text=True)


def test_sub_department_under_foreign_parent_is_refused(org, auth, csrf):
    c = auth.client("eduadmin")
    r = c.post(DEPTS + "add/", data={"name": "越权部门", "parent_id": org.xihu.id,
                                      "csrf_token": csrf(c, DEPTS + "add/")})
    assert "请选择本部门或下级部门" in r.get_data(as_text=True)
    r = c.post(DEPTS + "add/", data={"name": "", "parent_id": org.edu.id, "csrf_token": csrf(c, DEPTS + "add/")})
    assert "请填写部门名称" in r.get_data(as_text=True)
    assert db.session.scalar(select(Department).where(Department.name == "越权部门")) is None


# --- 字典维护 ---

def test_dictionary_crud_and_filter(org, auth, csrf):
    c = auth.client("rootadmin")
    r = c.post(DICTS + "new/", data={"kind": "unit_nature", "code": "01", "name": "事业单位", "sort": "1",
                                      "active": "y", "csrf_token": csrf(c, DICTS + "new/")})
    assert r.status_code == 302
    c.post(DICTS + "new/", data={"kind": "series", "code": "GC", "name": "工程系列", "sort": "1",
                                 "active": "y", "csrf_token": csrf(c, DICTS + "new/")})
    item = db.session.scalar(select(DictItem).where(DictItem.name == "事业单位"))
    assert item.kind == "unit_nature"
    page = c.get(DICTS).get_data(as_text=True)
    assert "单位性质" in page and "事业单位" in page and "工程系列" in page
    filtered = c.get(DICTS + "?flt0_0=unit_nature").get_data(as_text=True)
    assert "事业单位" in filtered and "工程系列" not in filtered
    r = c.post(DICTS + "new/", data={"kind": "unit_nature", "code": "01", "name": "重复", "sort": "2",
                                      "csrf_token": csrf(c, DICTS + "new/")}, follow_redirects=True)
    assert "已有代码“01”" in r.get_data(as_text=True)
    assert db.session.scalar(select(DictItem).where(DictItem.name == "重复")) is None
    c.post(f"{DICTS}edit/?id={item.id}", data={"kind": "unit_nature", "code": "01", "name": "事业单位（改）",
                                               "sort": "1", "active": "y", "csrf_token": csrf(c, DICTS)})
    db.session.refresh(item)
    assert item.name == "事业单位（改）"
    item_id = item.id
    c.post(DICTS + "delete/", data={"id": item_id, "csrf_token": csrf(c, DICTS)})
    assert db.session.get(DictItem, item_id) is None
    assert audit_actions("dict.create") and audit_actions("dict.update") and audit_actions("dict.delete")


def test_new_unit_nature_is_offered_to_units(org, auth, csrf):
    c = auth.client("rootadmin")
    c.post(DICTS + "new/", data={"kind": "unit_nature", "code": "09", "name": "社会团体", "sort": "1",
                                 "active": "y", "csrf_token": csrf(c, DICTS + "new/")})
    assert "社会团体" in auth.client("unita").get("/admin/basic_info/").get_data(as_text=True)


# --- 单位名录 ---

def test_registry_import_with_report(org, auth, csrf):
    good1, good2 = factories.make_uscc(501), factories.make_uscc(502)
    bad_check = factories.make_uscc(503)[:-1] + ("0" if factories.make_uscc(503)[-1] != "0" else "1")
    existing = factories.make_uscc(900)  # already in the registry (built by the factories)
    data = factories.xlsx([
        ("机构代码", "法定代表人", "单位名称"),
        (good1, "陈一", "杭州第一有限公司"),
        (bad_check, "陈二", "校验位错误公司"),
        (good2, "", "缺法人公司"),
        (good1, "陈三", "文件内重复公司"),
        ("12345", "陈四", "太短公司"),
        (existing, "赵名录新", "名录内的杭州某某有限公司（更名）"),
        (good2.lower(), "陈五", "杭州第二有限公司"),
    ])
    c = auth.client("rootadmin")
    r = c.post(REGISTRY + "import/", data={"file": (data, "名录.xlsx"), "csrf_token": csrf(c, REGISTRY + "import/")},
               content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "新增 2 条" in page and "更新 1 条" in page and "未导入 4 条" in page
    rejected = dict(re.findall(r'data-line="(\d+)" data-status="rejected">.*?<td>[^<]*</td><td>([^<]*)</td></tr>',
                               page, re.S))
    assert "校验位不正确" in rejected["3"]
    assert "缺少法定代表人" in rejected["4"]
    assert "与第2行的机构代码重复" in rejected["5"]
    assert "18位" in rejected["6"]
    stored = {r.uscc: r for r in db.session.scalars(select(UnitRegistry))}
    assert stored[good1].name == "杭州第一有限公司" and stored[good2].name == "杭州第二有限公司"
    assert stored[existing].legal_rep == "赵名录新"
    assert bad_check not in stored
    assert [a.detail for a in audit_actions("registry.import")] == ["导入单位名录：新增2条，更新1条，拒绝4条"]


def test_registry_import_rejects_a_non_excel_file(org, auth, csrf):
    c = auth.client("rootadmin")
    r = c.post(REGISTRY + "import/", data={"file": (BytesIO(b"uscc,name\n"), "list.csv"),
                                            "csrf_token": csrf(c, REGISTRY + "import/")},
               content_type="multipart/form-data")
    assert "文件不是Excel" in r.get_data(as_text=True)
    wrong_header = factories.xlsx([("代码", "名称"), ("x", "y")])
    r = c.post(REGISTRY + "import/", data={"file": (wrong_header, "a.xlsx"), "csrf_token": csrf(c, REGISTRY + "import/")},
               content_type="multipart/form-data")
    assert "第1行应为表头" in r.get_data(as_text=True)


def test_registry_form_checks_the_code(org, auth, csrf):
    c = auth.client("rootadmin")
    bad = factories.make_uscc(600)[:-1] + ("0" if factories.make_uscc(600)[-1] != "0" else "1")
    r = c.post(REGISTRY + "new/", data={"uscc": bad, "legal_rep": "钱二", "name": "校验错误公司",
                                         "csrf_token": csrf(c, REGISTRY + "new/")})
    assert "校验位不正确" in r.get_data(as_text=True)
    good = factories.make_uscc(601)
    r = c.post(REGISTRY + "new/", data={"uscc": good, "legal_rep": "钱二", "name": "正确公司",
                                         "csrf_token": csrf(c, REGISTRY + "new/")})
    assert r.status_code == 302
    assert db.session.scalar(select(UnitRegistry).where(UnitRegistry.uscc == good)).name == "正确公司"
    assert db.session.scalar(select(UnitRegistry).where(UnitRegistry.uscc == bad)) is None
    assert audit_actions("registry.create")


# --- 审计日志 ---

def test_audit_log_lists_account_actions_read_only(org, auth, csrf):
    c = auth.client("unita")
    post_action(c, csrf, "disable", [org["sub_a_none"].id])
    root = auth.client("rootadmin")
    page = root.get(AUDIT).get_data(as_text=True)
    assert "禁用账号" in page and "禁用 unita002" in page
    filtered = root.get(AUDIT + "?search=account.disable").get_data(as_text=True)
    table = filtered[filtered.index("<table"):filtered.rindex("</table>")]
    assert "禁用 unita002" in table and "登录成功" not in table
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "account.disable"))
    # its details page is Flask-Admin's own template inside the application's page frame
    details = root.get(f"{AUDIT}details/?id={row.id}")
    assert details.status_code == 200
    assert "禁用账号" in details.get_data(as_text=True) and "禁用 unita002" in details.get_data(as_text=True)
    assert root.get(f"{AUDIT}edit/?id={row.id}").status_code in (302, 403, 404)
    assert root.post(AUDIT + "delete/", data={"id": row.id, "csrf_token": csrf(root, AUDIT)}).status_code in (302, 403, 404)
    assert db.session.get(AuditLog, row.id) is not None
    # root office staff without 管理员 do not see it
    no_admin = factories.staff("rootreview", org.root, role_review=True)
    db.session.commit()
    assert auth.client(no_admin.username).get(AUDIT).status_code == 403
