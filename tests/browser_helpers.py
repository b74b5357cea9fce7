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
    """Open a list's 选中的 (actions) menu until `expected` shows: like a menu, a click before
    Bootstrap has bound the dropdown does nothing."""
    page.wait_for_load_state("load")
    link = page.get_by_role("link", name=expected, exact=True)
    for _ in range(5):
        page.get_by_role("button", name="选中的").click()
        try:
            link.wait_for(state="visible", timeout=2000)
            return
        except Exception:
            continue
