"""The ECharts options of the 统计分析 page, built here from the figures and handed to the browser as
they are (JSON in the page; zhicheng/static/stats.js only passes each to `setOption`): what a chart
draws is what this module wrote, and a test reads it from the page."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from zhicheng.config import STATIC
from zhicheng.stats.services import Group, Statistics

TOTAL, PASSED, BOARD_PASSED, CERTIFIED = "申报数", "审核通过", "评审通过", "已评定"
PASSED_RATE, BOARD_RATE = "审核通过率", "评审通过率"
#: The shipped ECharts (tools/fetch_echarts.py writes the file with the library).
ECHARTS_DIR = Path(STATIC) / "vendor" / "echarts"


@cache
def echarts_version() -> str:
    """The version of zhicheng/static/vendor/echarts/echarts.min.js (its URL carries it, so a browser
    fetches the new file after an update)."""
    return (ECHARTS_DIR / "VERSION").read_text(encoding="utf-8").strip()


#: Pixels per category of a horizontal bar chart (the 部门 chart grows with the departments).
ROW_HEIGHT = 26


def _grid(right: int = 30) -> dict:
    """The plot area inside the box, shrunk to keep the axis labels (department names) in it: ECharts
    6's outer bounds (its older `containLabel` needs a module the packaged build leaves out)."""
    return {"left": 10, "right": right, "top": 36, "bottom": 10, "outerBoundsMode": "same",
            "outerBoundsContain": "axisLabel"}


def _axis_tooltip() -> dict:
    return {"trigger": "axis", "axisPointer": {"type": "shadow"}}


def _bars(groups: list[Group], names: tuple[str, ...], horizontal: bool = False) -> dict:
    labels = [g.label for g in groups]
    values = {TOTAL: lambda t: t.total, PASSED: lambda t: t.passed, BOARD_PASSED: lambda t: t.board_passed,
              CERTIFIED: lambda t: t.certified}
    category = {"type": "category", "data": labels, "axisLabel": {"interval": 0}}
    value = {"type": "value", "minInterval": 1}
    if horizontal:
        category["inverse"] = True  # the first department on top, as in the table
    else:
        category["axisLabel"]["rotate"] = 30 if len(labels) > 6 else 0
    return {
        "tooltip": _axis_tooltip(),
        "legend": {"data": list(names), "top": 0},
        "grid": _grid(),
        "xAxis": value if horizontal else category,
        "yAxis": category if horizontal else value,
        "series": [{"name": name, "type": "bar", "data": [values[name](g.tally) for g in groups]} for name in names],
    }


def state_chart(stats: Statistics) -> dict:
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}份（{d}%）"},
        "legend": {"type": "scroll", "orient": "vertical", "left": 0, "top": "middle"},
        "series": [{"name": "材料数", "type": "pie", "radius": ["35%", "68%"], "center": ["60%", "50%"],
                    "label": {"formatter": "{b}\n{c}份"},
                    "data": [{"name": label, "value": n} for _state, label, n in stats.by_state if n]}],
    }


def year_chart(stats: Statistics) -> dict:
    groups = stats.by_year
    return {
        "tooltip": _axis_tooltip(),
        "legend": {"data": [TOTAL, PASSED, CERTIFIED, PASSED_RATE, BOARD_RATE], "top": 0},
        "grid": _grid(right=10),
        "xAxis": {"type": "category", "data": [g.label for g in groups]},
        "yAxis": [{"type": "value", "name": "份", "minInterval": 1},
                  {"type": "value", "name": "%", "min": 0, "max": 100, "splitLine": {"show": False}}],
        "series": [
            {"name": TOTAL, "type": "bar", "data": [g.tally.total for g in groups]},
            {"name": PASSED, "type": "bar", "data": [g.tally.passed for g in groups]},
            {"name": CERTIFIED, "type": "bar", "data": [g.tally.certified for g in groups]},
            {"name": PASSED_RATE, "type": "line", "yAxisIndex": 1, "connectNulls": True,
             "data": [g.tally.passed_rate for g in groups]},
            {"name": BOARD_RATE, "type": "line", "yAxisIndex": 1, "connectNulls": True,
             "data": [g.tally.board_rate for g in groups]},
        ],
    }


def chart_options(stats: Statistics) -> dict[str, dict]:
    """Every chart of the page, by the id of its box."""
    return {
        "state": state_chart(stats),
        "department": _bars(stats.by_department, (TOTAL, PASSED), horizontal=True),
        "series": _bars(stats.by_series, (TOTAL, PASSED)),
        "level": _bars(stats.by_level, (TOTAL, PASSED, BOARD_PASSED)),
        "year": year_chart(stats),
    }


def department_chart_height(stats: Statistics) -> int:
    return max(260, 60 + ROW_HEIGHT * len(stats.by_department))
