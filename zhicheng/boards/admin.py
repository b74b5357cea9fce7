"""评审 pages of the staff: 评委会 and 学科组 (a dictionary of the root office, read by all staff)
and the 专家库 (kept by the 组建单位's 管理员). Meetings: zhicheng.boards.meeting_admin; the
expert's own pages: zhicheng.boards.expert_admin.

Lists are ScopedModelViews; creating and editing go through zhicheng.boards.boards, whose
refusals come back as the Chinese message over the form, nothing saved.
"""
from __future__ import annotations

from flask import flash, redirect, request
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import BooleanEqualFilter, FilterLike
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from zhicheng import scope
from zhicheng.admin.base import ScopedModelView
from zhicheng.admin.common import EditPermission, _department_choices, _no_store, _scoped_department
from zhicheng.boards import boards as services
from zhicheng.boards.common import BoardError
from zhicheng.boards.forms import (
    BoardEditForm,
    BoardForm,
    ExpertForm,
    GroupEditForm,
    GroupForm,
    split_majors,
)
from zhicheng.codes.dictionaries import board_code_choices
from zhicheng.errors import refused
from zhicheng.extensions import db
from zhicheng.models import Expert, ReviewBoard, SubjectGroup
from zhicheng.policy import P

CAT_BOARDS = "评审管理"
OTP_NOTICE = "请将初始密码告知专家本人，专家首次登录后须修改密码"
FORM = "admin/accounts/form.html"


class _DictionaryPages(EditPermission):
    """Read by every staff member; 新增 and 修改 only for the root office's 字典维护."""

    permission = P.STAFF
    edit_permission = P.ROOT_DICT
    can_delete = False
    can_view_details = False

    def _saved(self, form, save, message: str):
        """Run `save()`; a refusal goes over the form (None: render the form again)."""
        try:
            save()
        except BoardError as e:
            refused(e)
            form.form_errors.append(str(e))
            return None
        flash(message, "success")
        return redirect(self.get_url(".index_view"))


class BoardView(_DictionaryPages, ScopedModelView):
    """评委会."""

    row_scope = scope.board_directory
    column_list = ("code", "name", "department", "level", "series", "scope", "majors", "groups", "min_members",
                   "enabled")
    column_labels = {"code": "评委会代码", "name": "评委会名称", "department": "组建单位", "level": "级别", "series": "系列",
                     "scope": "评审范围", "majors": "评审专业", "groups": "学科组", "min_members": "组成人数下限",
                     "enabled": "启用"}
    column_searchable_list = ("name", "series", "majors")
    column_filters = (BooleanEqualFilter(ReviewBoard.enabled, "启用"),)
    column_default_sort = ("id", False)
    column_formatters = {
        "department": lambda v, c, m, n: m.department.name,
        "level": lambda v, c, m, n: m.level_label,
        "groups": lambda v, c, m, n: "；".join(f"{g.name}（{'、'.join(g.majors)}）" for g in m.groups),
        "enabled": lambda v, c, m, n: "是" if m.enabled else "否",
    }

    def get_query(self):
        return super().get_query().options(
            joinedload(ReviewBoard.department),
            selectinload(ReviewBoard.groups).selectinload(SubjectGroup.major_rows))

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        self._editor_only()
        form = BoardForm()
        form.department_id.choices = _department_choices(current_user)
        form.code.choices = board_code_choices()
        if form.validate_on_submit():
            department = _scoped_department(current_user, form.department_id.data)
            if department is None:
                form.department_id.errors.append("请选择组建单位")
            else:
                done = self._saved(form, lambda: services.create_board(
                    current_user, form.name.data, department, form.level.data, series=form.series.data,
                    scope=form.scope.data, majors=form.majors.data, min_members=form.min_members.data,
                    code=form.code.data),
                    f"已新增评委会“{form.name.data}”")
                if done is not None:
                    return done
        return self.render(FORM, form=form, title="新增评委会", back=self.get_url(".index_view"))

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        self._editor_only()
        board = self.get_one(request.args.get("id"))
        form = BoardEditForm(obj=board)
        form.code.choices = board_code_choices(board.code)
        if form.validate_on_submit():
            done = self._saved(form, lambda: services.update_board(
                current_user, board, series=form.series.data, scope=form.scope.data, majors=form.majors.data,
                enabled=form.enabled.data, min_members=form.min_members.data, code=form.code.data or ""),
                f"已修改评委会“{board.name}”")
            if done is not None:
                return done
        return self.render(FORM, form=form, title=f"修改评委会：{board.name}",
                           readonly={"评委会名称": board.name, "组建单位": board.department.name,
                                     "级别": board.level_label},
                           back=self.get_url(".index_view"))


class SubjectGroupView(_DictionaryPages, ScopedModelView):
    """学科组 (评议组) and the 专业 each covers."""

    row_scope = scope.group_directory
    column_list = ("board", "name", "majors")
    column_labels = {"board": "评委会", "name": "学科组名称", "majors": "涵盖专业"}
    column_searchable_list = ("name",)
    column_default_sort = ("id", False)
    column_formatters = {"board": lambda v, c, m, n: m.board.name,
                         "majors": lambda v, c, m, n: "、".join(m.majors)}

    def get_query(self):
        return super().get_query().options(joinedload(SubjectGroup.board), selectinload(SubjectGroup.major_rows))

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        self._editor_only()
        form = GroupForm()
        form.board_id.choices = [(b.id, b.name) for b in db.session.scalars(
            select(ReviewBoard).order_by(ReviewBoard.id))]
        if form.validate_on_submit():
            board = db.session.get(ReviewBoard, form.board_id.data or 0)
            if board is None:
                form.board_id.errors.append("请选择评委会")
            else:
                done = self._saved(form, lambda: services.add_subject_group(
                    current_user, board, form.name.data, split_majors(form.majors.data)),
                    f"已新增学科组“{form.name.data}”")
                if done is not None:
                    return done
        return self.render(FORM, form=form, title="新增学科组", back=self.get_url(".index_view"))

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        self._editor_only()
        group = self.get_one(request.args.get("id"))
        form = GroupEditForm(obj=group)
        if request.method == "GET":
            form.majors.data = "、".join(group.majors)
        if form.validate_on_submit():
            done = self._saved(form, lambda: services.update_subject_group(
                current_user, group, form.name.data, split_majors(form.majors.data)), f"已修改学科组“{group.name}”")
            if done is not None:
                return done
        return self.render(FORM, form=form, title=f"修改学科组：{group.name}", readonly={"评委会": group.board.name},
                           back=self.get_url(".index_view"))


class ExpertView(ScopedModelView):
    """专家库: the experts of the 管理员's subtree; 添加专家 shows the initial password once."""

    permission = P.BOARD_MANAGE
    row_scope = scope.experts
    can_delete = False
    can_edit = False
    can_view_details = False
    column_list = ("name", "username", "major", "title", "unit_name", "phone", "department", "active")
    column_labels = {"name": "专家姓名", "username": "用户名", "major": "专业", "title": "职称",
                     "unit_name": "工作单位", "phone": "联系电话", "department": "所属专家库", "active": "状态",
                     "user.real_name": "专家姓名"}
    column_searchable_list = ("major", "user.real_name")
    column_filters = (FilterLike(Expert.major, "专业"), BooleanEqualFilter(Expert.active, "在用"))
    column_default_sort = ("id", False)
    column_formatters = {
        "name": lambda v, c, m, n: m.user.display_name,
        "username": lambda v, c, m, n: m.user.username,
        "department": lambda v, c, m, n: m.department.name,
        "active": lambda v, c, m, n: "在用" if m.active else "停用",
    }

    def get_query(self):
        return super().get_query().options(joinedload(Expert.user), joinedload(Expert.department))

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        form = ExpertForm()
        form.department_id.choices = _department_choices(current_user)
        if form.validate_on_submit():
            department = _scoped_department(current_user, form.department_id.data)
            if department is None:
                form.department_id.errors.append("请选择所属专家库")
            else:
                try:
                    expert, otp = services.add_expert(
                        current_user, department, form.username.data, form.real_name.data, form.major.data,
                        title=form.title.data or "", phone=form.phone.data or "",
                        unit_name=form.unit_name.data or "")
                except BoardError as e:
                    db.session.rollback()
                    form.username.errors.append(str(e))
                else:
                    return _no_store(self.render("admin/accounts/otp_result.html", title="添加专家",
                                                 rows=[(expert.user.username, expert.name, otp)], notice=OTP_NOTICE,
                                                 name_label="专家姓名", back=self.get_url(".index_view")))
        return self.render(FORM, form=form, title="添加专家", back=self.get_url(".index_view"))

    def _set_active(self, ids, active: bool) -> None:
        rows = self.scoped_rows(ids, strict=True)
        for expert in rows:
            services.set_expert_active(current_user, expert, active)
        flash(f"已{'启用' if active else '停用'}{len(rows)}名专家", "success")

    @action("deactivate", "停用", "确定停用所选专家？停用后不再参加抽取，已参加的会议不受影响。")
    def action_deactivate(self, ids):
        self._set_active(ids, False)

    @action("activate", "启用", "确定启用所选专家？")
    def action_activate(self, ids):
        self._set_active(ids, True)


def register(admin) -> None:
    from zhicheng.boards import expert_admin, meeting_admin
    admin.add_view(BoardView(ReviewBoard, name="评委会", category=CAT_BOARDS, endpoint="boards",
                             url="/admin/boards"))
    admin.add_view(SubjectGroupView(SubjectGroup, name="学科组", category=CAT_BOARDS, endpoint="subject_groups",
                                    url="/admin/subject_groups"))
    admin.add_view(ExpertView(Expert, name="专家库", category=CAT_BOARDS, endpoint="experts", url="/admin/experts"))
    meeting_admin.register(admin, CAT_BOARDS)
    expert_admin.register(admin)
