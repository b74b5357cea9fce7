"""Role × action matrix of the 评审 pages: every new page and every button, for the root office,
district and other departments' staff, units, 工作账号, the experts of 学科组 A and B, the recused
expert, the expert of a closed meeting and anonymous visitors; then 学科组评议 (组长 and member of
学科组 A, the member recused from one material, 学科组 B's expert) with what each POST writes. 404: the row lies outside the
role's scope (another 评委会's meeting, another group's or his own unit's material, a closed
meeting); 403: the role may not open the page at all."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from zhicheng.extensions import db
from zhicheng.models import Expert, GroupOpinion, MeetingMaterial, MeetingMember, MemberOpinion

from ..web.test_access_matrix import ADMINS, ALL_STAFF, ROLES
from .world import populate_boards

OWN_BOARD_ADMINS = {"root"}  # the 评委会 of the matrix is the root office's
OTHER_ADMINS = ADMINS - OWN_BOARD_ADMINS


def _expected(url_key: str, role: str) -> int:
    """The product's table, written out apart from the views."""
    experts_seeing = {
        "mm_a": {"expert_a", "expert_b", "expert_recused"},  # voting: the whole 评委会, but no own unit's
        "mm_b": {"expert_a", "expert_b"},
        "mm_c": set(),  # closed
    }
    if url_key in ("board_new", "board_edit", "group_new", "group_edit"):
        return 200 if role == "root" else 403
    if url_key in ("expert_new", "meeting_new"):
        return 200 if role in ADMINS else 403
    if url_key in ("meeting_details", "post_replay", "post_start_review", "post_close", "post_expert_off",
                   "meeting_review_ra1", "meeting_review_c", "post_leader"):
        ok = 302 if url_key.startswith("post") else 200
        return ok if role in OWN_BOARD_ADMINS else 404 if role in OTHER_ADMINS else 403
    if url_key.startswith("details_") or url_key.startswith("ballot_") or url_key.startswith("conflict_"):
        mm = url_key.split("_", 1)[1]
        if not role.startswith("expert_"):
            return 403
        if role in experts_seeing[mm]:
            return 200 if url_key.startswith("details_") else 302
        return 404
    raise KeyError(url_key)


# 学科组评议 (the meeting in 评议): who sees each material, and what each POST writes.
REVIEW_SEEING = {"ra1": {"expert_a", "expert_recused"},  # 计算机组: 组长 and member
                 "ra2": {"expert_a"},  # expert_recused declared a conflict: nothing of it is before him
                 "rb": {"expert_b"}}  # 建筑组 (its 组长, alone)
LEADERS = {"ra1": "expert_a", "ra2": "expert_a", "rb": "expert_b"}


def _expected_review(url_key: str, role: str) -> tuple[int, bool]:
    """(status, whether an opinion was written)."""
    kind, mm = url_key.rsplit("_", 1)
    if not role.startswith("expert_"):
        return 403, False
    if role not in REVIEW_SEEING[mm]:
        return 404, False
    if kind == "rdetails":
        return 200, False
    if kind == "opinion":
        return 302, True
    return 302, LEADERS[mm] == role  # group: a member's submission is refused


def _urls(org) -> dict[str, tuple]:
    world = populate_boards(org)
    mm = {k: db.session.scalar(select(MeetingMaterial.id).where(MeetingMaterial.material_id == m.id))
          for k, m in world["materials"].items()}
    voting = world["voting"].id
    board_id, group_id = world["voting"].board_id, db.session.scalar(
        select(MeetingMaterial.group_id).where(MeetingMaterial.id == mm["a"]))
    expert_id = db.session.scalar(select(Expert.id).where(Expert.user_id == org["expert_a"].id))
    urls = {
        "board_new": ("GET", "/admin/boards/new/", None),
        "board_edit": ("GET", f"/admin/boards/edit/?id={board_id}", None),
        "group_new": ("GET", "/admin/subject_groups/new/", None),
        "group_edit": ("GET", f"/admin/subject_groups/edit/?id={group_id}", None),
        "expert_new": ("GET", "/admin/experts/new/", None),
        "meeting_new": ("GET", "/admin/meetings/new/", None),
        "meeting_details": ("GET", f"/admin/meetings/details/?id={voting}", None),
        "post_replay": ("POST", "/admin/meetings/replay/", {"id": voting}),
        "post_start_review": ("POST", "/admin/meetings/start_review/", {"id": voting}),
        "post_close": ("POST", "/admin/meetings/close/", {"id": voting}),
        "post_expert_off": ("POST", "/admin/experts/action/", {"action": "deactivate", "rowid": expert_id}),
    }
    for key in ("a", "b", "c"):
        urls[f"details_mm_{key}"] = ("GET", f"/admin/expert_materials/details/?id={mm[key]}", None)
        urls[f"conflict_mm_{key}"] = ("POST", "/admin/expert_materials/conflict/", {"id": mm[key], "reason": "亲属"})
    urls["ballot_mm_b"] = ("POST", "/admin/expert_materials/ballot/", {"id": mm["b"], "choice": "approve"})
    # Declarations last: a declared conflict takes the material away from the expert.
    urls = dict(sorted(urls.items(), key=lambda kv: kv[0].startswith("conflict_")))
    return urls


def _review_urls(org) -> dict[str, tuple]:
    world = populate_boards(org)
    mm = {k: db.session.scalar(select(MeetingMaterial.id).where(MeetingMaterial.material_id == world["materials"][k].id))
          for k in ("ra1", "ra2", "rb", "c")}
    urls = {}
    for key in ("ra1", "ra2", "rb"):
        urls[f"rdetails_{key}"] = ("GET", f"/admin/expert_materials/details/?id={mm[key]}", None)
        urls[f"opinion_{key}"] = ("POST", "/admin/expert_materials/opinion/",
                                  {"id": mm[key], "grade": "good", "opinion": "业绩良好"})
    for key in ("ra1", "ra2", "rb"):  # after the members' opinions: a submission locks them
        urls[f"group_{key}"] = ("POST", "/admin/expert_materials/group_opinion/",
                                {"id": mm[key], "grade": "good", "opinion": "学科组意见", "missing_reason": "组员未填写"})
    urls["meeting_review_ra1"] = ("GET", f"/admin/meetings/review/?id={mm['ra1']}", None)
    urls["meeting_review_c"] = ("GET", f"/admin/meetings/review/?id={mm['c']}", None)
    urls["post_leader"] = ("POST", "/admin/meetings/leader/", {"member_id": world["members"]["expert_recused"]})
    return urls


def _written() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(MemberOpinion)),
            db.session.scalar(select(func.count()).select_from(GroupOpinion)))


def _as(auth, csrf, user):
    """`user`'s answers: send(method, url, data) is a GET, or a POST of data with his CSRF token."""
    c = auth.client(user.username)
    token = csrf(c, "/admin/")
    return lambda method, url, data: c.get(url) if method == "GET" else c.post(url, data={**data, "csrf_token": token})


@pytest.mark.parametrize("role", ROLES)
def test_each_review_action_answers_each_role_as_the_table_says(org, auth, csrf, role):
    urls = _review_urls(org)
    send = _as(auth, csrf, org[role])
    got, want = {}, {}
    for key, (method, url, data) in urls.items():
        before = _written()
        r = send(method, url, data)
        db.session.expire_all()
        if key.startswith(("meeting_review", "post_leader")):
            got[key], want[key] = r.status_code, _expected(key, role)
        else:
            got[key], want[key] = (r.status_code, _written() != before), _expected_review(key, role)
    assert got == want
    leader = db.session.get(MeetingMember, populate_boards(org)["members"]["expert_recused"]).role
    assert leader == ("leader" if role in OWN_BOARD_ADMINS else "member")


@pytest.mark.parametrize("role", ROLES)
def test_each_action_answers_each_role_as_the_table_says(org, auth, csrf, role):
    urls = _urls(org)
    send = _as(auth, csrf, org[role])
    got, want = {}, {}
    for key, (method, url, data) in urls.items():
        got[key], want[key] = send(method, url, data).status_code, _expected(key, role)
    assert got == want


def test_anonymous_visitors_are_sent_to_login(org, client):
    for key, (method, url, _) in {**_urls(org), **_review_urls(org)}.items():
        if method == "GET":
            r = client.get(url)
            assert r.status_code == 302 and "/login" in r.headers["Location"], key


def test_the_matrix_covers_every_kind_of_role():
    assert {"root", "xihu_admin", "edu_admin", "unit_a", "sub_a_full", "expert_a", "expert_b", "expert_recused",
            "expert_closed"} <= set(ROLES)
    assert ALL_STAFF >= ADMINS
