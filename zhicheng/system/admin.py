"""系统管理: 审计日志 (the codes: zhicheng.codes.admin; 单位名录: zhicheng.org.admin)."""
from __future__ import annotations

from flask_admin.contrib.sqla.filters import (
    DateTimeBetweenFilter,
    FilterEqual,
)

from zhicheng.admin.base import ScopedModelView
from zhicheng.admin.common import (
    CAT_SYSTEM,
    NoEditPage,
    RootOfficeTable,
)
from zhicheng.models import (
    AuditLog,
)
from zhicheng.policy import P
from zhicheng.system import audit_labels


class AuditLogView(RootOfficeTable, NoEditPage, ScopedModelView):
    """审计日志 (read-only): actions and object types by their Chinese names (zhicheng.system.audit_labels)."""

    can_create = False
    can_delete = False
    can_view_details = True
    column_list = ("at", "actor_name", "action", "target_type", "target_id", "detail", "ip")
    column_details_list = ("at", "actor_name", "actor_id", "action", "target_type", "target_id", "detail", "ip")
    column_labels = {"at": "时间", "actor_name": "操作人", "action": "操作", "target_type": "对象类型",
                     "target_id": "对象编号", "detail": "内容", "ip": "IP地址", "actor_id": "操作人编号"}
    column_searchable_list = ("actor_name", "action", "detail")
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
    from zhicheng.codes.admin import register as register_codes
    from zhicheng.org.admin import register_registry
    register_codes(admin)  # 字典管理, 单位字典, 基本代码
    register_registry(admin)  # 单位名录 sits in the 系统管理 menu between the codes and 审计日志
    admin.add_view(AuditLogView(AuditLog, name="审计日志", category=CAT_SYSTEM, endpoint="audit_log",
                                url="/admin/audit_log"))
