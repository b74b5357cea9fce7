"""单位系统 details: 营业执照 by 单位类型, 单位签章 (the electronic seal), 更名记录 and the name on prints,
单位行业 / 所在地 / 联系人, 注册需审核, and 单位用户忘记密码 by a 工作人员's SMS code."""
from __future__ import annotations

import io
import os
from datetime import datetime, timedelta

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from zhicheng.extensions import db
from zhicheng.models import AuditLog, Unit, UnitNameChange, User
from zhicheng.org import seal as seal_mod
from zhicheng.org.profile import name_at, rename_unit
from zhicheng.review.workflow import submit_materials

from .. import factories
from ..persons.conftest import last_code, outbox
from .seal_scans import scan_bytes

FILES = "/admin/unit_files/"
INFO = "/admin/basic_info/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def uploads(app) -> list[str]:
    path = app.config["UPLOAD_DIR"]
    return sorted(os.listdir(path)) if os.path.isdir(path) else []


def unit(pk) -> Unit:
    db.session.expire_all()
    return db.session.get(Unit, pk)


def actions(name) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == name)))


# --- the electronic seal -----------------------------------------------------------------------

def test_seal_is_cropped_to_the_red_stamp_with_a_transparent_background():
    seal = seal_mod.make_seal(scan_bytes())
    image = Image.open(io.BytesIO(seal.png))
    assert image.format == "PNG" and image.mode == "RGBA"
    # Cropped to the stamp (a square around the ring), not the page with its text lines.
    assert abs(image.width - image.height) <= 4 and image.width <= seal_mod.SEAL_SIZE
    w, h = image.size
    for corner in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1), (w // 2, h // 4)):
        assert image.getpixel(corner)[3] == 0, corner  # paper: transparent
    r, g, b, a = image.getpixel((w // 2, h // 2))  # the star
    assert a == 255 and r > 150 and g < 90 and b < 90  # red kept
    ring = [image.getpixel((w // 2, y)) for y in range(h // 10)]  # the ring, near the top edge
    assert any(a > 200 and r > 150 for r, g, b, a in ring) and ring[0][3] == 0


def test_seal_from_a_png_scan_and_a_transparent_one():
    assert seal_mod.make_seal(scan_bytes("PNG", noise=False)).width > 0


@pytest.mark.parametrize("data,message", [
    (b"", "上传的文件为空"),
    (b"%PDF-1.4 not an image", "须为图片"),
    (b"just text\n" * 100, "须为图片"),
    (None, "未能在图片中识别出红色印章"),
])
def test_seal_refuses_what_is_not_a_stamp(data, message):
    data = scan_bytes(noise=False, red=False) if data is None else data
    with pytest.raises(seal_mod.SealError, match=message):
        seal_mod.make_seal(data)


def test_seal_refuses_an_oversized_scan():
    with pytest.raises(seal_mod.SealError, match="不能超过8M"):
        seal_mod.make_seal(b"\xff\xd8\xff" + b"0" * seal_mod.MAX_SCAN_BYTES)


def test_unit_uploads_its_seal_and_sees_the_preview(app, org, auth, csrf):
    c = auth.client("unita")
    r = c.post(FILES + "seal/", data={"seal": (io.BytesIO(scan_bytes()), "公章.jpg"), "csrf_token": csrf(c, FILES)},
               content_type="multipart/form-data")
    assert r.status_code == 302
    u = unit(org.unit_a.id)
    assert u.seal_file and u.seal_file in uploads(app) and u.seal_updated_at
    page = c.get(FILES).get_data(as_text=True)
    assert 'id="seal-preview"' in page
    png = c.get(FILES + "seal.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert Image.open(io.BytesIO(png.data)).mode == "RGBA"
    assert actions("unit.seal")
    # A new seal replaces the old one; the old file goes once the request has committed.
    old = u.seal_file
    c.post(FILES + "seal/", data={"seal": (io.BytesIO(scan_bytes("PNG", noise=False)), "公章.png"),
                                  "csrf_token": csrf(c, FILES)}, content_type="multipart/form-data")
    assert unit(org.unit_a.id).seal_file != old and old not in uploads(app)


@pytest.mark.parametrize("payload,message", [
    (b"%PDF-1.4\n%%EOF\n" * 20, "须为图片"),
    (b"\xff\xd8\xff" + b"0" * (seal_mod.MAX_SCAN_BYTES + 10), "不能超过8M"),
    (None, "未能在图片中识别出红色印章"),
])
def test_bad_seal_scans_are_refused_and_nothing_is_stored(app, org, auth, csrf, payload, message):
    c = auth.client("unita")
    payload = scan_bytes(noise=False, red=False) if payload is None else payload
    r = c.post(FILES + "seal/", data={"seal": (io.BytesIO(payload), "公章.jpg"), "csrf_token": csrf(c, FILES)},
               content_type="multipart/form-data")
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert unit(org.unit_a.id).seal_file is None and uploads(app) == [] and not actions("unit.seal")


# --- 营业执照 by 单位类型 ---------------------------------------------------------------------------

def test_licence_follows_the_unit_type_and_is_seen_by_the_department_only(app, org, auth, csrf):
    org.unit_a.unit_type = "事业单位"
    db.session.commit()
    c = auth.client("unita")
    page = c.get(FILES).get_data(as_text=True)
    assert "上传事业单位法人证书" in page
    r = c.post(FILES + "license/", data={"license": (io.BytesIO(PDF), "证书.pdf"), "csrf_token": csrf(c, FILES)},
               content_type="multipart/form-data")
    assert r.status_code == 302
    u = unit(org.unit_a.id)
    assert u.license_kind == "事业单位法人证书" and u.license_file in uploads(app) and u.license_uploaded_at
    assert c.get(FILES + "license/file").data == PDF
    url = f"/admin/units/license/?id={u.id}"
    for who in ("xihu_admin", "root"):  # the 归口部门 and above
        r = auth.client(org[who].username).get(url)
        assert r.status_code == 200 and r.data == PDF, who
    assert auth.client(org["edu_admin"].username).get(url).status_code == 404  # another department
    for who in ("unit_b", "sub_a_full", "person_a"):  # another unit, its own 工作账号, a person
        assert auth.client(org[who].username).get(url).status_code == 403, who
    # The department's page of the unit links it.
    info = auth.client("xihuadmin").get(f"/admin/units/info/?id={u.id}").get_data(as_text=True)
    assert "事业单位法人证书：证书.pdf" in info
    # Changing the type afterwards asks for the other licence.
    u.unit_type = "国有企业"
    db.session.commit()
    assert "与单位类型要求的企业法人营业执照不符" in c.get(FILES).get_data(as_text=True)


def test_a_licence_of_the_wrong_file_type_is_refused(app, org, auth, csrf):
    c = auth.client("unita")
    r = c.post(FILES + "license/", data={"license": (io.BytesIO(b"PK\x03\x04 a word file" * 20), "执照.docx"),
                                         "csrf_token": csrf(c, FILES)}, content_type="multipart/form-data")
    assert r.status_code == 400
    assert "机构代码证：文件格式不正确，只能上传PDF、JPG、PNG文件" in r.get_data(as_text=True)
    assert unit(org.unit_a.id).license_file is None and uploads(app) == []


def test_registration_stores_type_industry_region_and_names_the_licence(app, org, client, csrf):
    data = {"uscc": factories.make_uscc(77), "legal_rep": "周法人", "name": "杭州某某农业专业合作社",
            "department_id": str(org.xihu.id), "username": "hzhzs", "password": "Hezuo2026ok",
            "confirm": "Hezuo2026ok", "email": "hz@example.com", "unit_type": "合作社", "industry": "A",
            "region": "330127", "address": "淳安县某镇1号", "csrf_token": csrf(client, "/register")}
    r = client.post("/register", data=data)
    assert r.status_code == 200 and "请上传农民专业合作社法人营业执照的扫描件" in r.get_data(as_text=True)
    r = client.post("/register", data=dict(data, region="999999", csrf_token=csrf(client, "/register"),
                                           license=(io.BytesIO(PDF), "执照.pdf")), content_type="multipart/form-data")
    assert "请从列表中选择单位所在地" in r.get_data(as_text=True) and uploads(app) == []
    r = client.post("/register", data=dict(data, csrf_token=csrf(client, "/register"),
                                           license=(io.BytesIO(PDF), "执照.pdf")), content_type="multipart/form-data")
    assert r.status_code == 302
    u = db.session.scalar(select(Unit).where(Unit.name == "杭州某某农业专业合作社"))
    assert (u.unit_type, u.industry, u.region, u.address) == ("合作社", "A", "330127", "淳安县某镇1号")
    assert u.license_kind == "农民专业合作社法人营业执照" and u.approval == "approved"


# --- 单位行业, 所在地, 联系人 and 更名记录 ----------------------------------------------------------------

def _info(c, csrf, **fields):
    data = {"name": "甲单位科技有限公司", "legal_rep": "王五", "email": "hr@example.com", "nature": "",
            "unit_type": "非公企业", "industry": "I", "region": "330106", "contact_name": "赵六",
            "contact_phone": "0571-88888888", "contact_email": "zl@example.com", "csrf_token": csrf(c, INFO)}
    data.update(fields)
    return c.post(INFO, data=data)


@pytest.mark.parametrize("phone", ["0571-88888888", "057188888888", "13912345678", "+86 139 1234 5678"])
def test_contact_details_with_landline_or_mobile(org, auth, csrf, phone):
    c = auth.client("unita")
    assert _info(c, csrf, contact_phone=phone).status_code == 302
    u = unit(org.unit_a.id)
    assert (u.industry, u.region, u.contact_name, u.contact_email) == ("I", "330106", "赵六", "zl@example.com")
    assert u.contact_phone in {"0571-88888888", "057188888888", "13912345678"}
    page = c.get(FILES).get_data(as_text=True)
    assert "信息传输、软件和信息技术服务业" in page and "西湖区" in page


@pytest.mark.parametrize("fields,message", [
    ({"contact_phone": "88888888"}, "联系电话格式不正确"),
    ({"contact_email": "zl@"}, "电子邮箱格式不正确"),
    ({"region": "110101"}, "请从列表中选择单位所在地"),
    ({"industry": "Z"}, "请从列表中选择单位行业"),
    ({"unit_type": "外星企业"}, "请从列表中选择单位类型"),
])
def test_bad_contact_or_codes_are_refused(org, auth, csrf, fields, message):
    c = auth.client("unita")
    r = _info(c, csrf, **fields)
    assert r.status_code == 200 and message in r.get_data(as_text=True)
    u = unit(org.unit_a.id)
    assert u.region == "" and u.industry == "" and u.contact_name == ""


def test_a_name_change_needs_a_reason_and_is_kept_in_the_history(org, auth, csrf):
    c = auth.client("unita")
    r = _info(c, csrf, name="甲单位科技股份有限公司")
    assert r.status_code == 200 and "请填写更名原因" in r.get_data(as_text=True)
    assert unit(org.unit_a.id).name == "甲单位科技有限公司" and not db.session.scalars(select(UnitNameChange)).all()
    assert _info(c, csrf, name="甲单位科技股份有限公司", rename_reason="股份制改造，经市场监督管理局核准更名").status_code == 302
    assert unit(org.unit_a.id).name == "甲单位科技股份有限公司"
    [change] = db.session.scalars(select(UnitNameChange)).all()
    assert (change.old_name, change.new_name, change.actor_name) == ("甲单位科技有限公司", "甲单位科技股份有限公司", "unita")
    for page in (c.get(FILES), auth.client("xihuadmin").get(f"/admin/units/info/?id={org.unit_a.id}")):
        text = page.get_data(as_text=True)
        assert "甲单位科技有限公司" in text and "股份制改造，经市场监督管理局核准更名" in text
        assert change.changed_at.strftime("%Y-%m-%d") in text
    assert actions("unit.rename")


def test_prints_show_the_name_valid_when_the_material_was_submitted(app, org):
    p = org.projects["middle"]
    before = factories.material(p, org["unit_a"], name="更名前上报", seq=41)
    submit_materials(org["unit_a"], [before.id], "甲经办", "13900001111")
    db.session.commit()
    before.submitted_at = datetime.now() - timedelta(days=3)
    db.session.commit()
    rename_unit(org["unit_a"], org.unit_a, "甲单位科技股份有限公司", "股份制改造", when=datetime.now() - timedelta(days=1))
    after = factories.material(p, org["unit_a"], name="更名后上报", seq=42)
    submit_materials(org["unit_a"], [after.id], "甲经办", "13900001111")
    draft = factories.material(p, org["unit_a"], name="草稿", seq=43)
    db.session.commit()
    assert name_at(org.unit_a, before.submitted_at) == "甲单位科技有限公司"
    assert name_at(org.unit_a, after.submitted_at) == "甲单位科技股份有限公司"
    assert name_at(org.unit_a, None) == "甲单位科技股份有限公司"
    from zhicheng.printing.pdf import render_material_pdf

    def text(m):
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_material_pdf(m))).pages)
    old, new = text(before).replace(" ", ""), text(after).replace(" ", "")
    assert "甲单位科技有限公司" in old and "甲单位科技股份有限公司" not in old
    assert "甲单位科技股份有限公司" in new
    assert "甲单位科技股份有限公司" in text(draft).replace(" ", "")


def test_the_seal_is_printed_on_the_unit_opinion_of_submitted_forms_only(app, org, auth, csrf):
    from zhicheng.org.profile import set_seal
    from zhicheng.printing.pdf import render_material_pdf
    from werkzeug.datastructures import FileStorage
    p = org.projects["middle"]
    sent = factories.material(p, org["unit_a"], name="已上报", seq=51)
    draft = factories.material(p, org["unit_a"], name="草稿", seq=52)
    submit_materials(org["unit_a"], [sent.id], "甲经办", "13900001111")
    db.session.commit()

    def images(m):
        return [img for page in PdfReader(io.BytesIO(render_material_pdf(m))).pages for img in page.images]
    assert images(sent) == []  # no seal yet
    set_seal(org["unit_a"], org.unit_a, FileStorage(io.BytesIO(scan_bytes()), "公章.jpg"))
    db.session.commit()
    [stamp] = images(sent)
    stored = seal_mod.seal_for(org.unit_a)
    assert stamp.image.mode == "RGBA" and stamp.image.size == (stored.width, stored.height)
    assert images(draft) == []  # a draft is not sealed
    assert seal_mod.seal_for(org.unit_b) is None


# --- 注册需审核 -------------------------------------------------------------------------------

def _register(client, csrf, org, username="shenhe1", seq=88):
    data = {"uscc": factories.make_uscc(seq), "legal_rep": "吴法人", "name": f"待审核单位{seq}",
            "department_id": str(org.xihu.id), "username": username, "password": "Shenhe2026ok",
            "confirm": "Shenhe2026ok", "email": f"{username}@example.com", "unit_type": "非公企业",
            "csrf_token": csrf(client, "/register"), "license": (io.BytesIO(PDF), "执照.pdf")}
    return client.post("/register", data=data, content_type="multipart/form-data")


def _login(app, username, password="Shenhe2026ok"):
    from ..conftest import csrf_token
    c = app.test_client()
    return c, c.post("/login", data={"username": username, "password": password, "csrf_token": csrf_token(c, "/login")})


def test_registration_review_refuse_resubmit_approve(app, org, auth, csrf, client):
    admin = auth.client("xihuadmin")
    r = admin.post("/admin/units/registration_review/",
                   data={"registration_review": "y", "csrf_token": csrf(admin, "/admin/units/")})
    assert r.status_code == 302
    db.session.expire_all()
    assert org.xihu.registration_review and actions("department.registration_review")

    r = _register(client, csrf, org)
    assert r.status_code == 302
    assert "须经审核，审核通过后方可登录" in client.get("/login").get_data(as_text=True)
    u = db.session.scalar(select(Unit).where(Unit.name == "待审核单位88"))
    assert u.approval == "pending"
    c, r = _login(app, "shenhe1")
    assert r.status_code == 200 and "正在等待“西湖区人才职改办”审核" in r.get_data(as_text=True)
    assert c.get("/admin/").status_code == 302  # not logged in

    # The department sees it waiting and refuses it with a reason (a reason is required).
    listing = admin.get("/admin/units/").get_data(as_text=True)
    assert "待审核单位88" in listing and "待审核" in listing
    refuse = f"/admin/units/refuse/?id={u.id}"
    r = admin.post(refuse, data={"reason": " ", "csrf_token": csrf(admin, refuse)})
    assert "请填写审核不通过的原因" in r.get_data(as_text=True) and unit(u.id).approval == "pending"
    r = admin.post(refuse, data={"reason": "营业执照不清晰，请重新上传", "csrf_token": csrf(admin, refuse)})
    assert r.status_code == 302 and unit(u.id).approval == "refused"

    # The unit reads the reason at login, corrects and resubmits.
    c, r = _login(app, "shenhe1")
    page = r.get_data(as_text=True)
    assert "营业执照不清晰，请重新上传" in page and "修改注册信息并重新提交" in page
    assert c.get("/admin/").status_code == 302
    form = c.get("/unit/resubmit").get_data(as_text=True)
    assert "营业执照不清晰，请重新上传" in form
    from ..conftest import csrf_token
    token = csrf_token(c, "/unit/resubmit")
    r = c.post("/unit/resubmit", data={"name": "待审核单位88", "legal_rep": "吴法人", "unit_type": "非公企业",
                                       "contact_phone": "123", "csrf_token": token})
    assert "联系电话格式不正确" in r.get_data(as_text=True) and unit(u.id).approval == "refused"
    r = c.post("/unit/resubmit", data={"name": "待审核单位88", "legal_rep": "吴法人", "unit_type": "非公企业",
                                       "region": "330106", "contact_phone": "0571-88888888", "csrf_token": token,
                                       "license": (io.BytesIO(PDF + b"%clear"), "清晰执照.pdf")},
               content_type="multipart/form-data")
    assert r.status_code == 302
    u = unit(u.id)
    assert u.approval == "pending" and u.license_name == "清晰执照.pdf" and u.region == "330106"
    # Someone else's browser cannot open the resubmission page.
    assert app.test_client().get("/unit/resubmit").status_code == 302

    # Another department's administrator cannot approve it; its own can.
    edu = auth.client("eduadmin")
    edu.post("/admin/units/action/", data={"action": "approve", "rowid": [u.id],
                                           "csrf_token": csrf(edu, "/admin/units/")})
    assert unit(u.id).approval == "pending"
    r = admin.post("/admin/units/action/", data={"action": "approve", "rowid": [u.id],
                                                 "csrf_token": csrf(admin, "/admin/units/")})
    assert r.status_code == 302 and unit(u.id).approval == "approved"
    c, r = _login(app, "shenhe1")
    assert r.status_code == 302
    assert {a.action for a in db.session.scalars(select(AuditLog).where(AuditLog.target_id == u.id,
                                                                        AuditLog.target_type == "Unit"))} >= {
        "unit.register", "unit.refuse", "unit.resubmit", "unit.approve"}


def test_without_registration_review_a_unit_logs_in_at_once(app, org, client, csrf):
    assert _register(client, csrf, org, username="libre1", seq=89).status_code == 302
    _, r = _login(app, "libre1")
    assert r.status_code == 302


# --- 单位用户忘记密码 by a 工作人员's SMS code ---------------------------------------------------------

STAFF_ID = factories.make_id_card(seq=321)


def _forgot(c, csrf, url="/unit/forgot", **fields):
    data = {"department_id": "", "uscc": "", "id_card": STAFF_ID, "csrf_token": csrf(c, "/unit/forgot")}
    data.update(fields)
    return c.post(url, data=data)


def test_unit_password_recovery_by_a_staff_members_phone(app, org, client, csrf):
    staff = org["sub_a_full"]
    staff.id_card, staff.phone = STAFF_ID, "13655556666"
    db.session.commit()
    ident = {"department_id": str(org.xihu.id), "uscc": org.unit_a.uscc}
    # Malformed input: messages by field, nothing sent.
    r = _forgot(client, csrf, "/unit/forgot/code", department_id="", uscc="123", id_card="1234")
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "请选择单位注册时的归口部门" in page and "统一社会信用代码应为18位" in page
    assert "工作人员证件号码应为18位" in page and not outbox(app)
    # A staff number of no 工作人员 of the unit: the same answer, nothing sent.
    r = _forgot(client, csrf, "/unit/forgot/code", id_card=factories.make_id_card(seq=999), **ident)
    assert r.status_code == 200 and "如果单位和工作人员信息与系统一致" in r.get_data(as_text=True) and not outbox(app)
    r = _forgot(client, csrf, "/unit/forgot/code", **ident)
    assert r.status_code == 200 and len(outbox(app)) == 1
    code = last_code(app, "13655556666")
    old_hash = db.session.get(User, org["unit_a"].id).password_hash
    wrong = "000000" if code != "000000" else "111111"
    r = _forgot(client, csrf, sms_code=wrong, new_password="Newpass2026", confirm="Newpass2026", **ident)
    assert r.status_code == 400 and "短信验证码不正确" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, org["unit_a"].id).password_hash == old_hash
    r = _forgot(client, csrf, sms_code=code, new_password="Newpass2026", confirm="Newpass2026", **ident)
    assert r.status_code == 302
    _, r = _login(app, "unita", "Newpass2026")
    assert r.status_code == 302
    # The code is used once.
    r = _forgot(client, csrf, sms_code=code, new_password="Other2026pw", confirm="Other2026pw", **ident)
    assert r.status_code == 400 and "短信验证码已失效" in r.get_data(as_text=True)
    assert actions("password.reset_by_unit_sms")


def test_the_unit_code_needs_the_image_captcha_when_enabled(app, org, client, csrf):
    from zhicheng.accounts.auth import captcha_code
    app.config["CAPTCHA_ENABLED"] = True
    staff = org["sub_a_full"]
    staff.id_card, staff.phone = STAFF_ID, "13655556666"
    db.session.commit()
    ident = {"department_id": str(org.xihu.id), "uscc": org.unit_a.uscc}
    assert "图形验证码" in client.get("/unit/forgot").get_data(as_text=True)

    def new_captcha() -> str:
        client.get("/captcha.png")
        with client.session_transaction() as s:
            return captcha_code.answer_of(s.get("captcha_id"))
    new_captcha()
    r = _forgot(client, csrf, "/unit/forgot/code", captcha="", **ident)
    assert r.status_code == 400 and "请输入验证码" in r.get_data(as_text=True) and not outbox(app)
    answer = new_captcha()
    r = _forgot(client, csrf, "/unit/forgot/code", captcha="ABCD" if answer != "ABCD" else "ABCE", **ident)
    assert r.status_code == 400 and "验证码不正确" in r.get_data(as_text=True) and not outbox(app)
    r = _forgot(client, csrf, "/unit/forgot/code", captcha=new_captcha().lower(), **ident)
    assert r.status_code == 200 and len(outbox(app)) == 1
    assert last_code(app, "13655556666")


def test_a_person_the_unit_confirmed_as_its_staff_can_recover_its_password(app, org, client, csrf):
    """所属单位: a 个人用户 the unit confirmed is one of its 工作人员 (no 工作账号 needed): the code goes to
    his registered 手机号. Asking to join is not enough, nor is having left the unit."""
    from zhicheng.persons import membership
    from zhicheng.persons.models import Person
    person = db.session.scalar(select(Person).where(Person.user_id == org["person_a"].id))
    ident = {"department_id": str(org.xihu.id), "uscc": org.unit_a.uscc, "id_card": person.id_number}
    row = membership.request_join(org["person_a"], org.unit_a.id)
    db.session.commit()
    # Only asked, not confirmed: the same answer as for a stranger, nothing sent.
    r = _forgot(client, csrf, "/unit/forgot/code", **ident)
    assert r.status_code == 200 and "如果单位和工作人员信息与系统一致" in r.get_data(as_text=True) and not outbox(app)
    membership.confirm(org["unit_a"], row.id)
    db.session.commit()
    # Unit B did not confirm him: nothing for unit B.
    other = {**ident, "department_id": str(org.edu_sub.id), "uscc": org.unit_b.uscc}
    assert _forgot(client, csrf, "/unit/forgot/code", **other).status_code == 200 and not outbox(app)
    r = _forgot(client, csrf, "/unit/forgot/code", **ident)
    assert r.status_code == 200 and len(outbox(app)) == 1
    code = last_code(app, person.phone)
    r = _forgot(client, csrf, sms_code=code, new_password="Newpass2026", confirm="Newpass2026", **ident)
    assert r.status_code == 302
    _, r = _login(app, "unita", "Newpass2026")
    assert r.status_code == 302
    log = actions("password.reset_by_unit_sms")[-1]
    assert log.target_id == org["unit_a"].id and "钱个人" in log.detail
    # Once he has left for unit B, unit A's password is no longer his to recover (no wait between
    # codes here, so a match would send one).
    app.config["SMS_RESEND_SECONDS"] = 0
    second = membership.request_join(org["person_a"], org.unit_b.id)
    membership.confirm(org["unit_b"], second.id)
    db.session.commit()
    r = _forgot(client, csrf, "/unit/forgot/code", **ident)
    assert r.status_code == 200 and "如果单位和工作人员信息与系统一致" in r.get_data(as_text=True)
    assert len(outbox(app)) == 1


def test_the_login_page_offers_the_staff_phone_recovery(client):
    assert 'href="/unit/forgot"' in client.get("/login").get_data(as_text=True)


def test_a_confirmed_person_with_a_passport_can_recover_the_units_password(app, org, client, csrf):
    """工作人员证件号码 is not only a 身份证号: a 个人用户 registered with a 护照 and confirmed by the unit
    is matched by his passport number (typed in lower case too); a malformed one gets a message."""
    from zhicheng.persons import membership
    from zhicheng.persons.models import Person
    person = db.session.scalar(select(Person).where(Person.user_id == org["person_a"].id))
    person.id_type, person.id_number = "passport", "EA1234567"
    row = membership.request_join(org["person_a"], org.unit_a.id)
    membership.confirm(org["unit_a"], row.id)
    db.session.commit()
    ident = {"department_id": str(org.xihu.id), "uscc": org.unit_a.uscc, "id_card": "ea1234567"}
    r = _forgot(client, csrf, "/unit/forgot/code", **ident)
    assert r.status_code == 200 and len(outbox(app)) == 1
    # The same number as a 身份证 type would not match, and a bad number is refused with a message.
    r = _forgot(client, csrf, "/unit/forgot/code", **{**ident, "id_card": "EA-12"})
    assert r.status_code == 400 and "护照号码只能由字母和数字组成" in r.get_data(as_text=True)
    assert len(outbox(app)) == 1
