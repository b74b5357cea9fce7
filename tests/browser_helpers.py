"""What the browser tests share."""
from __future__ import annotations

from playwright.sync_api import expect

from . import factories


def log_in(page, username: str, password: str = factories.PASSWORD, *, landing: str | None = "**/admin/**",
           open_form: bool = True) -> None:
    """Sign in through the login form (opened first unless the page shows it already), then wait
    for the page it lands on (`landing`, a URL pattern; None: wherever it goes)."""
    if open_form:
        page.goto("/login")
    page.wait_for_load_state("load")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if landing:
        page.wait_for_url(landing)
    page.wait_for_load_state("load")


def log_out(page) -> None:
    page.wait_for_load_state("load")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="用户登录")).to_be_visible()


def open_menu(page, category: str, item: str) -> None:
    """Open a menu category, then its entry. A click that lands before Bootstrap's script has
    bound the dropdown does nothing, as it would for a person: click again."""
    nav = page.get_by_role("navigation")
    page.wait_for_load_state("load")
    link = nav.get_by_role("link", name=item, exact=True)
    for _ in range(5):
        nav.get_by_role("link", name=category, exact=True).click()
        try:
            link.wait_for(state="visible", timeout=2000)
            break
        except Exception:
            continue
    link.click()


def open_actions(page, expected: str) -> None:
    """Wait until the list's action button `expected` (上报, 通过, 退回 …) can be clicked: a click
    before the page's scripts have bound modelActions would do nothing."""
    page.wait_for_load_state("load")
    page.get_by_role("button", name=expected, exact=True).first.wait_for(state="visible")


def image_width(page, locator) -> int:
    """The natural width of an <img> once the browser is done loading it (0: it could not be
    loaded); asked before that, a slow machine reads 0 for an image still on its way."""
    handle = locator.element_handle()
    page.wait_for_function("(img) => img.complete", arg=handle)
    return page.evaluate("(img) => img.naturalWidth", handle)
