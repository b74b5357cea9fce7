"""Duplicate applications by 证件号码: one person, one year, two units or two projects. Flagged on
the reviewers' lists and details, refused at 转评委会 with the other application named, until it is
returned or the root office records a 处理意见; another department neither sees nor resolves them."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from zhicheng.checks import duplicates
from zhicheng.checks.duplicates import DuplicateError
from zhicheng.checks.models import DuplicateResolution
from zhicheng.extensions import db
from zhicheng.models import AuditLog
from zhicheng.models import MaterialState as S
from zhicheng.review import workflow
from zhicheng.review.workflow import WorkflowError

from .. import factories
from ..materials.test_materials_views import fresh, post_action

ID_CARD = factories.make_id_card(date(1986, 4, 2), 77)
TRANSFER = "/admin/board_transfer/"


@pytest.fixture
def pair(org):
    """A: unit A's 评审 application, through 初审 at 西湖区; B: the same person's application at unit
    B (教育局直属学校管理处), in review; C: somebody else's."""
    project = factories.review_project(org)
    a = factories.material(project, org["unit_a"], name="重复甲", id_card=ID_CARD)
    workflow.submit_materials(org["unit_a"], [a.id], "王经办", "13812345678")
    workflow.pass_materials(org["xihu_review"], [a.id])
    b = factories.material(org.projects["edu_rd"], org["unit_b"], name="重复甲", id_card=ID_CARD)
    workflow.submit_materials(org["unit_b"], [b.id], "李经办", "13812345679")
    c = factories.passed_first_review(org, project, "另一人", 5)
    db.session.commit()
    return fresh(a), fresh(b), c


def test_the_transfer_is_refused_naming_the_other_application(org, auth, csrf, pair):
    a, b, c = pair
    with pytest.raises(WorkflowError, match=f"与材料{b.number}（乙单位中学，教育局初级认定项目，审核中"):
        workflow.transfer_to_board(org["xihu_review"], [c.id, a.id])
    db.session.rollback()
    assert (fresh(a).state, fresh(c).state) == (S.APPROVED, S.APPROVED)  # all or nothing
    client = auth.client("xihureview")
    r = post_action(client, TRANSFER, "to_board", [a.id], csrf)
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert f"材料{a.number}（重复甲）与材料{b.number}" in page and "不能转评委会" in page
    assert fresh(a).state == S.APPROVED
    # the flag on the list (only on A's row) and the panel on the details page
    listing = client.get(TRANSFER).get_data(as_text=True)
    assert "重复申报" in row_of(listing, a.number) and "重复申报" not in row_of(listing, c.number)
    details = client.get(f"{TRANSFER}details/?id={a.id}").get_data(as_text=True)
    assert f"材料{b.number}" in details and "未处理，不能转评委会" in details
    assert "登记处理意见" not in details  # only the root office records one
    # B's reviewer sees it on his queue too
    queue = auth.client("edusubreview").get("/admin/review/").get_data(as_text=True)
    assert "重复申报" in row_of(queue, b.number)


def test_returning_the_other_application_resolves_it(org, pair):
    a, b, _ = pair
    workflow.return_materials(org["edusub_return"], [b.id], "同一年度已在其他单位申报")
    workflow.transfer_to_board(org["xihu_review"], [a.id])
    assert fresh(a).state == S.IN_BOARD


def test_the_root_office_records_a_resolution(org, auth, csrf, pair):
    a, b, c = pair
    root = auth.client("rootadmin")
    page = root.get("/admin/duplicates/").get_data(as_text=True)
    assert ID_CARD in page and a.number in page and b.number in page and c.number not in page
    url = f"/admin/duplicates/resolve/?a={a.id}&b={b.id}"
    r = root.post(url, data={"reason": "", "csrf_token": csrf(root, url)})
    assert "请填写处理意见" in r.get_data(as_text=True)
    assert db.session.scalar(select(DuplicateResolution.id)) is None
    r = root.post(url, data={"reason": "经核实为同一人在两单位兼职，分别申报不同系列，同意继续办理",
                             "csrf_token": csrf(root, url)})
    assert r.status_code == 302
    assert "暂无未处理的重复申报" in root.get("/admin/duplicates/").get_data(as_text=True)
    assert "经核实为同一人" in root.get("/admin/duplicates/?resolved=1").get_data(as_text=True)
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "duplicate.resolve")) is not None
    with pytest.raises(DuplicateError, match="已登记处理意见"):
        duplicates.resolve(org["root"], b.id, a.id, "再登记一次")
    details = auth.client("xihureview").get(f"{TRANSFER}details/?id={a.id}").get_data(as_text=True)
    assert "已登记处理意见：经核实为同一人" in details
    workflow.transfer_to_board(org["xihu_review"], [a.id])
    assert fresh(a).state == S.IN_BOARD


def test_another_department_neither_sees_nor_resolves(org, auth, csrf, pair):
    a, b, c = pair
    for user in ("xihureview", "edureview", "xihuadmin", "unita"):
        client = auth.client(user)
        assert client.get("/admin/duplicates/").status_code == 403, user
        url = f"/admin/duplicates/resolve/?a={a.id}&b={b.id}"
        assert client.get(url).status_code == 403, user
        assert client.post(url, data={"reason": "越权", "csrf_token": csrf(client, "/password")}).status_code == 403
    for user in ("xihu_review", "edu_review"):
        with pytest.raises(DuplicateError, match="只有市人社局"):
            duplicates.resolve(org[user], a.id, b.id, "越权")
    assert db.session.scalar(select(DuplicateResolution.id)) is None
    # 教育局 reviewers do not see A (西湖区's) at all
    assert auth.client("edureview").get(f"{TRANSFER}details/?id={a.id}").status_code in (403, 404)
    assert auth.client("edusubreview").get(f"/admin/review/details/?id={a.id}").status_code == 404
    # a pair that is not a duplicate is refused
    with pytest.raises(DuplicateError, match="不是重复申报"):
        duplicates.resolve(org["root"], a.id, c.id, "无关")


def row_of(page: str, number: str) -> str:
    start = page.index(number)
    return page[page.rindex("<tr", 0, start):page.index("</tr>", start)]
