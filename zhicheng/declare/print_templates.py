"""打印模板设计: an office's named column sets for its printed and exported lists (and the 评审简表's
基本信息), chosen, ordered and headed without code."""
from __future__ import annotations

from sqlalchemy import select

from zhicheng import scope, textcheck
from zhicheng.declare.fields import DEFAULT_COLUMNS, FIELDS
from zhicheng.declare.models import PrintTemplate
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.policy import P, require
from zhicheng.security import parse_id
from zhicheng.system import audit
from zhicheng.validators import ValidationError

NAME_MAX = 50
HEADING_MAX = 30


class TemplateError(DomainError):
    pass


def default_columns() -> list[tuple[str, str]]:
    return [(k, FIELDS[k].label) for k in DEFAULT_COLUMNS]


def templates_of(user) -> list[PrintTemplate]:
    return list(db.session.scalars(select(PrintTemplate).where(scope.print_templates(user))
                                   .order_by(PrintTemplate.name, PrintTemplate.id)))


def get_template(user, template_id) -> PrintTemplate | None:
    pk = parse_id(template_id)
    if pk is None:
        return None
    return db.session.scalar(select(PrintTemplate).where(PrintTemplate.id == pk, scope.print_templates(user)))


def columns_of(template: PrintTemplate | None) -> list[tuple[str, str]]:
    """The template's columns that still name a field (all of the default set without one)."""
    if template is None:
        return default_columns()
    return [(k, h) for k, h in template.columns if k in FIELDS] or default_columns()


def _visible(text: str, label: str) -> None:
    # The columns are stored as JSON, which escapes control characters: the flush check would
    # not see them, so they are refused here.
    try:
        textcheck.check(text, label)
    except ValidationError as e:
        raise TemplateError(str(e)) from None


def check_columns(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if not columns:
        raise TemplateError("请至少选择一个字段")
    seen, out = set(), []
    for key, heading in columns:
        if key not in FIELDS:
            raise TemplateError("字段不正确，请重新选择")
        if key in seen:
            raise TemplateError(f"字段“{FIELDS[key].label}”重复")
        seen.add(key)
        heading = (heading or "").strip() or FIELDS[key].label
        _visible(heading, f"“{FIELDS[key].label}”的标题")
        if len(heading) > HEADING_MAX:
            raise TemplateError(f"“{FIELDS[key].label}”的标题不超过{HEADING_MAX}个字")
        out.append((key, heading))
    return out


def save_template(user, template: PrintTemplate | None, name: str, columns) -> PrintTemplate:
    """新增 (template None) or 修改 an office's template; the name is unique within the office."""
    require(user, P.STAFF, error=TemplateError)
    name = (name or "").strip()
    if not name:
        raise TemplateError("请填写模板名称")
    if len(name) > NAME_MAX:
        raise TemplateError(f"模板名称不超过{NAME_MAX}个字")
    _visible(name, "模板名称")
    columns = check_columns(list(columns))
    if template is not None and template.department_id != user.department_id:
        raise TemplateError("该模板不存在或不属于本部门")
    clash = db.session.scalar(select(PrintTemplate.id).where(
        PrintTemplate.department_id == user.department_id, PrintTemplate.name == name,
        PrintTemplate.id != (template.id if template is not None else 0)))
    if clash is not None:
        raise TemplateError(f"本部门已有名为“{name}”的模板")
    created = template is None
    if created:
        template = PrintTemplate(department_id=user.department_id)
        db.session.add(template)
    template.name = name
    template.columns = columns
    template.updated_by = user.display_name
    db.session.flush()
    headings = "、".join(h for _, h in columns)
    audit.record(f"print_template.{'create' if created else 'update'}", template, f"{name}：{headings}", actor=user)
    return template


def delete_template(user, template: PrintTemplate) -> None:
    require(user, P.STAFF, error=TemplateError)
    if template.department_id != user.department_id:
        raise TemplateError("该模板不存在或不属于本部门")
    audit.record("print_template.delete", template, template.name, actor=user)
    db.session.delete(template)
    db.session.flush()
