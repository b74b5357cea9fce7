"""单位注册: what a unit sees on the page, and what ends up stored (or not)."""
import io
import os

import pytest
from sqlalchemy import func, select

from zhicheng.extensions import db
from zhicheng.models import AuditLog, Unit, User

from ..factories import make_uscc

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
NEW_CODE = make_uscc(501)
REGISTRY_CODE = make_uscc(900)  # in the 单位名录 of build_org, legal representative 赵名录


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def uploads(app) -> list[str]:
    path = app.config["UPLOAD_DIR"]
    return os.listdir(path) if os.path.isdir(path) else []


@pytest.fixture
def register(client, csrf):
    def post(license=(PDF, "机构代码证.pdf"), **fields):
        data = {"uscc": NEW_CODE, "legal_rep": "钱新", "name": "新注册的科技有限公司", "department_id": "",
                "username": "newunit", "password": "Secret123", "confirm": "Secret123",
                "email": "hr@newunit.example.com", "legacy_reason": ""}
        data.update(fields)
        data["csrf_token"] = csrf(client, "/register")
        if license is not None:
            data["license"] = (io.BytesIO(license[0]), license[1])
        return client.post("/register", data=data, content_type="multipart/form-data")
    return post


def test_register_page_has_the_manual_labels(org, client):
    page = client.get("/register").get_data(as_text=True)
    for label in ["机构代码", "法定代表人", "单位全称", "归口部门", "用户账号", "登录密码", "确认密码", "电子邮箱",
                  "单位类型", "单位行业", "单位所在地", "单位地址", "营业执照（机构代码证）", "旧代码说明"]:
        assert f">{label}<" in page or f">{label}<span" in page
    assert org.xihu.name in page and org.edu_sub.name in page
    assert f'value="{org.root.id}"' not in page  # the root office is not a 归口部门


def test_successful_registration_creates_unit_and_account_that_can_log_in(app, org, client, register, auth):
    r = register(department_id=str(org.xihu.id))
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    assert "注册成功，请登录" in client.get("/login").get_data(as_text=True)

    unit = db.session.scalar(select(Unit).where(Unit.uscc == NEW_CODE))
    assert unit.name == "新注册的科技有限公司" and unit.department_id == org.xihu.id
    assert unit.license_file in uploads(app) and unit.license_name == "机构代码证.pdf"
    account = db.session.scalar(select(User).where(User.username == "newunit"))
    assert account.is_unit and account.unit_id == unit.id and not account.must_change_password
    assert account.email == "hr@newunit.example.com"
    assert "Secret123" not in account.password_hash
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "unit.register"))
    assert row.target_id == unit.id and row.actor_id == account.id

    c = auth.client("newunit", "Secret123")
    assert c.get("/admin/").status_code == 200


def test_same_code_twice_in_one_department_is_refused(app, org, register):
    assert register(department_id=str(org.xihu.id)).status_code == 302
    units, users, files = count(Unit), count(User), len(uploads(app))

    r = register(department_id=str(org.xihu.id), username="otherunit")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "一个机构代码在一个归口部门只能注册一次" in page
    assert (count(Unit), count(User), len(uploads(app))) == (units, users, files)
    assert db.session.scalar(select(User).where(User.username == "otherunit")) is None


def test_same_code_under_another_department_is_accepted(org, register):
    assert register(department_id=str(org.xihu.id)).status_code == 302
    r = register(department_id=str(org.talent.id), username="otherunit")
    assert r.status_code == 302
    depts = set(db.session.scalars(select(Unit.department_id).where(Unit.uscc == NEW_CODE)))
    assert depts == {org.xihu.id, org.talent.id}


def test_registry_fills_the_name_and_needs_no_scan(org, register):
    r = register(uscc=REGISTRY_CODE, legal_rep="赵名录", name="随便填的名字", department_id=str(org.edu.id),
                 license=None)
    assert r.status_code == 302
    unit = db.session.scalar(select(Unit).where(Unit.uscc == REGISTRY_CODE))
    assert unit.name == "名录内的杭州某某有限公司"
    assert unit.in_registry and unit.license_file is None


def test_registry_lookup_endpoint(org, client):
    found = client.get("/register/lookup", query_string={"uscc": REGISTRY_CODE.lower(), "legal_rep": "赵名录"}).json
    assert found == {"found": True, "name": "名录内的杭州某某有限公司"}
    wrong_rep = client.get("/register/lookup", query_string={"uscc": REGISTRY_CODE, "legal_rep": "别人"}).json
    assert wrong_rep["found"] is False and wrong_rep["name"] == ""


def test_unknown_code_without_scan_is_refused(org, register):
    r = register(department_id=str(org.xihu.id), license=None)
    assert "请上传机构代码证的扫描件" in r.get_data(as_text=True)
    assert db.session.scalar(select(Unit).where(Unit.uscc == NEW_CODE)) is None


def test_unknown_code_needs_a_typed_name(org, register):
    r = register(department_id=str(org.xihu.id), name="  ")
    assert "请手动填写单位全称" in r.get_data(as_text=True)
    assert db.session.scalar(select(Unit).where(Unit.uscc == NEW_CODE)) is None


@pytest.mark.parametrize("code, message", [
    ("91330106MA0000001", "统一社会信用代码应为18位"),
    ("91330106MAI000001X", "不含I、O、Z、S、V"),
    ("", "请填写机构代码"),
])
def test_bad_uscc_shows_the_error_and_stores_nothing(app, org, register, code, message):
    units, users, logs = count(Unit), count(User), count(AuditLog)
    r = register(uscc=code, department_id=str(org.xihu.id))
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert message in page and "is-invalid" in page
    assert (count(Unit), count(User), count(AuditLog)) == (units, users, logs)
    assert uploads(app) == []


def test_legacy_code_needs_a_reason_which_is_stored(app, org, register):
    legacy = NEW_CODE[:-1] + ("A" if NEW_CODE[-1] != "A" else "B")
    r = register(uscc=legacy, department_id=str(org.xihu.id))
    page = r.get_data(as_text=True)
    assert "校验位不正确" in page and "旧代码说明" in page
    assert count(Unit) == 2 and uploads(app) == []

    r = register(uscc=legacy, department_id=str(org.xihu.id), legacy_reason="2015年前取得的旧证，尚未换发")
    assert r.status_code == 302
    unit = db.session.scalar(select(Unit).where(Unit.uscc == legacy))
    assert unit.legacy_code_reason == "2015年前取得的旧证，尚未换发"


def test_reason_is_not_stored_for_a_valid_code(org, register):
    assert register(department_id=str(org.xihu.id), legacy_reason="无关的说明").status_code == 302
    assert db.session.scalar(select(Unit).where(Unit.uscc == NEW_CODE)).legacy_code_reason is None


def test_username_of_a_sub_account_is_refused(org, register):
    r = register(department_id=str(org.xihu.id), username="UnitA001")
    assert "用户账号“UnitA001”已被使用" in r.get_data(as_text=True)
    assert db.session.scalar(select(Unit).where(Unit.uscc == NEW_CODE)) is None


def test_text_file_renamed_pdf_is_refused(app, org, register):
    r = register(department_id=str(org.xihu.id), license=(b"just some text, not a scan\n" * 10, "scan.pdf"))
    assert "文件格式不正确" in r.get_data(as_text=True)
    assert db.session.scalar(select(Unit).where(Unit.uscc == NEW_CODE)) is None
    assert uploads(app) == []


def test_good_scan_with_other_errors_leaves_no_file_behind(app, org, register):
    r = register(department_id=str(org.xihu.id), password="short", confirm="short")
    assert "密码至少8位" in r.get_data(as_text=True)
    assert uploads(app) == []


@pytest.mark.parametrize("fields, message", [
    ({"confirm": "Secret124"}, "两次输入的密码不一致"),
    ({"password": "12345678", "confirm": "12345678"}, "须同时包含字母和数字"),
    ({"username": "新单位"}, "只能由字母和数字组成"),
    ({"email": "not-an-address"}, "电子邮箱格式不正确"),
    ({"email": ""}, "请填写电子邮箱"),
    ({"legal_rep": ""}, "请填写法定代表人"),
    ({"department_id": ""}, "请选择归口部门"),
])
def test_each_bad_field_gets_its_message(org, register, fields, message):
    fields.setdefault("department_id", str(org.xihu.id))
    r = register(**fields)
    assert r.status_code == 200
    assert message in r.get_data(as_text=True)
    assert db.session.scalar(select(Unit).where(Unit.uscc == NEW_CODE)) is None


def test_root_office_cannot_be_chosen(org, register):
    r = register(department_id=str(org.root.id))
    assert "请选择归口部门" in r.get_data(as_text=True)
    assert count(Unit) == 2


def test_register_without_csrf_token_is_refused(org, client):
    r = client.post("/register", data={"uscc": NEW_CODE, "username": "x1234"})
    assert r.status_code == 400
    assert count(Unit) == 2


@pytest.mark.browser
def test_registry_name_fills_itself_while_typing(org, page):
    page.goto("/register")
    page.get_by_role("textbox", name="机构代码", exact=True).fill(REGISTRY_CODE)
    page.get_by_label("法定代表人").fill("赵名录")
    page.get_by_label("法定代表人").blur()
    name = page.get_by_label("单位全称")
    # expect() polls from Playwright's side: the page's Content-Security-Policy forbids the eval
    # that wait_for_function needs once it has to poll.
    from playwright.sync_api import expect
    expect(name).to_have_value("名录内的杭州某某有限公司")
    assert name.get_attribute("readonly") is not None
    assert page.get_by_text("已根据单位名录自动识别单位名称").is_visible()

    page.get_by_label("归口部门").select_option(label=org.talent.name)
    page.get_by_label("用户账号").fill("browserunit")
    page.get_by_label("登录密码").fill("Secret123")
    page.get_by_label("确认密码").fill("Secret123")
    page.get_by_label("电子邮箱").fill("hr@browser.example.com")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/login")
    assert page.get_by_text("注册成功，请登录").is_visible()


@pytest.mark.parametrize("bad", ["99999999999999999999", "-2", "٣", "2.0", " "])
def test_a_department_that_is_not_an_id_is_asked_for_again(app, org, register, bad):
    """归口部门 of a tampered form: the page again with its message, nothing registered (never a 500)."""
    r = register(department_id=bad)
    assert r.status_code == 200
    assert "请选择归口部门" in r.get_data(as_text=True)
    assert db.session.scalar(select(Unit).where(Unit.uscc == NEW_CODE)) is None
