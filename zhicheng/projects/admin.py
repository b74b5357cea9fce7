"""申报项目: 项目发布 for departments, the unit-facing project list (填写材料) and 相关要求."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, g, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import IntEqualFilter
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, IntegerField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from zhicheng import scope
from zhicheng.admin.base import GuardedView, ScopedModelView
from zhicheng.extensions import db
from zhicheng.forms import AdminForm, Form
from zhicheng.materials.admin_common import RequestFilterOptions, per_request
from zhicheng.materials.forms import ChineseDateField, _strip
from zhicheng.materials.services import project_kinds_for, visible_project
from zhicheng.models import Department, Material, Project
from zhicheng.policy import P, can
from zhicheng.projects.models import PROJECT_KINDS
from zhicheng.system.home import link_for

UNIT_CATEGORY = "专业技术资格初定认定"


# --- 项目发布 (departments) ---------------------------------------------------------------

class _YearField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("年份应为四位数字") from None


def _optional_int(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class ProjectForm(AdminForm):
    name = StringField("项目名称", [DataRequired("请填写项目名称"), Length(max=200, message="项目名称不超过200个字")],
                       filters=[_strip])
    kind = SelectField("类别", choices=list(PROJECT_KINDS.items()), validate_choice=False)
    year = _YearField("年份", [InputRequired("请填写年份"),
                              NumberRange(min=2000, max=2100, message="年份应在2000至2100之间")])
    series = StringField("系列", [Length(max=100, message="系列不超过100个字")], filters=[_strip])
    majors = TextAreaField("受理专业", [Length(max=2000, message="受理专业不超过2000字")], filters=[_strip])
    scope = TextAreaField("受理范围", [Length(max=2000, message="受理范围不超过2000字")], filters=[_strip])
    requirements = TextAreaField("相关要求", [Length(max=20000, message="相关要求不超过20000字")], filters=[_strip],
                                 render_kw={"rows": 10})
    start_date = ChineseDateField("申报开始日期", [InputRequired("请填写申报开始日期")])
    end_date = ChineseDateField("申报截止日期", [InputRequired("请填写申报截止日期")])
    requires_exam = BooleanField("需要考试（评审类项目：考试合格方可转评委会）")
    # 评审 projects only: the 评委会, the 真实性承诺 applicants agree to, the 通知's attachments.
    board_id = SelectField("评委会（评审类项目）", coerce=_optional_int, validate_choice=False)
    commitment = TextAreaField("真实性承诺（评审类项目，留空则用默认文本）",
                               [Length(max=5000, message="真实性承诺不超过5000字")], filters=[_strip],
                               render_kw={"rows": 4})
    attachments = MultipleFileField("评审通知附件（PDF、JPG或PNG，每个不超过4M，可多选）")

    def populate_obj(self, obj):
        # The uploads become ProjectAttachment rows (ProjectAdminView.on_model_change), not a column.
        for name, field in self._fields.items():
            if name != "attachments":
                field.populate_obj(obj, name)

    def validate_board_id(self, field):
        from zhicheng.projects.services import ProjectError, check_review_board
        try:
            check_review_board(current_user.department, self.kind.data, field.data)
        except ProjectError as e:
            raise ValidationError(str(e)) from None

    def validate_kind(self, field):
        allowed = project_kinds_for(current_user.department)
        if not allowed:
            raise ValidationError("只有市人社局（中级）和一级归口部门（初级）可以发布申报项目")
        if field.data not in allowed:
            raise ValidationError(f"本部门只能发布以下类别的项目：{'、'.join(allowed.values())}")

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError("申报截止日期不能早于申报开始日期")


class ProjectAdminView(ScopedModelView):
    """项目发布: staff with 项目发布 manage the projects of their own department."""

    form = ProjectForm
    can_view_details = True
    column_list = ("name", "kind", "year", "series", "start_date", "end_date", "material_count")
    column_labels = {"name": "项目名称", "kind": "类别", "year": "年份", "series": "系列",
                     "start_date": "申报开始日期", "end_date": "申报截止日期", "majors": "受理专业",
                     "scope": "受理范围", "requirements": "相关要求", "issuer": "发布单位",
                     "material_count": "已上报材料"}
    column_details_list = ("name", "kind", "year", "series", "majors", "scope", "requirements",
                           "start_date", "end_date", "issuer")
    column_searchable_list = ("name",)
    column_default_sort = ("id", True)
    column_formatters = {
        "kind": lambda v, c, m, n: m.kind_label,
        "material_count": lambda v, c, m, n: v.submitted_counts().get(m.id, 0),
    }
    column_formatters_detail = {"kind": lambda v, c, m, n: m.kind_label}

    permission = P.PUBLISH
    row_scope = scope.managed_projects

    def get_query(self):
        return super().get_query().options(joinedload(Project.issuer))

    def submitted_counts(self) -> dict[int, int]:
        """Computed once per request for the whole list."""
        if "zc_project_counts" in g:
            return g.zc_project_counts
        rows = db.session.execute(
            select(Material.project_id, func.count()).join(Project, Project.id == Material.project_id)
            .where(scope.managed_projects(current_user), Material.state.not_in(scope.UNSUBMITTED))
            .group_by(Material.project_id)).all()
        g.zc_project_counts = dict(rows)
        return g.zc_project_counts

    def _kind_choices(self, form):
        from zhicheng.projects.services import review_boards_of
        kinds = project_kinds_for(current_user.department) or PROJECT_KINDS
        form.kind.choices = list(kinds.items())
        form.board_id.choices = [("", "（初定、认定项目不选）")] + [
            (b.id, b.name) for b in review_boards_of(current_user.department)]
        return form

    def create_form(self, obj=None):
        return self._kind_choices(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._kind_choices(super().edit_form(obj))

    def on_model_change(self, form, model, is_created):
        from zhicheng.projects.services import add_attachments
        if is_created:
            model.issuer_id = current_user.department_id
            model.created_by_id = current_user.id
        add_attachments(model, form.attachments.data)

    def delete_model(self, model):
        used = db.session.scalar(select(Material.id).where(Material.project_id == model.id).limit(1))
        if used:
            flash(f"项目“{model.name}”已有申报材料，不能删除", "error")
            return False
        return super().delete_model(model)


# --- 填写材料: the unit-facing project list ----------------------------------------------

def _hint(text: str) -> Markup:
    if not text:
        return Markup('<span class="text-muted">—</span>')
    return Markup('<a href="javascript:void(0)" class="zc-hint" data-toggle="tooltip" title="{}">?</a>').format(text)


def _referenced(model, reference, order):
    """(id, name) options of the `model` rows that projects in the user's scope refer to."""
    rows = db.session.execute(
        select(model.id, model.name).where(model.id.in_(select(reference).where(scope.projects(current_user))))
        .order_by(order)).all()
    return [(str(i), n) for i, n in rows]


@per_request
def _issuer_options():
    return _referenced(Department, Project.issuer_id, Department.path)


@per_request
def _year_options():
    years = db.session.scalars(
        select(Project.year).where(scope.projects(current_user)).distinct().order_by(Project.year.desc()))
    return [(str(y), str(y)) for y in years]


@per_request
def _board_options():
    from zhicheng.boards.models import ReviewBoard
    return _referenced(ReviewBoard, Project.board_id, ReviewBoard.name)


def project_buttons(project: Project, user, today: date | None = None) -> Markup:
    """The manual's buttons of one project row, only those the user may follow."""
    links = []
    if can(user, P.FILL) and project.is_open(today):
        links.append(("填写材料", url_for("materials.fill_view", project=project.id), "btn-primary"))
    if can(user, P.FILL):
        links.append(("管理材料", url_for("materials.index_view", project=project.id), "btn-outline-primary"))
    if can(user, P.SUBMIT):
        links.append(("上报材料", url_for("submit.index_view", project=project.id), "btn-outline-primary"))
    for key, label in (("export", "导出材料"), ("print", "进入打印")):
        url = link_for(key, project=project.id)
        if url:
            links.append((label, url, "btn-outline-primary"))
    if can(user, P.FILL):
        links.append(("进入修改", url_for("returned.index_view", project=project.id), "btn-outline-warning"))
    if can(user, P.VIEW):
        links.append(("进入查看", url_for("tracking.index_view", project=project.id), "btn-outline-info"))
    return Markup(" ").join(
        Markup('<a class="btn btn-sm {} mb-1" href="{}">{}</a>').format(cls, url, label)
        for label, url, cls in links)


class ProjectListView(RequestFilterOptions, ScopedModelView):
    """填写材料: the projects a unit may apply to, with the manual's buttons on each row."""

    can_create = can_edit = can_delete = False
    can_view_details = False
    list_template = "admin/materials/project_list.html"
    column_list = ("name", "kind", "year", "issuer", "majors", "scope", "requirements", "start_date",
                   "buttons")
    column_labels = {"name": "项目名称", "kind": "类别", "year": "年份", "issuer": "发布单位",
                     "majors": "受理专业", "scope": "受理范围", "requirements": "相关要求",
                     "start_date": "申报时间", "buttons": "操作"}
    column_sortable_list = ("name", "year", "start_date")
    column_searchable_list = ("name",)
    column_default_sort = [("year", True), ("id", True)]
    column_filters = (
        IntEqualFilter(Project.issuer_id, "发布单位", options=_issuer_options),
        IntEqualFilter(Project.year, "年份", options=_year_options),
        # 评审: applicants find a project by its 评委会 first (评委会 → 学科组 → 项目 → 申报).
        IntEqualFilter(Project.board_id, "评委会", options=_board_options),
    )
    column_formatters = {
        "kind": lambda v, c, m, n: m.kind_label,
        "issuer": lambda v, c, m, n: m.issuer.name,
        "majors": lambda v, c, m, n: _hint(m.majors),
        "scope": lambda v, c, m, n: _hint(m.scope),
        "requirements": lambda v, c, m, n: Markup('<a href="{}">相关要求</a>').format(
            url_for("project_info.requirements", id=m.id)),
        "start_date": lambda v, c, m, n: Markup("{} 至 {}{}").format(
            m.start_date, m.end_date,
            Markup("") if m.is_open() else Markup('<br><span class="badge badge-secondary">不在申报时间内</span>')),
        "buttons": lambda v, c, m, n: project_buttons(m, current_user),
    }

    permission = P.FILL
    row_scope = scope.projects

    def get_query(self):
        return super().get_query().options(joinedload(Project.issuer))


class ProjectInfoView(GuardedView):
    """相关要求: a project's announcement, for anyone who may see the project."""

    permission = P.SIGNED_IN

    def is_visible(self) -> bool:
        return False

    @expose("/")
    def index(self):
        projects = list(db.session.scalars(
            select(Project).where(scope.projects(current_user)).options(joinedload(Project.issuer))
            .order_by(Project.year.desc(), Project.id.desc())))
        return self.render("admin/materials/announcements.html", projects=projects)

    @expose("/requirements")
    def requirements(self):
        project = visible_project(current_user, request.args.get("id"))
        if project is None:
            abort(404)
        return self.render("admin/materials/requirements.html", project=project,
                           buttons=project_buttons(project, current_user) if can(current_user, P.APPLY) else "")


def escape_text(text: str) -> Markup:
    """Plain text with its line breaks kept."""
    return Markup("<br>").join(escape(line) for line in (text or "").splitlines())


class ExamImportView(GuardedView):
    """考试成绩导入: the scores of a 评审 project that requires an exam, from an .xlsx by 身份证号."""

    permission = P.PUBLISH

    @expose("/", methods=("GET", "POST"))
    def index(self):
        from zhicheng.exporting.reading import read_xlsx_table
        from zhicheng.projects.exams import EXAM_HEADER, exam_projects, import_scores
        from zhicheng.validators import ValidationError as RowError
        projects = exam_projects(current_user)
        form = ExamImportForm()
        form.project.choices = [(p.id, p.name) for p in projects]
        error = None
        if form.validate_on_submit():
            project = next((p for p in projects if p.id == form.project.data), None)
            if project is None:
                error = "请选择本部门发布、需要考试的项目"
            else:
                try:
                    rows = read_xlsx_table(request.files.get("file"), EXAM_HEADER)
                except RowError as e:
                    error = str(e)
                else:
                    report = import_scores(current_user, project, rows)
                    return self.render("admin/projects/exam_report.html", report=report, project=project,
                                       back=self.get_url(".index"))
        return self.render("admin/projects/exam_import.html", form=form, error=error, has_projects=bool(projects))


class ExamImportForm(Form):
    project = SelectField("项目", coerce=_optional_int, validate_choice=False)
