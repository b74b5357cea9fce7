"""The certificate PDF (with its QR code), 批量打印 of a 发文, the public 证书查询, and 撤销."""
from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from zhicheng import transaction
from zhicheng.certificates import issuing
from zhicheng.certificates.models import Certificate, IntegrityRecord
from zhicheng.certificates.public import NOT_FOUND
from zhicheng.extensions import db

from . import world

DOC = "杭人社发〔2026〕12号"


def _issued(org, names=("王证书",)):
    people = [world.approved(org, name, i + 1) for i, name in enumerate(names)]
    batch = world.confirmed(org, people)
    certs = issuing.issue_batch(org["root"], batch.id, DOC, "杭州市人力资源和社会保障局", date(2026, 12, 20))
    transaction.commit()
    return batch, certs


def _text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_the_certificate_pdf_carries_the_name_number_and_a_qr_code(org, auth):
    _, (cert,) = _issued(org)
    c = auth.client("rootadmin")
    r = c.get(f"/admin/certificates/pdf/{cert.id}.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = _text(r.data)
    for part in ("专业技术资格证书", "王证书", cert.number, cert.id_card, "工程师", cert.query_code,
                 "杭州市人力资源和社会保障局"):
        assert part in text, part
    reader = PdfReader(io.BytesIO(r.data))
    assert any(reader.pages[0].images), "the QR code is drawn as an image"
    # Nobody but the office prints it.
    assert auth.client("unita").get(f"/admin/certificates/pdf/{cert.id}.pdf").status_code == 403
    assert auth.client("xihuadmin").get(f"/admin/certificates/pdf/{cert.id}.pdf").status_code == 403


def test_the_qr_code_links_to_the_verification_page(org, app):
    from zhicheng.certificates.pdf import verify_url
    _, (cert,) = _issued(org)
    with app.test_request_context("/"):
        url = verify_url(cert)
    assert url.startswith("http://localhost/verify?") and f"code={cert.query_code}" in url


def test_a_batch_of_certificates_prints_as_one_pdf_through_the_job_queue(org, auth, csrf):
    batch, certs = _issued(org, ("王一", "王二", "王三"))
    c = auth.client("rootadmin")
    url = f"/admin/issue/batch/{batch.id}"
    r = c.post(f"{url}/print", data={"csrf_token": csrf(c, url)})
    assert r.status_code == 302 and "/admin/issue/job/" in r.headers["Location"]
    job_id = r.headers["Location"].rstrip("/").split("/")[-1]
    pdf = c.get(f"/admin/issue/job/{job_id}/file")
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 3
    text = _text(pdf.data)
    assert all(x.number in text for x in certs) and "王二" in text


def _verify(client, csrf, **fields):
    data = {"csrf_token": csrf(client, "/verify"), **fields}
    return client.post("/verify", data=data).get_data(as_text=True)


def test_verification_shows_only_the_qualification_and_its_state(org, client, csrf):
    _, (cert,) = _issued(org)
    page = _verify(client, csrf, no=cert.number, name="王证书", code=cert.query_code)
    assert 'id="verify-result"' in page and "工程师" in page and "有效" in page and "杭州市人力资源和社会保障局" in page
    assert cert.id_card not in page and "甲单位" not in page
    # The last 6 characters of the 身份证号 serve as well.
    page = _verify(client, csrf, no=cert.number, name="王证书", code=cert.id_card[-6:])
    assert 'id="verify-result"' in page


def test_the_same_answer_for_a_wrong_name_an_unknown_number_and_a_wrong_code(org, client, csrf):
    _, (cert,) = _issued(org)
    answers = [_verify(client, csrf, no=cert.number, name="李四", code=cert.query_code),
               _verify(client, csrf, no="209999999999", name="王证书", code=cert.query_code),
               _verify(client, csrf, no=cert.number, name="王证书", code="ZZZZZZZZ")]
    for page in answers:
        assert NOT_FOUND in page and 'id="verify-result"' not in page
    # After a few tries the captcha appears; without it no answer is given.
    assert 'name="captcha"' in answers[-1]
    page = _verify(client, csrf, no=cert.number, name="王证书", code=cert.query_code)
    assert 'id="verify-result"' not in page and "验证码" in page


def test_verification_is_rate_limited_per_address(org, app, client, csrf):
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
    token = csrf(client, "/verify")
    codes = [client.post("/verify", data={"csrf_token": token, "no": "1", "name": "x", "code": "y"}).status_code
             for _ in range(4)]
    assert codes[-1] == 429


def test_a_revoked_certificate_shows_as_revoked_and_enters_the_integrity_record(org, auth, client, csrf):
    _, (cert,) = _issued(org)
    office = auth.client("rootadmin")
    url = f"/admin/certificates/revoke/{cert.id}"
    r = office.post(url, data={"kind": "弄虚作假", "reason": "伪造业绩材料", "csrf_token": csrf(office, url)})
    assert r.status_code == 302
    page = _verify(client, csrf, no=cert.number, name="王证书", code=cert.query_code)
    assert "已撤销" in page and 'id="verify-result"' in page
    record = db.session.scalar(select(IntegrityRecord))
    assert record.id_card == cert.id_card and "伪造业绩材料" in record.reason and record.kind == "弄虚作假"
    assert "伪造业绩材料" in office.get("/admin/credit_records/").get_data(as_text=True)
    # Twice: refused, nothing more recorded.
    r = office.post(url, data={"kind": "弄虚作假", "reason": "再撤", "csrf_token": csrf(office, url)})
    assert db.session.scalar(select(Certificate.revoked_reason)) == "弄虚作假：伪造业绩材料"
    assert len(list(db.session.scalars(select(IntegrityRecord)))) == 1


def test_the_qr_codes_address_opens_the_form_with_number_and_code_filled_in(org, client):
    _, (cert,) = _issued(org)
    page = client.get(f"/verify?no={cert.number}&code={cert.query_code}").get_data(as_text=True)
    assert f'value="{cert.number}"' in page and f'value="{cert.query_code}"' in page
    assert 'id="verify-result"' not in page  # the 姓名 is still to be typed
