"""统计分析: the figures the page feeds ECharts are the counts of the materials lists, for every role and
filter; a department sees its own subtree's numbers only; the xlsx holds the same figures."""
from __future__ import annotations

import io
import json
import re
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook

from zhicheng.certificates.issuing import level_of
from zhicheng.extensions import db
from zhicheng.models import Project
from zhicheng.stats.services import PASSED_STATES

from . import world

STAFF = ("root", "xihu_admin", "edu_admin", "edusub_admin", "talent_admin")
_CHARTS = re.compile(r'<script type="application/json" id="zc-stats-charts">(.*?)</script>', re.DOTALL)
_LIST_COUNT = re.compile(r"列表 \((\d+)\)")
_EXPORT_TOTAL = re.compile(r'id="export-total">(\d+)<')
_ROW = re.compile(r'<tr data-key="([^"]*)"><td>([^<]*)</td><td class="zc-total">(?:<a [^>]*>)?(\d+)')


@pytest.fixture
def stats_world(org):
    return world.build(org)


def page(c, **args) -> str:
    r = c.get("/admin/stats/?" + urlencode(args))
    assert r.status_code == 200
    return r.get_data(as_text=True)


def charts(c, **args) -> dict:
    """The ECharts options as the page hands them to the browser (empty when nothing is counted)."""
    match = _CHARTS.search(page(c, **args))
    return json.loads(match.group(1)) if match else {}


def bars(option: dict, series: str = "申报数") -> dict[str, int]:
    """Category label -> value of one bar series."""
    y = option["yAxis"]
    axis = y if isinstance(y, dict) and y.get("type") == "category" else option["xAxis"]
    values = next(s["data"] for s in option["series"] if s["name"] == series)
    return dict(zip(axis["data"], values, strict=True))


def table(body: str, table_id: str) -> dict[str, tuple[str, int]]:
    """key -> (label, 申报数) of a table of the page."""
    part = body.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return {key: (label, int(n)) for key, label, n in _ROW.findall(part)}


def list_count(c, url: str) -> int:
    r = c.get(url)
    assert r.status_code == 200, url
    match = _LIST_COUNT.search(r.get_data(as_text=True))
    return int(match.group(1)) if match else 0


def export_count(c, **args) -> int:
    r = c.get("/admin/export/?" + urlencode(args))
    assert r.status_code == 200
    return int(_EXPORT_TOTAL.search(r.get_data(as_text=True)).group(1))


def export_series(c) -> dict[str, int]:
    """申报系列 -> rows of the 导出汇总表 workbook (every material the role's list holds)."""
    r = c.get("/admin/export/download")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    column = rows[0].index("申报系列")
    counts: dict[str, int] = {}
    for row in rows[1:]:
        counts[row[column] or ""] = counts.get(row[column] or "", 0) + 1
    return counts


def projects_by(attribute) -> dict:
    out: dict = {}
    for p in db.session.query(Project).all():
        out.setdefault(attribute(p), []).append(p.id)
    return out


@pytest.mark.parametrize("role", STAFF)
def test_chart_figures_equal_the_list_counts(stats_world, org, auth, role):
    c = auth.client(org[role].username)
    options = charts(c)
    body = page(c)
    total = list_count(c, "/admin/dept_materials/")
    assert total > 0
    # 按状态: each slice is the list filtered by that state; a state without a slice has no rows.
    slices = {d["name"]: d["value"] for d in options["state"]["series"][0]["data"]}
    for state, (label, n) in table(body, "table-state").items():
        assert n == list_count(c, f"/admin/dept_materials/?state={state}"), (role, state)
        assert slices.get(label, 0) == n, (role, state)
    assert sum(slices.values()) == total
    # 按部门: each department's bar is 导出汇总表 filtered by that department (its subtree); 本级 is
    # what the department has beyond its children.
    departments = table(body, "table-department")
    totals, passed = bars(options["department"]), bars(options["department"], "审核通过")
    assert {label for label, _ in departments.values()} == set(totals)
    base = org[role].department
    for key, (label, n) in departments.items():
        if label.endswith("（本级）"):
            children = [d for d in base.children]
            expected = export_count(c) - sum(export_count(c, department=d.id) for d in children)
            expected_passed = sum(export_count(c, state=s) for s in PASSED_STATES) - sum(
                export_count(c, department=d.id, state=s) for d in children for s in PASSED_STATES)
        else:
            expected = export_count(c, department=key)
            expected_passed = sum(export_count(c, department=key, state=s) for s in PASSED_STATES)
        assert totals[label] == n == expected, (role, label)
        assert passed[label] == expected_passed, (role, label)
    assert sum(totals.values()) == total
    # 年度 and 级别: the bars add up the list of each project of that year / level.
    for chart, attribute, label_of in (("year", lambda p: p.year, lambda k: f"{k}年"),
                                       ("level", lambda p: level_of(p.kind), None)):
        shown = bars(options[chart])
        expected = {k: sum(list_count(c, f"/admin/dept_materials/?project={pid}") for pid in ids)
                    for k, ids in projects_by(attribute).items()}
        if label_of is None:
            from zhicheng.certificates.models import LEVELS
            label_of = LEVELS.get
        assert shown == {label_of(k): n for k, n in expected.items() if n}, (role, chart)
    # 系列: the bars are the rows of the 导出汇总表 workbook by 申报系列.
    assert bars(options["series"]) == export_series(c), role


def test_figures_and_pass_rates_of_the_whole_city(stats_world, org, auth):
    c = auth.client(org["root"].username)
    body = page(c)
    figures = dict(re.findall(r'data-figure="([^"]+)">([^<]+)<', body))
    assert figures == {"申报数": "16", "审核通过": "9", "审核通过率": "56.2%", "评审通过率": "66.7%",
                       "已评定": "2", "已发证": "2"}
    options = charts(c)
    assert bars(options["level"]) == {"初级": 7, "中级": 9}
    assert bars(options["level"], "评审通过") == {"初级": 0, "中级": 2}
    assert bars(options["series"]) == {"工程": 12, "教师": 2, "经济": 1, "卫生": 1}
    year = options["year"]
    this, last = f"{stats_world['review'].year}年", f"{stats_world['last_year'].year}年"
    assert year["xAxis"]["data"] == [last, this]
    by_name = {s["name"]: s["data"] for s in year["series"]}
    assert by_name["申报数"] == [1, 15] and by_name["审核通过"] == [0, 9] and by_name["已评定"] == [0, 2]
    assert by_name["审核通过率"] == [0.0, 60.0] and by_name["评审通过率"] == [None, 66.7]
    # The root office's departments: its four 归口部门 (no unit registered under the root itself).
    assert bars(options["department"]) == {"西湖区人才职改办": 12, "杭州市教育局": 3, "杭州市人才服务局": 1}
    row = table(body, "table-department")[str(org.xihu.id)]
    assert row == ("西湖区人才职改办", 12)


@pytest.mark.parametrize("role, own", [
    ("xihu_admin", {"西湖区人才职改办（本级）": 12}),
    ("edu_admin", {"杭州市教育局（本级）": 1, "杭州市教育局直属学校管理处": 2}),
    ("edusub_admin", {"杭州市教育局直属学校管理处（本级）": 2}),
    ("talent_admin", {"杭州市人才服务局（本级）": 1}),
])
def test_a_department_sees_only_its_subtree(stats_world, org, auth, role, own):
    c = auth.client(org[role].username)
    options = charts(c)
    assert bars(options["department"]) == own
    assert sum(bars(options["year"]).values()) == sum(own.values())
    # The 部门 filter offers the department and those below it, nothing else.
    body = page(c)
    select = body.split('id="department"', 1)[1].split("</select>", 1)[0]
    offered = {label.strip("　") for label in re.findall(r'<option value="\d+" >([^<]+)</option>', select)}
    base = org[role].department
    assert offered == {base.name, *(d.name for d in base.children)}
    # Another branch's department as the filter: refused, and the page shows the own figures.
    elsewhere = org.talent if role != "talent_admin" else org.xihu
    body = page(c, department=elsewhere.id)
    assert "所选部门不存在或不在本部门管辖范围内" in body
    assert bars(charts(c, department=elsewhere.id)["department"]) == own
    r = c.get(f"/admin/stats/download?department={elsewhere.id}")
    assert r.status_code == 302


@pytest.mark.parametrize("args", [{"year": "YEAR"}, {"series": "工程"}, {"level": "junior"}, {"level": "middle"},
                                  {"department": "EDU"}, {"year": "YEAR", "series": "工程", "level": "middle"}])
def test_filtered_figures_equal_the_filtered_lists(stats_world, org, auth, args):
    c = auth.client(org["root"].username)
    args = {k: {"YEAR": str(stats_world["review"].year), "EDU": str(org.edu.id)}.get(v, v) for k, v in args.items()}
    options = charts(c, **args)
    # The projects the filter keeps; the department filter narrows the export page the same way.
    keep = [p for p in db.session.query(Project).all()
            if ("year" not in args or p.year == int(args["year"])) and ("level" not in args or level_of(p.kind) == args["level"])]
    where = {"department": args["department"]} if "department" in args else {}
    if "series" in args:
        rows = _export_rows(c, where)
        expected_total = sum(1 for r in rows if r["申报系列"] == args["series"] and r["申报项目"] in {p.name for p in keep})
    else:
        expected_total = sum(export_count(c, project=p.id, **where) for p in keep)
    shown = sum(d["value"] for d in options["state"]["series"][0]["data"]) if options else 0
    assert shown == expected_total > 0
    assert sum(bars(options["department"]).values()) == sum(bars(options["year"]).values()) == expected_total
    assert sum(bars(options["series"]).values()) == sum(bars(options["level"]).values()) == expected_total
    # The xlsx of the same filters holds the same figures.
    r = c.get("/admin/stats/download?" + urlencode(args))
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(r.data))
    states = {row[0]: row[1] for row in book["按状态"].iter_rows(min_row=2, values_only=True)}
    assert states.pop("合计") == expected_total
    slices = {d["name"]: d["value"] for d in options["state"]["series"][0]["data"]}
    assert {k: v for k, v in states.items() if v} == slices
    for sheet, chart in (("按部门", "department"), ("按系列", "series"), ("按级别", "level"), ("按年度", "year")):
        rows = {row[0]: row[1:] for row in book[sheet].iter_rows(min_row=2, values_only=True)}
        assert rows.pop("合计")[0] == expected_total
        assert {k: v[0] for k, v in rows.items()} == bars(options[chart]), sheet
        assert {k: v[1] for k, v in rows.items()} == bars(options[chart], "审核通过"), sheet


def _export_rows(c, where: dict) -> list[dict]:
    r = c.get("/admin/export/download?" + urlencode(where))
    rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_a_filter_nothing_matches_shows_no_chart(stats_world, org, auth):
    c = auth.client(org["root"].username)
    body = page(c, level="senior")
    assert "没有符合条件的材料" in body and "zc-stats-charts" not in body and "echarts.min.js" not in body


@pytest.mark.parametrize("args, message", [
    ({"year": "二〇二六"}, "年度不正确"), ({"year": "99999999999999999999"}, "年度不正确"),
    ({"level": "top"}, "级别不正确"), ({"department": "abc"}, "部门不正确"),
    ({"department": "999999"}, "所选部门不存在或不在本部门管辖范围内"), ({"series": "系" * 101}, "系列不正确"),
])
def test_bad_filters_are_refused_with_a_message(stats_world, org, auth, args, message):
    c = auth.client(org["root"].username)
    body = page(c, **args)
    assert message in body
    assert sum(bars(charts(c, **args)["department"]).values()) == 16  # the unfiltered figures
    r = c.get("/admin/stats/download?" + urlencode(args))
    assert r.status_code == 302
    assert message in c.get(r.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("role", ["unit_a", "sub_a_full", "person_a", "expert_a"])
def test_only_staff_open_the_statistics(stats_world, org, auth, role):
    from ..boards.world import populate_boards
    populate_boards(org)
    c = auth.client(org[role].username)
    assert c.get("/admin/stats/").status_code == 403
    assert c.get("/admin/stats/download").status_code == 403


def test_anonymous_is_sent_to_login(stats_world, client):
    for url in ("/admin/stats/", "/admin/stats/download"):
        r = client.get(url)
        assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_the_page_draws_with_the_shipped_echarts(stats_world, org, auth, app):
    c = auth.client(org["xihu_admin"].username)
    body = page(c)
    src = re.search(r'<script src="([^"]*echarts\.min\.js[^"]*)"', body).group(1)
    r = c.get(src)
    assert r.status_code == 200 and len(r.data) > 500_000
    from zhicheng.stats.charts import ECHARTS_DIR, echarts_version
    assert f"v={echarts_version()}" in src
    assert f'"{echarts_version()}"' in r.get_data(as_text=True)  # the library's own version string
    for name in ("LICENSE", "NOTICE", "LICENSE-zrender", "LICENSE-tslib", "LICENSE-d3"):
        assert (ECHARTS_DIR / name).stat().st_size > 100
    assert "Apache License" in (ECHARTS_DIR / "LICENSE").read_text(encoding="utf-8")
    assert c.get(re.search(r'<script src="([^"]*stats\.js[^"]*)"', body).group(1)).status_code == 200
