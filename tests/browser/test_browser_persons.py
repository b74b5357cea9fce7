"""个人端 end to end in Chromium: a person registers with an SMS code, asks to join unit A, the unit
confirms him; he adds a 工作业绩 row and his 身份证照片 to his 档案, applies from it, uploads a file,
prints and 提交 to the unit; the unit writes its 单位意见 and 上报 into the chain."""
import io
import re
from pathlib import Path

import pytest

from .. import factories
from ..browser_helpers import image_width, log_in, log_out, open_menu

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=20_000)  # the machine may be loaded

PASSWORD = "Geren2026ok"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def sms_code(app, phone: str) -> str:
    for path in sorted(Path(app.config["SMS_OUTBOX_DIR"]).glob("*.txt"), reverse=True):
        text = path.read_text(encoding="utf-8")
        if text.startswith(f"To: {phone}\n"):
            return re.search(r"验证码为(\d{6})", text).group(1)
    raise AssertionError("no SMS")


def _png(color) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (86, 54), color).save(out, "PNG")
    return out.getvalue()


def test_a_person_registers_joins_applies_and_the_unit_confirms_and_reports(app, org, page, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())  # 提交单位's confirmation
    scan = tmp_path / "论文.pdf"
    scan.write_bytes(PDF)
    phone, id_number = "13711112222", factories.make_id_card(seq=881)

    # 注册 with an SMS code.
    page.goto("/person/register")
    page.wait_for_load_state("load")
    page.get_by_label("姓名").fill("郑申报")
    page.get_by_label("证件号码").fill(id_number)
    page.get_by_label("手机号").fill(phone)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_load_state("load")
    page.get_by_label("短信验证码").fill(sms_code(app, phone))
    page.get_by_label("登录密码").fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_label("我已阅读并同意《用户协议》").check()
    page.get_by_label("我已阅读并同意《隐私政策》").check()
    page.get_by_role("button", name="注册", exact=True).click()
    page.wait_for_url("**/login**")
    expect(page.get_by_role("alert")).to_contain_text("注册成功")

    # 所属单位: find unit A by name and ask to join.
    log_in(page, phone, PASSWORD, landing=None)
    open_menu(page, "个人申报", "所属单位")
    page.get_by_label("单位名称或统一社会信用代码").fill("甲单位")
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state("load")
    page.locator("#unit-results").get_by_role("button", name="申请加入").click()
    expect(page.locator("#current-unit")).to_contain_text("等待单位确认")
    log_out(page)

    # The unit confirms him: he is in its 工作人员, by 证件号码.
    log_in(page, "unita", factories.PASSWORD, landing=None)
    open_menu(page, "个人申报管理", "工作人员")
    page.locator("#pending-people").get_by_role("button", name="确认").click()
    expect(page.locator("#confirmed-people")).to_contain_text(id_number)
    log_out(page)

    # His 档案: one 工作业绩 row, and both sides of his 身份证 on 基础信息.
    log_in(page, phone, PASSWORD, landing=None)
    open_menu(page, "个人档案", "工作业绩")
    page.get_by_role("link", name="新建").click()
    page.wait_for_load_state("load")
    page.get_by_label("开始时间").fill("2019-03-01")
    page.get_by_label("业绩名称（项目、任务）").fill("智慧园区管理平台")
    page.get_by_label("本人角色").fill("项目负责人")
    page.get_by_label("主要内容").fill("主持平台架构设计")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("table.model-list")).to_contain_text("智慧园区管理平台")
    open_menu(page, "个人档案", "基础信息")
    page.get_by_label("身份证正面（人像面）").set_input_files(
        files=[{"name": "身份证正面.png", "mimeType": "image/png", "buffer": _png((20, 90, 160))}])
    page.get_by_label("身份证反面（国徽面）").set_input_files(
        files=[{"name": "身份证反面.png", "mimeType": "image/png", "buffer": _png((160, 90, 20))}])
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("基础信息已保存")).to_be_visible()
    front = page.locator("#id-photo-front")
    expect(front).to_be_visible()
    assert image_width(page, front) > 0  # served to himself

    # He applies: the material comes from his 档案 (工作业绩, 身份证照片); a file; 打印申报表; 提交单位.
    open_menu(page, "个人申报", "我的申报")
    page.get_by_role("link", name="新建申报").click()
    page.wait_for_load_state("load")
    page.locator("#plain-projects tr", has_text="中级初定项目").get_by_role("button", name="申报").click()
    expect(page.locator("#material-state")).to_have_text("待提交")
    expect(page.locator("#f-achievements")).to_contain_text("【工作业绩】2019-03—至今 智慧园区管理平台")
    expect(page.locator("#file-table")).to_contain_text("身份证反面（国徽面）")
    page.get_by_label("附件类别").select_option(label="论文专著")
    page.get_by_label("附件名称").fill("代表作论文")
    page.get_by_label("附件说明").fill("第一作者")
    page.get_by_label("选择文件").set_input_files(scan)
    page.get_by_role("button", name="上传文件").click()
    expect(page.locator("#file-table")).to_contain_text("代表作论文")
    with page.expect_popup() as popup:
        page.get_by_role("link", name="打印申报表").click()
    popup.value.close()
    page.get_by_role("button", name="提交单位").click()
    expect(page.locator("#material-state")).to_have_text("单位审核中")
    log_out(page)

    # The unit makes its electronic seal from a scan (单位证照与签章), then writes its 单位意见 and 上报.
    log_in(page, "unita", factories.PASSWORD, landing=None)
    from ..org.seal_scans import scan_bytes
    page.goto("/admin/unit_files/")
    page.wait_for_load_state("load")
    page.get_by_label("单位公章扫描件").set_input_files(
        files=[{"name": "公章扫描件.jpg", "mimeType": "image/jpeg", "buffer": scan_bytes()}])
    page.get_by_role("button", name="上传并生成电子签章").click()
    expect(page.get_by_text("电子签章已生成")).to_be_visible()
    seal = page.locator("#seal-preview")
    expect(seal).to_be_visible()
    assert image_width(page, seal) > 0  # the PNG is served
    open_menu(page, "个人申报管理", "个人申报审核")
    page.locator("#person-applications").get_by_role("link", name="审核").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", name=re.compile("个人申报审核 · "))).to_be_visible()
    expect(page.locator("#file-table")).to_contain_text("身份证正面（人像面）")
    page.locator("#unit-opinion").fill("情况属实，同意推荐")
    page.get_by_role("button", name="保存单位意见").click()
    expect(page.get_by_text("单位意见已保存")).to_be_visible()
    page.get_by_label("操作人姓名").fill("王经办")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_role("button", name="上报").click()
    expect(page.locator("#material-state")).to_have_text("审核中")
    expect(page.locator("#progress")).to_contain_text("西湖区人才职改办")
