"""申报项目: 项目发布 by departments (who may issue which kind) and what units then see."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from zhicheng.extensions import db
from zhicheng.models import Project

from .. import factories

NEW = "/admin/project_admin/new/"


def project_data(**over) -> dict:
    today = date.today()
    data = {"name": "2026年度西湖区助理工程师初定", "kind": "cd_junior", "year": str(today.year),
            "series": "工程", "majors": "建筑工程、市政工程", "scope": "西湖区各单位",
            "requirements": "一、申报条件……\n二、材料要求……",
            "start_date": (today - timedelta(days=1)).isoformat(),
            "end_date": (today + timedelta(days=30)).isoformat()}
    data.update(over)
    return data


def create(client, csrf, **over):
    return client.post(NEW, data=dict(project_data(**over), csrf_token=csrf(client, NEW)))


def projects_named(name) -> list[Project]:
    db.session.expire_all()
    return list(db.session.scalars(select(Project).where(Project.name == name)))


def test_first_level_department_publishes_a_junior_project_units_below_see_it(org, auth, csrf):
    c = auth.client("xihupublish")
    page = c.get(NEW).get_data(as_text=True)
    for field, label in (("name", "项目名称"), ("kind", "类别"), ("year", "年份"), ("series", "系列"),
                         ("majors", "受理专业"), ("scope", "受理范围"), ("requirements", "相关要求"),
                         ("start_date", "申报开始日期"), ("end_date", "申报截止日期")):
        assert re.search(rf'<label[^>]*for="{field}"[^>]*>\s*{label}', page), label
    assert 'value="cd_middle"' not in page, "a first-level department is offered 初级 kinds only"
    r = create(c, csrf)
    assert r.status_code == 302
    (p,) = projects_named("2026年度西湖区助理工程师初定")
    assert (p.issuer_id, p.kind, p.created_by_id) == (org.xihu.id, "cd_junior", org["xihu_publish"].id)
    page = auth.client("unita").get("/admin/projects/").get_data(as_text=True)
    assert "2026年度西湖区助理工程师初定" in page and 'title="建筑工程、市政工程"' in page
    assert "2026年度西湖区助理工程师初定" not in auth.client("unitb").get("/admin/projects/").get_data(as_text=True)
    r = auth.client("unita").get(f"/admin/project_info/requirements?id={p.id}")
    assert "二、材料要求" in r.get_data(as_text=True)


def test_root_office_issues_middle_kinds_only(org, auth, csrf):
    c = auth.client("rootadmin")
    r = create(c, csrf, name="中级项目甲", kind="cd_junior")
    assert r.status_code == 200 and "本部门只能发布以下类别的项目：初定中级" in r.get_data(as_text=True)
    assert projects_named("中级项目甲") == []
    assert create(c, csrf, name="中级项目甲", kind="cd_middle").status_code == 302
    assert projects_named("中级项目甲")[0].issuer_id == org.root.id


def test_first_level_department_cannot_issue_middle(org, auth, csrf):
    r = create(auth.client("xihupublish"), csrf, name="越级中级", kind="cd_middle")
    assert "本部门只能发布以下类别的项目：初定初级、认定初级" in r.get_data(as_text=True)
    assert projects_named("越级中级") == []


def test_sub_department_may_not_publish(org, auth, csrf):
    r = create(auth.client("edusubpublish"), csrf, name="下级部门项目", kind="cd_junior")
    assert "只有市人社局（中级）和一级归口部门（初级）可以发布申报项目" in r.get_data(as_text=True)
    assert projects_named("下级部门项目") == []


def test_dates_and_year_are_checked(org, auth, csrf):
    c = auth.client("xihupublish")
    today = date.today()
    r = create(c, csrf, name="日期颠倒", start_date=today.isoformat(),
               end_date=(today - timedelta(days=1)).isoformat())
    assert "申报截止日期不能早于申报开始日期" in r.get_data(as_text=True)
    r = create(c, csrf, name="日期颠倒", start_date="2026-02-30")
    assert "日期格式不正确" in r.get_data(as_text=True)
    r = create(c, csrf, name="日期颠倒", year="二〇二六")
    assert "年份应为四位数字" in r.get_data(as_text=True)
    assert projects_named("日期颠倒") == []


def test_publishers_manage_only_their_own_departments_projects(org, auth, csrf):
    c = auth.client("xihupublish")
    page = c.get("/admin/project_admin/").get_data(as_text=True)
    assert "西湖区初级初定项目" in page and "教育局初级认定项目" not in page and "中级初定项目<" not in page
    edu_project = org.projects["edu_rd"]
    assert c.get(f"/admin/project_admin/edit/?id={edu_project.id}").status_code == 404
    r = c.post(f"/admin/project_admin/edit/?id={edu_project.id}",
               data=dict(project_data(name="篡改"), csrf_token=csrf(c, NEW)))
    assert r.status_code == 404
    assert db.session.get(Project, edu_project.id).name == "教育局初级认定项目"
    mine = org.projects["xihu_junior"]
    r = c.post(f"/admin/project_admin/edit/?id={mine.id}",
               data=dict(project_data(name="西湖区初级初定项目（修订）"), csrf_token=csrf(c, NEW)))
    assert r.status_code == 302 and projects_named("西湖区初级初定项目（修订）")[0].id == mine.id


def test_project_with_materials_cannot_be_deleted(org, auth, csrf):
    p = org.projects["xihu_junior"]
    factories.material(p, org["unit_a"])
    c = auth.client("xihupublish")
    r = c.post("/admin/project_admin/delete/", data={"id": p.id, "csrf_token": csrf(c, "/admin/project_admin/")},
               follow_redirects=True)
    assert "已有申报材料，不能删除" in r.get_data(as_text=True)
    assert db.session.get(Project, p.id) is not None


def test_project_admin_needs_the_publish_role(org, auth, csrf):
    for username in ("xihureview", "xihuadmin", "unita"):
        c = auth.client(username)
        assert c.get("/admin/project_admin/").status_code == 403, username
        assert c.get(NEW).status_code == 403, username
    before = db.session.scalar(select(func.count(Project.id)))
    c = auth.client("xihureview")
    r = c.post(NEW, data=dict(project_data(name="无权发布"), csrf_token=csrf(c, "/admin/")))
    assert r.status_code == 403 and db.session.scalar(select(func.count(Project.id))) == before
