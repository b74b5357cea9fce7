"""A refusal answered by the page (errors.refused) keeps nothing of the request's work, even what a
service flushed before it refused: the request's commit must not save it."""
from __future__ import annotations

from sqlalchemy import select

from zhicheng.extensions import db
from zhicheng.models import Membership
from zhicheng.persons import membership
from zhicheng.persons.membership import MembershipError


def test_a_refused_join_leaves_no_row_behind(app, org, auth, csrf, monkeypatch):
    real = membership.request_join

    def join_then_refuse(user, unit_id):
        real(user, unit_id)  # the row is added and flushed ...
        db.session.flush()
        raise MembershipError("该单位暂不接受加入申请")  # ... then the service refuses

    monkeypatch.setattr(membership, "request_join", join_then_refuse)
    pa = auth.client("gerena")
    r = pa.post("/admin/person_unit/join", data={"unit_id": org.unit_a.id,
                                                 "csrf_token": csrf(pa, "/admin/person_unit/")})
    assert r.status_code == 302
    assert "该单位暂不接受加入申请" in pa.get("/admin/person_unit/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(select(Membership).where(Membership.user_id == org["person_a"].id)).all() == []
