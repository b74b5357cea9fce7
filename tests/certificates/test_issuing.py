"""发文 and 证书编号: refused during 公示, with an open 异议, or for a second time; numbers from the
configured pattern, consecutive and unique, also for two batches issued at once on PostgreSQL."""
from __future__ import annotations

import os
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from zhicheng import transaction
from zhicheng.certificates import issuing, publicity
from zhicheng.certificates.models import Certificate, NumberRule, PublicityBatch
from zhicheng.extensions import db

from . import world

DOC = "杭人社发〔2026〕12号"


def _issue(org, batch, doc=DOC, **kw):
    certs = issuing.issue_batch(org["root"], batch.id, doc, "杭州市人力资源和社会保障局", date(2026, 12, 20), **kw)
    transaction.commit()
    return certs


def test_issue_is_refused_during_the_period_with_an_open_objection_and_before_confirm(org):
    m = world.approved(org, "王公示", 1)
    batch = world.publish(org, [m])
    with pytest.raises(publicity.PublicityError, match="仍在公示期内"):
        _issue(org, batch)
    publicity.file_objection(batch.id, world.entry_of(batch, m).id, "李群众", "139", "有异议", "127.0.0.1")
    transaction.commit()
    later = world.after(batch)
    with pytest.raises(publicity.PublicityError, match="尚有1条异议未处理"):
        issuing.issue_batch(org["root"], batch.id, DOC, "杭州市人社局", date(2026, 12, 20), today=later)
    from zhicheng.certificates.models import Objection
    publicity.handle_objection(org["root"], db.session.scalar(select(Objection.id)), False, "不成立")
    transaction.commit()
    with pytest.raises(issuing.CertificateError, match="尚未评定"):
        issuing.issue_batch(org["root"], batch.id, DOC, "杭州市人社局", date(2026, 12, 20), today=later)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Certificate.id))) == 0
    assert db.session.get(PublicityBatch, batch.id).doc_number is None


def test_numbers_follow_the_rule_and_run_on_without_gaps(org):
    db.session.add(NumberRule(series="工程", level="junior", level_code="3", series_code="07",
                              pattern="{year}{level}{series}{seq:05d}"))
    transaction.commit()
    first = world.confirmed(org, [world.approved(org, f"甲{i}", i) for i in range(1, 4)], "第一批")
    certs = _issue(org, first)
    assert [c.number for c in certs] == ["202630700001", "202630700002", "202630700003"]
    assert all(len(c.query_code) == 8 for c in certs) and certs[0].doc_number == DOC
    second = world.confirmed(org, [world.approved(org, f"乙{i}", 10 + i) for i in range(1, 3)], "第二批")
    assert [c.number for c in _issue(org, second, doc="杭人社发〔2026〕13号")] == ["202630700004", "202630700005"]


def test_a_second_issue_of_the_batch_or_of_the_person_is_refused(org):
    m = world.approved(org, "王公示", 1)
    batch = world.confirmed(org, [m])
    _issue(org, batch)
    with pytest.raises(issuing.CertificateError, match="已发文"):
        _issue(org, batch, doc="杭人社发〔2026〕99号")
    # The same person and qualification again (another application, another batch).
    again = world.approved(org, "王公示", 2, id_card=m.id_card)
    batch2 = world.confirmed(org, [again], "第二批")
    with pytest.raises(issuing.CertificateError, match="王公示已持有“工程师”证书"):
        _issue(org, batch2, doc="杭人社发〔2026〕99号")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert db.session.get(PublicityBatch, batch2.id).state == "confirmed"
    with pytest.raises(issuing.CertificateError, match="已被使用"):
        _issue(org, batch2, doc=DOC)


def test_a_bad_pattern_is_refused(org):
    for bad in ("{year}{level}", "{year}{seq}{seq}", "{name}{seq:05d}", "{year"):
        with pytest.raises(issuing.CertificateError):
            issuing.check_pattern(bad)
    assert issuing.check_pattern("ZC{year}-{level}{series}-{seq:06d}") == "ZC{year}-{level}{series}-{seq:06d}"


def test_the_issue_pages(org, auth, csrf):
    m = world.approved(org, "王公示", 1)
    batch = world.confirmed(org, [m])
    c = auth.client("rootadmin")
    url = f"/admin/issue/batch/{batch.id}"
    r = c.post(url, data={"doc_number": DOC, "issuing_body": "杭州市人力资源和社会保障局", "issued_on": "2026-12-20",
                          "csrf_token": csrf(c, url)})
    assert r.status_code == 302
    page = c.get(url).get_data(as_text=True)
    cert = db.session.scalar(select(Certificate))
    assert cert.number in page and DOC in page
    # 发文 again: refused, with the message, nothing changed.
    r = c.post(url, data={"doc_number": "杭人社发〔2026〕13号", "issuing_body": "x", "issued_on": "2026-12-21",
                          "csrf_token": csrf(c, "/admin/issue/")}, follow_redirects=True)
    assert "不能重复发文" in r.get_data(as_text=True)
    assert db.session.get(PublicityBatch, batch.id).doc_number == DOC


@pytest.mark.postgres
@pytest.mark.skipif(not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
                    reason="needs PostgreSQL (row locks)")
def test_two_batches_issued_at_once_get_distinct_consecutive_numbers(app, org):
    batches = []
    for b in range(2):
        people = [world.approved(org, f"并发{b}{i}", 100 * b + i) for i in range(1, 41)]
        batches.append(world.confirmed(org, people, f"并发第{b}批"))
    ids = [b.id for b in batches]
    root_id = org["root"].id
    barrier, errors = threading.Barrier(2), []

    def issue(batch_id, n):
        with app.app_context():
            from zhicheng.models import User
            user = db.session.get(User, root_id)
            try:
                barrier.wait(5)
                issuing.issue_batch(user, batch_id, f"杭人社发〔2026〕{n}号", "杭州市人社局", date(2026, 12, 20))
                transaction.commit()
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=issue, args=(bid, 20 + n)) for n, bid in enumerate(ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    db.session.expire_all()
    numbers = sorted(db.session.scalars(select(Certificate.number)))
    assert len(numbers) == 80 and len(set(numbers)) == 80
    assert [int(n[-5:]) for n in numbers] == list(range(1, 81))
    # Each batch holds one unbroken range (the second waited for the first's lock).
    for bid in ids:
        seqs = sorted(int(n[-5:]) for n in db.session.scalars(select(Certificate.number).where(Certificate.batch_id == bid)))
        assert seqs == list(range(seqs[0], seqs[0] + 40))


def test_a_number_rule_with_a_bad_pattern_is_refused_on_its_page(org, auth, csrf):
    c = auth.client("rootadmin")
    url = "/admin/cert_rules/new/"
    r = c.post(url, data={"series": "工程", "level": "middle", "level_code": "2", "series_code": "01",
                          "pattern": "{year}{level}", "csrf_token": csrf(c, url)}, follow_redirects=True)
    assert "序号{seq}" in r.get_data(as_text=True)
    assert db.session.scalar(select(NumberRule.id)) is None
    r = c.post(url, data={"series": "工程", "level": "middle", "level_code": "2", "series_code": "01",
                          "pattern": "ZC{year}{level}{series}{seq:05d}", "csrf_token": csrf(c, url)})
    assert db.session.scalar(select(NumberRule.pattern)) == "ZC{year}{level}{series}{seq:05d}"
