"""统计分析 as an .xlsx: the page's figures, filtered and scoped as the page is, one sheet per table."""
from __future__ import annotations

from datetime import datetime

from zhicheng.exporting.services import Column, write_xlsx_sheets
from zhicheng.stats.services import Group, Statistics

GROUP_COLUMNS = [Column("申报数", 10, "int"), Column("审核通过", 10, "int"), Column("审核通过率（%）", 15),
                 Column("评审通过", 10, "int"), Column("评审未通过", 11, "int"), Column("评审通过率（%）", 15),
                 Column("已评定", 9, "int"), Column("已发证", 9, "int")]
NOTES = (
    "申报数：已上报（含被退回、审核中）的材料份数，与“本部门及下级材料”列表的条数相同。",
    "审核通过：已通过各级审核的材料，含其后转评委会、评审、公示、评定的；审核通过率 = 审核通过 ÷ 申报数。",
    "评审通过 / 评审未通过：评审类项目的评委会表决结果（评审通过含其后公示、评定的）；评审通过率 = 评审通过 ÷（评审通过 + 评审未通过）。",
    "已评定：评定完成的材料；已发证：由这些材料发文生成、未撤销的证书。",
)


def _group_rows(groups: list[Group], total_label: str | None = None, total=None):
    for g in groups:
        yield [g.label, *_figures(g.tally)]
    if total_label is not None:
        yield [total_label, *_figures(total)]


def _figures(t) -> list:
    return [t.total, t.passed, t.passed_rate, t.board_passed, t.board_failed, t.board_rate, t.certified,
            t.certificates]


def write_statistics(fileobj, stats: Statistics, scope_name: str, department_name: str | None) -> None:
    notes = [("统计范围", scope_name), ("筛选条件", stats.filters.describe(department_name)),
             ("生成时间", datetime.now().strftime("%Y-%m-%d %H:%M")), *(("说明", n) for n in NOTES)]
    total = stats.total.total
    states = [(label, n, round(100.0 * n / total, 1) if total else None) for _s, label, n in stats.by_state]
    write_xlsx_sheets(fileobj, [
        ("说明", [Column("项目", 10), Column("内容", 100)], notes),
        ("按状态", [Column("状态", 12), Column("材料数", 10, "int"), Column("占比（%）", 11)],
         [*states, ("合计", total, 100.0 if total else None)]),
        ("按部门", [Column("部门", 36), *GROUP_COLUMNS], _group_rows(stats.by_department, "合计", stats.total)),
        ("按系列", [Column("系列", 20), *GROUP_COLUMNS], _group_rows(stats.by_series, "合计", stats.total)),
        ("按级别", [Column("级别", 10), *GROUP_COLUMNS], _group_rows(stats.by_level, "合计", stats.total)),
        ("按年度", [Column("年度", 10), *GROUP_COLUMNS], _group_rows(stats.by_year, "合计", stats.total)),
    ])
