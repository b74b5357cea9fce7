"""Who may do what: one permission enum and one `can(user, permission, obj=None)`.

Views declare the permission that opens them (`permission = Permission.REVIEW_DESK`) and the
zhicheng.scope function of their rows; their actions declare theirs in `action_permissions`;
services call `require()` before they change anything; templates ask `can(current_user, P.…)`.
Nothing else reads an account's role or permission columns.

With an `obj`, `can` also asks whether that row lies within the reach of the permission (the
zhicheng.scope predicate of `REACH`): a 管理员 may reset a password, but only of an account of
his own department or below.
"""
from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from sqlalchemy import select

from zhicheng.domain import DomainError


class Permission(StrEnum):
    # A 工作账号's permissions (工作账号管理's checkboxes): the value is the account's column; a unit
    # account holds them all, department staff none (but 修改密码).
    FILL = "perm_fill"  # 填写材料
    SUBMIT = "perm_submit"  # 上报材料
    PRINT = "perm_print"  # 打印表格
    EXPORT = "perm_export"  # 导出汇总表
    VIEW = "perm_view"  # 查看上报材料
    EDIT_INFO = "perm_edit_info"  # 修改基本信息
    CHANGE_PASSWORD = "perm_change_password"  # 修改密码
    # A department staff member's roles (本部门工作人员's checkboxes): the value is the column.
    ADMIN = "role_admin"  # 管理员
    REVIEW = "role_review"  # 审核经办
    RETURN = "role_return"  # 退回审查
    PUBLISH = "role_publish"  # 项目发布
    DICT = "role_dict"  # 字典维护
    # Derived from the kind of account and the ones above.
    SIGNED_IN = "signed_in"  # any account but an expert's: a project's 通知
    STAFF = "staff"  # any department staff member: 本部门及下级材料
    REVIEW_DESK = "review_desk"  # 待审核材料: 审核经办 or 退回审查
    UNIT = "unit"  # the unit account itself: 工作账号管理, 修改归口部门
    APPLY = "apply"  # the unit side (unit account or 工作账号): 项目 notices and buttons
    UNIT_INFO = "unit_info"  # 基本信息管理: the unit, or a 工作账号 with 修改基本信息
    PRINT_FORMS = "print_forms"  # 初定表/认定表 as PDF: staff, the unit side with 打印表格, a person his own
    PRINT_LIST = "print_list"  # 进入打印: the unit side with 打印表格
    EXPORT_SUMMARY = "export_summary"  # 导出汇总表: staff, or the unit side with 导出汇总表
    MANAGE_ACCOUNTS = "manage_accounts"  # 开通/禁用/密码重置/删除 of the accounts one administers
    ROOT_ADMIN = "root_admin"  # 审计日志: a 管理员 of the root office
    ROOT_DICT = "root_dict"  # 字典维护, 单位名录, 评委会 and 学科组: 字典维护 of the root office
    BOARD_MANAGE = "board_manage"  # 专家库 and 评审会议 of the 评委会 formed in one's subtree: a 管理员
    EXPERT = "expert"  # an expert's own assignment: 回避, ballots
    PERSON = "person"  # 个人用户: his own 个人档案, 所属单位, 个人申报, 申报进度, 删除账号
    TEACHER = "teacher"  # 个人用户 of a teachers' 系列: 公开课 and 教育教学 in his 档案
    UNIT_PEOPLE = "unit_people"  # 工作人员 (people asking to join) and 职能部门审核设置: the unit account
    PERSON_REVIEW = "person_review"  # 个人申报审核: 单位意见, 退回个人, 上报: the unit account
    SIGNOFF = "signoff"  # 职能部门审核: a 工作账号 the unit named reviewer of a sign-off step
    # 评后管理 of the root office (职改部门).
    POST_REVIEW = "post_review"  # 公示, 异议 and 评定: 审核经办 of the root office
    CERTIFICATES = "certificates"  # 发文, 证书编号规则, 证书, 撤销, 诚信档案, 导入历史证书: 项目发布 of the root office
    # Checks that help reviewers (zhicheng.checks).
    DUPLICATES = "duplicates"  # 重复申报: the list and its 处理意见: 审核经办 of the root office
    APPLICANT = "applicant"  # 可申报资格 hints while filling: the unit side with 填写材料, a person
    # 人员基本信息与聘任管理 and 结构比例管理 (the 主管单位版): each over the units it manages (zhicheng.scope).
    PEOPLE = "people"  # 人员基本信息, 聘任, 结构比例, a person's 职称 history, 导出: the unit account, any staff
    PEOPLE_EDIT = "people_edit"  # 新增/修改/删除/导入 人员 and 聘任: the unit account, a department's 管理员
    POST_QUOTA = "post_quota"  # 设置岗位结构比例 of the units below: a department's 管理员


P = Permission

SUB_ACCOUNT_PERMISSIONS = (P.FILL, P.SUBMIT, P.PRINT, P.EXPORT, P.VIEW, P.EDIT_INFO, P.CHANGE_PASSWORD)
STAFF_ROLE_PERMISSIONS = (P.ADMIN, P.REVIEW, P.RETURN, P.PUBLISH, P.DICT)


def _unit_side(user, column: str) -> bool:
    if user.is_unit:
        return True
    return user.is_sub and bool(getattr(user, column))


def _staff_role(user, column: str) -> bool:
    return user.is_staff and bool(getattr(user, column))


def _root(user, column: str) -> bool:
    return _staff_role(user, column) and user.department is not None and user.department.is_root


RULES: dict[Permission, Callable] = {
    **{p: (lambda u, c=p.value: _unit_side(u, c)) for p in SUB_ACCOUNT_PERMISSIONS},
    # Staff, experts and persons change their own passwords too; a 工作账号 only with 修改密码.
    P.CHANGE_PASSWORD: lambda u: u.is_staff or u.is_expert or u.is_person or _unit_side(u, P.CHANGE_PASSWORD),
    **{p: (lambda u, c=p.value: _staff_role(u, c)) for p in STAFF_ROLE_PERMISSIONS},
    # An expert signs in to his current assignment and nothing else.
    P.SIGNED_IN: lambda u: not u.is_expert,
    P.STAFF: lambda u: u.is_staff,
    P.REVIEW_DESK: lambda u: _staff_role(u, P.REVIEW) or _staff_role(u, P.RETURN),
    P.UNIT: lambda u: u.is_unit,
    P.APPLY: lambda u: u.is_unit or u.is_sub,
    P.UNIT_INFO: lambda u: _unit_side(u, P.EDIT_INFO),
    P.PRINT_FORMS: lambda u: u.is_staff or _unit_side(u, P.PRINT) or u.is_person,
    P.PRINT_LIST: lambda u: _unit_side(u, P.PRINT),
    P.EXPORT_SUMMARY: lambda u: u.is_staff or _unit_side(u, P.EXPORT),
    P.MANAGE_ACCOUNTS: lambda u: u.is_unit or _staff_role(u, P.ADMIN),
    P.ROOT_ADMIN: lambda u: _root(u, P.ADMIN),
    P.ROOT_DICT: lambda u: _root(u, P.DICT),
    P.BOARD_MANAGE: lambda u: _staff_role(u, P.ADMIN),
    P.EXPERT: lambda u: u.is_expert,
    P.PERSON: lambda u: u.is_person,
    P.TEACHER: lambda u: u.is_person and _is_teacher(u),
    P.UNIT_PEOPLE: lambda u: u.is_unit,
    P.PERSON_REVIEW: lambda u: u.is_unit,
    P.SIGNOFF: lambda u: u.is_sub and _has_signoff_step(u),
    P.POST_REVIEW: lambda u: _root(u, P.REVIEW),
    P.CERTIFICATES: lambda u: _root(u, P.PUBLISH),
    P.DUPLICATES: lambda u: _root(u, P.REVIEW),
    P.APPLICANT: lambda u: _unit_side(u, P.FILL) or u.is_person,
    P.PEOPLE: lambda u: u.is_unit or u.is_staff,
    P.PEOPLE_EDIT: lambda u: u.is_unit or _staff_role(u, P.ADMIN),
    P.POST_QUOTA: lambda u: _staff_role(u, P.ADMIN),
}


def _has_signoff_step(user) -> bool:
    from zhicheng.extensions import db
    from zhicheng.persons.models import SignoffStep
    return db.session.scalar(select(SignoffStep.id).where(SignoffStep.reviewer_id == user.id,
                                                          SignoffStep.enabled).limit(1)) is not None


def _is_teacher(user) -> bool:
    from zhicheng.extensions import db
    from zhicheng.persons.models import Person, is_teacher_series
    return is_teacher_series(db.session.scalar(select(Person.series).where(Person.user_id == user.id)))


assert set(RULES) == set(Permission), "every permission has a rule"


def _reach(permission: Permission) -> Callable | None:
    """The zhicheng.scope predicate of the rows a permission reaches (imported late: scope asks
    `can` for the roles)."""
    from zhicheng import scope
    return {
        P.MANAGE_ACCOUNTS: scope.managed_accounts,
        P.REVIEW: scope.review_queue,
        P.RETURN: scope.review_queue,
        P.FILL: scope.materials,
        P.SUBMIT: scope.materials,
        P.PRINT_FORMS: scope.materials,
        P.VIEW: scope.materials,
        P.PUBLISH: scope.managed_projects,
        P.ADMIN: scope.departments,
        P.UNIT_INFO: scope.units,
        P.BOARD_MANAGE: scope.managed_boards,
        P.EXPERT: scope.meetings,
        P.PERSON: scope.persons,
        P.UNIT_PEOPLE: scope.memberships,
        P.PERSON_REVIEW: scope.person_applications,
        P.SIGNOFF: scope.signoff_materials,
    }.get(permission)


def grants(user) -> frozenset[Permission]:
    """Every permission `user` holds (without rows): what the rules answer for each."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(p for p, rule in RULES.items() if rule(user))


def can(user, permission: Permission | str, obj=None) -> bool:
    """Whether `user` holds `permission` (and, with `obj`, whether that row is within its reach)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not RULES[Permission(permission)](user):
        return False
    if obj is None:
        return True
    reach = _reach(Permission(permission))
    if reach is None:
        raise ValueError(f"{permission} reaches no rows")
    model = type(obj)
    from zhicheng.extensions import db
    return db.session.scalar(select(model.id).where(model.id == obj.id, reach(user))) is not None


class NotAllowed(DomainError):
    """A service called by someone without the authority for it."""


MESSAGES = {
    P.FILL: "没有填写材料的权限", P.SUBMIT: "没有上报材料的权限", P.PRINT: "没有打印表格的权限",
    P.EXPORT: "没有导出汇总表的权限", P.VIEW: "没有查看上报材料的权限", P.EDIT_INFO: "没有修改基本信息的权限",
    P.CHANGE_PASSWORD: "没有修改密码的权限", P.ADMIN: "没有管理员权限", P.REVIEW: "没有审核经办权限",
    P.RETURN: "没有退回审查权限", P.PUBLISH: "没有项目发布权限", P.DICT: "没有字典维护权限",
    P.EXPORT_SUMMARY: "没有导出汇总表的权限", P.PRINT_FORMS: "没有打印表格的权限", P.PRINT_LIST: "没有打印表格的权限",
    P.REVIEW_DESK: "没有审核材料的权限", P.UNIT: "只有单位用户可以进行此操作", P.STAFF: "只有部门工作人员可以进行此操作",
    P.UNIT_INFO: "没有修改基本信息的权限", P.MANAGE_ACCOUNTS: "无权管理该账号",
    P.ROOT_ADMIN: "只有市人社局（职改办）的管理员可以进行此操作",
    P.ROOT_DICT: "只有市人社局（职改办）的字典维护人员可以进行此操作",
    P.BOARD_MANAGE: "没有管理评委会的权限",
    P.EXPERT: "只有评审专家可以进行此操作",
    P.PERSON: "只有个人用户可以进行此操作",
    P.TEACHER: "公开课、教育教学由教师系列的个人用户填写，请先在基础信息中选择所属系列",
    P.UNIT_PEOPLE: "只有单位用户可以进行此操作",
    P.PERSON_REVIEW: "只有单位用户可以审核个人申报",
    P.SIGNOFF: "您不是本单位职能部门审核的审核人",
    P.POST_REVIEW: "只有市人社局（职改办）的审核经办人员可以进行评后管理",
    P.CERTIFICATES: "只有市人社局（职改办）的项目发布人员可以发文、管理证书",
    P.DUPLICATES: "只有市人社局（职改办）的审核经办人员可以处理重复申报",
    P.APPLICANT: "只有填写申报材料的用户可以进行此操作",
    P.PEOPLE: "只有单位和主管部门可以查看人员基本信息与聘任",
    P.PEOPLE_EDIT: "只有单位或主管部门的管理员可以维护人员基本信息与聘任",
    P.POST_QUOTA: "只有主管部门的管理员可以设置岗位结构比例",
}


def require(user, permission: Permission, obj=None, *, message: str | None = None,
            error: type[DomainError] = NotAllowed) -> None:
    """Refuse (`error`, nothing changed) unless `can(user, permission, obj)`."""
    if not can(user, permission, obj):
        raise error(message or MESSAGES.get(permission, "没有进行此操作的权限"))
