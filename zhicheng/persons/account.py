"""删除账号: a person may delete his account while none of his materials has ever left him (every
one still 待提交, never submitted). His personal data go: the profile (with his 照片 and 身份证照片),
every section of the 档案, his drafts and their files, his 所属单位 history; the account row stays,
emptied and disabled, so the audit log (and any 真实性承诺 record) still names who did what, and
nobody can log in with it again."""
from __future__ import annotations

import secrets

from sqlalchemy import delete, select

from zhicheng import storage, transaction
from zhicheng.accounts import passwords
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.models import Material, ReviewRecord
from zhicheng.models import MaterialState as S
from zhicheng.persons.models import ARCHIVE_MODELS, Membership, Person
from zhicheng.policy import P, require
from zhicheng.system import audit


class AccountError(DomainError):
    pass


def submitted_materials(user) -> list[Material]:
    """His materials that have been 提交 at least once (they block 删除账号)."""
    ever = select(ReviewRecord.material_id).where(ReviewRecord.material_id == Material.id)
    return list(db.session.scalars(select(Material).where(
        Material.creator_id == user.id, (Material.state != S.PERSON_DRAFT) | ever.exists())))


def delete_account(user, password: str) -> None:
    require(user, P.PERSON, error=AccountError)
    if not password or not passwords.verify(user.password_hash, password):
        raise AccountError("密码不正确")
    blocked = submitted_materials(user)
    if blocked:
        numbers = "、".join(m.number or str(m.id) for m in blocked)
        raise AccountError(f"已有提交过的申报材料（{numbers}），不能删除账号")
    with transaction.atomic():
        drafts = list(db.session.scalars(select(Material).where(Material.creator_id == user.id)))
        files = [a.stored_name for m in drafts for a in m.attachments]
        person = db.session.scalar(select(Person).where(Person.user_id == user.id))
        if person is not None:
            files += person.stored_files()
        for m in drafts:
            db.session.delete(m)
        for model in (*ARCHIVE_MODELS, Membership):
            db.session.execute(delete(model).where(model.user_id == user.id))
        if person is not None:
            db.session.delete(person)
        audit.record("person.delete_account", user, f"个人用户删除账号（{user.username}），个人信息已清除", actor=user)
        user.username = f"deleted-{user.id}-{secrets.token_hex(4)}"
        user.real_name = user.phone = user.email = user.id_card = ""
        user.password_hash = passwords.hash_chosen(secrets.token_urlsafe(32) + "a1")
        user.enabled = False
        db.session.flush()
    transaction.after_commit(lambda: [storage.delete(name) for name in files])
