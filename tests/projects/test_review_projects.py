"""评审 projects: published by a 评委会's 组建单位 for that 评委会, with a 评审通知 and its attachments
readable by anyone on 职称工作信息, and a 真实性承诺 the applicant agrees to (recorded) before filling."""
from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from sqlalchemy import select

from zhicheng import transaction
from zhicheng.boards import boards
from zhicheng.extensions import db
from zhicheng.materials.services import CommitmentMissing, check_can_fill
from zhicheng.models import CommitmentRecord, Project

from .test_projects import NEW, create, project_data, projects_named

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def board(org):
    b = boards.create_board(org["root"], "杭州市工程系列中级评委会", org.xihu, "middle", series="工程")
    transaction.commit()
    return b


def review_project(org, board) -> Project:
    today = date.today()
    p = Project(name="2026年度工程系列中级评审", kind="ps_middle", year=today.year, series="工程",
                requirements="评审通知正文", start_date=today - timedelta(days=1), end_date=today + timedelta(days=30),
                issuer_id=org.xihu.id, board_id=board.id)
    db.session.add(p)
    db.session.commit()
    return p


def test_the_boards_department_publishes_a_review_project_with_its_notice(app, org, auth, csrf, board):
    c = auth.client("xihupublish")
    r = create(c, csrf, name="中级评审（无评委会）", kind="ps_middle")
    assert "评审类项目须选择本部门组建的评委会" in r.get_data(as_text=True)
    assert projects_named("中级评审（无评委会）") == []
    r = c.post(NEW, data=dict(project_data(name="2026年度工程系列中级评审", kind="ps_middle", board_id=str(board.id)),
                              attachments=(BytesIO(PDF), "评审通知附件.pdf"), csrf_token=csrf(c, NEW)),
               content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    [p] = projects_named("2026年度工程系列中级评审")
    assert (p.kind, p.board_id, len(p.attachments)) == ("ps_middle", board.id, 1)
    # 职称工作信息: public, without login
    client = app.test_client()
    page = client.get("/info/").get_data(as_text=True)
    assert "评审通知" in page and "2026年度工程系列中级评审" in page
    notice = client.get(f"/info/{p.id}").get_data(as_text=True)
    assert "杭州市工程系列中级评委会" in notice and "评审通知附件.pdf" in notice
    att = client.get(f"/info/attachment/{p.attachments[0].id}")
    assert att.status_code == 200 and att.data == PDF


def test_a_department_without_a_board_cannot_publish_review_projects(org, auth, csrf, board):
    r = create(auth.client("edupublish"), csrf, name="教育局中级评审", kind="ps_middle", board_id=str(board.id))
    assert "本部门只能发布以下类别的项目" in r.get_data(as_text=True)
    assert projects_named("教育局中级评审") == []


def test_a_bad_attachment_refuses_the_whole_project(org, auth, csrf, board):
    c = auth.client("xihupublish")
    r = c.post(NEW, data=dict(project_data(name="附件错误的评审", kind="ps_middle", board_id=str(board.id)),
                              attachments=(BytesIO(b"<html>not a pdf</html>"), "通知.pdf"), csrf_token=csrf(c, NEW)),
               content_type="multipart/form-data")
    assert "文件格式不正确" in r.get_data(as_text=True)
    assert projects_named("附件错误的评审") == []


def test_the_commitment_comes_before_filling(org, auth, csrf, board):
    p = review_project(org, board)
    c = auth.client("unita")
    r = c.get(f"/admin/materials/fill/?project={p.id}")
    assert r.status_code == 302 and "/admin/materials/commitment/" in r.headers["Location"]
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "本人郑重承诺" in page and "同意" in page and "不同意" in page
    url = f"/admin/materials/commitment/?project={p.id}"
    r = c.post(url, data={"answer": "disagree", "csrf_token": csrf(c, url)}, follow_redirects=True)
    assert "未同意真实性承诺，不能填写该项目的材料" in r.get_data(as_text=True)
    assert db.session.scalar(select(CommitmentRecord)) is None
    with pytest.raises(CommitmentMissing):
        check_can_fill(org["unit_a"], p)
    r = c.post(url, data={"answer": "agree", "csrf_token": csrf(c, url)})
    assert r.status_code == 302 and "/admin/materials/fill/" in r.headers["Location"]
    db.session.expire_all()
    record = db.session.scalar(select(CommitmentRecord))
    assert (record.user_id, record.project_id) == (org["unit_a"].id, p.id)
    assert record.text.startswith("本人郑重承诺") and record.address and record.agreed_at
    assert c.get(f"/admin/materials/fill/?project={p.id}").status_code == 200
    # another account of the same unit agrees for itself
    r = auth.client("unita001").get(f"/admin/materials/fill/?project={p.id}")
    assert "/admin/materials/commitment/" in r.headers["Location"]


def test_an_old_notice_leaves_the_public_page(org, app, board):
    p = review_project(org, board)
    p.start_date, p.end_date = date.today() - timedelta(days=90), date.today() - timedelta(days=60)
    db.session.commit()
    client = app.test_client()
    assert p.name not in client.get("/info/").get_data(as_text=True)
    assert client.get(f"/info/{p.id}").status_code == 404


def test_applicants_find_review_projects_by_their_board(org, auth, board):
    p = review_project(org, board)
    c = auth.client("unita")
    page = c.get("/admin/projects/").get_data(as_text=True)
    assert "评委会" in page and p.name in page and "中级初定项目" in page
    listed = c.get(f"/admin/projects/?flt0_2={board.id}").get_data(as_text=True)
    assert p.name in listed and "中级初定项目" not in listed
