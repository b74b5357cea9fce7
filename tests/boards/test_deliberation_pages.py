"""学科组评议 on the pages: the member's form on his group's material, the 组长's table of his
group's opinions and the submission, the lock after it, the group's opinion before every voter, and
the 组建单位's read view and 指定组长; refusals flashed in Chinese with nothing written."""
from __future__ import annotations

from sqlalchemy import func, select

from zhicheng import transaction
from zhicheng.boards import meetings
from zhicheng.boards.states import MemberRole
from zhicheng.extensions import db
from zhicheng.models import GroupOpinion, MemberOpinion

from .conftest import draw
from .web import post, sign_in_expert, text


def _flash(c, r) -> str:
    assert r.status_code == 302, r.status_code
    return text(c.get(r.headers["Location"]))


def _counts():
    return (db.session.scalar(select(func.count()).select_from(MemberOpinion)),
            db.session.scalar(select(func.count()).select_from(GroupOpinion)))


def _group(s, group):
    members = [m for m in s.members() if m.group_id == group.id]
    leader = next(m for m in members if m.role == MemberRole.LEADER)
    return leader, [m for m in members if m.role == MemberRole.MEMBER]


def test_members_write_the_leader_submits_and_voters_read_it(setup, auth, csrf):
    s = setup
    draw(s)
    before_review = sign_in_expert(auth, _group(s, s.cs)[1][0].expert)
    url = f"/admin/expert_materials/details/?id={s.mm('a1').id}"
    assert "opinion-form" not in text(before_review.get(url))  # 抽取完成: not yet
    meetings.start_review(s.manager, s.meeting)
    transaction.commit()
    leader, (m1, m2, *_) = _group(s, s.cs)
    c_leader, c1 = sign_in_expert(auth, leader.expert), sign_in_expert(auth, m1.expert)
    c_arch = sign_in_expert(auth, _group(s, s.arch)[1][0].expert)

    page = text(c1.get(url))
    assert "学科组评议" in page and "opinion-form" in page and "group-opinion-form" not in page
    assert "member-opinions" not in page and "优秀" in page and "不合格" in page
    msg = _flash(c1, post(c1, csrf, "/admin/expert_materials/opinion/",
                          {"id": s.mm("a1").id, "grade": "good", "opinion": "组员一：业绩良好"}))
    assert "已保存您对材料" in msg and "组员一：业绩良好" in msg
    msg = _flash(c1, post(c1, csrf, "/admin/expert_materials/opinion/",
                          {"id": s.mm("a1").id, "grade": "excellent", "opinion": "组员一：业绩突出"}))
    assert "组员一：业绩突出" in msg and 'value="excellent" checked' in msg and _counts() == (1, 0)
    msg = _flash(c1, post(c1, csrf, "/admin/expert_materials/opinion/", {"id": s.mm("a1").id, "grade": "x",
                                                                         "opinion": "改"}))
    assert "请选择评议等次" in msg and _counts() == (1, 0)
    # Another group's expert: the material is not before him.
    r = post(c_arch, csrf, "/admin/expert_materials/opinion/", {"id": s.mm("a1").id, "grade": "good", "opinion": "好"})
    assert r.status_code == 404 and _counts() == (1, 0)
    # A member does not submit for the group.
    msg = _flash(c1, post(c1, csrf, "/admin/expert_materials/group_opinion/",
                          {"id": s.mm("a1").id, "grade": "good", "opinion": "组意见"}))
    assert "只有学科组“计算机组”的组长可以提交学科组评议意见" in msg and _counts() == (1, 0)

    # The 组长 reads his group's opinions and submits, first refused without a reason.
    page = text(c_leader.get(url))
    assert "member-opinions" in page and "组员一：业绩突出" in page and m1.expert.name in page
    assert "group-opinion-form" in page and "位组员未填写评议意见，提交前请注明理由" in page
    form = {"id": s.mm("a1").id, "grade": "good", "opinion": "计算机组评议：业绩良好，同意推荐"}
    msg = _flash(c_leader, post(c_leader, csrf, "/admin/expert_materials/group_opinion/", form))
    assert "位组员未填写材料" in msg and _counts() == (1, 0)
    msg = _flash(c_leader, post(c_leader, csrf, "/admin/expert_materials/group_opinion/",
                                {**form, "missing_reason": "其余组员因病未参加"}))
    assert "已提交学科组对材料" in msg and "计算机组评议：业绩良好，同意推荐" in msg and _counts() == (1, 1)
    assert "group-opinion-form" not in msg

    # Locked for the member; posting anyway is refused.
    page = text(c1.get(url))
    assert "opinion-form" not in page and "组员评议意见已锁定" in page and "组员一：业绩突出" in page
    msg = _flash(c1, post(c1, csrf, "/admin/expert_materials/opinion/",
                          {"id": s.mm("a1").id, "grade": "fail", "opinion": "改主意"}))
    assert "组员评议意见不能再修改" in msg
    assert db.session.scalar(select(MemberOpinion.opinion)) == "组员一：业绩突出"

    # 组建单位's read view, then the vote: every voter reads the group's opinion.
    admin = auth.client(s.manager.username)
    page = text(admin.get(f"/admin/meetings/details/?id={s.meeting.id}"))
    assert "学科组评议" in page and "良好" in page and "未提交" in page  # a1 submitted, a2 and b1 not
    page = text(admin.get(f"/admin/meetings/review/?id={s.mm('a1').id}"))
    assert "计算机组评议：业绩良好，同意推荐" in page and "组员一：业绩突出" in page and "其余组员因病未参加" in page
    assert "未填写" in page and leader.expert.name in page
    meetings.open_voting(s.manager, s.meeting, [m.id for m in s.members()])
    transaction.commit()
    page = text(c_arch.get(url))
    assert "计算机组评议：业绩良好，同意推荐" in page and "良好" in page
    assert "组员一：业绩突出" not in page and "opinion-form" not in page
    assert "学科组未提交该材料的评议意见" in text(c_arch.get(f"/admin/expert_materials/details/?id={s.mm('a2').id}"))
    msg = _flash(c1, post(c1, csrf, "/admin/expert_materials/opinion/",
                          {"id": s.mm("a2").id, "grade": "good", "opinion": "晚了"}))
    assert "评议已结束" in msg and _counts() == (1, 1)


def test_the_board_appoints_the_leader(setup, auth, csrf):
    s = setup
    draw(s)
    leader, (m1, *_) = _group(s, s.cs)
    admin = auth.client(s.manager.username)
    page = text(admin.get(f"/admin/meetings/details/?id={s.meeting.id}"))
    assert f'id="leader-{m1.id}"' in page and f'id="leader-{leader.id}"' not in page
    msg = _flash(admin, post(admin, csrf, "/admin/meetings/leader/", {"member_id": m1.id}))
    assert f"已指定{m1.expert.name}为学科组“计算机组”组长" in msg
    db.session.expire_all()
    assert _group(s, s.cs)[0].id == m1.id
    meetings.start_review(s.manager, s.meeting)
    meetings.open_voting(s.manager, s.meeting, [m.id for m in s.members()])
    transaction.commit()
    msg = _flash(admin, post(admin, csrf, "/admin/meetings/leader/", {"member_id": leader.id}))
    assert "不能更换组长" in msg
    db.session.expire_all()
    assert _group(s, s.cs)[0].id == m1.id
    assert admin.post("/admin/meetings/leader/", data={"member_id": 999999,
                                                       "csrf_token": csrf(admin, "/admin/")}).status_code == 404
