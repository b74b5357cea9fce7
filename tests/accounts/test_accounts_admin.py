"""后台管理 of a unit: 工作账号管理 (添加, 批量新增账号, 修改, 删除, 审核, 密码重置) and 基本信息管理."""
from __future__ import annotations

import re
from io import BytesIO
from urllib.parse import unquote

from openpyxl import load_workbook
from sqlalchemy import func, select

from zhicheng.extensions import db
from zhicheng.models import AuditLog, DictItem, Unit, User

from .. import factories

SUBS = "/admin/sub_accounts/"
INFO = "/admin/basic_info/"
_OTP = re.compile(r'<code class="zc-otp">([^<]+)</code>')


def user(username) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def audit_actions(action) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def post_action(client, csrf, action, ids, url=SUBS):
    data = {"action": action, "rowid": [str(i) for i in ids], "csrf_token": csrf(client, url)}
    return client.post(url + "action/", data=data)


def try_login(app, username, password):
    c = app.test_client()
    from ..conftest import csrf_token
    r = c.post("/login", data={"username": username, "password": password, "csrf_token": csrf_token(c, "/login")})
    return c, r


# --- access ---

def test_only_unit_accounts_manage_sub_accounts(org, auth, csrf):
    for who in ["sub_a_full", "xihu_admin", "root"]:
        c = auth.client(org[who].username)
        for url in [SUBS, SUBS + "add/", SUBS + "batch/", f"{SUBS}edit/?id={org['sub_a_none'].id}"]:
            assert c.get(url).status_code == 403, (who, url)
    sub = auth.client("unita001")
    r = sub.post(SUBS + "action/", data={"action": "disable", "rowid": [org["sub_a_none"].id],
                                          "csrf_token": csrf(sub, "/password")})
    assert r.status_code == 403 and user("unita002").enabled


def test_anonymous_is_sent_to_login(org, client):
    r = client.get(SUBS)
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_list_shows_own_sub_accounts_only(org, auth):
    page = auth.client("unita").get(SUBS).get_data(as_text=True)
    assert "unita001" in page and "unitaonlyfill" in page
    assert "unitb001" not in page
    assert "填写材料、上报材料" in page  # permission summary of the full sub-account
    assert "开通" in page


def test_search_filters_the_list(org, auth):
    page = auth.client("unita").get(SUBS + "?search=onlyprint").get_data(as_text=True)
    assert "unitaonlyprint" in page and "unita001" not in page


# --- 添加 ---

def test_add_shows_one_time_password_once_and_forces_change(app, org, auth, csrf):
    c = auth.client("unita")
    form = c.get(SUBS + "add/").get_data(as_text=True)
    for label in ["用户名", "姓名", "手机", "电子邮箱", "身份证号", "填写材料", "修改密码"]:
        assert f">{label}" in form
    r = c.post(SUBS + "add/", data={"username": "unitaZhang", "real_name": "张三", "phone": "+86 138 0013 8000",
                                     "email": "zs@example.com", "perm_fill": "y", "perm_change_password": "y",
                                     "csrf_token": csrf(c, SUBS + "add/")})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "请将初始密码告知使用人，首次登录须修改密码" in page
    assert r.headers["Cache-Control"] == "no-store"
    otp = _OTP.findall(page)[0]
    assert len(otp) >= 12 and otp != "123456"
    u = user("unitaZhang")
    assert u.unit_id == org.unit_a.id and u.phone == "13800138000"
    assert u.perm_fill and u.perm_change_password and not u.perm_submit
    assert u.must_change_password
    assert otp not in c.get(SUBS).get_data(as_text=True)
    assert audit_actions("account.create")[-1].target_id == u.id

    nc, r = try_login(app, "unitaZhang", otp)
    assert r.status_code == 302 and "/password" in r.headers["Location"]
    assert nc.get(SUBS).status_code == 302  # nothing else before the password is changed


def test_add_rejects_bad_input_next_to_the_field(org, auth, csrf):
    c = auth.client("unita")
    before = db.session.scalar(select(func.count(User.id)))
    r = c.post(SUBS + "add/", data={"username": "张三", "real_name": "张三", "phone": "12345",
                                     "id_card": "330106199005171234", "csrf_token": csrf(c, SUBS + "add/")})
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "用户账号只能由字母和数字组成" in page
    assert "手机号码格式不正确" in page
    assert "身份证号校验位不正确" in page
    r = c.post(SUBS + "add/", data={"username": "unita001", "real_name": "重名", "perm_fill": "y",
                                     "csrf_token": csrf(c, SUBS + "add/")})
    assert "已被使用" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == before


# --- 批量新增账号 ---

def test_batch_creates_sequence_skipping_taken_and_offers_xlsx(org, auth, csrf):
    c = auth.client("unita")
    assert "新增数量" in c.get(SUBS + "batch/").get_data(as_text=True)
    r = c.post(SUBS + "batch/", data={"count": "3", "perm_fill": "y", "perm_edit_info": "y",
                                       "csrf_token": csrf(c, SUBS + "batch/")})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "请将初始密码告知使用人，首次登录须修改密码" in page
    # unita001 and unita002 exist already
    names = re.findall(r"<td>(unita\d{3})</td>", page)
    assert names == ["unita003", "unita004", "unita005"]
    otps = _OTP.findall(page)
    assert len(otps) == 3 and all(len(p) >= 12 and p != "123456" for p in otps)
    for name in names:
        u = user(name)
        assert u.unit_id == org.unit_a.id and u.perm_fill and u.perm_edit_info and not u.perm_submit
        assert u.must_change_password
    assert audit_actions("account.batch_create")

    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    r = c.post(SUBS + "batch/xlsx/", data={"token": token, "csrf_token": csrf(c, SUBS)})
    assert r.status_code == 200
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(BytesIO(r.data)).active
    rows = [tuple(row[:2]) for row in ws.iter_rows(values_only=True)]
    assert rows[0] == ("用户名", "初始密码")
    assert rows[1:] == list(zip(names, otps))
    assert ws.freeze_panes == "A2"          # written by the same exporter as 导出汇总表
    assert "批量新增账号" in unquote(r.headers["Content-Disposition"])


def test_batch_download_refused_to_anyone_else(org, auth, csrf):
    c = auth.client("unita")
    page = c.post(SUBS + "batch/", data={"count": "2", "perm_view": "y",
                                          "csrf_token": csrf(c, SUBS + "batch/")}).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    other = auth.client("unitb")
    r = other.post(SUBS + "batch/xlsx/", data={"token": token, "csrf_token": csrf(other, SUBS)})
    assert r.status_code == 403
    sub = auth.client("unita001")
    r = sub.post(SUBS + "batch/xlsx/", data={"token": token, "csrf_token": csrf(sub, "/password")})
    assert r.status_code == 403
    r = c.post(SUBS + "batch/xlsx/", data={"token": token[:-3] + "abc", "csrf_token": csrf(c, SUBS)})
    assert r.status_code == 400


def test_accounts_without_any_permission_need_a_second_click(org, auth, csrf):
    """No 操作权限 ticked: the page warns that such accounts can do nothing and creates none until
    “确认新增”; ticking a permission instead creates them at once."""
    c = auth.client("unita")
    count = lambda: db.session.scalar(select(func.count(User.id)))  # noqa: E731
    for url, data, made in ((SUBS + "batch/", {"count": "2"}, 2),
                            (SUBS + "add/", {"username": "unitaWang", "real_name": "王五"}, 1)):
        before = count()
        page = c.post(url, data={**data, "csrf_token": csrf(c, url)}).get_data(as_text=True)
        assert "未勾选任何操作权限" in page and "确认新增" in page, url
        assert count() == before
        page = c.post(url, data={**data, "confirm_no_permission": "1", "csrf_token": csrf(c, url)}).get_data(as_text=True)
        assert "请将初始密码告知使用人" in page, url
        assert count() == before + made
    assert not any(getattr(user("unitaWang"), perm) for perm in ("perm_fill", "perm_submit", "perm_view"))


def test_batch_count_out_of_range_creates_nothing(org, auth, csrf):
    c = auth.client("unita")
    before = db.session.scalar(select(func.count(User.id)))
    for count in ["0", "501", "abc", ""]:
        r = c.post(SUBS + "batch/", data={"count": count, "csrf_token": csrf(c, SUBS + "batch/")})
        page = r.get_data(as_text=True)
        assert r.status_code == 200 and "新增数量" in page and "invalid-feedback" in page, count
    assert db.session.scalar(select(func.count(User.id))) == before


# --- 修改 ---

def test_edit_keeps_username_and_saves_details(org, auth, csrf):
    c = auth.client("unita")
    target = org["sub_a_none"]
    url = f"{SUBS}edit/?id={target.id}"
    page = c.get(url).get_data(as_text=True)
    assert "unita002" in page and 'name="username"' not in page
    r = c.post(url, data={"username": "hijacked", "real_name": "李四", "phone": "13900139000",
                          "perm_submit": "y", "csrf_token": csrf(c, url)})
    assert r.status_code == 302
    u = user("unita002")
    assert u is not None and u.real_name == "李四" and u.perm_submit and not u.perm_fill
    assert user("hijacked") is None
    assert audit_actions("account.update")[-1].target_id == u.id


def test_edit_of_other_units_account_is_404(org, auth, csrf):
    c = auth.client("unita")
    other = org["sub_b_full"]
    assert c.get(f"{SUBS}edit/?id={other.id}").status_code == 404
    r = c.post(f"{SUBS}edit/?id={other.id}", data={"real_name": "改名", "csrf_token": csrf(c, SUBS)})
    assert r.status_code == 404
    assert user("unitb001").real_name == "unitb001"


# --- 删除 ---

def test_delete_refused_while_account_owns_materials(org, auth, csrf):
    factories.material(org.projects["xihu_junior"], org["sub_a_full"])
    c = auth.client("unita")
    r = c.post(SUBS + "delete/", data={"id": org["sub_a_full"].id, "csrf_token": csrf(c, SUBS)},
               follow_redirects=True)
    assert "有申报记录，不可删除" in r.get_data(as_text=True)
    assert user("unita001") is not None
    r = post_action(c, csrf, "delete", [org["sub_a_full"].id])
    assert user("unita001") is not None


def test_delete_row_and_bulk(org, auth, csrf):
    c = auth.client("unita")
    ids = [org["sub_a_none"].id, org["sub_a_perm_print"].id]
    r = c.post(SUBS + "delete/", data={"id": ids[0], "csrf_token": csrf(c, SUBS)})
    assert r.status_code == 302 and user("unita002") is None
    post_action(c, csrf, "delete", ids[1:])
    assert user("unitaonlyprint") is None
    assert len(audit_actions("account.delete")) == 2


def test_actions_with_foreign_ids_change_nothing(org, auth, csrf):
    c = auth.client("unita")
    foreign = org["sub_b_full"].id
    for action in ["disable", "delete", "reset_password"]:
        r = post_action(c, csrf, action, [org["sub_a_none"].id, foreign])
        assert r.status_code == 404
    b = user("unitb001")
    assert b.enabled and not b.must_change_password
    assert user("unita002").enabled  # the whole request was refused
    r = c.post(SUBS + "delete/", data={"id": foreign, "csrf_token": csrf(c, SUBS)})
    assert r.status_code == 404 and user("unitb001") is not None


# --- 审核 / 密码重置 ---

def test_disable_then_enable(app, org, auth, csrf):
    c = auth.client("unita")
    target = org["sub_a_full"]
    post_action(c, csrf, "disable", [target.id])
    assert not user("unita001").enabled
    assert "禁用" in c.get(SUBS + "?search=unita001").get_data(as_text=True)
    _, r = try_login(app, "unita001", factories.PASSWORD)
    assert r.status_code == 200 and "已被禁用" in r.get_data(as_text=True)
    post_action(c, csrf, "enable", [target.id])
    assert user("unita001").enabled
    _, r = try_login(app, "unita001", factories.PASSWORD)
    assert r.status_code == 302
    assert audit_actions("account.disable") and audit_actions("account.enable")


def test_reset_password(app, org, auth, csrf):
    c = auth.client("unita")
    r = post_action(c, csrf, "reset_password", [org["sub_a_full"].id, org["sub_a_none"].id])
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "unita001" in page and "unita002" in page
    otps = _OTP.findall(page)
    assert len(otps) == 2 and all(len(p) >= 12 and p != "123456" for p in otps)
    _, r = try_login(app, "unita001", factories.PASSWORD)
    assert "用户名或密码错误" in r.get_data(as_text=True)
    nc, r = try_login(app, "unita001", otps[0])
    assert r.status_code == 302 and "/password" in r.headers["Location"]
    assert len(audit_actions("account.reset_password")) == 2


# --- 基本信息管理 ---

def test_unit_edits_its_basic_info(org, auth, csrf):
    db.session.add(DictItem(kind="unit_nature", code="01", name="民营企业"))
    db.session.commit()
    c = auth.client("unita")
    page = c.get(INFO).get_data(as_text=True)
    for label in ["机构代码", "归口部门", "单位全称", "法定代表人", "联系人", "联系电话", "电子邮箱", "单位地址", "单位性质"]:
        assert f">{label}" in page
    assert org.unit_a.uscc in page and "西湖区人才职改办" in page
    data = {"name": "甲单位科技股份有限公司", "legal_rep": "王五", "contact_name": "赵六", "contact_phone": "0571-87654321",
            "email": "hr@example.com", "address": "杭州市西湖区某路1号", "nature": "民营企业",
            "uscc": "000000000000000000", "department_id": org.edu.id, "rename_reason": "经市场监督管理局核准更名",
            "csrf_token": csrf(c, INFO)}
    assert c.post(INFO, data=data).status_code == 302
    unit = db.session.get(Unit, org.unit_a.id)
    db.session.refresh(unit)
    assert unit.name == "甲单位科技股份有限公司" and unit.nature == "民营企业" and unit.contact_phone == "0571-87654321"
    assert unit.uscc == factories.make_uscc(1) and unit.department_id == org.xihu.id
    assert audit_actions("unit.update_info")


def test_unit_info_bad_input_is_not_stored(org, auth, csrf):
    c = auth.client("unita")
    r = c.post(INFO, data={"name": "", "legal_rep": "王五", "email": "not-an-email", "contact_phone": "12",
                           "nature": "不存在的性质", "csrf_token": csrf(c, INFO)})
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "请填写单位全称" in page and "电子邮箱格式不正确" in page and "联系电话格式不正确" in page
    assert db.session.get(Unit, org.unit_a.id).name == "甲单位科技有限公司"


def test_sub_account_edits_own_info_only_with_permission(org, auth, csrf):
    c = auth.client("unitaonlyeditinfo")
    page = c.get(INFO).get_data(as_text=True)
    assert "姓名" in page and "单位全称" not in page
    r = c.post(INFO, data={"real_name": "钱七", "phone": "13700137000", "email": "q@example.com",
                           "csrf_token": csrf(c, INFO)})
    assert r.status_code == 302
    assert user("unitaonlyeditinfo").real_name == "钱七"
    assert auth.client("unita002").get(INFO).status_code == 403
    assert auth.client("unitaonlyfill").post(INFO, data={"real_name": "x"}).status_code in (400, 403)
    assert user("unitaonlyfill").real_name == "unitaonlyfill"
