"""The expert's side: first his current meetings only, the materials of his 学科组 (every one of
the meeting while it votes, never his own unit's), read-only with attachments, 声明回避 and one
secret ballot per material; every refusal a Chinese message with nothing written; nothing left
once the meeting is closed, and no other page of the system opens for him."""
from __future__ import annotations

from sqlalchemy import func, select

from zhicheng import storage, transaction
from zhicheng.admin.base import GuardedView, ScopedModelView
from zhicheng.boards import meetings
from zhicheng.extensions import db
from zhicheng.models import Attachment, Ballot, BallotReceipt, ConflictDeclaration

from .conftest import draw, to_voting
from .web import post, sign_in_expert, text

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _listing(c) -> str:
    return text(c.get("/admin/expert_materials/"))


def _ballots() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(Ballot)),
            db.session.scalar(select(func.count()).select_from(BallotReceipt)))


def _flash(c, r) -> str:
    assert r.status_code == 302, r.status_code
    return text(c.get(r.headers["Location"]))


def test_during_review_each_group_sees_its_own_materials(setup, auth, csrf):
    s = setup
    draw(s)
    meetings.start_review(s.manager, s.meeting)
    transaction.commit()
    a = sign_in_expert(auth, s.experts["cs"][0])
    b = sign_in_expert(auth, s.experts["arch"][0])
    home = text(a.get("/admin/"))
    assert s.meeting.name in home and "计算机组" in home and "评议中" in home
    assert f"/admin/expert_materials/?meeting={s.meeting.id}" in home
    page = _listing(a)
    assert "甲一" in page and "甲二" in page and "乙一" not in page
    page = _listing(b)
    assert "乙一" in page and "甲一" not in page
    page = text(a.get("/admin/expert_materials/?search=甲一"))
    assert "甲一" in page and "甲二" not in page
    assert "甲二" in text(a.get(f"/admin/expert_materials/?meeting={s.meeting.id}"))
    assert "甲二" not in text(a.get(f"/admin/expert_materials/?meeting={s.meeting.id + 1}"))
    assert b.get(f"/admin/expert_materials/details/?id={s.mm('a1').id}").status_code == 404
    detail = text(a.get(f"/admin/expert_materials/details/?id={s.mm('a1').id}"))
    assert "甲一" in detail and "声明回避" in detail and "ballot-form" not in detail
    assert s.materials["a1"].id_card not in detail  # read-only, without the applicant's 身份证号
    # Not yet voting: the ballot is refused; a declaration needs its reason.
    msg = _flash(a, post(a, csrf, "/admin/expert_materials/ballot/", {"id": s.mm("a1").id, "choice": "approve"}))
    assert "不在表决阶段，不能投票" in msg
    msg = _flash(a, post(a, csrf, "/admin/expert_materials/conflict/", {"id": s.mm("a1").id, "reason": " "}))
    assert "请填写回避理由" in msg
    msg = _flash(a, post(a, csrf, "/admin/expert_materials/conflict/", {"id": s.mm("a1").id, "reason": "同事\x07"}))
    assert "回避理由：" in msg
    assert _ballots() == (0, 0) and db.session.scalar(select(func.count()).select_from(ConflictDeclaration)) == 0
    # Group B's expert cannot post on group A's material.
    r = post(b, csrf, "/admin/expert_materials/conflict/", {"id": s.mm("a1").id, "reason": "同事"})
    assert r.status_code == 404


def test_attachments_download_only_for_the_materials_before_him(setup, auth, app):
    s = setup
    draw(s)
    storage.backend().put_bytes("uploads", "a1scan.pdf", PDF, "application/pdf")
    att = Attachment(material_id=s.materials["a1"].id, kind="scan", original_name="甲一评审表.pdf",
                     stored_name="a1scan.pdf", mime="application/pdf", size=len(PDF))
    db.session.add(att)
    db.session.commit()
    a = sign_in_expert(auth, s.experts["cs"][0])
    b = sign_in_expert(auth, s.experts["arch"][0])
    assert f"/admin/expert_materials/attachment/{att.id}" in text(
        a.get(f"/admin/expert_materials/details/?id={s.mm('a1').id}"))
    r = a.get(f"/admin/expert_materials/attachment/{att.id}")
    assert r.status_code == 200 and r.data == PDF
    assert b.get(f"/admin/expert_materials/attachment/{att.id}").status_code == 404
    # and nobody's expert reaches it through the units' or departments' download
    assert a.get(f"/admin/materials/attachment/{att.id}").status_code == 403


def test_voting_one_secret_ballot_per_present_member(setup, auth, csrf):
    s = setup
    present = to_voting(s, absent=1)
    absent_member = s.members()[-1]
    a = sign_in_expert(auth, s.experts["cs"][0])
    recused = sign_in_expert(auth, s.experts["cs_b"][0])  # of unit B, in 计算机组
    # While voting, the whole 评委会 votes on every material but its own unit's.
    page = _listing(a)
    assert "甲一" in page and "乙一" in page
    page = _listing(recused)
    assert "甲一" in page and "乙一" not in page
    assert recused.get(f"/admin/expert_materials/details/?id={s.mm('b1').id}").status_code == 404
    r = post(recused, csrf, "/admin/expert_materials/ballot/", {"id": s.mm("b1").id, "choice": "approve"})
    assert r.status_code == 404
    assert _ballots() == (0, 0)

    detail = text(a.get(f"/admin/expert_materials/details/?id={s.mm('a1').id}"))
    assert "ballot-form" in detail and "同意" in detail and "不同意" in detail and "弃权" in detail
    msg = _flash(a, post(a, csrf, "/admin/expert_materials/ballot/", {"id": s.mm("a1").id, "choice": "maybe"}))
    assert "请选择同意、不同意、弃权之一" in msg and _ballots() == (0, 0)
    msg = _flash(a, post(a, csrf, "/admin/expert_materials/ballot/", {"id": s.mm("a1").id, "choice": "approve"}))
    assert "已对材料" in msg and "您已对该材料投票" in msg and "ballot-form" not in msg
    assert _ballots() == (1, 1)
    msg = _flash(a, post(a, csrf, "/admin/expert_materials/ballot/", {"id": s.mm("a1").id, "choice": "reject"}))
    assert "每位委员对每份材料只能投一票" in msg and _ballots() == (1, 1)
    # 回避 declared: the material is no longer before him, and no ballot.
    msg = _flash(a, post(a, csrf, "/admin/expert_materials/conflict/", {"id": s.mm("a2").id, "reason": "曾共同承担项目"}))
    assert "已对材料" in msg and "声明回避：该材料不再向您显示" in msg
    assert "甲二" not in msg and "甲一" in msg  # back on the list, without it
    assert a.get(f"/admin/expert_materials/details/?id={s.mm('a2').id}").status_code == 404
    r = post(a, csrf, "/admin/expert_materials/ballot/", {"id": s.mm("a2").id, "choice": "approve"})
    assert r.status_code == 404 and _ballots() == (1, 1)
    # An absent member cannot vote.
    away = sign_in_expert(auth, absent_member.expert)
    mm_id = s.mm("a1").id if absent_member.group_id == s.cs.id else s.mm("b1").id
    msg = _flash(away, post(away, csrf, "/admin/expert_materials/ballot/", {"id": mm_id, "choice": "approve"}))
    assert "缺席委员不能投票" in msg and _ballots() == (1, 1)
    assert len(present) == 24

    # Closed: nothing of the meeting is left for any expert.
    meetings.close_meeting(s.manager, s.meeting)
    transaction.commit()
    for c in (a, recused, away):
        home = text(c.get("/admin/"))
        assert s.meeting.name not in home and "当前没有需要您参加的评审会议" in home
        assert "甲一" not in _listing(c)
        assert c.get(f"/admin/expert_materials/details/?id={s.mm('a1').id}").status_code == 404
    r = post(a, csrf, "/admin/expert_materials/ballot/", {"id": s.mm("a2").id, "choice": "approve"})
    assert r.status_code == 404 and _ballots() == (1, 1)


def test_an_expert_opens_no_other_page(setup, auth, app):
    s = setup
    draw(s)
    a = sign_in_expert(auth, s.experts["cs"][0])
    admin = app.extensions["admin"][0]
    for view in admin._views:
        if not isinstance(view, (ScopedModelView, GuardedView)):
            continue
        r = a.get(view.url + "/")
        want = {200} if view.endpoint == "expert_materials" else {403}
        assert r.status_code in want, (view.endpoint, r.status_code)
    home = text(a.get("/admin/"))
    assert a.get("/admin/").status_code == 200
    assert 'href="/admin/expert_materials/"' in home
    for url in ("/admin/boards/", "/admin/meetings/", "/admin/experts/", "/admin/materials/", "/admin/export/"):
        assert f'href="{url}"' not in home
