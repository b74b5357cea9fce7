"""Issues #3 and #4 end to end in a browser, following the 单位用户使用手册: a unit fills and
submits materials, departments return and pass them, the unit prints and exports, and 修改归口部门
sends submitted materials back to 待上报."""
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from .. import factories
from ..browser_helpers import log_in, log_out
from ..browser_helpers import open_actions, open_menu

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

XIHU_JUNIOR = "西湖区初级初定项目"
MIDDLE = "中级初定项目"


def tiny_pdf(path):
    """A valid one-page PDF (the 评审表 upload)."""
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path))
    c.drawString(72, 720, "Review form")
    c.showPage()
    c.save()
    return path


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- what a user does, step by step --------------------------------------------------------

def switch_user(page, username: str) -> None:
    log_out(page)
    log_in(page, username, landing="**/admin/")


def go_home(page) -> None:
    """Click 首页 in the menu bar and wait for the counts. On a busy machine a click that lands
    while the page before is still loading can be lost (the page stays where it was): click
    again, as a person would."""
    link = page.get_by_role("navigation").get_by_role("link", name="首页", exact=True)
    counts = page.locator("#unit-counts")
    for _ in range(4):
        page.wait_for_load_state("load")
        link.click()
        try:
            counts.wait_for(state="visible", timeout=5000)
            return
        except Exception:
            continue
    expect(counts).to_be_visible()


def expect_counts(page, project, **counts) -> None:
    """The home page's cells of one project: expect_counts(page, p, draft=1, in_review=0)."""
    go_home(page)
    row = page.locator(f'#unit-counts tr[data-project="{project.id}"]')
    for state, n in counts.items():
        expect(row.locator(f'td[data-state="{state}"]')).to_have_text(str(n))


def tick(page, name: str) -> None:
    page.get_by_role("row").filter(has_text=name).get_by_role("checkbox").check()


def with_selected(page, action: str) -> None:
    open_actions(page, action)
    page.get_by_role("button", name=action, exact=True).click()


def flash(page, text: str) -> None:
    """The message shown above the page after an action."""
    expect(page.get_by_text(text)).to_be_visible()


def fill_material(page, project_name: str, name: str, seq: int, tmp_path) -> str:
    """填写材料 for one project through every tab, 保存; returns the material's number."""
    birth = date(1988, 3, 9)
    open_menu(page, "专业技术资格初定认定", "填写材料")
    page.get_by_role("row").filter(has_text=project_name).get_by_role("link", name="填写材料").click()
    expect(page.get_by_role("heading", name="填写申报材料")).to_be_visible()

    basic = page.get_by_role("tabpanel")
    basic.get_by_label("姓名").fill(name)
    basic.get_by_label("性别").select_option("女")
    basic.get_by_label("出生日期").fill(birth.isoformat())
    basic.get_by_label("身份证号").fill(factories.make_id_card(birth, seq))
    basic.get_by_label("手机").fill("13812345678")
    basic.get_by_label("参加工作时间").fill("2010-07-01")
    basic.get_by_label("现从事专业").fill("建筑工程")
    basic.get_by_label("申报系列").fill("工程")
    basic.get_by_label("申报专业").fill("建筑工程")
    basic.get_by_label("申报资格名称").fill("助理工程师")
    basic.get_by_label("学历", exact=True).fill("本科")

    page.get_by_role("tab", name="学历学位").click()
    rows = page.get_by_role("tabpanel")
    rows.get_by_label("开始时间").fill("2006-09-01")
    rows.get_by_label("结束时间").fill("2010-06-30")
    rows.get_by_label("学校").fill("浙江大学")
    rows.get_by_label("专业", exact=True).fill("土木工程")
    rows.get_by_label("学历", exact=True).fill("本科")
    rows.get_by_label("学位").fill("学士")

    page.get_by_role("tab", name="工作经历").click()
    rows = page.get_by_role("tabpanel")
    rows.get_by_label("开始时间").fill("2010-07-01")
    rows.get_by_label("工作单位").fill("甲单位科技有限公司")
    rows.get_by_label("职务").fill("技术员")
    rows.get_by_label("工作内容").fill("施工现场技术管理")

    page.get_by_role("tab", name="专业技术工作业绩").click()
    page.get_by_label("专业技术工作业绩").fill("主持完成某住宅小区施工组织设计。")

    page.get_by_role("tab", name="附件").click()
    page.get_by_label("评审表").set_input_files(tiny_pdf(tmp_path / f"评审表{seq}.pdf"))

    page.get_by_role("button", name="保存").click()
    saved = page.get_by_text("保存成功，材料编号：")
    expect(saved).to_be_visible()
    number = saved.inner_text().split("材料编号：")[1].strip()
    expect(page.get_by_role("heading", name=re.compile("修改申报材料"))).to_contain_text(number)
    page.get_by_role("tab", name="附件").click()
    expect(page.locator("#attachments")).to_contain_text(f"评审表{seq}.pdf")
    return number


def submit(page, name: str) -> None:
    """上报材料: tick, 上报, 操作人姓名 and 联系电话, 提交."""
    open_menu(page, "专业技术资格初定认定", "上报材料")
    tick(page, name)
    with_selected(page, "上报")
    expect(page.get_by_role("heading", name="上报材料", level=2)).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=name)).to_be_visible()
    page.get_by_label("操作人姓名").fill("周经办")
    page.get_by_label("联系电话").fill("13700137000")
    page.get_by_role("button", name="提交").click()
    flash(page, "已上报1份材料")


def review(page, name: str, action: str, reason: str | None = None) -> None:
    """待审核材料: tick, 通过 (confirmed) or 退回 with a reason."""
    open_menu(page, "材料审核", "待审核材料")
    tick(page, name)
    with_selected(page, action)
    if action == "退回":
        expect(page.get_by_role("heading", name="退回材料")).to_be_visible()
        page.get_by_label("退回理由").fill(reason)
        page.get_by_role("button", name="退回").click()
        flash(page, "已退回1份材料")
    else:
        flash(page, "已审核通过1份材料")
    expect(page.get_by_role("row").filter(has_text=name)).to_have_count(0)


@pytest.fixture
def unit_page(org, page):
    page.on("dialog", lambda dialog: dialog.accept())  # the 通过 confirmation
    log_in(page, "unita", landing="**/admin/")
    return page


# --- the tests -----------------------------------------------------------------------------

def test_junior_material_is_returned_fixed_resubmitted_and_approved_then_printed_and_exported(
        org, unit_page, tmp_path):
    page, project = unit_page, org.projects["xihu_junior"]
    expect_counts(page, project, draft=0, in_review=0, returned=0, approved=0)

    number = fill_material(page, XIHU_JUNIOR, "吴初定", 11, tmp_path)
    expect_counts(page, project, draft=1, in_review=0)

    submit(page, "吴初定")
    expect_counts(page, project, draft=0, in_review=1)

    # 西湖区人才职改办 returns it with a reason.
    switch_user(page, "xihureturn")
    open_menu(page, "材料审核", "待审核材料")
    open_actions(page, "退回")
    expect(page.get_by_role("button", name="退回", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="通过", exact=True, include_hidden=True)).to_have_count(0)  # no 审核 role
    review(page, "吴初定", "退回", "业绩材料不完整，请补充")

    # The unit sees it among 被退回的材料, reads why in 审核记录, fixes it and submits again.
    switch_user(page, "unita")
    expect_counts(page, project, returned=1, in_review=0)
    open_menu(page, "专业技术资格初定认定", "被退回的材料")
    returned = page.get_by_role("row").filter(has_text="吴初定")
    expect(returned).to_contain_text("业绩材料不完整，请补充")
    returned.get_by_role("link", name=number).click()
    records = page.get_by_role("tabpanel")  # opens on 审核记录 for a returned material
    expect(page.get_by_role("tab", name="审核记录")).to_have_class(re.compile("active"))
    expect(records.get_by_role("row").filter(has_text="业绩材料不完整，请补充")).to_contain_text("西湖区人才职改办")
    page.get_by_role("tab", name="基本信息").click()
    page.get_by_role("tabpanel").get_by_label("手机").fill("13955556666")
    page.get_by_role("button", name="保存").click()
    flash(page, f"材料{number}已保存")
    # The saved form opens again on 审核记录 (still a returned material). Its tabs switch through
    # Bootstrap's script: on a busy machine a click before the page's scripts have run does nothing.
    expect(page.get_by_role("tab", name="审核记录")).to_have_class(re.compile("active"))
    page.wait_for_load_state("load")
    page.get_by_role("tab", name="基本信息").click()
    expect(page.get_by_role("tab", name="基本信息")).to_have_class(re.compile("active"))
    expect(page.get_by_role("tabpanel").get_by_label("手机")).to_have_value("13955556666")
    submit(page, "吴初定")
    expect_counts(page, project, returned=0, in_review=1)

    # The issuing department passes it: 审核通过 at once.
    switch_user(page, "xihureview")
    review(page, "吴初定", "通过")
    switch_user(page, "unita")
    expect_counts(page, project, draft=0, in_review=0, returned=0, approved=1)

    # 进入打印 → 打印初定表: a PDF with the applicant in it.
    open_menu(page, "专业技术资格初定认定", "进入打印")
    link = page.get_by_role("row").filter(has_text="吴初定").get_by_role("link", name="打印初定表")
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = squeeze("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages))
    assert "吴初定" in text and "13955556666" in text and "未上报" not in text

    # 导出汇总表: the workbook holds the applicant's row.
    open_menu(page, "专业技术资格初定认定", "导出汇总表")
    expect(page.locator("#export-preview").get_by_role("row").filter(has_text="吴初定")).to_contain_text("审核通过")
    with page.expect_download() as download_info:
        # the page's green button (the menu's entry of the same name may still be shown open)
        page.locator("#export-download").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = load_workbook(saved).active
    rows = [[str(v) if v is not None else "" for v in row] for row in sheet.iter_rows(values_only=True)]
    mine = [r for r in rows if "吴初定" in r]
    assert len(mine) == 1 and number in mine[0] and factories.make_id_card(date(1988, 3, 9), 11) in mine[0]


def test_middle_material_passes_the_district_then_the_city_office(org, unit_page, tmp_path):
    page, project = unit_page, org.projects["middle"]
    fill_material(page, MIDDLE, "郑中级", 12, tmp_path)
    expect_counts(page, project, draft=1)
    submit(page, "郑中级")
    expect_counts(page, project, draft=0, in_review=1)

    # 西湖区人才职改办 passes it on; it is still 审核中, now at the city office.
    switch_user(page, "xihureview")
    review(page, "郑中级", "通过")
    switch_user(page, "unita")
    expect_counts(page, project, in_review=1, approved=0)
    open_menu(page, "专业技术资格初定认定", "上报材料跟踪")
    expect(page.get_by_role("row").filter(has_text="郑中级")).to_contain_text(org.root.name)

    # The city office (which issued the project) passes it: 审核通过.
    switch_user(page, "rootadmin")
    review(page, "郑中级", "通过")
    switch_user(page, "unita")
    expect_counts(page, project, in_review=0, approved=1)


def test_change_of_department_sends_submitted_materials_back(org, unit_page, tmp_path):
    page, project = unit_page, org.projects["middle"]
    fill_material(page, MIDDLE, "王改部", 13, tmp_path)
    submit(page, "王改部")
    expect_counts(page, project, draft=0, in_review=1)

    open_menu(page, "后台管理", "修改归口部门")
    expect(page.locator("#current-department")).to_have_text(org.xihu.name)
    expect(page.locator("#affected-count")).to_have_text("1")
    page.get_by_label("新归口部门").select_option(label=org.talent.name)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("请勾选确认后再保存")).to_be_visible()  # nothing moves without it
    expect(page.locator("#current-department")).to_have_text(org.xihu.name)

    page.get_by_label("新归口部门").select_option(label=org.talent.name)
    page.get_by_label("我已知晓").check()
    page.get_by_role("button", name="保存").click()
    flash(page, f"归口部门已修改为“{org.talent.name}”，1份材料已退回到“待上报”状态")
    expect(page.locator("#current-department")).to_have_text(org.talent.name)
    expect_counts(page, project, draft=1, in_review=0)

    # 西湖区人才职改办 no longer sees it.
    switch_user(page, "xihureview")
    open_menu(page, "材料审核", "待审核材料")
    expect(page.get_by_role("row").filter(has_text="王改部")).to_have_count(0)
