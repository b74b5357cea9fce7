"""评后管理 pages and their sub-URLs: the root office's 审核经办 runs 公示/异议/评定, its 项目发布 the
发文, certificates, rules, 诚信档案 and imports; nobody else opens or posts to any of them. The
public pages need no login."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from zhicheng.certificates.models import Certificate, Objection, PublicityBatch
from zhicheng.extensions import db

from .. import factories
from .world import populate_certificates

REVIEW_PAGES = ("/admin/publicity/",)
PUBLISH_PAGES = ("/admin/issue/", "/admin/certificates/", "/admin/cert_rules/", "/admin/credit_records/",
                 "/admin/cert_import/")


@pytest.fixture
def world(org):
    factories.staff("rootreviewonly", org.root, role_review=True)
    factories.staff("rootpublishonly", org.root, role_publish=True)
    db.session.commit()
    return populate_certificates(org)


def _sub_urls(w):
    batch, issued, cert = w["batch"], w["issued"], w["certificates"][0]
    gets = ["/admin/publicity/new", f"/admin/publicity/batch/{batch.id}", f"/admin/issue/batch/{issued.id}",
            f"/admin/certificates/pdf/{cert.id}.pdf", f"/admin/certificates/revoke/{cert.id}"]
    posts = [f"/admin/publicity/objection/{w['objection'].id}", f"/admin/publicity/batch/{batch.id}/confirm",
             f"/admin/issue/batch/{issued.id}/print", f"/admin/certificates/revoke/{cert.id}",
             f"/admin/issue/batch/{batch.id}"]
    return gets, posts


@pytest.mark.parametrize("username, opens", [
    ("rootadmin", REVIEW_PAGES + PUBLISH_PAGES),
    ("rootreviewonly", REVIEW_PAGES),
    ("rootpublishonly", PUBLISH_PAGES),
    ("xihureview", ()), ("xihupublish", ()), ("xihuadmin", ()), ("unita", ()), ("unita001", ()), ("gerena", ()),
])
def test_pages_open_for_their_roles_only(world, auth, csrf, username, opens):
    c = auth.client(username)
    for url in REVIEW_PAGES + PUBLISH_PAGES:
        assert c.get(url).status_code == (200 if url in opens else 403), (username, url)
    gets, posts = _sub_urls(world)
    if not opens:
        token = csrf(c, "/password")
        for url in gets:
            assert c.get(url).status_code == 403, (username, url)
        for url in posts:
            r = c.post(url, data={"csrf_token": token, "decision": "upheld", "text": "x", "kind": "弄虚作假",
                                  "reason": "x", "doc_number": "杭人社发〔2026〕9号", "issuing_body": "x",
                                  "issued_on": "2026-12-20"})
            assert r.status_code == 403, (username, url)
        db.session.expire_all()
        assert db.session.scalar(select(Objection.state)) == "open"
        assert db.session.scalar(select(func.count()).where(Certificate.state == "revoked")) == 0
        assert db.session.get(PublicityBatch, world["batch"].id).state == "publicizing"


def test_the_review_clerk_cannot_issue_and_the_publisher_cannot_handle_objections(world, auth, csrf):
    review = auth.client("rootreviewonly")
    url = f"/admin/issue/batch/{world['issued'].id}"
    assert review.get(url).status_code == 403
    publisher = auth.client("rootpublishonly")
    r = publisher.post(f"/admin/publicity/objection/{world['objection'].id}",
                       data={"csrf_token": csrf(publisher, "/admin/issue/"), "decision": "upheld", "text": "x"})
    assert r.status_code == 403
    assert db.session.scalar(select(Objection.state)) == "open"


def test_the_public_pages_need_no_login(world, client):
    assert client.get("/publicity/").status_code == 200
    assert client.get(f"/publicity/{world['batch'].id}").status_code == 200
    assert client.get(f"/publicity/{world['batch'].id}/objection").status_code == 200
    assert client.get("/verify").status_code == 200
    # A batch out of its period (already issued) is not public.
    assert client.get(f"/publicity/{world['issued'].id}").status_code == 404
    assert client.get(f"/publicity/{world['issued'].id}/objection").status_code == 404
