"""What the browser tests share."""


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
