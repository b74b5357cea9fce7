"""`flask demo-data`: the 评审 part of the small demo is ready to use by hand: a 评委会 with its
学科组, experts who can sign in, a meeting holding 审核通过 materials, ready to draw, and a second
one in 学科组评议 whose 组长 (zj001, as printed) submits the group's opinion."""
from sqlalchemy import func, select

from zhicheng import transaction
from zhicheng.boards.draw import DrawRequest, draw_members
from zhicheng.demodata.demo import DEMO_PASSWORD, load_demo
from zhicheng.extensions import db
from zhicheng.models import Expert, Meeting, MeetingMaterial, ReviewBoard, User
from zhicheng.review.consistency import check_consistency


def test_demo_has_a_board_experts_and_a_meeting_ready_to_draw(app, auth):
    logins = load_demo()
    transaction.commit()
    assert any(username.startswith("zj001") for username, _, _ in logins)
    board = db.session.scalar(select(ReviewBoard))
    assert board.name == "杭州市工程系列中级评审委员会" and [g.name for g in board.groups] == ["计算机组"]
    assert db.session.scalar(select(func.count()).select_from(Expert)) == 7
    meeting, second = db.session.scalars(select(Meeting).order_by(Meeting.id)).all()
    assert meeting.state == "preparing" and second.state == "reviewing"
    assert db.session.scalar(select(func.count()).select_from(MeetingMaterial)) == 5
    assert any(u == "zj001" and "组长" in what for u, _, what in logins)
    assert check_consistency() == []
    # The experts sign in with the demo password; zj007 changes his first.
    r = auth.client("zj001", password=DEMO_PASSWORD).get("/admin/")
    assert r.status_code == 200 and "我的评审会议" in r.get_data(as_text=True)
    r = auth.client("zj007", password=DEMO_PASSWORD).get("/admin/")
    assert r.status_code == 302 and "/password" in r.headers["Location"]
    # 评议 in the second meeting: zj001 is its 组长 and may submit, zj002 writes his opinion.
    mm = db.session.scalar(select(MeetingMaterial.id).where(MeetingMaterial.meeting_id == second.id))
    leader = auth.client("zj001", password=DEMO_PASSWORD)
    page = leader.get(f"/admin/expert_materials/details/?id={mm}").get_data(as_text=True)
    assert "group-opinion-form" in page and "计算机组组长" in page
    page = auth.client("zj002", password=DEMO_PASSWORD).get(f"/admin/expert_materials/details/?id={mm}")
    assert "opinion-form" in page.get_data(as_text=True)
    assert "group-opinion-form" not in page.get_data(as_text=True)
    # and the 组建单位 draws its members
    admin = db.session.scalar(select(User).where(User.username == "rsj_admin"))
    draw_members(admin, meeting, [DrawRequest(board.groups[0].id, "计算机应用", 5)], seed=1)
    transaction.commit()
    assert db.session.get(Meeting, meeting.id).state == "drawn"
