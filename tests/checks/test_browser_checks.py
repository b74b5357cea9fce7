"""The checks in a browser: the unit's form warns as the applicant types (the hint asks the server),
and the list's 审核意见 box goes with the 通过 button into the 审核记录."""
import pytest
from sqlalchemy import select

from zhicheng import transaction
from zhicheng.checks import eligibility
from zhicheng.extensions import db
from zhicheng.models import ReviewRecord
from zhicheng.review import workflow

from .. import factories
from ..browser.test_browser_workflow import log_in
from ..browser_helpers import open_actions

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect


def test_the_form_warns_while_typing_and_the_list_passes_with_an_opinion(org, page, tmp_path):
    eligibility.save_rule(org["root"], None, qualification="工程师", education="本科",
                          current_qualification="助理工程师", min_years=4)
    m = factories.material(org.projects["xihu_junior"], org["unit_a"], name="浏览器甲", seq=1)
    transaction.commit()

    log_in(page, "unita")
    page.goto(f"/admin/materials/modify/?id={m.id}")
    hint = page.locator("#eligibility-hint")
    expect(hint).to_contain_text("不符合可申报资格表")
    page.get_by_label("现有资格", exact=True).fill("助理工程师")
    page.get_by_label("取得现有资格时间").fill("2012-07-01")
    page.get_by_label("取得现有资格时间").dispatch_event("change")
    expect(hint).to_contain_text("符合可申报资格表：本科，取得助理工程师满4年")
    page.get_by_label("取得现有资格时间").fill(f"{org.projects['xihu_junior'].year - 1}-07-01")
    page.get_by_label("取得现有资格时间").dispatch_event("change")
    expect(hint).to_contain_text("如确需申报，请勾选“破格申报”")
    page.screenshot(path=str(tmp_path / "form.png"), full_page=True)

    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    transaction.commit()
    page.context.clear_cookies()
    log_in(page, "xihureview")
    page.goto(f"/admin/review/details/?id={m.id}")
    expect(page.locator("#review-checks")).to_contain_text("不符合可申报资格表")
    page.screenshot(path=str(tmp_path / "details.png"), full_page=True)
    page.goto("/admin/review/")
    open_actions(page, "通过")
    row = page.locator("tr", has_text=m.number)
    expect(row).to_contain_text("不符合申报条件")
    page.get_by_label("审核意见（选填）").fill("学历证书已核验，同意上报")
    row.locator("input.action-checkbox").check()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="通过", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("已审核通过1份材料")
    page.screenshot(path=str(tmp_path / "list.png"), full_page=True)
    db.session.expire_all()
    reason = db.session.scalar(select(ReviewRecord.reason).where(ReviewRecord.material_id == m.id,
                                                                 ReviewRecord.action == "approve"))
    assert reason == "学历证书已核验，同意上报"
