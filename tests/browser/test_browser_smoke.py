import pytest

from .. import factories

pytestmark = pytest.mark.browser


def test_unit_logs_in_and_sees_projects(org, page):
    page.goto("/")
    page.get_by_label("用户名").fill("unita")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/")
    assert page.locator("#unit-counts").get_by_text("中级初定项目").is_visible()
