"""`flask demo-data`: the 评审 part of the small demo is ready to use by hand: a 评委会 with its
学科组, experts who can sign in, and a meeting holding 审核通过 materials, ready to draw."""
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
    meeting = db.session.scalar(select(Meeting))
    assert meeting.state == "preparing"
    assert db.session.scalar(select(func.count()).select_from(MeetingMaterial)) == 3
    assert check_consistency() == []
    # The experts sign in with the demo password; zj007 changes his first.
    r = auth.client("zj001", password=DEMO_PASSWORD).get("/admin/")
    assert r.status_code == 200 and "我的评审会议" in r.get_data(as_text=True)
    r = auth.client("zj007", password=DEMO_PASSWORD).get("/admin/")
    assert r.status_code == 302 and "/password" in r.headers["Location"]
    # and the 组建单位 draws its members
    admin = db.session.scalar(select(User).where(User.username == "rsj_admin"))
    draw_members(admin, meeting, [DrawRequest(board.groups[0].id, "计算机应用", 5)], seed=1)
    transaction.commit()
    assert db.session.get(Meeting, meeting.id).state == "drawn"
