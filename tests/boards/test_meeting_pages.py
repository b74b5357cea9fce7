"""评审会议 pages of the 组建单位's 管理员, from 新建会议 to the results: each step a button, each
refusal a Chinese message with nothing changed."""
from __future__ import annotations

from sqlalchemy import func, select

from zhicheng.boards.states import MeetingState
from zhicheng.extensions import db
from zhicheng.models import DrawRecord, Meeting, MeetingMaterial, MeetingMember

from .conftest import approved, draw
from .web import post, text


def _page(c, meeting) -> str:
    return text(c.get(f"/admin/meetings/details/?id={meeting.id}"))


def _state(meeting) -> str:
    db.session.expire_all()
    return db.session.get(Meeting, meeting.id).state


def test_a_meeting_from_creation_to_its_results(setup, auth, csrf):
    s = setup
    c = auth.client("rootadmin")
    r = post(c, csrf, "/admin/meetings/new/", {"board_id": s.board.id, "name": "2026年度第二次评审会议",
                                               "review_start": "2026-12-10T09:00", "review_end": "2026-12-17T17:00",
                                               "meeting_date": "2026-12-18"}, "/admin/meetings/new/")
    assert r.status_code == 302
    meeting = db.session.scalar(select(Meeting).where(Meeting.name == "2026年度第二次评审会议"))
    assert "2026年度第二次评审会议" in text(c.get("/admin/meetings/"))
    extra = approved(s.org.projects["xihu_junior"], s.org["unit_a"], "甲三", 4)
    page = _page(c, meeting)
    assert "分配评审材料" in page and "甲三" in page and "甲一" not in page  # 甲一 is in the open meeting
    r = post(c, csrf, "/admin/meetings/assign/", {"id": meeting.id, "group_id": s.cs.id, "material_id": [extra.id]})
    assert r.status_code == 302
    assert "已将1份材料分配到学科组“计算机组”" in _page(c, meeting)

    # The first meeting: draw (a bad request first), replay, 评议, attendance, vote, close.
    m = s.meeting
    page = _page(c, m)
    assert "抽取专家" in page and "计算机应用" in page
    counts = {f"count-{row.id}": 0 for g in (s.cs, s.arch) for row in g.major_rows}
    cs_row, arch_row = s.cs.major_rows[0].id, s.arch.major_rows[0].id
    r = post(c, csrf, "/admin/meetings/draw/", {"id": m.id, f"count-{cs_row}": "13", f"count-{arch_row}": "11"})
    page = text(c.get(r.headers["Location"]))
    assert "抽取总人数24人不符合评委会" in page
    r = post(c, csrf, "/admin/meetings/draw/", {"id": m.id, f"count-{cs_row}": "14", f"count-{arch_row}": "11"})
    assert "专家库中符合条件" in text(c.get(r.headers["Location"]))
    r = post(c, csrf, "/admin/meetings/draw/", {"id": m.id, f"count-{cs_row}": "十三", "seed": "1"})
    assert "抽取人数应为正整数" in text(c.get(r.headers["Location"]))
    r = post(c, csrf, "/admin/meetings/draw/", {"id": m.id, f"count-{cs_row}": "13", "seed": "-5"})
    assert "随机种子应为非负整数" in text(c.get(r.headers["Location"]))
    assert db.session.scalar(select(func.count()).select_from(MeetingMember)) == 0
    assert _state(m) == MeetingState.PREPARING
    del counts
    r = post(c, csrf, "/admin/meetings/draw/", {"id": m.id, f"count-{cs_row}": "13", f"count-{arch_row}": "12",
                                                "seed": "20261206"})
    page = text(c.get(r.headers["Location"]))
    assert "抽取完成：随机种子 20261206" in page and "抽取记录" in page and "<code>20261206</code>" in page
    assert db.session.scalar(select(func.count()).select_from(MeetingMember)) == 25
    assert s.experts["cs"][0].name in page and s.experts["cs_a"][0].name not in page  # 回避: unit A
    r = post(c, csrf, "/admin/meetings/replay/", {"id": m.id})
    assert "重放核对一致" in text(c.get(r.headers["Location"]))
    # Tampering with a member is caught by the replay.
    member = db.session.scalar(select(MeetingMember).where(MeetingMember.meeting_id == m.id).limit(1))
    member.expert_id = s.experts["cs_a"][0].id
    db.session.commit()
    r = post(c, csrf, "/admin/meetings/replay/", {"id": m.id})
    assert "重放核对不一致" in text(c.get(r.headers["Location"]))

    r = post(c, csrf, "/admin/meetings/open_voting/", {"id": m.id, "present": []})
    assert "当前状态为“抽取完成”，不能开始表决" in text(c.get(r.headers["Location"]))
    post(c, csrf, "/admin/meetings/start_review/", {"id": m.id})
    assert _state(m) == MeetingState.REVIEWING
    members = list(db.session.scalars(select(MeetingMember.id).where(MeetingMember.meeting_id == m.id)))
    r = post(c, csrf, "/admin/meetings/open_voting/", {"id": m.id, "present": members[:16]})
    assert "出席委员16人，不足全体委员25人的2/3（至少17人），不能进行表决" in text(c.get(r.headers["Location"]))
    assert _state(m) == MeetingState.REVIEWING
    r = post(c, csrf, "/admin/meetings/open_voting/", {"id": m.id, "present": members[:17]})
    page = text(c.get(r.headers["Location"]))
    assert "开始表决" in page and "已投票人数" in page and "缺席" in page
    assert _state(m) == MeetingState.VOTING
    assert "评审通过" not in page  # no counts while voting
    r = post(c, csrf, "/admin/meetings/close/", {"id": m.id})
    page = text(c.get(r.headers["Location"]))
    assert "会议已结束，3份材料的表决结果已确定" in page and "评审未通过" in page
    assert _state(m) == MeetingState.CLOSED
    r = post(c, csrf, "/admin/meetings/close/", {"id": m.id})
    assert "当前状态为“已结束”，不能结束会议" in text(c.get(r.headers["Location"]))


def test_meetings_belong_to_the_managers_of_their_board(setup, auth, csrf):
    s = setup
    draw(s)
    # 西湖区's 管理员 does not run the root office's 评委会: no list row, 404 on its pages and posts.
    other = auth.client("xihuadmin")
    assert s.meeting.name not in text(other.get("/admin/meetings/"))
    assert other.get(f"/admin/meetings/details/?id={s.meeting.id}").status_code == 404
    for action in ("replay", "start_review", "close", "draw", "assign", "open_voting"):
        r = post(other, csrf, f"/admin/meetings/{action}/", {"id": s.meeting.id})
        assert r.status_code == 404, action
    assert _state(s.meeting) == MeetingState.DRAWN
    # Staff without 管理员, units and experts: 403.
    for name in ("xihureview", "unita", "unita001"):
        assert auth.client(name).get("/admin/meetings/").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(DrawRecord)) == 1
    assert db.session.scalar(select(func.count()).select_from(MeetingMaterial)) == 3
