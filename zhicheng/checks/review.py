"""What the reviewer sees of the checks: a 提示 column on his lists (不符合申报条件, 破格申报, 重复申报),
worked out for the page's rows at once, and a panel on the material's details page (the verdict
of the 可申报资格表, the 破格 reason, the duplicates and what changed since the last 退回)."""
from __future__ import annotations

from flask import g
from flask_login import current_user
from markupsafe import Markup, escape

from zhicheng.checks import changes, duplicates, eligibility
from zhicheng.materials.admin_common import MaterialListView
from zhicheng.models import Material
from zhicheng.policy import P, can


class ReviewerChecks:
    """Mixin of a reviewer's material list (before MaterialListView): the `checks` column. The
    page's rows are loaded with what the 可申报资格表 reads, so that the column costs the table (kept
    for a while, eligibility.active_rules) and one statement for the duplicates, whatever the rows."""

    extra_columns = (*eligibility.FACT_COLUMNS, "id_card")
    # (the lists show their project: it is loaded with the rows, with its year)
    relation_columns = dict(MaterialListView.relation_columns, project=("name", "year"))

    def get_list(self, *args, **kwargs):
        count, data = super().get_list(*args, **kwargs)
        if isinstance(data, list):
            g.zc_check_rows = list(data)
            g.pop("zc_check_flags", None)
        return count, data


def _badge(kind: str, text: str, title: str) -> str:
    return f'<span class="badge badge-{kind} zc-check" title="{escape(title)}">{escape(text)}</span>'


def page_flags() -> dict[int, Markup]:
    """The flags of the rows of the list being drawn: three or four queries for the page."""
    if "zc_check_flags" in g:
        return g.zc_check_flags
    rows = g.get("zc_check_rows") or []
    rules = eligibility.active_rules()
    dups = duplicates.duplicates_for([(m.id, m.id_card, m.project.year, m.state) for m in rows])
    flags = {}
    for m in rows:
        mid = m.id
        parts = []
        verdict = eligibility.evaluate(eligibility.facts_of(m), rules)
        if verdict is not None and verdict.exceptional:
            parts.append(_badge("warning", "破格申报", f"破格理由：{verdict.exception_reason}"))
        elif verdict is not None and verdict.unmet:
            parts.append(_badge("danger", "不符合申报条件", verdict.message))
        others = dups.get(mid, [])
        if any(not o.resolved for o in others):
            parts.append(_badge("danger", "重复申报", "同一证件号码同一年度另有申报：" +
                                "、".join(o.label for o in others if not o.resolved)))
        elif others:
            parts.append(_badge("secondary", "重复申报（已处理）", "；".join(o.resolution for o in others)))
        flags[mid] = Markup(" ".join(parts))
    g.zc_check_flags = flags
    return flags


def checks_cell(view, context, m: Material, name) -> Markup:
    return page_flags().get(m.id, Markup(""))


COLUMN_LABEL = "提示"


def panel(material: Material) -> dict:
    """The details page's 审核提示 for the reviewer."""
    return {
        "eligibility": eligibility.verdict_of(material),
        "duplicates": duplicates.duplicates_of(material),
        "changes": changes.changes_since_return(material),
        "can_resolve": can(current_user, P.DUPLICATES),
    }
