"""The page frame at the screen widths offices use: the top bar keeps 帮助, 密码修改 and 退出 whole
and on one line, the icon and the bundled font load, list actions are buttons."""
import pytest

from ..browser_helpers import log_in
from ..boards.world import populate_boards

pytestmark = pytest.mark.browser

ROLES = ["rootadmin", "xihuadmin", "xihureview", "unita", "unita001", "gerena", "experta"]


def boxes(page, names):
    bar = page.get_by_role("navigation")
    return {name: bar.get_by_role("link", name=name, exact=True).or_(
        bar.get_by_role("button", name=name, exact=True)).first.bounding_box() for name in names}


@pytest.mark.parametrize("width", [1024, 1366])
def test_top_bar_keeps_each_entry_on_one_line(org, page, width):
    populate_boards(org)
    page.set_viewport_size({"width": width, "height": 768})
    for username in ROLES:
        log_in(page, username)
        names = ["帮助", "退出"]
        if page.get_by_role("navigation").get_by_role("link", name="密码修改").count():
            names.append("密码修改")
        got = boxes(page, names)
        heights = [b["height"] for b in got.values()]
        tops = [b["y"] for b in got.values()]
        # One text line each (a wrapped entry is two lines: twice as tall), all on the same row,
        # and inside the window.
        assert max(heights) < 1.5 * min(heights), (username, width, got)
        assert max(tops) - min(tops) < 4, (username, width, got)
        assert all(b["x"] + b["width"] <= width for b in got.values()), (username, width, got)
        page.context.clear_cookies()


def test_icon_and_font_load_and_actions_are_buttons(org, page):
    log_in(page, "xihureturn")
    page.goto("/admin/review/")
    page.wait_for_load_state("load")
    # A computer without Chinese fonts gets the bundled one (this Chromium may have none).
    assert page.evaluate("""async () => {
        await document.fonts.load('16px "Zhicheng Serif SC"', '职称申报');
        return document.fonts.check('16px "Zhicheng Serif SC"', '职称申报');
    }""")
    assert page.get_by_role("button", name="退回", exact=True).is_visible()
    assert page.get_by_role("button", name="选中的").count() == 0
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    for url in (icon, "/favicon.ico"):  # the page's icon, and the address browsers ask by themselves
        response = page.goto(url)
        assert response.status == 200 and response.headers["content-type"].startswith("image/"), url
