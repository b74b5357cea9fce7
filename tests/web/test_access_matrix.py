"""Role × URL access matrix over every admin view.

For every account kind of the test organisation and every registered admin view:
- anonymous requests are sent to the login page;
- a list opens (200) exactly for the roles the matrix below expects, 403 for the others;
- every row the role may NOT see (another unit's, another branch's) is refused on the
  details/edit/delete/action URLs (403/404), and posting those ids changes nothing.
"""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from zhicheng.admin.base import GuardedView, ScopedModelView
from zhicheng.extensions import db
from zhicheng.models import Material
from zhicheng.review.workflow import pass_materials, return_materials, submit_materials

from .. import factories
from ..boards.world import EXPERT_ROLES, populate_boards
from ..certificates.world import populate_certificates
from ..codes import world as codes_world
from ..people.world import populate_people

ROLES = ["root", "xihu_admin", "xihu_review", "xihu_return", "xihu_publish", "edu_admin", "edu_review",
         "edusub_admin", "unit_a", "unit_b", "sub_a_full", "sub_a_none", "sub_a_perm_fill", "sub_a_perm_submit",
         "sub_a_perm_print", "sub_a_perm_export", "sub_a_perm_view", "sub_a_perm_edit_info",
         "sub_a_perm_change_password", "sub_b_full", "person_a", "person_b"] + EXPERT_ROLES


def _populate(org):
    """Materials of both units in every state, so out-of-scope rows exist for every view."""
    p = org.projects["middle"]
    a_draft = factories.material(p, org["sub_a_full"], name="甲草稿", seq=11)
    a_sent = factories.material(p, org["unit_a"], name="甲审核中", seq=12)
    a_back = factories.material(org.projects["xihu_junior"], org["unit_a"], name="甲退回", seq=13)
    b_draft = factories.material(org.projects["edu_rd"], org["unit_b"], name="乙草稿", seq=14)
    b_sent = factories.material(org.projects["edu_rd"], org["sub_b_full"], name="乙审核中", seq=15)
    submit_materials(org["unit_a"], [a_sent.id, a_back.id], "甲经办", "13900001111")
    return_materials(org["xihu_return"], [a_back.id], "请补充学历证明")
    submit_materials(org["unit_b"], [b_sent.id], "乙经办", "13900002222")
    pass_materials(org["edusub_review"], [b_sent.id])
    populate_boards(org)
    for key in ("person_a", "person_b"):
        factories.archive(org[key])
    # 个人申报: person A's application at unit A (submitted), person B's draft for unit B.
    factories.join(org["person_a"], org["unit_a"])
    factories.join(org["person_b"], org["unit_b"])
    factories.person_material(org["person_a"], p, submit=True)
    factories.person_material(org["person_b"], org.projects["edu_rd"])
    populate_certificates(org)
    codes_world.dictionaries()
    codes_world.unit_codes(org)
    populate_people(org)
    return [a_draft, a_sent, a_back, b_draft, b_sent]


def _views(app):
    admin = app.extensions["admin"][0]
    return [v for v in admin._views if isinstance(v, (ScopedModelView, GuardedView))]


def _snapshot(row):
    db.session.refresh(row)
    return {a.key: getattr(row, a.key) for a in inspect(row).mapper.column_attrs}


def test_anonymous_is_sent_to_login_everywhere(app, org, client):
    _populate(org)
    for view in _views(app):
        r = client.get(view.url + "/")
        assert r.status_code == 302 and "/login" in r.headers["Location"], view.endpoint
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_no_row_outside_the_scope_is_reachable(app, org, auth, csrf, role):
    _populate(org)
    user = org[role]
    c = auth.client(user.username)
    token = csrf(c, "/password") if (not user.is_sub or user.perm_change_password) else None
    for view in _views(app):
        allowed = view.allowed(user)
        r = c.get(view.url + "/")
        # Hidden helper views (PDF, attachment download) may have no page of their own.
        expected = ({200} if view.is_visible() else {200, 404}) if allowed else {403}
        assert r.status_code in expected, (view.endpoint, role, r.status_code)
        if not isinstance(view, ScopedModelView):
            continue
        hidden = list(db.session.scalars(select(view.model).where(~view.scope(user)).limit(3)))
        for row in hidden:
            before = _snapshot(row)
            for action in ("details_view", "edit_view"):
                r = c.get(f"{view.url}/{action.split('_')[0]}/?id={row.id}")
                assert r.status_code in (403, 404), (view.endpoint, action, role, row.id, r.status_code)
            if token:
                r = c.post(f"{view.url}/delete/", data={"id": row.id, "csrf_token": token})
                assert r.status_code in (302, 403, 404), (view.endpoint, "delete", role, r.status_code)
                for name, _ in (view._actions if hasattr(view, "_actions") else []):
                    c.post(f"{view.url}/action/", data={"action": name, "rowid": [row.id], "csrf_token": token})
            db.session.expire_all()
            assert db.session.get(view.model, row.id) is not None, (view.endpoint, role, "row deleted")
            assert _snapshot(row) == before, (view.endpoint, role, "row changed")


# The product's role table, written out independently of the views' own allowed() methods:
# which accounts open each page (200); every other logged-in account gets 403.
UNITS = {"unit_a", "unit_b"}
FULL_SUBS = {"sub_a_full", "sub_b_full"}
ALL_STAFF = {"root", "xihu_admin", "xihu_review", "xihu_return", "xihu_publish", "edu_admin", "edu_review",
             "edusub_admin"}
ADMINS = {"root", "xihu_admin", "edu_admin", "edusub_admin"}
PERSONS = {"person_a", "person_b"}
EXPECTED = {
    "/admin/projects/": UNITS | FULL_SUBS | {"sub_a_perm_fill"},            # 填写材料
    "/admin/materials/": UNITS | FULL_SUBS | {"sub_a_perm_fill"},           # 管理材料
    "/admin/returned/": UNITS | FULL_SUBS | {"sub_a_perm_fill"},            # 被退回的材料
    "/admin/submit/": UNITS | FULL_SUBS | {"sub_a_perm_submit"},            # 上报材料
    "/admin/tracking/": UNITS | FULL_SUBS | {"sub_a_perm_view"},            # 上报材料跟踪
    "/admin/print/": UNITS | FULL_SUBS | {"sub_a_perm_print"},              # 进入打印
    "/admin/export/": UNITS | FULL_SUBS | {"sub_a_perm_export"} | ALL_STAFF,  # 导出汇总表
    "/admin/change_department/": UNITS,                                      # 修改归口部门
    "/admin/sub_accounts/": UNITS,                                           # 工作账号管理
    "/admin/basic_info/": UNITS | FULL_SUBS | {"sub_a_perm_edit_info"},     # 基本信息管理
    "/admin/unit_files/": UNITS,                                             # 单位证照与签章
    "/admin/review/": {"root", "xihu_review", "xihu_return", "edu_review"},  # 待审核材料
    "/admin/dept_materials/": ALL_STAFF,                                     # 本部门及下级材料
    "/admin/stats/": ALL_STAFF,                                              # 统计分析
    "/admin/project_admin/": {"root", "xihu_publish"},                       # 项目发布
    "/admin/staff/": ADMINS,                                                 # 本部门工作人员
    "/admin/sub_departments/": ADMINS,                                       # 下级部门
    "/admin/units/": ADMINS,                                                 # 注册单位
    "/admin/dicts/": ALL_STAFF,                                              # 字典管理 (only root edits:
                                                                             # tests/codes/test_dictionaries.py)
    "/admin/unit_dict/": ALL_STAFF,                                          # 单位字典 (each its own units)
    "/admin/codes/": ALL_STAFF,                                              # 导出基本代码 / 接收更新代码
    "/admin/registry/": {"root"},                                            # 单位名录
    "/admin/audit_log/": {"root"},                                           # 审计日志
    "/admin/boards/": ALL_STAFF,                                             # 评委会
    "/admin/subject_groups/": ALL_STAFF,                                     # 学科组
    "/admin/experts/": ADMINS,                                               # 专家库
    "/admin/meetings/": ADMINS,                                              # 评审会议
    "/admin/expert_materials/": set(EXPERT_ROLES),                           # 评审材料 (experts only)
    "/admin/person_basic/": PERSONS,                                         # 个人档案 · 基础信息
    "/admin/person_education/": PERSONS,                                     # 学历学位
    "/admin/person_work/": PERSONS,                                          # 工作经历
    "/admin/person_training/": PERSONS,                                      # 培训经历
    "/admin/person_achievement/": PERSONS,                                   # 工作业绩
    "/admin/person_research/": PERSONS,                                      # 研究成果
    "/admin/person_assessment/": PERSONS,                                    # 年度考核
    "/admin/person_open_lesson/": {"person_b"},                              # 公开课 (a teacher's 系列 only)
    "/admin/person_teaching/": {"person_b"},                                 # 教育教学 (a teacher's 系列 only)
    "/admin/person_unit/": PERSONS,                                          # 所属单位
    "/admin/person_apply/": PERSONS,                                         # 个人申报 (申报进度)
    "/admin/person_account/": PERSONS,                                       # 删除账号
    "/admin/unit_people/": UNITS,                                            # 工作人员
    "/admin/unit_applications/": UNITS,                                      # 个人申报审核
    "/admin/signoff_steps/": UNITS,                                          # 职能部门审核设置
    "/admin/signoffs/": set(),                                               # 职能部门审核 (reviewers only:
                                                                             # test_person_application_urls)
    # 高中级评后管理: the root office (公示管理 for its 审核经办, the rest for its 项目发布; both
    # tried apart in tests/certificates/test_access.py).
    "/admin/publicity/": {"root"},                                           # 公示管理
    "/admin/issue/": {"root"},                                               # 发文与证书编号
    "/admin/certificates/": {"root"},                                        # 证书管理
    "/admin/cert_rules/": {"root"},                                          # 证书编号规则
    "/admin/credit_records/": {"root"},                                      # 诚信档案
    "/admin/cert_import/": {"root"},                                         # 导入历史证书
    # Checks that help reviewers (tests/checks/test_access.py tries their other URLs).
    "/admin/eligibility/": ALL_STAFF,                                        # 可申报资格表 (kept by the root office)
    "/admin/duplicates/": {"root"},                                          # 重复申报
    # 高、中级申报管理 (the departments' 高中级申报信息管理 and its tools) and 打印空白表格.
    "/admin/declare/": ALL_STAFF,                                            # 高中级申报信息管理
    "/admin/declare_entry/": {"root", "xihu_review", "edu_review"},          # 录入高中级申报信息 (审核经办)
    "/admin/declare_import/": {"root", "xihu_review", "edu_review"},         # 导入申报数据 (审核经办)
    "/admin/print_templates/": ALL_STAFF,                                    # 打印模板设计
    "/admin/blank_forms/": ALL_STAFF,                                        # 打印空白表格
    # 人员基本信息与聘任管理, 结构比例管理: units and departments, each over its own units (the rows
    # and the edit, export and quota URLs per role: tests/people/test_access.py).
    "/admin/people/": UNITS | ALL_STAFF,                                     # 人员基本信息
    "/admin/appointments/": UNITS | ALL_STAFF,                               # 聘任管理
    "/admin/post_quotas/": UNITS | ALL_STAFF,                                # 结构比例管理
}


@pytest.mark.parametrize("role", ROLES)
def test_each_page_opens_exactly_for_the_roles_of_the_table(org, auth, role):
    populate_boards(org)
    c = auth.client(org[role].username)
    got = {url: c.get(url).status_code for url in EXPECTED}
    want = {url: (200 if role in roles else 403) for url, roles in EXPECTED.items()}
    assert got == want
    # and the menu shows exactly the pages that open
    home = c.get("/admin/").get_data(as_text=True)
    for url, roles in EXPECTED.items():
        assert (f'href="{url}"' in home) == (role in roles), (role, url)


# 接收评审情况: the closed meeting's material (评审丙, filled by unit A's 工作账号 sub_a_full, 西湖区):
# which role reads its result on which page (200 with 评审未通过 and the counts); a role that opens
# the page but not that row gets 404, one that cannot open the page 403. No page names an expert.
RESULT_PAGES = {
    "/admin/materials/": {"unit_a", "sub_a_full"},
    "/admin/tracking/": {"unit_a", "sub_a_full"},
    "/admin/dept_materials/": {"root", "xihu_admin", "xihu_review", "xihu_return", "xihu_publish"},
}


@pytest.mark.parametrize("role", ROLES)
def test_the_board_result_is_read_beside_the_material_by_exactly_its_roles(org, auth, role):
    world = populate_boards(org)
    material = world["materials"]["c"]
    c = auth.client(org[role].username)
    expert_names = [org[k].display_name for k in EXPERT_ROLES]
    for page, readers in RESULT_PAGES.items():
        r = c.get(f"{page}details/?id={material.id}")
        want = 200 if role in readers else 404 if role in EXPECTED[page] else 403
        assert r.status_code == want, (page, role, r.status_code)
        if want == 200:
            body = r.get_data(as_text=True)
            assert "评审情况" in body and "矩阵测试已结束会议" in body, (page, role)
            assert "评审未通过" in body and "出席1人，同意0，不同意0，弃权0" in body, (page, role)
            assert not any(name in body for name in expert_names), (page, role)


# 单位系统 details: each URL of unit A's licence, seal, 单位信息 and 注册审核, and who opens it.
# Every other role is refused: another unit, its 工作账号, another department, a person, an expert.
XIHU_ADMINS = {"root", "xihu_admin"}


def _unit_urls(org):
    a = org.unit_a.id
    return {
        f"/admin/units/info/?id={a}": XIHU_ADMINS,
        f"/admin/units/license/?id={a}": XIHU_ADMINS,
        f"/admin/units/seal/?id={a}": XIHU_ADMINS,
        f"/admin/units/refuse/?id={a}": XIHU_ADMINS,
        # The unit's own page serves its own files only (there is no id to ask for another's).
        "/admin/unit_files/license/file": UNITS,
        "/admin/unit_files/seal.png": UNITS,
    }


@pytest.mark.parametrize("role", ROLES)
def test_unit_details_urls_open_only_for_the_unit_and_its_departments(org, auth, role):
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    from zhicheng.org.profile import set_seal, upload_license

    from ..org.seal_scans import scan_bytes
    populate_boards(org)
    for u, account in ((org.unit_a, org["unit_a"]), (org.unit_b, org["unit_b"])):
        upload_license(account, u, FileStorage(BytesIO(f"%PDF-1.4\n% {u.name}\n%%EOF\n".encode()), "执照.pdf"))
        set_seal(account, u, FileStorage(BytesIO(scan_bytes(noise=False)), "公章.png"))
    db.session.commit()
    c = auth.client(org[role].username)
    for url, roles in _unit_urls(org).items():
        r = c.get(url)
        if role in roles:
            assert r.status_code == 200, (role, url, r.status_code)
        else:
            assert r.status_code in (403, 404), (role, url, r.status_code)
    if role in UNITS:  # each unit gets its own licence
        own = org.unit_a if role == "unit_a" else org.unit_b
        assert own.name.encode() in c.get("/admin/unit_files/license/file").data
    token = csrf_token_any(c)
    # 上传 the seal: only a unit account, for itself.
    seal_before = db.session.get(type(org.unit_b), org.unit_b.id).seal_file
    r = c.post("/admin/unit_files/seal/", data={"seal": (BytesIO(scan_bytes(noise=False)), "x.png"),
                                               "csrf_token": token}, content_type="multipart/form-data")
    assert (r.status_code in (302, 400)) == (role in UNITS), (role, r.status_code)
    db.session.expire_all()
    assert db.session.get(type(org.unit_b), org.unit_b.id).seal_file == seal_before or role == "unit_b"
    # 注册需审核: only the department's own 管理员 switches it.
    before = org.xihu.registration_review
    r = c.post("/admin/units/registration_review/", data={"registration_review": "y", "csrf_token": token})
    db.session.expire_all()
    assert (org.xihu.registration_review != before) == (role == "xihu_admin"), (role, r.status_code)
    # 审核通过 / 审核不通过 of a waiting unit A: its department and the root office only.
    org.unit_a.approval = "pending"
    db.session.commit()
    a = org.unit_a.id
    c.post("/admin/units/action/", data={"action": "approve", "rowid": [a], "csrf_token": token})
    c.post(f"/admin/units/refuse/?id={a}", data={"reason": "不清晰", "csrf_token": token})
    db.session.expire_all()
    changed = db.session.get(type(org.unit_a), a).approval != "pending"
    assert changed == (role in XIHU_ADMINS), (role, "approval")


def csrf_token_any(c) -> str:
    """A CSRF token of this client's session, read from a page every account may open."""
    from ..conftest import csrf_token
    for url in ("/password", "/login", "/admin/"):
        try:
            return csrf_token(c, url)
        except AssertionError:
            continue
    raise AssertionError("no page with a csrf token")


# --- 个人申报: every URL that names a row, for every role ---------------------------------------

def _person_world(org):
    """Person A's application at unit A, submitted, with a 师德 sign-off by sub_a_none, a file of
    his and a 单位意见附件; and a join request of person B to unit A."""
    from zhicheng import transaction
    from zhicheng.persons import applications, membership
    from werkzeug.datastructures import FileStorage
    import io
    populate_boards(org)
    factories.join(org["person_a"], org["unit_a"])
    m = factories.person_material(org["person_a"], org.projects["middle"])
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    own = applications.add_file(org["person_a"], m, "paper", "论文", "", FileStorage(io.BytesIO(pdf), filename="a.pdf"))
    applications.submit_to_unit(org["person_a"], m)
    step = applications.add_step(org["unit_a"], "师德", "党委办", org["sub_a_none"].id)
    applications.save_unit_opinion(org["unit_a"], m, "同意", FileStorage(io.BytesIO(pdf), filename="b.pdf"))
    request = membership.request_join(org["person_b"], org.unit_a.id)
    transaction.commit()
    return m, own, step, request


PERSON_A, UNIT_A, REVIEWER_A = {"person_a"}, {"unit_a"}, {"sub_a_none"}


@pytest.mark.parametrize("role", ROLES)
def test_person_application_urls(org, auth, csrf, role):
    """Each 个人申报 URL naming a row opens for its owner alone: the person (his own), the unit
    that confirmed him, the unit's sign-off reviewer; the other person, the other unit,
    departments and experts are refused, and their POSTs change nothing."""
    from zhicheng.persons.models import Membership, Signoff
    m, own, step, request = _person_world(org)
    opinion_file = next(a for a in m.attachments if a.kind == "unit_opinion")
    gets = {
        f"/admin/person_apply/edit?id={m.id}": PERSON_A,
        f"/admin/person_apply/file/{own.id}": PERSON_A,
        f"/admin/print-file/material/{m.id}.pdf": PERSON_A | UNIT_A | {"sub_a_full", "sub_a_perm_print"} | {
            "root"},  # the unit's PDF right covers its materials; root sees none unsubmitted: checked below
        f"/admin/unit_applications/view?id={m.id}": UNIT_A,
        f"/admin/unit_applications/file/{opinion_file.id}": UNIT_A,
        f"/admin/signoffs/view?id={m.id}": REVIEWER_A,
        f"/admin/signoffs/file/{own.id}": REVIEWER_A,
    }
    # Not yet 上报: no department sees it, nor a 工作账号 that did not create it.
    gets[f"/admin/print-file/material/{m.id}.pdf"] = PERSON_A | UNIT_A
    user = org[role]
    c = auth.client(user.username)
    for url, allowed in gets.items():
        code = c.get(url).status_code
        if role in allowed:
            assert code == 200, (role, url, code)
        else:
            assert code in (403, 404), (role, url, code)
    if role in ("sub_a_none",) or (user.is_sub and not user.perm_change_password):
        token = None
    else:
        token = csrf(c, "/password")
    if token is None:
        return
    state, version = m.state, m.version
    posts = {
        f"/admin/person_apply/submit?id={m.id}": {},
        f"/admin/person_apply/upload?id={m.id}": {"kind": "paper", "title": "x"},
        f"/admin/person_apply/remove-file?id={m.id}": {"attachment": own.id},
        f"/admin/unit_applications/return?id={m.id}": {"reason": "退回"},
        f"/admin/unit_applications/opinion?id={m.id}": {"opinion": "改了"},
        f"/admin/unit_applications/report?id={m.id}": {"operator_name": "王", "operator_phone": "13812345678"},
        f"/admin/signoffs/view?id={m.id}": {"step": step.id, "result": "agree"},
        "/admin/unit_people/decide": {"id": request.id, "answer": "confirm"},
        "/admin/person_unit/withdraw": {"id": request.id},
        "/admin/signoff_steps/": {"toggle": step.id, "enabled": "0"},
    }
    for url, data in posts.items():
        if role in PERSON_A | UNIT_A | REVIEWER_A or (role == "person_b" and "withdraw" in url):
            continue  # their own actions are tested in tests/persons/test_apply.py
        r = c.post(url, data={**data, "csrf_token": token})
        assert r.status_code in (302, 403, 404), (role, url, r.status_code)
    db.session.expire_all()
    after = db.session.get(Material, m.id)
    if role not in PERSON_A | UNIT_A | REVIEWER_A:
        assert (after.state, after.version, after.unit_opinion) == (state, version, "同意"), role
        assert len(after.attachments) == 2
        assert db.session.get(Membership, request.id).state == "pending"
        assert db.session.scalar(select(Signoff.id)) is None
        from zhicheng.persons.models import SignoffStep
        assert db.session.get(SignoffStep, step.id).enabled


# --- 高中级申报信息管理: every URL naming a row --------------------------------------------------

XIHU_STAFF = {"root", "xihu_admin", "xihu_review", "xihu_return", "xihu_publish"}


@pytest.mark.parametrize("role", ROLES)
def test_declare_urls_open_only_within_the_department_subtree(org, auth, csrf, role):
    """A material of unit A (西湖区) on the 高中级 pages: its 评审简表 and 资格审查表 for the root office
    and 西湖区's staff; another branch gets 404, anyone else 403. 西湖区's 打印模板 for 西湖区's
    staff only (not even the root office); nobody else can change or delete it."""
    from zhicheng.declare.print_templates import save_template
    from zhicheng.models import PrintTemplate
    a_draft, a_sent, *_ = _populate(org)
    template = save_template(org["xihu_admin"], None, "西湖名册", [("name", "姓名")])
    db.session.commit()
    user = org[role]
    c = auth.client(user.username)
    urls = {
        f"/admin/declare/brief/{a_sent.id}.pdf": XIHU_STAFF,
        f"/admin/declare/qualification/{a_sent.id}.pdf": XIHU_STAFF,
        f"/admin/declare/?template={template.id}": XIHU_STAFF - {"root"},
        f"/admin/print_templates/edit/?id={template.id}": XIHU_STAFF - {"root"},
        f"/admin/declare/brief/{a_draft.id}.pdf": set(),  # a draft: no department's
    }
    for url, readers in urls.items():
        code = c.get(url).status_code
        if role in readers:
            assert code == 200, (role, url, code)
        elif user.is_staff:
            # the list answers 200 with the template refused; the rest 404
            assert code in ((200,) if url.startswith("/admin/declare/?") else (404,)), (role, url, code)
            if code == 200:
                assert "所选打印模板不存在或不属于本部门" in c.get(url).get_data(as_text=True)
        else:
            assert code in (302, 403), (role, url, code)
    # 修改 of a material 西湖区 entered: its 审核经办 only; the other 审核经办 404, everyone else 403
    from zhicheng.declare.entry import enter
    from zhicheng.materials.services import MaterialInput
    entered = enter(org["xihu_review"], org.unit_a.id, org.projects["middle"].id,
                    MaterialInput(basic={"name": "矩阵录入", "series": "工程", "id_card": factories.make_id_card(seq=977)}))
    db.session.commit()
    edit_url = f"/admin/declare_entry/edit/?id={entered.id}"
    code = c.get(edit_url).status_code
    expected = 200 if role == "xihu_review" else 404 if role in {"root", "edu_review"} else None
    assert code == expected if expected else code in (302, 403), (role, code)
    if user.is_sub and not user.perm_change_password or role in XIHU_STAFF - {"root", "xihu_review"}:
        return
    # a whole, valid form: what 西湖区's 审核经办 saves, nobody else does
    from ..declare.test_entry import _form
    c.post(edit_url, data={**_form(name="改名"), "csrf_token": csrf_token_any(c)})
    db.session.expire_all()
    assert db.session.get(Material, entered.id).name == ("改名" if role == "xihu_review" else "矩阵录入"), role
    if role == "xihu_review":
        return
    token = csrf_token_any(c)
    c.post(f"/admin/print_templates/edit/?id={template.id}", data={"csrf_token": token, "name": "改名",
                                                                   "use_id_card": "y"})
    c.post("/admin/print_templates/delete/", data={"csrf_token": token, "id": template.id})
    db.session.expire_all()
    kept = db.session.get(PrintTemplate, template.id)
    assert kept is not None and kept.name == "西湖名册" and kept.columns == [("name", "姓名")], role
