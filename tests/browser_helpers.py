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
