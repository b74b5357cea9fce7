"""审计日志 speaks Chinese: every action code written anywhere has a name, and the page shows and
filters by it."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from zhicheng.admin.common import AuditedModelView
from zhicheng.extensions import db
from zhicheng.system import audit, audit_labels

def _text(html: str) -> str:
    """What the reader sees in the list: the table's text, without tags."""
    table = html[html.index("<table"):html.rindex("</table>")]
    return re.sub(r"<[^>]+>", " ", table)


PACKAGE = Path(__file__).resolve().parents[2] / "zhicheng"


def _codes_in_source() -> set[str]:
    """Every constant action code passed to audit.record(...), conditional ones included."""
    codes: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "record" and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "audit" and node.args):
                continue
            for part in ast.walk(node.args[0]):
                if isinstance(part, ast.Constant) and isinstance(part.value, str) and part.value \
                        and not isinstance(node.args[0], ast.JoinedStr):
                    codes.add(part.value)
    return codes


def _model_view_codes() -> set[str]:
    names = set()
    stack = [AuditedModelView]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.audit_name:
            names.update(f"{cls.audit_name}.{verb}" for verb in ("create", "update", "delete"))
    return names


def test_every_action_code_in_the_code_has_a_chinese_name():
    codes = _codes_in_source() | _model_view_codes()
    assert "material.approve" in codes and "account.disable" in codes  # the scan finds them
    unnamed = sorted(c for c in codes if audit_labels.action_label(c) == c)
    assert unnamed == [], f"audit codes without a Chinese name in zhicheng/system/audit_labels.py: {unnamed}"


def test_every_model_has_a_chinese_object_type():
    names = {mapper.class_.__name__ for mapper in db.Model.registry.mappers}
    unnamed = sorted(n for n in names if n not in audit_labels.TARGET_TYPES)
    assert unnamed == [], f"models without a Chinese name in TARGET_TYPES: {unnamed}"


def test_the_log_page_shows_chinese_and_filters_by_it(app, org, auth):
    users = org.users
    audit.record("material.approve", org.projects["middle"], "M-1 审核通过", actor=users["xihu_review"])
    audit.record("account.disable", users["sub_a_none"], "禁用 unita002", actor=users["unit_a"])
    db.session.commit()
    root = auth.client("rootadmin")
    page = _text(root.get("/admin/audit_log/").get_data(as_text=True))
    assert "审核通过" in page and "禁用账号" in page and "申报项目" in page and "账号" in page
    assert "material.approve" not in page and "account.disable" not in page
    assert " Project " not in page and " User " not in page
    # The 操作 filter offers the Chinese names and narrows the list to the chosen action.
    view = next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "audit_log")
    action_filter = next(i for i, f in enumerate(view._filters) if f.name == "操作")
    filtered = _text(root.get(f"/admin/audit_log/?flt0_{action_filter}=account.disable").get_data(as_text=True))
    assert "禁用 unita002" in filtered and "M-1 审核通过" not in filtered
    # Login rows are written as the test logged in: they read 登录成功.
    assert "登录成功" in page and "login.success" not in page
