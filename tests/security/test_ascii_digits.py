"""Finding 10: numbers are stored in ASCII digits. Full-width input (１２３, Ｘ) is normalised; digits
of other scripts (١٣٨…, which Python's \\d and str.isdigit() accept) are refused with a message;
a 身份证号 searched in full-width digits is found."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from zhicheng import validators as v
from zhicheng.extensions import db
from zhicheng.models import Attachment, Material, Unit

from .. import factories

BIRTH = date(1988, 3, 9)
ID_CARD = factories.make_id_card(BIRTH, 222)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def arabic_indic(text: str) -> str:
    return "".join(chr(0x0660 + int(c)) if c.isascii() and c.isdigit() else c for c in text)


def test_full_width_numbers_are_stored_in_ascii():
    assert v.check_id_card(fullwidth("11010519491231002x")) == "11010519491231002X"
    assert v.check_mobile(fullwidth("13800138000")) == "13800138000"
    assert v.check_mobile("＋８６ １３８ ００１３ ８０００") == "13800138000"
    assert v.check_uscc(fullwidth(factories.make_uscc(1))).code == factories.make_uscc(1)
    assert v.check_phone(fullwidth("0571-87654321")) == "0571-87654321"


@pytest.mark.parametrize("check, value, label", [
    ("check_mobile", "13٨٠٠١٣٨٠٠٠", "手机号码"),
    ("check_mobile", arabic_indic("13800138000"), "手机号码"),
    ("check_id_card", arabic_indic("11010519491231002X"), "身份证号"),
    ("check_id_card", "1101051949123100" + "\u0967\u0968", "身份证号"),  # Devanagari १२
    ("check_uscc", arabic_indic(factories.make_uscc(1)[:8]) + factories.make_uscc(1)[8:], "统一社会信用代码"),
    ("check_phone", arabic_indic("0571-87654321"), "联系电话"),
])
def test_digits_of_other_scripts_are_refused(check, value, label):
    with pytest.raises(v.ValidationError, match=f"{label}只能使用数字0-9"):
        getattr(v, check)(value)


def test_a_password_needs_an_ascii_digit():
    with pytest.raises(v.ValidationError, match="字母和数字"):
        v.check_password_rule("Password٨")
    assert v.check_password_rule("Password8") == "Password8"


def _material_data(**over) -> dict:
    data = {
        "name": "李四", "gender": "女", "birth_date": BIRTH.isoformat(), "id_card": ID_CARD,
        "phone": "13912345678", "work_start_date": "2010-07-01", "current_major": "建筑工程", "series": "工程",
        "major": "建筑工程", "qualification": "助理工程师", "education": "本科", "current_title": "技术员",
        "educations-0-start_date": "2006-09-01", "educations-0-school": "浙江大学",
        "work_histories-0-start_date": "2010-07-01", "work_histories-0-employer": "甲单位科技有限公司",
        "achievements": "",
    }
    data.update(over)
    return data


def _fill(client, org, csrf, **over):
    url = f"/admin/materials/fill/?project={org.projects['xihu_junior'].id}"
    return client.post(url, data=dict(_material_data(**over), csrf_token=csrf(client, url)),
                       content_type="multipart/form-data")


def test_material_form_stores_full_width_numbers_in_ascii(org, auth, csrf):
    r = _fill(auth.client("unita"), org, csrf, id_card=fullwidth(ID_CARD), phone=fullwidth("13912345678"))
    assert r.status_code == 302
    m = db.session.scalars(select(Material)).one()
    assert (m.id_card, m.phone) == (ID_CARD, "13912345678")


@pytest.mark.parametrize("field, value, message", [
    ("phone", "13٨٠٠١٣٨٠٠٠", "手机号码只能使用数字0-9"),
    ("id_card", arabic_indic(ID_CARD), "身份证号只能使用数字0-9"),
])
def test_material_form_refuses_other_digits(org, auth, csrf, field, value, message):
    r = _fill(auth.client("unita"), org, csrf, **{field: value})
    assert r.status_code == 200 and message in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Material)) == 0


def test_unit_contact_phone(org, auth, csrf):
    c = auth.client("unita")
    url = "/admin/basic_info/"
    data = {"name": "甲单位科技有限公司", "legal_rep": "王五", "email": "hr@example.com", "nature": ""}
    r = c.post(url, data=dict(data, contact_phone="٠٥٧١-87654321", csrf_token=csrf(c, url)))
    assert r.status_code == 200 and "联系电话只能使用数字0-9" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Unit, org.unit_a.id).contact_phone in ("", None)
    r = c.post(url, data=dict(data, contact_phone=fullwidth("0571-87654321"), csrf_token=csrf(c, url)))
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Unit, org.unit_a.id).contact_phone == "0571-87654321"


@pytest.mark.parametrize("who, url", [("unita", "/admin/materials/"), ("xihureview", "/admin/dept_materials/")])
def test_search_by_full_width_id_card_finds_the_material(org, auth, csrf, who, url):
    from zhicheng.review import workflow
    m = factories.material(org.projects["xihu_junior"], org["unit_a"], name="王五")
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    c = auth.client(who)
    for term in (fullwidth(m.id_card), fullwidth(m.id_card.lower()), fullwidth(m.number).replace("-", "－")):
        page = c.get(url, query_string={"search": term}).get_data(as_text=True)
        assert m.number in page, term


def test_a_removed_attachment_id_in_other_digits_is_ignored(app, org, auth, csrf):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"], name="王五", seq=5)
    att = Attachment(material=m, kind="scan", original_name="a.pdf", stored_name="0" * 32 + ".pdf",
                     mime="application/pdf", size=len(PDF))
    db.session.add(att)
    db.session.commit()
    c = auth.client("unita")
    url = f"/admin/materials/modify/?id={m.id}"
    data = _material_data(name="王五", id_card=m.id_card, birth_date="1990-05-17",
                          remove_attachment=["²", arabic_indic(str(att.id))])
    r = c.post(url, data=dict(data, csrf_token=csrf(c, url)), content_type="multipart/form-data")
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Attachment, att.id) is not None
