"""Who may see what hangs on a material (附件, 审核记录): through the material, whoever may read it
(the unit's 工作账号 and the 单位审核 steps included), and the experts their meetings' materials' files."""
from __future__ import annotations

from sqlalchemy import ColumnElement, select

from zhicheng.materials.models import ID_PHOTO_KIND
from zhicheng.models import (
    Attachment,
    Material,
    MeetingMaterial,
    ReviewRecord,
)
from zhicheng.scope.boards import meeting_materials
from zhicheng.scope.core import materials
from zhicheng.scope.persons import signoff_materials


def attachments(user) -> ColumnElement[bool]:
    """A material's attachments: with the material; an expert those of the materials before him,
    but not an applicant's 身份证照片."""
    if user.is_authenticated and user.is_expert:
        return (Attachment.material_id.in_(select(MeetingMaterial.material_id).where(meeting_materials(user)))
                & (Attachment.kind != ID_PHOTO_KIND))
    return _of_readable_material(user, Attachment)


def _readable_materials(user) -> ColumnElement[bool]:
    """materials(), and for a 职能部门 reviewer also the 个人申报 waiting for his sign-off."""
    if user.is_authenticated and user.is_sub:
        return materials(user) | signoff_materials(user)
    return materials(user)


def _of_readable_material(user, model) -> ColumnElement[bool]:
    """Rows of `model` whose material (`model.material_id`) the user may read: EXISTS on that
    material by its primary key. (`material_id IN (the readable materials)` made SQLite list all
    of them, a district's 10,000, to show one material's 审核记录: 5 ms a page.)"""
    return (select(Material.id).where(Material.id == model.material_id, _readable_materials(user))
            .correlate(model).exists())


def review_records(user) -> ColumnElement[bool]:
    return _of_readable_material(user, ReviewRecord)
