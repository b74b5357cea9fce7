"""个人档案: 添加 / 修改 / 删除 in each section with Chinese checks; a person sees only his own rows
(404 for another's), every other account kind gets 403."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from zhicheng.extensions import db
from zhicheng.models import Person
from zhicheng.persons import models as pm

from .. import factories

SECTIONS = {
    "person_education": (pm.PersonEducation, {"start_date": "2003-09-01", "end_date": "2007-07-01", "school": "浙江大学",
                                           "major": "软件工程", "education": "大学本科", "degree": "工学学士"}),
    "person_work": (pm.PersonWork, {"start_date": "2007-08-01", "end_date": "", "employer": "杭州某某公司",
                                 "position": "工程师"}),
    "person_training": (pm.PersonTraining, {"start_date": "2020-05-01", "end_date": "2020-05-03",
                                         "subject": "公需科目", "organiser": "人才服务局", "hours": "24"}),
    "person_research": (pm.PersonResearch, {"kind": "paper", "title": "分布式存储", "source": "计算机工程",
                                         "number": "CN 31-1289/TP", "published_on": "2021-03-01", "role": "第一作者",
                                         "url": "https://kns.cnki.net/kcms/detail"}),
    "person_achievement": (pm.PersonAchievement, {"start_date": "2019-03-01", "end_date": "2021-06-30",
                                               "title": "智慧园区平台", "role": "项目负责人",
                                               "content": "主持架构设计", "outcome": "获区科技进步奖"}),
    "person_assessment": (pm.PersonAssessment, {"year": "2022", "result": "competent"}),
}
# A teacher's sections (person B's 系列 is 中小学教师).
TEACHER_SECTIONS = {
    "person_open_lesson": (pm.PersonOpenLesson, {"taught_on": "2022-04-12", "subject": "数学", "title": "一次函数的图像",
                                              "audience": "初二（3）班", "level": "county", "organiser": "西湖区教研室"}),
    "person_teaching": (pm.PersonTeaching, {"start_date": "2021-09-01", "end_date": "2022-07-15", "kind": "classes",
                                         "content": "初二数学两个班", "weekly_hours": "12", "evaluation": "98"}),
}
ALL_SECTIONS = {**SECTIONS, **TEACHER_SECTIONS}


def _count(model, owner):
    return db.session.scalar(select(func.count()).select_from(model).where(model.user_id == owner.id))


@pytest.mark.parametrize("endpoint", ALL_SECTIONS)
def test_add_edit_delete_in_each_section(org, auth, csrf, endpoint):
    model, data = ALL_SECTIONS[endpoint]
    owner = org["person_b" if endpoint in TEACHER_SECTIONS else "person_a"]
    c = auth.client(owner.username)
    url = f"/admin/{endpoint}"
    form = c.get(f"{url}/new/").get_data(as_text=True)
    assert '<strong class="text-danger">&#42;</strong>' in form  # required fields are starred
    r = c.post(f"{url}/new/", data={**data, "csrf_token": csrf(c, f"{url}/new/")})
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    row = db.session.scalar(select(model).where(model.user_id == owner.id))
    assert row is not None
    listing = c.get(f"{url}/").get_data(as_text=True)
    shown = next(v for k, v in data.items() if k in ("school", "employer", "subject", "title", "year", "content"))
    assert shown in listing
    key, value = ("result", "excellent") if "year" in data else (
        next(k for k in ("school", "employer", "subject", "title", "content") if k in data), "修改后的内容")
    edit = f"{url}/edit/?id={row.id}"
    r = c.post(edit, data={**data, key: value, "csrf_token": csrf(c, edit)})
    assert r.status_code == 302
    db.session.refresh(row)
    assert row.user_id == owner.id and getattr(row, key) == value
    r = c.post(f"{url}/delete/", data={"id": row.id, "csrf_token": csrf(c, f"{url}/")})
    assert r.status_code == 302 and _count(model, owner) == 0


@pytest.mark.parametrize("endpoint,fields,message", [
    ("person_education", {"school": ""}, "请填写毕业院校"),
    ("person_education", {"start_date": ""}, "请填写入学时间"),
    ("person_education", {"end_date": "2001-01-01"}, "结束时间不能早于开始时间"),
    ("person_work", {"start_date": "2999-01-01"}, "时间不能晚于今天"),
    ("person_training", {"hours": "0"}, "学时应为1至10000的整数"),
    ("person_research", {"source": ""}, "论文须填写发表的期刊"),
    ("person_research", {"url": "javascript:alert(1)"}, "知网链接应以 http:// 或 https:// 开头"),
    ("person_assessment", {"year": str(date.today().year + 1)}, "年度不能晚于今年"),
    ("person_assessment", {"year": "99"}, "年度应为四位数的年份"),
    ("person_assessment", {"result": ""}, "请选择考核结果"),
    ("person_achievement", {"title": ""}, "请填写业绩名称（项目、任务）"),
    ("person_achievement", {"content": ""}, "请填写主要内容"),
    ("person_achievement", {"content": "长" * 1001}, "主要内容不能超过1000字"),
    ("person_achievement", {"end_date": "2018-01-01"}, "结束时间不能早于开始时间"),
    ("person_open_lesson", {"taught_on": "2999-01-01"}, "时间不能晚于今天"),
    ("person_open_lesson", {"level": ""}, "请选择级别"),
    ("person_open_lesson", {"title": ""}, "请填写课题"),
    ("person_teaching", {"kind": ""}, "请选择类别"),
    ("person_teaching", {"weekly_hours": "80"}, "周课时应为1至60的整数"),
    ("person_teaching", {"content": ""}, "请填写工作内容（任教学科、年级、课程）"),
])
def test_bad_rows_are_refused_in_chinese(org, auth, csrf, endpoint, fields, message):
    model, data = ALL_SECTIONS[endpoint]
    owner = org["person_b" if endpoint in TEACHER_SECTIONS else "person_a"]
    c = auth.client(owner.username)
    url = f"/admin/{endpoint}/new/"
    r = c.post(url, data={**data, **fields, "csrf_token": csrf(c, url)})
    assert r.status_code == 200 and message in r.get_data(as_text=True)
    assert _count(model, owner) == 0


def test_one_assessment_per_year(org, auth, csrf):
    factories.archive(org["person_a"])  # has 2023
    c = auth.client(org["person_a"].username)
    url = "/admin/person_assessment/new/"
    r = c.post(url, data={"year": "2023", "result": "competent", "csrf_token": csrf(c, url)})
    assert "2023年度的考核结果已经填写" in r.get_data(as_text=True)
    row = db.session.scalar(select(pm.PersonAssessment).where(pm.PersonAssessment.user_id == org["person_a"].id))
    edit = f"/admin/person_assessment/edit/?id={row.id}"
    assert c.post(edit, data={"year": "2023", "result": "basic", "csrf_token": csrf(c, edit)}).status_code == 302


def test_a_person_never_reaches_another_persons_rows(org, auth, csrf):
    factories.archive(org["person_a"])
    factories.archive(org["person_b"])
    c = auth.client(org["person_b"].username)
    token = csrf(c, "/admin/person_education/")
    for endpoint, (model, data) in ALL_SECTIONS.items():
        theirs = db.session.scalar(select(model).where(model.user_id == org["person_a"].id))
        listing = c.get(f"/admin/{endpoint}/").get_data(as_text=True)
        assert f'value="{theirs.id}"' not in listing
        assert c.get(f"/admin/{endpoint}/edit/?id={theirs.id}").status_code == 404
        assert c.post(f"/admin/{endpoint}/edit/?id={theirs.id}", data={**data, "csrf_token": token}).status_code == 404
        assert c.post(f"/admin/{endpoint}/delete/", data={"id": theirs.id, "csrf_token": token}).status_code == 404
        c.post(f"/admin/{endpoint}/action/", data={"action": "delete", "rowid": [theirs.id], "csrf_token": token})
        assert db.session.get(model, theirs.id) is not None


@pytest.mark.parametrize("role", ["root", "xihu_admin", "xihu_review", "unit_a", "sub_a_full", "sub_a_none"])
def test_other_accounts_cannot_open_the_person_pages(org, auth, role):
    factories.archive(org["person_a"])
    c = auth.client(org[role].username)
    row = db.session.scalar(select(pm.PersonEducation))
    for endpoint in ("person_basic", *ALL_SECTIONS):
        assert c.get(f"/admin/{endpoint}/").status_code == 403, endpoint
    assert c.get(f"/admin/person_education/edit/?id={row.id}").status_code == 403
    assert c.get("/admin/person_basic/photo").status_code == 403
    assert c.get("/admin/person_basic/id-photo/front").status_code == 403


def test_an_expert_cannot_open_the_person_pages(org, auth):
    from zhicheng.accounts.models import KIND_EXPERT
    from zhicheng.models import User
    db.session.add(User(kind=KIND_EXPERT, username="zhuanjia", password_hash=factories.pw_hash(), real_name="专家"))
    db.session.commit()
    c = auth.client("zhuanjia")
    for endpoint in ("person_basic", *ALL_SECTIONS):
        assert c.get(f"/admin/{endpoint}/").status_code == 403, endpoint


def _png() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (30, 40), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


def test_basic_info_and_photo(app, org, auth, csrf):
    c = auth.client(org["person_a"].username)
    url = "/admin/person_basic/"
    page = c.get(url).get_data(as_text=True)
    assert "钱个人" in page and "居民身份证" in page and "尚未上传照片" in page
    r = c.post(url, data={"ethnicity": "汉族", "political_status": "群众", "email": "bad", "address": "",
                          "csrf_token": csrf(c, url)})
    assert "电子邮箱格式不正确" in r.get_data(as_text=True)
    r = c.post(url, data={"ethnicity": "汉族", "email": "qian@example.com", "csrf_token": csrf(c, url),
                          "photo": (io.BytesIO(b"%PDF-1.4 not an image"), "scan.pdf")},
               content_type="multipart/form-data")
    assert r.status_code == 200 and "照片须为JPG或PNG图片" in r.get_data(as_text=True)
    person = db.session.scalar(select(Person).where(Person.user_id == org["person_a"].id))
    assert person.photo_file is None and person.ethnicity == ""
    r = c.post(url, data={"ethnicity": "汉族", "email": "qian@example.com", "csrf_token": csrf(c, url),
                          "photo": (io.BytesIO(_png()), "照片.png")}, content_type="multipart/form-data")
    assert r.status_code == 302
    db.session.refresh(person)
    assert person.ethnicity == "汉族" and person.photo_file
    photo = c.get("/admin/person_basic/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/png" and photo.data == _png()
    # The other person has no photo and never gets this one.
    other = auth.client(org["person_b"].username)
    assert other.get("/admin/person_basic/photo").status_code == 404


def test_the_teachers_sections_follow_the_series_chosen_in_basic_info(org, auth, csrf):
    c = auth.client(org["person_a"].username)
    for endpoint in TEACHER_SECTIONS:
        assert c.get(f"/admin/{endpoint}/").status_code == 403
    home = c.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/person_achievement/"' in home and 'href="/admin/person_open_lesson/"' not in home
    url = "/admin/person_basic/"
    page = c.get(url).get_data(as_text=True)
    assert '<option value="高等学校教师">' in page  # offered with the dictionary's 系列
    r = c.post(url, data={"series": "高等学校教师", "csrf_token": csrf(c, url)})
    assert r.status_code == 302
    assert db.session.scalar(select(Person.series).where(Person.user_id == org["person_a"].id)) == "高等学校教师"
    home = c.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/person_open_lesson/"' in home and 'href="/admin/person_teaching/"' in home
    page = c.get("/admin/person_open_lesson/").get_data(as_text=True)
    assert "精品课、评优课、与基本功竞赛有关的课" in page  # the manual's note on 公开课
    c.post(url, data={"series": "工程", "csrf_token": csrf(c, url)})
    assert c.get("/admin/person_teaching/").status_code == 403


def test_the_list_shows_the_labels_of_the_choices(org, auth):
    factories.archive(org["person_b"])
    c = auth.client(org["person_b"].username)
    assert "县（区）级" in c.get("/admin/person_open_lesson/").get_data(as_text=True)
    assert "班主任工作" in c.get("/admin/person_teaching/").get_data(as_text=True)


def test_education_is_chosen_from_the_dictionary_and_a_stored_value_is_kept(org, auth, csrf):
    """学历 of the 档案 as 字典管理 names it (the material form, the 资格条件 and 统计分析 read the same
    names): another name is refused; a row saved before under another name keeps it when edited."""
    from zhicheng.models import DictItem
    db.session.add_all([DictItem(kind="education", code=str(i), name=name, sort=i)
                        for i, name in enumerate(("大专", "本科", "硕士研究生"))])
    db.session.commit()
    owner = org["person_a"]
    c = auth.client(owner.username)
    url = "/admin/person_education"
    form = c.get(f"{url}/new/").get_data(as_text=True)
    assert '<option value="本科">' in form and "大学本科" not in form
    data = dict(SECTIONS["person_education"][1])
    r = c.post(f"{url}/new/", data={**data, "csrf_token": csrf(c, f"{url}/new/")})
    assert r.status_code == 200 and _count(pm.PersonEducation, owner) == 0  # 大学本科 is not in the 字典
    assert "不是有效的选择" in r.get_data(as_text=True)
    r = c.post(f"{url}/new/", data={**data, "education": "本科", "csrf_token": csrf(c, f"{url}/new/")})
    assert r.status_code == 302
    row = db.session.scalar(select(pm.PersonEducation).where(pm.PersonEducation.user_id == owner.id))
    assert row.education == "本科"
    row.education = "大学本科"  # saved before the 字典 had its 学历
    db.session.commit()
    edit = c.get(f"{url}/edit/?id={row.id}").get_data(as_text=True)
    assert '<option selected value="大学本科">' in edit or 'value="大学本科" selected' in edit
    r = c.post(f"{url}/edit/?id={row.id}", data={**data, "school": "浙江工业大学",
                                                 "csrf_token": csrf(c, f"{url}/edit/?id={row.id}")})
    assert r.status_code == 302
    db.session.expire_all()
    assert (db.session.get(pm.PersonEducation, row.id).school, db.session.get(pm.PersonEducation, row.id).education) \
        == ("浙江工业大学", "大学本科")
