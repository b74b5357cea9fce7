"""The checks' URLs for every role of the access matrix: 申报条件提示 for those who fill materials,
可申报资格表 editing and 重复申报 处理意见 for the root office; anonymous requests go to the login page,
everyone else is refused and changes nothing."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from zhicheng.checks import eligibility
from zhicheng.checks.models import DuplicateResolution, EligibilityRule
from zhicheng.extensions import db
from zhicheng.review import workflow

from .. import factories
from ..boards.world import populate_boards
from ..web.test_access_matrix import ROLES, csrf_token_any

APPLICANTS = {"unit_a", "unit_b", "sub_a_full", "sub_b_full", "sub_a_perm_fill", "person_a", "person_b"}
ROOT = {"root"}


def _world(org):
    populate_boards(org)  # the experts' accounts
    rule = eligibility.save_rule(org["root"], None, qualification="工程师", education="本科",
                                 current_qualification="助理工程师", min_years=4)
    card = factories.make_id_card(date(1986, 4, 2), 88)
    a = factories.material(org.projects["xihu_junior"], org["unit_a"], name="重复", id_card=card)
    b = factories.material(org.projects["edu_rd"], org["unit_b"], name="重复", id_card=card)
    workflow.submit_materials(org["unit_a"], [a.id], "王经办", "13812345678")
    workflow.submit_materials(org["unit_b"], [b.id], "李经办", "13812345679")
    db.session.commit()
    return rule, a, b


def _urls(rule, a, b) -> dict[str, set]:
    return {
        "/admin/eligibility_check/?qualification=工程师&education=本科": APPLICANTS,
        "/admin/eligibility/new/": ROOT,
        f"/admin/eligibility/edit/?id={rule.id}": ROOT,
        f"/admin/duplicates/resolve/?a={a.id}&b={b.id}": ROOT,
    }


def test_anonymous_is_sent_to_login(org, client):
    for url in _urls(*_world(org)):
        r = client.get(url)
        assert r.status_code == 302 and "/login" in r.headers["Location"], url


@pytest.mark.parametrize("role", ROLES)
def test_each_url_opens_for_its_roles_only(org, auth, role):
    rule, a, b = _world(org)
    c = auth.client(org[role].username)
    for url, roles in _urls(rule, a, b).items():
        code = c.get(url).status_code
        if role in roles:
            assert code == 200, (role, url, code)
        else:
            assert code in (403, 404), (role, url, code)
    if role in ROOT:
        return
    token = csrf_token_any(c)
    c.post(f"/admin/duplicates/resolve/?a={a.id}&b={b.id}", data={"reason": "越权", "csrf_token": token})
    c.post("/admin/eligibility/new/", data={"qualification": "经济师", "education": "本科", "min_years": "1",
                                            "csrf_token": token})
    c.post(f"/admin/eligibility/edit/?id={rule.id}", data={"qualification": "工程师", "education": "本科",
                                                           "min_years": "1", "csrf_token": token})
    c.post("/admin/eligibility/delete/", data={"id": rule.id, "csrf_token": token})
    db.session.expire_all()
    assert db.session.scalar(select(func.count(DuplicateResolution.id))) == 0, role
    assert [(r.qualification, r.min_years) for r in db.session.scalars(select(EligibilityRule))] == [("工程师", 4)]
