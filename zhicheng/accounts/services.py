"""Account actions (create, batch, enable/disable, reset, delete, password change).

Every function checks the actor's authority itself (zhicheng.policy), writes its audit row and
flushes, or raises AccountError and changes nothing; the request or command commits. Batches are
all or nothing: one account that may not be changed and none is.
"""
from __future__ import annotations

from sqlalchemy import func, insert, select

from zhicheng import transaction
from zhicheng.accounts import passwords
from zhicheng.accounts.models import KIND_STAFF, KIND_SUB, KIND_UNIT, STAFF_ROLES, SUB_PERMISSIONS
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.models import Material, User
from zhicheng.policy import P, can, require
from zhicheng.system import audit
from zhicheng.validators import ValidationError, check_password_rule, check_username, not_repeated, refuse_row

MAX_BATCH = 500


class AccountError(DomainError):
    pass


def username_taken(username: str) -> bool:
    """Whether the name is an account's username, or a 个人用户's 手机号 or 证件号码 (he logs in with
    them: a username equal to one would take his login)."""
    from zhicheng.persons.models import Person
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())) is not None:
        return True
    return db.session.scalar(select(Person.id).where((Person.phone == username)
                                                     | (Person.id_number == username.upper()))) is not None


def _check_new_username(username: str) -> str:
    try:
        username = check_username(username)
    except ValidationError as e:
        raise AccountError(str(e)) from None
    if username_taken(username):
        raise AccountError(f"用户名“{username}”已被使用，请换一个")
    return username


def _flags(values: dict | None, allowed: dict) -> dict:
    values = values or {}
    return {k: bool(values.get(k)) for k in allowed}


def new_user(kind: str, username: str, *, password: str | None = None, **fields) -> tuple[User, str | None]:
    """Build (not commit) an account. Without a password it gets a one-time password,
    returned once to the caller and to be changed at first login."""
    username = _check_new_username(username)
    otp = None
    if password is None:
        otp = passwords.new_one_time_password()
        pw_hash, must_change = passwords.hash_one_time(otp), True
    else:
        pw_hash, must_change = passwords.hash_chosen(password), False
    user = User(kind=kind, username=username, password_hash=pw_hash, must_change_password=must_change, **fields)
    db.session.add(user)
    return user, otp


def create_sub_account(actor: User, username: str, permissions: dict, real_name: str = "",
                       phone: str = "", email: str = "", id_card: str = "") -> tuple[User, str]:
    """工作账号管理 · 添加."""
    require(actor, P.UNIT, message="只有单位用户可以添加工作账号", error=AccountError)
    with transaction.atomic():
        user, otp = new_user(KIND_SUB, username, unit_id=actor.unit_id, created_by_id=actor.id,
                             real_name=real_name.strip(), phone=phone, email=email, id_card=id_card,
                             **_flags(permissions, SUB_PERMISSIONS))
        db.session.flush()
        audit.record("account.create", user, f"添加工作账号 {user.username}", actor=actor)
    return user, otp


def batch_create_sub_accounts(actor: User, count: int, permissions: dict) -> list[tuple[str, str]]:
    """批量新增账号: usernames = unit username + sequence number, one permission set.

    Returns [(username, one-time password)]. One multi-row INSERT keeps 500 well under a second.
    """
    require(actor, P.UNIT, message="只有单位用户可以批量新增账号", error=AccountError)
    if not isinstance(count, int) or count < 1 or count > MAX_BATCH:
        raise AccountError(f"新增数量应为1至{MAX_BATCH}之间的整数")
    prefix = actor.username
    taken = {u.lower() for u in db.session.scalars(
        select(User.username).where(func.lower(User.username).like(prefix.lower() + "%")))}
    flags = _flags(permissions, SUB_PERMISSIONS)
    rows, result, seq = [], [], 1
    while len(rows) < count:
        name = f"{prefix}{seq:03d}"
        seq += 1
        if name.lower() in taken:
            continue
        otp = passwords.new_one_time_password()
        rows.append(dict(kind=KIND_SUB, username=name, password_hash=passwords.hash_one_time(otp),
                         must_change_password=True, enabled=True, unit_id=actor.unit_id,
                         created_by_id=actor.id, real_name="", phone="", email="", id_card="", **flags))
        result.append((name, otp))
    with transaction.atomic():
        db.session.execute(insert(User), rows)
        audit.record("account.batch_create", actor.unit, f"批量新增工作账号{count}个：{result[0][0]} 至 {result[-1][0]}",
                     actor=actor)
    return result


def _check_batch(actor: User, targets: list[User], what: str, refuse=None) -> None:
    """Refuse the whole batch, naming each account that stops it, when any of them is outside the
    actor's reach (zhicheng.policy.MANAGE_ACCOUNTS) or `refuse(target)` gives a reason."""
    if not targets:
        raise AccountError(f"请先勾选要{what}的账号")
    reasons = []
    for target in targets:
        if not can(actor, P.MANAGE_ACCOUNTS, target):
            reasons.append(f"{target.username}：无权操作该账号")
        elif refuse is not None and (reason := refuse(target)):
            reasons.append(f"{target.username}：{reason}")
    if reasons:
        raise AccountError(f"未{what}任何账号。" + "；".join(reasons))


def reset_passwords(actor: User, targets: list[User]) -> list[str]:
    """密码重置: a new one-time password for each account, shown once, changed at the next login."""
    _check_batch(actor, targets, "重置密码")
    otps = []
    for target in targets:
        otp = passwords.new_one_time_password()
        target.password_hash = passwords.hash_one_time(otp)
        target.must_change_password = True
        audit.record("account.reset_password", target, f"重置 {target.username} 的密码", actor=actor)
        otps.append(otp)
    db.session.flush()
    return otps


def reset_password(actor: User, target: User) -> str:
    return reset_passwords(actor, [target])[0]


def set_enabled(actor: User, targets: list[User] | User, enabled: bool) -> None:
    """审核: 开通 / 禁用 of the selected accounts."""
    targets = targets if isinstance(targets, list) else [targets]
    _check_batch(actor, targets, "开通" if enabled else "禁用",
                 lambda t: "不能禁用或开通自己的账号" if t.id == actor.id else None)
    for target in targets:
        target.enabled = bool(enabled)
        if target.is_unit and target.unit is not None:
            # A unit's login account stands for the unit: its 工作账号 follow (User.is_active).
            target.unit.enabled = bool(enabled)
        audit.record("account.enable" if enabled else "account.disable", target,
                     f"{'开通' if enabled else '禁用'} {target.username}", actor=actor)
    db.session.flush()


def owns_materials(user: User) -> bool:
    return db.session.scalar(select(Material.id).where(Material.creator_id == user.id).limit(1)) is not None


def delete_accounts(actor: User, targets: list[User]) -> None:
    """删除: refused while an account owns materials (有申报记录的子账号，不可删除)."""
    def refuse(target):
        if target.id == actor.id:
            return "不能删除自己的账号"
        if owns_materials(target):
            return "有申报记录，不可删除（可改为禁用）"
        return None
    _check_batch(actor, targets, "删除", refuse)
    for target in targets:
        audit.record("account.delete", target, f"删除账号 {target.username}", actor=actor)
        db.session.delete(target)
    db.session.flush()


def delete_account(actor: User, target: User) -> None:
    delete_accounts(actor, [target])


def change_password(user: User, old: str | None, new: str, confirm: str) -> None:
    """密码修改; `old` is None for the forced change right after a login or a mailed reset."""
    if old is not None and not passwords.verify(user.password_hash, old):
        raise AccountError("原密码不正确")
    if new != confirm:
        raise AccountError("两次输入的新密码不一致")
    try:
        check_password_rule(new)
    except ValidationError as e:
        raise AccountError(str(e)) from None
    if passwords.verify(user.password_hash, new):
        raise AccountError("新密码不能与原密码相同")
    user.password_hash = passwords.hash_chosen(new)
    user.must_change_password = False
    audit.record("account.change_password", user, f"{user.username} 修改密码", actor=user)
    db.session.flush()


__all__ = ["AccountError", "new_user", "create_sub_account", "batch_create_sub_accounts", "reset_password",
           "reset_passwords", "set_enabled", "delete_account", "delete_accounts", "change_password", "owns_materials", "username_taken",
           "KIND_STAFF", "KIND_UNIT", "KIND_SUB", "STAFF_ROLES", "SUB_PERMISSIONS", "MAX_BATCH"]


# --- Organisation administration (工作账号 修改, 本部门工作人员, 下级部门, 基本信息管理, 单位名录) ---

def update_sub_account(actor: User, target: User, permissions: dict, real_name: str = "", phone: str = "",
                       email: str = "", id_card: str = "") -> None:
    """工作账号管理 · 修改: details and permissions; the username never changes."""
    if not (target.kind == KIND_SUB and can(actor, P.UNIT) and can(actor, P.MANAGE_ACCOUNTS, target)):
        raise AccountError("只能修改本单位的工作账号")
    target.real_name, target.phone, target.email, target.id_card = real_name.strip(), phone, email, id_card
    for key, value in _flags(permissions, SUB_PERMISSIONS).items():
        setattr(target, key, value)
    audit.record("account.update", target, f"修改工作账号 {target.username}", actor=actor)
    db.session.flush()


def _check_staff_roles(actor: User, department, roles: dict) -> dict:
    flags = _flags(roles, STAFF_ROLES)
    if flags["role_dict"] and not (actor.is_root_staff and department.is_root):
        raise AccountError("字典维护角色只能授予市人社局（职改办）本级的工作人员")
    return flags


def _manages_department(actor: User, department) -> bool:
    return (can(actor, P.ADMIN) and actor.department is not None and department is not None
            and department.path.startswith(actor.department.path))


def create_staff_account(actor: User, username: str, department, roles: dict, real_name: str = "",
                         phone: str = "", email: str = "") -> tuple[User, str]:
    """本部门工作人员 · 添加: a staff account of the admin's department or one below it."""
    if not _manages_department(actor, department):
        raise AccountError("只能为本部门或下级部门添加工作人员")
    flags = _check_staff_roles(actor, department, roles)
    with transaction.atomic():
        user, otp = new_user(KIND_STAFF, username, department_id=department.id, created_by_id=actor.id,
                             real_name=real_name.strip(), phone=phone, email=email, **flags)
        db.session.flush()
        audit.record("account.create", user, f"添加工作人员 {user.username}（{department.name}）", actor=actor)
    return user, otp


def update_staff_account(actor: User, target: User, department, roles: dict, real_name: str = "",
                         phone: str = "", email: str = "") -> None:
    """本部门工作人员 · 修改: details, department and roles; nobody changes their own roles."""
    if target.kind != KIND_STAFF or not _manages_department(actor, target.department):
        raise AccountError("只能修改本部门或下级部门的工作人员")
    if not _manages_department(actor, department):
        raise AccountError("只能选择本部门或下级部门")
    flags = _check_staff_roles(actor, department, roles)
    if target.id == actor.id and (department.id != target.department_id
                                  or any(getattr(target, k) != v for k, v in flags.items())):
        raise AccountError("不能修改自己的角色或所在部门")
    target.real_name, target.phone, target.email = real_name.strip(), phone, email
    target.department_id = department.id
    for key, value in flags.items():
        setattr(target, key, value)
    audit.record("account.update", target, f"修改工作人员 {target.username}", actor=actor)
    db.session.flush()


UNIT_INFO_FIELDS = ("name", "legal_rep", "unit_type", "industry", "region", "address", "nature", "contact_name",
                    "contact_phone", "contact_email", "email")


def update_unit_info(actor: User, unit, values: dict, rename_reason: str = "") -> None:
    """基本信息管理 (unit): 机构代码 and 归口部门 are not changed here; a new 单位全称 needs a reason
    and goes into the 更名记录 (zhicheng.org.profile)."""
    from zhicheng.org import profile
    if not (can(actor, P.UNIT) and actor.unit_id == unit.id):
        raise AccountError("只能修改本单位的基本信息")
    errors = profile.check_codes(values)
    if errors:
        field, message = next(iter(errors.items()))
        raise profile.UnitInfoError(message, field=field)
    with transaction.atomic():
        new_name = (values.get("name") or "").strip()
        if "name" in values and new_name != unit.name:
            profile.rename_unit(actor, unit, new_name, rename_reason)
        for key in UNIT_INFO_FIELDS:
            if key in values and key != "name":
                setattr(unit, key, (values[key] or "").strip())
    if "email" in values:
        actor.email = unit.email
    audit.record("unit.update_info", unit, f"修改单位基本信息 {unit.name}", actor=actor)
    db.session.flush()


def update_own_info(user: User, real_name: str, phone: str, email: str) -> None:
    """基本信息管理 (工作账号 with 修改基本信息): the account's own name and contact details."""
    require(user, P.EDIT_INFO, error=AccountError)
    user.real_name, user.phone, user.email = real_name.strip(), phone, email
    audit.record("account.update", user, f"{user.username} 修改基本信息", actor=user)
    db.session.flush()


def create_sub_department(actor: User, name: str, parent, accepts_registration: bool = True):
    """下级部门 · 添加: under the admin's own department or one below it."""
    from zhicheng.models import Department
    from zhicheng.org.departments import create_department
    name = (name or "").strip()
    if not name:
        raise AccountError("请填写部门名称")
    if not _manages_department(actor, parent):
        raise AccountError("只能在本部门或下级部门之下添加部门")
    if db.session.scalar(select(Department.id).where(Department.parent_id == parent.id,
                                                     Department.name == name)) is not None:
        raise AccountError(f"“{parent.name}”下已有名为“{name}”的部门")
    with transaction.atomic():
        dept = create_department(name, parent, accepts_registration)
        audit.record("department.create", dept, f"添加下级部门 {dept.name}（上级：{parent.name}）", actor=actor)
    return dept


def import_unit_registry(actor: User, rows) -> list[dict]:
    """单位名录 · 导入. `rows` are (row number, 机构代码, 法定代表人, 单位名称).

    A row is rejected when a field is missing, the code is malformed or fails its check digit,
    or the code already appeared earlier in the same file; a code already in the registry is
    updated with the file's legal representative and name. Returns one report entry per row.
    """
    from zhicheng import textcheck
    from zhicheng.models import UnitRegistry
    from zhicheng.validators import check_uscc
    require(actor, P.ROOT_DICT, message="只有市人社局（职改办）的字典维护人员可以导入单位名录", error=AccountError)
    existing = {r.uscc: r for r in db.session.scalars(select(UnitRegistry))}
    seen: dict[str, int] = {}
    report = []
    for line, raw_code, raw_rep, raw_name in rows:
        code = str(raw_code or "").strip().upper()
        rep, name = str(raw_rep or "").strip(), str(raw_name or "").strip()
        entry = {"line": line, "uscc": code, "legal_rep": rep, "name": name}
        try:
            result = check_uscc(code)
            if not result.checksum_ok:
                raise ValidationError("统一社会信用代码校验位不正确")
            code = result.code
            if not rep:
                raise ValidationError("缺少法定代表人")
            if not name:
                raise ValidationError("缺少单位名称")
            textcheck.check(rep, "法定代表人")
            textcheck.check(name, "单位名称")
            if len(rep) > 50 or len(name) > 200:
                raise ValidationError("法定代表人或单位名称过长")
            not_repeated(seen, code, "机构代码")
        except ValidationError as e:
            refuse_row(report, entry, e)
            continue
        seen[code] = line
        if code in existing:
            existing[code].legal_rep, existing[code].name = rep, name
            entry.update(status="updated", reason="名录中已有该机构代码，已按文件更新")
        else:
            existing[code] = UnitRegistry(uscc=code, legal_rep=rep, name=name)
            db.session.add(existing[code])
            entry.update(status="added", reason="")
        report.append(entry)
    audit.record_import("registry.import", None, "导入单位名录", report,
                        {"added": "新增", "updated": "更新", "rejected": "拒绝"}, actor)
    db.session.flush()
    return report


__all__ += ["update_sub_account", "create_staff_account", "update_staff_account", "update_unit_info",
            "update_own_info", "create_sub_department", "import_unit_registry", "UNIT_INFO_FIELDS"]
