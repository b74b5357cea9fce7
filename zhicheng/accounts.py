"""Account actions (create, batch, enable/disable, reset, delete, password change).

Every function writes its audit row and commits, or raises AccountError and changes nothing.
"""
from __future__ import annotations

from sqlalchemy import func, insert, select

from . import audit, passwords
from .extensions import db
from .models import Material, User
from .models.accounts import KIND_STAFF, KIND_SUB, KIND_UNIT, STAFF_ROLES, SUB_PERMISSIONS
from .validators import ValidationError, check_password_rule, check_username

MAX_BATCH = 500


class AccountError(Exception):
    pass


def username_taken(username: str) -> bool:
    return db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())) is not None


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
    if not actor.is_unit:
        raise AccountError("只有单位用户可以添加工作账号")
    try:
        user, otp = new_user(KIND_SUB, username, unit_id=actor.unit_id, created_by_id=actor.id,
                             real_name=real_name.strip(), phone=phone, email=email, id_card=id_card,
                             **_flags(permissions, SUB_PERMISSIONS))
        db.session.flush()
        audit.record("account.create", user, f"添加工作账号 {user.username}", actor=actor)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return user, otp


def batch_create_sub_accounts(actor: User, count: int, permissions: dict) -> list[tuple[str, str]]:
    """批量新增账号: usernames = unit username + sequence number, one permission set.

    Returns [(username, one-time password)]. One multi-row INSERT keeps 500 well under a second.
    """
    if not actor.is_unit:
        raise AccountError("只有单位用户可以批量新增账号")
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
    try:
        db.session.execute(insert(User), rows)
        audit.record("account.batch_create", actor.unit, f"批量新增工作账号{count}个：{result[0][0]} 至 {result[-1][0]}",
                     actor=actor)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def reset_password(actor: User, target: User) -> str:
    """密码重置: a new one-time password, shown once; must be changed at next login."""
    otp = passwords.new_one_time_password()
    target.password_hash = passwords.hash_one_time(otp)
    target.must_change_password = True
    audit.record("account.reset_password", target, f"重置 {target.username} 的密码", actor=actor)
    db.session.commit()
    return otp


def set_enabled(actor: User, target: User, enabled: bool) -> None:
    """审核: 开通 / 禁用."""
    if target.id == actor.id:
        raise AccountError("不能禁用或开通自己的账号")
    target.enabled = bool(enabled)
    audit.record("account.enable" if enabled else "account.disable", target,
                 f"{'开通' if enabled else '禁用'} {target.username}", actor=actor)
    db.session.commit()


def owns_materials(user: User) -> bool:
    return db.session.scalar(select(Material.id).where(Material.creator_id == user.id).limit(1)) is not None


def delete_account(actor: User, target: User) -> None:
    """删除: refused while the account owns materials (有申报记录的子账号，不可删除)."""
    if target.id == actor.id:
        raise AccountError("不能删除自己的账号")
    if owns_materials(target):
        raise AccountError(f"账号“{target.username}”有申报记录，不可删除（可改为禁用）")
    audit.record("account.delete", target, f"删除账号 {target.username}", actor=actor)
    db.session.delete(target)
    db.session.commit()


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
    db.session.commit()


__all__ = ["AccountError", "new_user", "create_sub_account", "batch_create_sub_accounts", "reset_password",
           "set_enabled", "delete_account", "change_password", "owns_materials", "username_taken",
           "KIND_STAFF", "KIND_UNIT", "KIND_SUB", "STAFF_ROLES", "SUB_PERMISSIONS", "MAX_BATCH"]
