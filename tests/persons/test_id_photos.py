"""身份证照片 in the 个人档案: uploaded like the 证件照 (JPG or PNG by content, at most 2M), shown to the
person himself; each application carries a copy, seen with the material by his unit and the
departments, never by another person, another unit or an expert."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from zhicheng import scope, storage, transaction
from zhicheng.extensions import db
from zhicheng.models import Attachment, AuditLog, Material, MeetingMaterial, Person
from zhicheng.persons import applications
from zhicheng.review import workflow

from .. import factories

URL = "/admin/person_basic/"


def _image(color, fmt="PNG", size=(60, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


FRONT, BACK = _image((10, 120, 200)), _image((200, 120, 10), "JPEG")


def uploads(app) -> set[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def person_of(user) -> Person:
    db.session.expire_all()
    return db.session.scalar(select(Person).where(Person.user_id == user.id))


def upload(c, csrf, **files):
    data = {"csrf_token": csrf(c, URL)}
    data.update({k: (io.BytesIO(v), n) for k, (v, n) in files.items()})
    return c.post(URL, data=data, content_type="multipart/form-data")


def test_the_person_uploads_both_sides_and_sees_them(app, org, auth, csrf):
    c = auth.client("gerena")
    page = c.get(URL).get_data(as_text=True)
    assert "尚未上传身份证人像面" in page and "尚未上传身份证国徽面" in page
    r = upload(c, csrf, id_front=(FRONT, "正面.png"), id_back=(BACK, "反面.jpg"))
    assert r.status_code == 302
    person = person_of(org["person_a"])
    assert person.id_front_file and person.id_back_file and person.id_front_name == "正面.png"
    page = c.get(URL).get_data(as_text=True)
    assert 'id="id-photo-front"' in page and 'id="id-photo-back"' in page
    front = c.get("/admin/person_basic/id-photo/front")
    assert front.status_code == 200 and front.mimetype == "image/png" and front.data == FRONT
    assert front.headers["Cache-Control"] == "private, no-store"
    back = c.get("/admin/person_basic/id-photo/back")
    assert back.mimetype == "image/jpeg" and back.data == BACK
    assert c.get("/admin/person_basic/id-photo/side").status_code == 404
    assert "上传身份证正面（人像面）、身份证反面（国徽面）" in db.session.scalar(
        select(AuditLog.detail).where(AuditLog.action == "person.update").order_by(AuditLog.id.desc()).limit(1))
    # A new front replaces the old one; the old file is gone once the change is committed.
    old = person.id_front_file
    assert upload(c, csrf, id_front=(_image((0, 0, 0)), "新正面.png")).status_code == 302
    assert person_of(org["person_a"]).id_front_file != old and old not in uploads(app)
    # Nobody else reaches them: the other person has none of his own, other accounts are refused.
    assert auth.client("gerenb").get("/admin/person_basic/id-photo/front").status_code == 404
    for name in ("unita", "xihureview", "rootadmin"):
        assert auth.client(name).get("/admin/person_basic/id-photo/front").status_code == 403


@pytest.mark.parametrize("files,message", [
    ({"id_front": (b"%PDF-1.4 a scan", "正面.pdf")}, "身份证照片须为JPG或PNG图片"),
    ({"id_back": (b"", "反面.png")}, "上传的文件为空"),
    ({"id_back": (b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024), "大.png")}, "文件大小不能超过2M"),
    # One bad image keeps the good ones of the same form out too.
    ({"photo": (_image((1, 2, 3)), "照片.png"), "id_front": (FRONT, "正面.png"),
      "id_back": (b"GIF89a not allowed", "反面.gif")}, "身份证照片须为JPG或PNG图片"),
])
def test_a_bad_image_is_refused_and_nothing_is_stored(app, org, auth, csrf, files, message):
    c = auth.client("gerena")
    before = uploads(app)
    r = upload(c, csrf, **files)
    assert r.status_code == 200 and message in r.get_data(as_text=True)
    person = person_of(org["person_a"])
    assert (person.photo_file, person.id_front_file, person.id_back_file) == (None, None, None)
    assert uploads(app) == before


@pytest.fixture
def applied(app, org, auth, csrf):
    """Person A with both 身份证照片 and a 档案, confirmed by unit A; his application submitted to it."""
    c = auth.client("gerena")
    assert upload(c, csrf, id_front=(FRONT, "正面.png"), id_back=(BACK, "反面.jpg")).status_code == 302
    factories.archive(org["person_a"])
    factories.join(org["person_a"], org["unit_a"])
    return factories.person_material(org["person_a"], org.projects["middle"], submit=True)


def id_files(m) -> list[Attachment]:
    return list(db.session.scalars(select(Attachment).where(Attachment.material_id == m.id,
                                                            Attachment.kind == "id_photo").order_by(Attachment.id)))


def test_the_application_carries_a_copy_that_later_photos_leave_alone(app, org, auth, csrf, applied):
    front, back = id_files(applied)
    assert (front.title, back.title) == ("身份证正面（人像面）", "身份证反面（国徽面）")
    assert front.kind_label == "身份证照片" and front.mime == "image/png" and back.mime == "image/jpeg"
    person = person_of(org["person_a"])
    assert front.stored_name != person.id_front_file  # a file of its own
    c = auth.client("gerena")
    page = c.get(f"/admin/person_apply/edit?id={applied.id}").get_data(as_text=True)
    assert "身份证正面（人像面）" in page and 'id="no-id-photos"' not in page
    assert c.get(f"/admin/person_apply/file/{front.id}").data == FRONT
    # The person's copy is not one of his files to remove.
    assert f'name="attachment" value="{front.id}"' not in page
    upload(c, csrf, id_front=(_image((0, 0, 0)), "新正面.png"))
    assert c.get(f"/admin/person_apply/file/{front.id}").data == FRONT


def test_without_id_photos_the_application_says_how_to_add_them(org, auth):
    factories.join(org["person_a"], org["unit_a"])
    m = factories.person_material(org["person_a"], org.projects["middle"])
    assert id_files(m) == []
    page = auth.client("gerena").get(f"/admin/person_apply/edit?id={m.id}").get_data(as_text=True)
    assert "请以“附件资料”上传" in page


def test_the_unit_and_the_departments_see_the_copy_others_do_not(org, auth, applied):
    front, _ = id_files(applied)
    ua = auth.client("unita")
    assert ua.get(f"/admin/unit_applications/file/{front.id}").data == FRONT
    assert "身份证正面（人像面）" in ua.get(f"/admin/unit_applications/view?id={applied.id}").get_data(as_text=True)
    assert auth.client("unitb").get(f"/admin/unit_applications/file/{front.id}").status_code == 404
    assert auth.client("gerenb").get(f"/admin/person_apply/file/{front.id}").status_code == 404
    # Not yet 上报: no department has it.
    assert auth.client("xihureview").get(f"/admin/dept_materials/attachment/{front.id}").status_code == 404
    applications.save_unit_opinion(org["unit_a"], applied, "同意推荐")
    workflow.submit_materials(org["unit_a"], [applied.id], "王经办", "13812345678")
    transaction.commit()
    assert auth.client("xihureview").get(f"/admin/dept_materials/attachment/{front.id}").data == FRONT
    assert auth.client("rootadmin").get(f"/admin/dept_materials/attachment/{front.id}").data == FRONT
    assert auth.client("edureview").get(f"/admin/dept_materials/attachment/{front.id}").status_code == 404
    page = auth.client("xihureview").get(f"/admin/dept_materials/details/?id={applied.id}").get_data(as_text=True)
    assert "身份证照片" in page


def test_an_expert_never_sees_an_applicants_id_photos(org, auth):
    from ..boards.world import populate_boards
    world = populate_boards(org)
    m = world["materials"]["a"]  # before expert_a in the voting meeting
    rows = {}
    for kind, title in (("id_photo", "身份证正面（人像面）"), ("other", "获奖证书")):
        stored = f"{kind}-matrix.png"
        storage.backend().put_bytes("uploads", stored, FRONT, "image/png")
        rows[kind] = Attachment(material_id=m.id, kind=kind, original_name=f"{title}.png", stored_name=stored,
                                mime="image/png", size=len(FRONT), title=title)
        db.session.add(rows[kind])
    db.session.commit()
    expert = org["expert_a"]
    visible = set(db.session.scalars(select(Attachment.id).where(scope.attachments(expert))))
    assert rows["other"].id in visible and rows["id_photo"].id not in visible
    c = auth.client(expert.username)
    mm = db.session.scalar(select(MeetingMaterial).where(MeetingMaterial.material_id == m.id))
    page = c.get(f"/admin/expert_materials/details/?id={mm.id}").get_data(as_text=True)
    assert "获奖证书.png" in page and "身份证正面" not in page
    assert c.get(f"/admin/expert_materials/attachment/{rows['other'].id}").status_code == 200
    assert c.get(f"/admin/expert_materials/attachment/{rows['id_photo'].id}").status_code == 404
    # The unit that filled it sees both.
    unit_visible = set(db.session.scalars(select(Attachment.id).where(scope.attachments(org["unit_a"]))))
    assert {rows["other"].id, rows["id_photo"].id} <= unit_visible


def test_deleting_the_account_removes_the_id_photos(app, org, auth, csrf):
    c = auth.client("gerena")
    upload(c, csrf, id_front=(FRONT, "正面.png"), id_back=(BACK, "反面.jpg"))
    person = person_of(org["person_a"])
    files = {person.id_front_file, person.id_back_file}
    assert files <= uploads(app)
    r = c.post("/admin/person_account/", data={"password": factories.PASSWORD,
                                               "csrf_token": csrf(c, "/admin/person_account/")})
    assert r.status_code == 302
    assert not files & uploads(app)
    assert db.session.scalar(select(Material.id)) is None
