"""接收评审情况 beside the material: once the meeting is closed, the unit, the 工作账号 that filled
the material and the 职改部门 read 评审通过 / 评审未通过 with the counts on the material's page
(管理材料, 上报材料跟踪, 本部门及下级材料), never an expert's name; nobody else reads it."""
from __future__ import annotations

from sqlalchemy import select

from zhicheng import transaction
from zhicheng.boards import meetings
from zhicheng.boards.voting import cast_ballot
from zhicheng.extensions import db
from zhicheng.models import MeetingMaterial

from .conftest import approved, to_voting
from .web import text


def test_the_result_with_its_counts_is_shown_where_the_material_is_read(setup, auth):
    s = setup
    own = approved(s.org.projects["xihu_junior"], s.org["sub_a_full"], "甲三", 4)  # filled by a 工作账号
    meetings.assign_materials(s.manager, s.meeting, s.cs, [own.id])
    transaction.commit()
    present = to_voting(s)
    mm_a1 = s.mm("a1")
    mm_own = db.session.scalar(select(MeetingMaterial).where(MeetingMaterial.material_id == own.id))
    for i, m in enumerate(present):
        if m.expert.unit_id == s.org.unit_a.id:
            continue
        cast_ballot(m.expert.user, mm_a1.id, "approve" if i < 20 else "reject")
        cast_ballot(m.expert.user, mm_own.id, "approve" if i < 5 else "abstain")
    transaction.commit()
    a1_url, own_url = s.materials["a1"].id, own.id
    unit = auth.client("unita")
    before = text(unit.get(f"/admin/tracking/details/?id={a1_url}"))
    assert "board-results" not in before  # nothing before the meeting closes
    meetings.close_meeting(s.manager, s.meeting)
    transaction.commit()

    names = [m.expert.name for m in s.members()]
    for client, url in ((unit, f"/admin/materials/details/?id={a1_url}"),
                        (unit, f"/admin/tracking/details/?id={a1_url}"),
                        (auth.client(s.org["xihu_admin"].username), f"/admin/dept_materials/details/?id={a1_url}"),
                        (auth.client(s.org["root"].username), f"/admin/dept_materials/details/?id={a1_url}")):
        page = text(client.get(url))
        assert "评审情况" in page and "杭州市工程系列高级评委会" in page and "2026年度第一次评审会议" in page, url
        assert "评审通过" in page and "出席25人，同意20，不同意5，弃权0" in page, url
        assert not any(n in page for n in names), url
    # The 工作账号 that filled the material reads its own result.
    sub = auth.client(s.org["sub_a_full"].username)
    page = text(sub.get(f"/admin/materials/details/?id={own_url}"))
    assert "评审未通过" in page and "出席25人，同意5，不同意0，弃权20" in page
    assert not any(n in page for n in names)
    # Nobody else.
    assert auth.client("unitb").get(f"/admin/materials/details/?id={a1_url}").status_code in (403, 404)
    assert auth.client(s.org["edu_admin"].username).get(
        f"/admin/dept_materials/details/?id={a1_url}").status_code in (403, 404)
    assert sub.get(f"/admin/materials/details/?id={a1_url}").status_code in (403, 404)
