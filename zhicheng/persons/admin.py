"""个人档案: the person's own record, kept across years. 基础信息 is a page of its own (with his
系列, the 照片 and the 身份证照片); every other section is a list of rows with 添加 / 修改 / 删除, each
seen by its owner only (zhicheng.scope) and by no other kind of account (P.PERSON). 公开课 and
教育教学 are a teacher's (P.TEACHER: his 系列 is a teachers' one)."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.model.template import BaseListRowAction, DeleteRowAction
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from flask_login import current_user
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from zhicheng import scope, storage, transaction
from zhicheng.admin.base import GuardedView, ScopedModelView
from zhicheng.admin.common import NoDetailsPage
from zhicheng.codes import dictionaries
from zhicheng.extensions import db
from zhicheng.persons import models as pm
from zhicheng.persons.forms import BasicInfoForm
from zhicheng.persons.models import (
    ASSESSMENT_LABELS,
    LESSON_LEVEL_LABELS,
    RESEARCH_KIND_LABELS,
    TEACHER_SERIES,
    TEACHING_KIND_LABELS,
    Person,
)
from zhicheng.policy import P
from zhicheng.system import audit

CAT_ARCHIVE = "个人档案"
PHOTO_MAX_BYTES = 2 * storage.MB


def own_person() -> Person:
    person = db.session.scalar(select(Person).where(scope.persons(current_user)))
    if person is None:
        abort(404)
    return person


#: The images of 基础信息: (form field, Person's stored-name column, its original-name column, what it is).
IMAGES = (("photo", "photo_file", "photo_name", "照片"),
          ("id_front", "id_front_file", "id_front_name", "身份证照片"),
          ("id_back", "id_back_file", "id_back_name", "身份证照片"))
ID_SIDES = {"front": ("id_front_file", "id_front_name"), "back": ("id_back_file", "id_back_name")}


def save_image(upload) -> storage.StoredFile:
    """A JPG or PNG of at most 2M (checked by content), stored; storage.UploadError otherwise."""
    return storage.save_upload(upload, allowed=("jpg", "png"), max_bytes=PHOTO_MAX_BYTES)


def send_image(stored_name: str | None, original_name: str | None, fallback: str):
    """An image of the 档案 shown inline to whoever the caller let see it; 404 when there is none."""
    if not stored_name:
        abort(404)
    mimetype, name, ascii_name = storage.served_as(original_name or f"{fallback}.jpg", stored_name, "",
                                                   fallback=fallback)
    try:
        response = storage.download(stored_name, mimetype=mimetype, download_name=ascii_name, disposition="inline")
    except FileNotFoundError:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


class BasicInfoView(GuardedView):
    """基础信息, 所属系列, 照片 (证件照) and 身份证照片 (人像面, 国徽面)."""

    permission = P.PERSON

    def _page(self, form, person):
        from zhicheng.materials.forms import dict_names
        series = list(dict.fromkeys([*TEACHER_SERIES, *dict_names("series")]))
        return self.render("persons/basic_info.html", form=form, person=person, series_options=series)

    @expose("/", methods=("GET", "POST"))
    def index(self):
        person = own_person()
        form = BasicInfoForm(obj=person)
        if form.validate_on_submit():
            stored: dict[str, storage.StoredFile] = {}
            for field, _, _, label in IMAGES:
                upload = form[field].data
                if upload is None or not upload.filename:
                    continue
                try:
                    stored[field] = save_image(upload)
                except storage.UploadError as e:
                    form[field].errors.append(f"{e}（{label}须为JPG或PNG图片，不超过2M）")
            if any(form[field].errors for field, *_ in IMAGES):
                for kept in stored.values():  # bad input stores nothing, the good images included
                    storage.delete(kept.stored_name)
                return self._page(form, person)
            changed = []
            for field, file_column, name_column, label in IMAGES:
                if field not in stored:
                    continue
                new = stored[field]
                transaction.after_rollback(lambda name=new.stored_name: storage.delete(name))
                old = getattr(person, file_column)
                if old:
                    transaction.after_commit(lambda name=old: storage.delete(name))
                setattr(person, file_column, new.stored_name)
                setattr(person, name_column, new.original_name)
                changed.append(form[field].label.text)
            for name in ("series", "ethnicity", "political_status", "email", "address"):
                setattr(person, name, (getattr(form, name).data or "").strip())
            db.session.flush()
            audit.record("person.update", person, "修改个人基础信息" + (f"，上传{'、'.join(changed)}" if changed else ""))
            flash("基础信息已保存", "success")
            return redirect(self.get_url(".index"))
        return self._page(form, person)

    @expose("/photo")
    def photo(self):
        person = own_person()
        return send_image(person.photo_file, person.photo_name, f"photo-{person.id}")

    @expose("/id-photo/<side>")
    def id_photo(self, side: str):
        """身份证照片 of the person himself (his unit and the departments see the copy in each of his
        applications: zhicheng.persons.applications.start)."""
        if side not in ID_SIDES:
            abort(404)
        person = own_person()
        file_column, name_column = ID_SIDES[side]
        return send_image(getattr(person, file_column), getattr(person, name_column), f"id-{side}-{person.id}")


def _required(label: str, max_len: int | None = None) -> dict:
    validators = [InputRequired(f"请填写{label}")]
    if max_len:
        validators.append(Length(max=max_len, message=f"{label}不能超过{max_len}字"))
    return {"label": label, "validators": validators}


def _optional(label: str, max_len: int | None = None) -> dict:
    validators = [Optional()]
    if max_len:
        validators.append(Length(max=max_len, message=f"{label}不能超过{max_len}字"))
    return {"label": label, "validators": validators}


class _DeleteRow(BaseListRowAction):
    """删除 of one 档案 row: the same POST form as Flask-Admin's, written as one string per row.
    Flask-Admin renders its delete form's fields through WTForms for every row, which took three
    quarters of the time of a page of 100 rows (bench/bench_persons.py)."""

    def __init__(self):
        super().__init__(title="删除")

    def render(self, context, row_id, row):
        fixed = g.get("zc_archive_delete_row")
        if fixed is None:
            fixed = g.zc_archive_delete_row = (
                escape(url_for(".delete_view")), escape(generate_csrf()), escape(context.resolve("return_url")))
        url, token, back = fixed
        return Markup(
            f'<form class="icon" method="POST" action="{url}"><input type="hidden" name="id" value="{escape(row_id)}">'
            f'<input type="hidden" name="url" value="{back}"><input type="hidden" name="csrf_token" value="{token}">'
            '<button onclick="return faHelpers.safeConfirm(\'确定删除这条记录？\');" title="删除">'
            '<span class="fa fa-trash glyphicon glyphicon-trash"></span></button></form>')


def _date(view, context, model, name):
    value = getattr(model, name)
    return value.strftime("%Y-%m-%d") if value else ""


class ArchiveView(NoDetailsPage, ScopedModelView):
    """One section of the 档案: the person's own rows; a new row is his."""

    permission = P.PERSON
    list_template = "persons/archive_list.html"
    #: What the section is for, above its list (the manuals' notes).
    page_intro = ""
    can_set_page_size = False
    page_size = 100
    column_display_actions = True
    column_formatters = {"start_date": _date, "end_date": _date, "published_on": _date, "taught_on": _date}
    column_default_sort = ("id", False)

    def get_list_row_actions(self):
        return [_DeleteRow() if isinstance(a, DeleteRowAction) else a for a in super().get_list_row_actions()]

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.user_id = current_user.id

    def validate_form(self, form):
        if not super().validate_form(form):
            return False
        if isinstance(form, (self._create_form_class, self._edit_form_class)):  # not the delete form
            return self.check_row(form)
        return True

    def check_row(self, form) -> bool:
        """The checks across fields, each error next to its field."""
        start, end = getattr(form, "start_date", None), getattr(form, "end_date", None)
        if start is not None and end is not None and start.data and end.data and end.data < start.data:
            end.errors = [*end.errors, "结束时间不能早于开始时间"]
            return False
        for f in (start, end, getattr(form, "published_on", None), getattr(form, "taught_on", None)):
            if f is not None and f.data and f.data > date.today():
                f.errors = [*f.errors, "时间不能晚于今天"]
                return False
        return True


class EducationView(ArchiveView):
    """学历学位."""

    row_scope = scope.person_educations
    column_list = form_columns = ("start_date", "end_date", "school", "major", "education", "degree")
    form_args = {"start_date": _required("入学时间"), "end_date": _optional("毕业时间"),
                 "school": _required("毕业院校", 100), "major": _optional("所学专业", 100),
                 "education": _required("学历", 20), "degree": _optional("学位", 20)}
    column_labels = {k: v["label"] for k, v in form_args.items()}
    #: 学历 as the 字典 names them (字典管理 · 学历, the names the material form, the 资格条件 and
    #: 统计分析 use); this list only while the 字典 has no 学历 in use.
    form_choices = {"education": [(x, x) for x in ("博士研究生", "硕士研究生", "大学本科", "大学专科", "中专", "高中", "其他")]}

    def create_form(self, obj=None):
        return self._dictionary_choices(super().create_form(obj), None)

    def edit_form(self, obj=None):
        return self._dictionary_choices(super().edit_form(obj), getattr(obj, "education", None))

    @staticmethod
    def _dictionary_choices(form, current):
        """学历 offered (and accepted) from the 字典's entries in use, and a row's stored value kept."""
        options = dictionaries.field_options("education", current)
        if options:
            form.education.choices = [(name, name) for name, _ in options]
        return form


class WorkView(ArchiveView):
    """工作经历."""

    row_scope = scope.person_works
    column_list = form_columns = ("start_date", "end_date", "employer", "position")
    form_args = {"start_date": _required("开始时间"), "end_date": _optional("结束时间"),
                 "employer": _required("工作单位", 200), "position": _optional("职务（岗位）", 100)}
    column_labels = {k: v["label"] for k, v in form_args.items()}


class TrainingView(ArchiveView):
    """培训经历."""

    row_scope = scope.person_trainings
    column_list = form_columns = ("start_date", "end_date", "subject", "organiser", "hours")
    form_args = {"start_date": _required("开始时间"), "end_date": _optional("结束时间"),
                 "subject": _required("培训内容", 200), "organiser": _optional("培训机构", 200),
                 "hours": {"label": "学时", "validators": [Optional(), NumberRange(1, 10000, "学时应为1至10000的整数")]}}
    column_labels = {k: v["label"] for k, v in form_args.items()}


class AchievementView(ArchiveView):
    """工作业绩: item by item, each with what came of it."""

    row_scope = scope.person_achievements
    page_intro = "逐项填写任现职以来的主要工作业绩（项目、任务），申报时带入申报表的“专业技术工作业绩”。"
    column_list = form_columns = ("start_date", "end_date", "title", "role", "content", "outcome")
    form_args = {"start_date": _required("开始时间"), "end_date": _optional("结束时间"),
                 "title": _required("业绩名称（项目、任务）", 200), "role": _optional("本人角色", 100),
                 "content": _required("主要内容", 1000), "outcome": _optional("取得成效（获奖、评价）", 500)}
    form_overrides = {"content": TextAreaField, "outcome": TextAreaField}
    column_labels = {k: v["label"] for k, v in form_args.items()}


class ResearchView(ArchiveView):
    """研究成果: 论文 (期刊, 刊号, 发表时间, 知网链接), 专著, 专利, 课题."""

    row_scope = scope.person_research
    column_list = form_columns = ("kind", "title", "source", "number", "published_on", "role", "url")
    form_args = {"kind": {"label": "类别", "validators": [InputRequired("请选择类别")]},
                 "title": _required("名称（题目）", 300), "source": _optional("期刊 / 出版社 / 专利权人 / 下达单位", 200),
                 "number": _optional("刊号 / ISBN / 专利号 / 课题编号", 100),
                 "published_on": _optional("发表 / 出版 / 授权 / 立项时间"), "role": _optional("本人排名或角色", 50),
                 "url": {"label": "知网链接", "validators": [
                     Optional(), Length(max=500, message="知网链接不能超过500字"),
                     Regexp(r"https?://\S+", message="知网链接应以 http:// 或 https:// 开头")]}}
    column_labels = {k: v["label"] for k, v in form_args.items()}
    form_choices = {"kind": list(RESEARCH_KIND_LABELS.items())}
    column_formatters = {**ArchiveView.column_formatters,
                         "kind": lambda v, c, m, n: RESEARCH_KIND_LABELS.get(m.kind, m.kind)}

    def check_row(self, form) -> bool:
        if not super().check_row(form):
            return False
        if form.kind.data == "paper" and not (form.source.data or "").strip():
            form.source.errors = [*form.source.errors, "论文须填写发表的期刊"]
            return False
        return True


class AssessmentView(ArchiveView):
    """年度考核."""

    row_scope = scope.person_assessments
    column_list = form_columns = ("year", "result")
    form_args = {"year": {"label": "年度", "validators": [InputRequired("请填写年度"),
                                                        NumberRange(1950, 2100, "年度应为四位数的年份")]},
                 "result": {"label": "考核结果", "validators": [InputRequired("请选择考核结果")]}}
    column_labels = {"year": "年度", "result": "考核结果"}
    form_choices = {"result": list(ASSESSMENT_LABELS.items())}
    column_formatters = {"result": lambda v, c, m, n: ASSESSMENT_LABELS.get(m.result, m.result)}
    column_default_sort = ("year", True)

    def check_row(self, form) -> bool:
        if not super().check_row(form):
            return False
        if form.year.data and form.year.data > date.today().year:
            form.year.errors = [*form.year.errors, "年度不能晚于今年"]
            return False
        editing = request.args.get("id", type=int) if request.endpoint.endswith("edit_view") else None
        taken = db.session.scalar(select(pm.PersonAssessment.id).where(
            pm.PersonAssessment.user_id == current_user.id, pm.PersonAssessment.year == form.year.data,
            pm.PersonAssessment.id != (editing or 0)))
        if taken is not None:
            form.year.errors = [*form.year.errors, f"{form.year.data}年度的考核结果已经填写，请修改原记录"]
            return False
        return True


class OpenLessonView(ArchiveView):
    """公开课 (teachers only)."""

    permission = P.TEACHER
    row_scope = scope.person_open_lessons
    page_intro = ("填写任现职以来的公开课信息，对应的证明材料在申报时上传。精品课、评优课、与基本功竞赛有关的课、"
                  "与教学设计比赛有关的课等内容不放在公开课栏目内。")
    column_list = form_columns = ("taught_on", "subject", "title", "audience", "level", "organiser")
    form_args = {"taught_on": _required("授课时间"), "subject": _required("学科", 50), "title": _required("课题", 200),
                 "audience": _optional("授课对象（年级、班级）", 100),
                 "level": {"label": "级别", "validators": [InputRequired("请选择级别")]},
                 "organiser": _optional("主办单位", 200)}
    column_labels = {k: v["label"] for k, v in form_args.items()}
    form_choices = {"level": list(LESSON_LEVEL_LABELS.items())}
    column_formatters = {**ArchiveView.column_formatters,
                         "level": lambda v, c, m, n: LESSON_LEVEL_LABELS.get(m.level, m.level)}


class TeachingView(ArchiveView):
    """教育教学 (teachers only): 课堂教学, 班主任工作, 指导青年教师, …"""

    permission = P.TEACHER
    row_scope = scope.person_teachings
    page_intro = "填写任现职以来的课堂教学、班主任工作、指导青年教师、指导学生、教研活动等情况；学生满意度不必填百分号，如98。"
    column_list = form_columns = ("start_date", "end_date", "kind", "content", "weekly_hours", "evaluation")
    form_args = {"start_date": _required("开始时间"), "end_date": _optional("结束时间"),
                 "kind": {"label": "类别", "validators": [InputRequired("请选择类别")]},
                 "content": _required("工作内容（任教学科、年级、课程）", 500),
                 "weekly_hours": {"label": "周课时", "validators": [
                     Optional(), NumberRange(1, 60, "周课时应为1至60的整数")]},
                 "evaluation": _optional("考核评价（学生满意度）", 200)}
    form_overrides = {"content": TextAreaField}
    column_labels = {k: v["label"] for k, v in form_args.items()}
    form_choices = {"kind": list(TEACHING_KIND_LABELS.items())}
    column_formatters = {**ArchiveView.column_formatters,
                         "kind": lambda v, c, m, n: TEACHING_KIND_LABELS.get(m.kind, m.kind)}


def register(admin) -> None:
    admin.add_view(BasicInfoView(name="基础信息", category=CAT_ARCHIVE, endpoint="person_basic",
                                 url="/admin/person_basic"))
    for view, model, name, endpoint in (
            (EducationView, pm.PersonEducation, "学历学位", "person_education"),
            (WorkView, pm.PersonWork, "工作经历", "person_work"),
            (TrainingView, pm.PersonTraining, "培训经历", "person_training"),
            (AchievementView, pm.PersonAchievement, "工作业绩", "person_achievement"),
            (ResearchView, pm.PersonResearch, "研究成果", "person_research"),
            (AssessmentView, pm.PersonAssessment, "年度考核", "person_assessment"),
            (OpenLessonView, pm.PersonOpenLesson, "公开课", "person_open_lesson"),
            (TeachingView, pm.PersonTeaching, "教育教学", "person_teaching")):
        admin.add_view(view(model, name=name, category=CAT_ARCHIVE, endpoint=endpoint, url=f"/admin/{endpoint}"))



