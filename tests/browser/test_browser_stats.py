"""统计分析 in Chromium: the shipped ECharts draws every chart from the page's figures (no script error,
nothing fetched from another site), the filters narrow them, and 导出Excel downloads the same figures."""
import pytest
from openpyxl import load_workbook

from ..browser_helpers import open_menu
from ..stats import world
from ..browser_helpers import log_in

pytestmark = pytest.mark.browser


def chart_text(page, box: str) -> str:
    return " ".join(page.locator(f"#chart-{box} svg text").all_text_contents())


def test_the_charts_draw_filter_and_download(org, page, live_server, tmp_path):
    world.build(org)
    errors, foreign = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(live_server) or r.url.startswith("data:")
            else foreign.append(r.url))
    log_in(page, "rootadmin")
    open_menu(page, "材料审核", "统计分析")
    page.wait_for_url("**/admin/stats/")
    for box in ("state", "year", "department", "series", "level"):
        page.locator(f"#chart-{box} svg").first.wait_for()
    assert "审核中" in chart_text(page, "state")
    assert "西湖区人才职改办" in chart_text(page, "department")
    # Each department's name is drawn whole inside its chart (not cut at the box's left edge).
    box = page.locator("#chart-department").bounding_box()
    label = page.locator("#chart-department svg text", has_text="西湖区人才职改办").bounding_box()
    assert box["x"] <= label["x"] and label["x"] + label["width"] <= box["x"] + box["width"]
    assert "中级" in chart_text(page, "level") and "初级" in chart_text(page, "level")
    assert page.locator('[data-figure="申报数"]').inner_text() == "16"

    page.get_by_label("级别", exact=True).select_option(label="初级")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**level=junior**")
    page.locator("#chart-level svg").first.wait_for()
    assert "初级" in chart_text(page, "level") and "中级" not in chart_text(page, "level")
    assert page.locator('[data-figure="申报数"]').inner_text() == "7"

    with page.expect_download() as info:
        page.get_by_role("link", name="导出Excel").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    book = load_workbook(saved)
    assert book.sheetnames == ["说明", "按状态", "按部门", "按系列", "按级别", "按年度"]
    assert [r for r in book["按级别"].iter_rows(min_row=2, max_col=2, values_only=True)] == [("初级", 7), ("合计", 7)]
    assert "级别：初级" in book["说明"]["B3"].value
    assert errors == [] and foreign == []
