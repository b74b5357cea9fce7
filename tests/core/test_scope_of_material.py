"""审核记录 and 附件 are visible with their material: scope.review_records / scope.attachments ask
whether the row's own material is readable (EXISTS on it by primary key). For every role they
give exactly the rows of the materials scope.materials (and a sign-off reviewer's 个人申报) lets
the user read, also inside a statement that joins other materials."""
from __future__ import annotations

from sqlalchemy import select, true

from zhicheng import scope
from zhicheng.extensions import db
from zhicheng.models import Attachment, Material, ReviewRecord, User

from ..web.test_access_matrix import ROLES, _populate


def _ids(statement) -> set:
    return set(db.session.scalars(statement))


def test_records_and_attachments_follow_their_materials_for_every_role(org):
    _populate(org)
    for i, mid in enumerate(db.session.scalars(select(Material.id))):
        db.session.add(Attachment(material_id=mid, original_name=f"扫描件{i}.pdf", stored_name=f"scope-test-{i}",
                                  mime="application/pdf", size=10))
    db.session.commit()
    assert _ids(select(ReviewRecord.id)) and _ids(select(Attachment.id))
    seen_some = seen_none = False
    for role in ROLES:
        user = db.session.get(User, org[role].id)
        readable = _ids(select(Material.id).where(scope._readable_materials(user)))
        for model, rule in ((ReviewRecord, scope.review_records), (Attachment, scope.attachments)):
            if model is Attachment and user.is_expert:
                continue  # an expert's are those of his meeting's materials (tests/boards)
            expected = _ids(select(model.id).where(model.material_id.in_(readable or [-1])))
            assert _ids(select(model.id).where(rule(user))) == expected, (role, model.__name__)
            # joined to every material: still the row's own material that counts
            joined = select(model.id).join(Material, true()).where(rule(user))
            assert _ids(joined) == expected, (role, model.__name__, "joined")
            seen_some |= bool(expected)
            seen_none |= not expected and bool(_ids(select(model.id)))
    assert seen_some and seen_none
