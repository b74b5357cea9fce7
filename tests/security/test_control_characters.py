"""Finding 3 (input side): a control character (张\\x0b三, \\x00, \\x01) or another invisible one is
refused next to its field in every form of the system, nothing is saved, and text that reaches
the database without a form is refused there too. Line breaks and tabs pass in multi-line fields.
On PostgreSQL a NUL byte is refused the same way (it used to be a 500)."""
from __future__ import annotations

import importlib
import pkgutil
from datetime import date, timedelta
from io import BytesIO

import pytest
import wtforms
from sqlalchemy import func, select, update

import zhicheng
from zhicheng.extensions import db
from zhicheng.models import Department, DictItem, Education, Material, Project, ReviewRecord, Unit, UnitRegistry, User
from zhicheng.models import MaterialState as S
from zhicheng.review import workflow

from .. import factories
from ..materials.test_materials_views import form_data

REFUSED = "不能包含控制字符等不可见字符"
BAD = ["张\x0b三", "张\x00三", "张\x01三"]
BIRTH = date(1988, 3, 9)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def material_data(**over) -> dict:
    return form_data(**over)


def post(client, url, data, csrf, multipart=False):
    payload = dict(data, csrf_token=csrf(client, url))
    if multipart:
        return client.post(url, data=payload, content_type="multipart/form-data")
    return client.post(url, data=payload)


def refused(response, times: int = 1) -> bool:
    page = response.get_data(as_text=True)
    return response.status_code == 200 and page.count(REFUSED) >= times


# --- every form ------------------------------------------------------------------------------

def _form_classes(app) -> set[type]:
    for info in pkgutil.walk_packages(zhicheng.__path__, "zhicheng."):
        importlib.import_module(info.name)
    found, todo = set(), [wtforms.form.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("zhicheng."):
                found.add(sub)
    for view in app.extensions["admin"][0]._views:
        for name in ("_create_form_class", "_edit_form_class"):
            if getattr(view, name, None) is not None:
                found.add(getattr(view, name))
    return found


class _Posted(dict):
    """Form data in which every name holds the same value (what a crafted request can send)."""

    def __init__(self, value):
        super().__init__()
        self.value = value

    def __contains__(self, name):
        return True

    def __iter__(self):
        return iter(())

    def getlist(self, name):
        return [self.value]


def _text_fields(form):
    for field in form:
        if isinstance(field, (wtforms.FormField, wtforms.FieldList, wtforms.FileField, wtforms.MultipleFileField)):
            continue
        if field.name == "csrf_token":
            continue
        yield field


def test_every_form_of_the_system_refuses_invisible_characters(app, org):
    """Each form class of the system (and each model form Flask-Admin builds), given 张\x0b三 in
    every field, says so on every field."""
    classes = _form_classes(app)
    assert len(classes) > 20
    missing = []
    with app.test_request_context("/", method="POST"):
        for cls in classes:
            form = cls(formdata=_Posted("张\x0b三"), meta={"csrf": False})
            for field in _text_fields(form):
                if getattr(field, "choices", "") is None:
                    field.choices = []
                field.validate(form)
                if not any(REFUSED in str(e) for e in field.errors):
                    missing.append(f"{cls.__module__}.{cls.__qualname__}.{field.name}")
    assert not missing


# --- 申报材料 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("field", ["name", "current_title", "educations-0-school", "achievements"])
def test_material_form_refuses_control_characters_and_saves_nothing(org, auth, csrf, field, bad):
    c = auth.client("unita")
    url = f"/admin/materials/fill/?project={org.projects['xihu_junior'].id}"
    r = post(c, url, material_data(**{field: bad}), csrf, multipart=True)
    assert refused(r)
    assert "保存失败" in r.get_data(as_text=True)
    assert count(Material) == 0 and count(Education) == 0


def test_material_multi_line_text_keeps_its_line_breaks_and_tabs(org, auth, csrf):
    c = auth.client("unita")
    url = f"/admin/materials/fill/?project={org.projects['xihu_junior'].id}"
    r = post(c, url, material_data(achievements="一、主持某项目\r\n\t二、参与某标准编写"), csrf, multipart=True)
    assert r.status_code == 302
    m = db.session.scalars(select(Material)).one()
    assert m.achievements == "一、主持某项目\r\n\t二、参与某标准编写"
    # …but a line break in a one-line field is refused.
    r = post(c, url, material_data(name="张\n三"), csrf, multipart=True)
    assert refused(r) and count(Material) == 1


@pytest.mark.parametrize("bad", ["张\u200b三", "\ufeff张三", "张\u202e三", "张\u2028三"])
def test_invisible_format_characters_are_refused_too(org, auth, csrf, bad):
    c = auth.client("unita")
    url = f"/admin/materials/fill/?project={org.projects['xihu_junior'].id}"
    assert refused(post(c, url, material_data(name=bad), csrf, multipart=True))
    assert count(Material) == 0


def test_the_message_says_which_character(org, auth, csrf):
    c = auth.client("unita")
    url = f"/admin/materials/fill/?project={org.projects['xihu_junior'].id}"
    page = post(c, url, material_data(name="张三\x0b"), csrf, multipart=True).get_data(as_text=True)
    assert "不能包含控制字符等不可见字符（第3个字符）" in page


def test_edit_of_a_material_refuses_them_and_keeps_the_stored_one(org, auth, csrf):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"], name="王五")
    c = auth.client("unita")
    url = f"/admin/materials/modify/?id={m.id}"
    r = post(c, url, material_data(name="王\x00五", id_card=m.id_card, birth_date="1990-05-17"), csrf,
             multipart=True)
    assert refused(r)
    db.session.expire_all()
    assert db.session.get(Material, m.id).name == "王五"


def test_submit_operator_name_and_phone(org, auth, csrf):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    c = auth.client("unita")
    url = f"/admin/submit/confirm/?id={m.id}"
    r = post(c, url, {"operator_name": "王\x0b经办", "operator_phone": "13812345678\x00"}, csrf)
    assert refused(r, times=2)
    db.session.expire_all()
    assert db.session.get(Material, m.id).state == S.DRAFT


def test_return_reason_multi_line_but_no_control_characters(org, auth, csrf):
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    c = auth.client("xihureturn")
    url = f"/admin/review/return/?id={m.id}"
    assert refused(post(c, url, {"reason": "评审表未盖章\x01"}, csrf))
    db.session.expire_all()
    assert db.session.get(Material, m.id).state == S.IN_REVIEW
    r = post(c, url, {"reason": "一、评审表未盖章\n二、缺学历证书"}, csrf)
    assert r.status_code == 302
    reason = db.session.scalar(select(ReviewRecord.reason).where(ReviewRecord.action == "return"))
    assert reason == "一、评审表未盖章\n二、缺学历证书"


# --- units, accounts, departments, projects, 字典, 单位名录 -------------------------------------

@pytest.mark.parametrize("bad", BAD)
def test_unit_basic_info(org, auth, csrf, bad):
    c = auth.client("unita")
    data = {"name": f"甲单位{bad}", "legal_rep": "王五", "contact_name": "赵六", "contact_phone": "0571-87654321",
            "email": "hr@example.com", "address": "杭州市西湖区某路1号", "nature": ""}
    assert refused(post(c, "/admin/basic_info/", data, csrf))
    db.session.expire_all()
    assert db.session.get(Unit, org.unit_a.id).name == "甲单位科技有限公司"


def test_sub_account_and_own_info(org, auth, csrf):
    c = auth.client("unita")
    before = count(User)
    r = post(c, "/admin/sub_accounts/add/", {"username": "unita009", "real_name": "孙\x0b八", "phone": "",
                                             "email": "", "id_card": ""}, csrf)
    assert refused(r) and count(User) == before
    sub = auth.client("unita001")
    r = post(sub, "/admin/basic_info/", {"real_name": "钱\x01九", "phone": "", "email": ""}, csrf)
    assert refused(r)
    db.session.expire_all()
    assert db.session.get(User, org["sub_a_full"].id).real_name == "unita001"


def test_staff_and_sub_department(org, auth, csrf):
    c = auth.client("eduadmin")
    before = count(User), count(Department)
    r = post(c, "/admin/staff/add/", {"username": "edunew1", "real_name": "孙\x00八",
                                      "department_id": org.edu_sub.id, "role_review": "y"}, csrf)
    assert refused(r)
    r = post(c, "/admin/sub_departments/add/", {"name": "直属\x0b幼儿园科", "parent_id": org.edu_sub.id,
                                                "accepts_registration": "y"}, csrf)
    assert refused(r)
    assert (count(User), count(Department)) == before


def test_flask_admin_model_forms_dictionary_and_registry(org, auth, csrf):
    c = auth.client("rootadmin")
    before = count(DictItem), count(UnitRegistry)
    r = post(c, "/admin/dicts/new/", {"kind": "series", "code": "GC", "name": "工程\x0b系列", "sort": "1",
                                      "active": "y"}, csrf)
    assert refused(r)
    r = post(c, "/admin/registry/new/", {"uscc": factories.make_uscc(777), "legal_rep": "陈\x00一",
                                         "name": "杭州某某有限公司"}, csrf)
    assert refused(r)
    assert (count(DictItem), count(UnitRegistry)) == before


def test_project_form(org, auth, csrf):
    c = auth.client("xihupublish")
    today = date.today()
    data = {"name": "2026年度\x0b初定", "kind": "cd_junior", "year": str(today.year), "series": "工程",
            "majors": "建筑工程", "scope": "西湖区各单位", "requirements": "一、申报条件\x00",
            "start_date": today.isoformat(), "end_date": (today + timedelta(days=30)).isoformat()}
    before = count(Project)
    assert refused(post(c, "/admin/project_admin/new/", data, csrf), times=2)
    assert count(Project) == before


def test_registry_import_rejects_the_row(org, auth, csrf):
    # A line break is what an Excel cell can hold (Alt+Enter); a name is one line.
    code = factories.make_uscc(778)
    data = factories.xlsx([("机构代码", "法定代表人", "单位名称"), (code, "陈一", "杭州某某\n有限公司")])
    c = auth.client("rootadmin")
    url = "/admin/registry/import/"
    r = c.post(url, data={"file": (data, "名录.xlsx"), "csrf_token": csrf(c, url)},
               content_type="multipart/form-data")
    assert r.status_code == 200 and REFUSED in r.get_data(as_text=True)
    assert db.session.scalar(select(UnitRegistry).where(UnitRegistry.uscc == code)) is None


# --- pages before login ------------------------------------------------------------------------

@pytest.mark.parametrize("bad", BAD)
def test_registration(client, org, csrf, bad):
    before = count(Unit)
    data = {"uscc": factories.make_uscc(501), "legal_rep": "钱新", "name": f"新注册{bad}有限公司",
            "department_id": str(org.xihu.id), "username": "newunit", "password": "Secret123",
            "confirm": "Secret123", "email": "hr@newunit.example.com", "legacy_reason": "",
            "license": (BytesIO(b"%PDF-1.4\n%%EOF\n"), "机构代码证.pdf")}
    assert refused(post(client, "/register", data, csrf, multipart=True))
    assert count(Unit) == before


@pytest.mark.parametrize("bad", BAD)
def test_login_and_forgot_password(app, org, csrf, bad):
    c = app.test_client()
    assert refused(post(c, "/login", {"username": f"unita{bad}", "password": factories.PASSWORD}, csrf))
    c = app.test_client()
    assert refused(post(c, "/forgot", {"username": f"unita{bad}", "email": "unita@example.com"}, csrf))


# --- under the forms -----------------------------------------------------------------------------

def test_text_that_bypasses_the_forms_is_refused_at_the_flush(org):
    from zhicheng.validators import ValidationError
    db.session.add(DictItem(kind="series", code="GC", name="工程\x0b系列"))
    with pytest.raises(ValidationError, match=REFUSED):
        db.session.commit()
    db.session.rollback()
    assert count(DictItem) == 0
    unit = db.session.get(Unit, org.unit_a.id)
    unit.name = "甲\x00单位"
    with pytest.raises(ValidationError, match=REFUSED):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Unit, org.unit_a.id).name == "甲单位科技有限公司"

    # A row stored before the check (here through Core, which the check does not see) can still
    # be updated: only the columns that change are checked.
    db.session.execute(update(Unit).where(Unit.id == org.unit_a.id).values(name="甲单位\x0b旧名"))
    db.session.commit()
    db.session.expire_all()
    unit = db.session.get(Unit, org.unit_a.id)
    unit.address = "杭州市西湖区某路1号"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Unit, org.unit_a.id).address == "杭州市西湖区某路1号"
