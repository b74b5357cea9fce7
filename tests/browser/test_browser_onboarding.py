"""Issue #2 end to end in a browser: a unit registers, logs in, creates a sub-account, and the
sub-account logs in with its one-time password, changes it and sees only what it was given."""
import re
import struct
import zlib

import pytest
from stdnum.cn import uscc

from ..browser_helpers import log_in, log_out, open_menu

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect


def tiny_png() -> bytes:
    """A valid 1×1 white PNG (the 机构代码证 scan)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def test_unit_registers_and_sets_up_a_sub_account(org, page, tmp_path):
    body = "91330106MA2B" + "12345"
    code = body + uscc.calc_check_digit(body)
    scan = tmp_path / "机构代码证.png"
    scan.write_bytes(tiny_png())

    # 单位注册 from the home page.
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="单位注册").click()
    expect(page.get_by_role("heading", name="单位注册")).to_be_visible()
    page.get_by_role("textbox", name="机构代码", exact=True).fill(code)
    page.get_by_label("法定代表人").fill("钱注册")
    page.get_by_label("单位全称").fill("杭州新注册科技有限公司")
    page.get_by_label("归口部门").select_option(label=org.xihu.name)
    page.get_by_label("用户账号").fill("newunit")
    page.get_by_label("登录密码").fill("Register123")
    page.get_by_label("确认密码").fill("Register123")
    page.get_by_label("电子邮箱").fill("hr@newunit.example.com")
    page.get_by_label("机构代码证").set_input_files(scan)
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("alert")).to_have_text("注册成功，请登录")

    # The new unit logs in and adds a sub-account with 填写材料 and 修改密码.
    log_in(page, "newunit", "Register123", landing=None, open_form=False)
    expect(page.get_by_text("单位用户：")).to_be_visible()
    expect(page.get_by_text("（杭州新注册科技有限公司）")).to_be_visible()
    open_menu(page, "后台管理", "工作账号管理")
    page.get_by_role("link", name="添加", exact=True).click()
    expect(page.get_by_role("heading", name="添加工作账号")).to_be_visible()
    page.get_by_label("用户名").fill("newunit001")
    page.get_by_label("姓名").fill("孙填报")
    page.get_by_label("手机").fill("13900139000")
    page.get_by_label("填写材料").check()
    page.get_by_label("修改密码").check()
    page.get_by_role("button", name="保存").click()

    otp_row = page.locator("#otp-table").get_by_role("row").filter(has_text="newunit001")
    expect(otp_row).to_contain_text("孙填报")
    one_time = otp_row.locator("code").inner_text().strip()
    assert len(one_time) >= 8
    page.get_by_role("link", name="返回列表").click()
    listed = page.get_by_role("row").filter(has_text="newunit001")
    expect(listed).to_contain_text("填写材料")
    expect(listed).to_contain_text("修改密码")
    expect(listed).not_to_contain_text("上报材料")
    log_out(page)

    # The sub-account logs in with the one-time password and must change it first.
    log_in(page, "newunit001", one_time, landing=None, open_form=False)
    page.wait_for_url("**/password")
    expect(page.get_by_text("首次登录或密码已被重置，请设置新密码后继续使用。")).to_be_visible()
    expect(page.get_by_label("原密码")).to_have_count(0)
    page.get_by_label(re.compile(r"^新密码")).fill("Changed456")
    page.get_by_label("确认新密码").fill("Changed456")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/admin/")
    expect(page.get_by_text("密码修改成功")).to_be_visible()
    expect(page.get_by_text("工作账号：孙填报（杭州新注册科技有限公司）")).to_be_visible()

    # Its menu holds 管理材料 but no 工作账号管理, and the page itself is refused.
    nav = page.get_by_role("navigation")
    nav.get_by_role("link", name="专业技术资格初定认定").click()
    expect(nav.get_by_role("link", name="管理材料")).to_be_visible()
    expect(nav.get_by_role("link", name="工作账号管理", include_hidden=True)).to_have_count(0)
    expect(nav.get_by_role("link", name="上报材料", include_hidden=True)).to_have_count(0)
    expect(nav.get_by_role("link", name="密码修改")).to_be_visible()
    assert page.request.get("/admin/sub_accounts/").status == 403

    # The new password works; the one-time password no longer does.
    log_out(page)
    log_in(page, "newunit001", one_time, landing=None, open_form=False)
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误")
    log_in(page, "newunit001", "Changed456", landing=None, open_form=False)
    page.wait_for_url("**/admin/")
    expect(page.locator("#unit-counts")).to_contain_text(org.projects["xihu_junior"].name)
