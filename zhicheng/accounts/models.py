from __future__ import annotations

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhicheng.extensions import db
from zhicheng.org.models import Department, Unit

# Column name -> label, in the manuals' words. The order is the order of the checkboxes.
STAFF_ROLES = {
    "role_admin": "管理员",
    "role_review": "审核经办",
    "role_return": "退回审查",
    "role_publish": "项目发布",
    "role_dict": "字典维护",
}
SUB_PERMISSIONS = {
    "perm_fill": "填写材料",
    "perm_submit": "上报材料",
    "perm_print": "打印表格",
    "perm_export": "导出汇总表",
    "perm_view": "查看上报材料",
    "perm_edit_info": "修改基本信息",
    "perm_change_password": "修改密码",
}

KIND_STAFF = "staff"
KIND_UNIT = "unit"
KIND_SUB = "sub"
KIND_EXPERT = "expert"  # 评审专家: signs in to his current meeting assignment only (zhicheng.boards)
KIND_PERSON = "person"  # 个人用户: registered himself, keeps his own 档案 (zhicheng.persons)
KIND_LABELS = {KIND_STAFF: "部门工作人员", KIND_UNIT: "单位用户", KIND_SUB: "工作账号", KIND_EXPERT: "评审专家",
               KIND_PERSON: "个人用户"}


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


class User(UserMixin, db.Model):
    """Every account that logs in: department staff, unit accounts and their 工作账号, experts.

    One table keeps usernames unique across all kinds and gives one login page.
    """

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    enabled: Mapped[bool] = mapped_column(default=True)
    real_name: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    id_card: Mapped[str] = mapped_column(String(18), default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_login_at: Mapped[datetime | None]

    role_admin: Mapped[bool] = mapped_column(default=False)
    role_review: Mapped[bool] = mapped_column(default=False)
    role_return: Mapped[bool] = mapped_column(default=False)
    role_publish: Mapped[bool] = mapped_column(default=False)
    role_dict: Mapped[bool] = mapped_column(default=False)

    perm_fill: Mapped[bool] = mapped_column(default=False)
    perm_submit: Mapped[bool] = mapped_column(default=False)
    perm_print: Mapped[bool] = mapped_column(default=False)
    perm_export: Mapped[bool] = mapped_column(default=False)
    perm_view: Mapped[bool] = mapped_column(default=False)
    perm_edit_info: Mapped[bool] = mapped_column(default=False)
    perm_change_password: Mapped[bool] = mapped_column(default=False)

    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])
    # Guard for 删除: an account that created materials may not be deleted (DB-level too: no cascade).
    materials = relationship("Material", back_populates="creator", lazy="dynamic",
                             foreign_keys="Material.creator_id")

    @property
    def is_active(self) -> bool:
        """Flask-Login: a disabled account, or any account of a disabled unit or of a unit whose
        registration its 归口部门 has not approved (注册需审核), has no session."""
        if not self.enabled:
            return False
        return self.unit is None or (self.unit.enabled and self.unit.approval == "approved")

    def get_id(self) -> str:
        """What the session remembers: the id and a fingerprint of the password hash, so every
        session ends when the password changes or is reset (see auth.routes.load_user)."""
        return f"{self.id}:{password_fingerprint(self.password_hash)}"

    @property
    def is_staff(self) -> bool:
        return self.kind == KIND_STAFF

    @property
    def is_unit(self) -> bool:
        return self.kind == KIND_UNIT

    @property
    def is_sub(self) -> bool:
        return self.kind == KIND_SUB

    @property
    def is_expert(self) -> bool:
        return self.kind == KIND_EXPERT

    @property
    def is_person(self) -> bool:
        return self.kind == KIND_PERSON

    @property
    def is_root_staff(self) -> bool:
        return self.is_staff and self.department is not None and self.department.is_root

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    def __str__(self) -> str:
        return f"{self.username}（{self.real_name}）" if self.real_name else self.username


# Login and the "name already used" check compare case-insensitively: an index on
# lower(username) serves them (no scan of every account) and keeps two accounts from
# differing only in case.
Index("ux_user_account_username_lower", func.lower(User.username), unique=True)


class CaptchaChallenge(db.Model):
    """A login captcha's answer, kept on the server: the session holds only its id, and the row
    is deleted by the first attempt, so a copied session cookie cannot replay a solved captcha."""

    __tablename__ = "captcha_challenge"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    answer: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)


class LoginSession(db.Model):
    """One login of one account, kept on the server so that 退出 ends it for good (a copied
    cookie is worth nothing afterwards), with an idle and an absolute lifetime.

    The cookie carries a random token; only its SHA-256 is stored, so the table lets nobody log in.
    """

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]
    address: Mapped[str] = mapped_column(String(64), default="")
