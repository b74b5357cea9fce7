"""系统管理: 字典维护 and 审计日志 (单位名录 is kept by zhicheng.org.admin)."""
from __future__ import annotations

from flask_admin.contrib.sqla.filters import (
    BooleanEqualFilter,
    DateTimeBetweenFilter,
    FilterEqual,
)
from sqlalchemy import select
from wtforms.validators import InputRequired, Length

from zhicheng.admin.base import ScopedModelView
from zhicheng.admin.common import (
    CAT_SYSTEM,
    AuditedModelView,
    NoDetailsPage,
    NoEditPage,
    RootOfficeTable,
)
from zhicheng.extensions import db
from zhicheng.models import (
    DICT_KINDS,
    AuditLog,
    DictItem,
)
from zhicheng.policy import P
from zhicheng.system import audit_labels
from zhicheng.validators import (
    ValidationError,
)


class DictItemView(RootOfficeTable, NoDetailsPage, AuditedModelView):
    """字典维护."""

    audit_name = "dict"
    column_list = ("kind", "code", "name", "sort", "active")
    column_labels = {"kind": "字典类别", "code": "代码", "name": "名称", "sort": "排序", "active": "启用"}
    column_searchable_list = ("code", "name")
    column_filters = (FilterEqual(DictItem.kind, "字典类别", options=tuple(DICT_KINDS.items())),
                      BooleanEqualFilter(DictItem.active, "启用"))
    column_formatters = {"kind": lambda v, c, m, n: DICT_KINDS.get(m.kind, m.kind),
                         "active": lambda v, c, m, n: "是" if m.active else "否"}
    column_default_sort = [("kind", False), ("sort", False), ("id", False)]
    form_columns = ("kind", "code", "name", "sort", "active")
    form_choices = {"kind": list(DICT_KINDS.items())}
    form_args = {"code": {"label": "代码", "validators": [InputRequired("请填写代码"), Length(max=20)]},
                 "name": {"label": "名称", "validators": [InputRequired("请填写名称"), Length(max=100)]},
                 "kind": {"label": "字典类别"}, "sort": {"label": "排序"}, "active": {"label": "启用"}}


    def on_model_change(self, form, model, is_created):
        with db.session.no_autoflush:
            duplicate = db.session.scalar(select(DictItem.id).where(DictItem.kind == model.kind,
                                                                    DictItem.code == model.code,
                                                                    DictItem.id != (model.id or 0)))
        if duplicate is not None:
            raise ValidationError(f"“{DICT_KINDS.get(model.kind, model.kind)}”中已有代码“{model.code}”")
        super().on_model_change(form, model, is_created)


class AuditLogView(RootOfficeTable, NoEditPage, ScopedModelView):
    """审计日志 (read-only): actions and object types by their Chinese names (zhicheng.system.audit_labels)."""

    can_create = False
    can_delete = False
    can_view_details = True
    column_list = ("at", "actor_name", "action", "target_type", "target_id", "detail", "ip")
    column_details_list = ("at", "actor_name", "actor_id", "action", "target_type", "target_id", "detail", "ip")
    column_labels = {"at": "时间", "actor_name": "操作人", "action": "操作", "target_type": "对象类型",
                     "target_id": "对象编号", "detail": "内容", "ip": "IP地址", "actor_id": "操作人编号"}
    column_searchable_list = ("actor_name", "detail")
    column_filters = (FilterEqual(AuditLog.action, "操作", options=audit_labels.action_options),
                      FilterEqual(AuditLog.target_type, "对象类型", options=audit_labels.target_options),
                      DateTimeBetweenFilter(AuditLog.at, "时间"), FilterEqual(AuditLog.actor_name, "操作人"))
    column_default_sort = ("id", True)
    column_formatters = {
        "at": lambda v, c, m, n: m.at.strftime("%Y-%m-%d %H:%M:%S") if m.at else "",
        "action": lambda v, c, m, n: audit_labels.action_label(m.action),
        "target_type": lambda v, c, m, n: audit_labels.target_label(m.target_type),
    }
    column_formatters_detail = column_formatters
    permission = P.ROOT_ADMIN


def register(admin) -> None:
    from zhicheng.org.admin import register_registry
    admin.add_view(DictItemView(DictItem, name="字典维护", category=CAT_SYSTEM, endpoint="dicts",
                                url="/admin/dicts"))
    register_registry(admin)  # 单位名录 sits in the 系统管理 menu between 字典维护 and 审计日志
    admin.add_view(AuditLogView(AuditLog, name="审计日志", category=CAT_SYSTEM, endpoint="audit_log",
                                url="/admin/audit_log"))
