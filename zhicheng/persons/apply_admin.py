"""个人端 pages beyond the 档案: 所属单位, 个人申报 (with 申报进度 on each material), 删除账号; and what
they share with the unit's side (unit_admin.py). Every row comes through a zhicheng.scope function;
refusals are DomainErrors shown as messages."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from zhicheng import scope
from zhicheng.admin.base import GuardedView
from zhicheng.domain import DomainError
from zhicheng.errors import refused
from zhicheng.extensions import db
from zhicheng.materials.admin_common import review_records_of, send_attachment
from zhicheng.materials.models import ID_PHOTO_KIND, PERSON_ATTACHMENT_KINDS
from zhicheng.materials.services import ACHIEVEMENTS_MAX
from zhicheng.models import STATE_LABELS, Attachment, Material, Project, ReviewBoard, SubjectGroup
from zhicheng.persons import account, applications, membership
from zhicheng.persons.applications import ApplicationError, CommitmentNeeded
from zhicheng.policy import P

CAT_APPLY = "个人申报"


def _date(value):
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApplicationError("日期格式应为 年-月-日，如 2012-07-01") from None


class ApplyPages(GuardedView):
    """The pages here share the 申报进度 labels and a link to each file through the view's own
    scoped download."""

    def render(self, template, **kwargs):
        kwargs.setdefault("state_labels", STATE_LABELS)
        kwargs.setdefault("file_url", lambda attachment_id: url_for(".file", attachment_id=attachment_id))
        return super().render(template, **kwargs)


# --- the person's pages -----------------------------------------------------------------------

class PersonUnitView(ApplyPages):
    """所属单位: ask to join a unit (by name or 统一社会信用代码), see the answer and the history."""

    permission = P.PERSON

    @expose("/")
    def index(self):
        q = (request.args.get("q") or "").strip()
        found = membership.find_units(q) if q else []
        return self.render("persons/unit.html", q=q, found=found, current=membership.current(current_user),
                           history=membership.history(current_user))

    @expose("/join", methods=("POST",))
    def join(self):
        try:
            row = membership.request_join(current_user, request.form.get("unit_id"))
        except DomainError as e:
            refused(e)
        else:
            flash(f"已向“{row.unit.name}”提交加入申请，请等待单位确认", "success")
        return redirect(url_for(".index"))

    @expose("/withdraw", methods=("POST",))
    def withdraw(self):
        try:
            membership.withdraw(current_user, request.form.get("id"))
        except DomainError as e:
            refused(e)
        else:
            flash("已撤回加入申请", "success")
        return redirect(url_for(".index"))


class PersonApplyView(ApplyPages):
    """个人申报: my applications; 新建申报 (评委会 → 学科组 → 项目 for 评审 projects); each material's
    page: 基本信息, the copy of the 档案, 附件 by category, 打印申报表, 提交, 申报进度."""

    permission = P.PERSON

    @expose("/")
    def index(self):
        mine = list(db.session.scalars(select(Material).where(scope.materials(current_user))
                                       .options(selectinload(Material.project), selectinload(Material.unit))
                                       .order_by(Material.id.desc())))
        return self.render("persons/apply_list.html", materials=mine,
                           unit=membership.confirmed_unit(current_user))

    @expose("/new")
    def new(self):
        """Choose the project: 评委会 → 学科组 → 专业 for 评审 projects; the others directly."""
        unit = membership.confirmed_unit(current_user)
        projects = applications.open_projects(current_user) if unit else []
        plain = [p for p in projects if not p.is_review]
        boards = {p.board_id for p in projects if p.is_review}
        board_rows = list(db.session.scalars(select(ReviewBoard).where(ReviewBoard.id.in_(boards))
                                             .order_by(ReviewBoard.name))) if boards else []
        board = next((b for b in board_rows if str(b.id) == request.args.get("board")), None)
        groups = list(db.session.scalars(select(SubjectGroup).where(SubjectGroup.board_id == board.id)
                                         .order_by(SubjectGroup.name))) if board else []
        group = next((g for g in groups if str(g.id) == request.args.get("group")), None)
        board_projects = [p for p in projects if board and p.board_id == board.id]
        return self.render("persons/apply_new.html", unit=unit, plain=plain, boards=board_rows, board=board,
                           groups=groups, group=group, board_projects=board_projects)

    @expose("/commitment", methods=("GET", "POST"))
    def commitment(self):
        from zhicheng.projects.services import agree, commitment_text
        project = applications.visible_project(current_user, request.values.get("project"))
        if project is None:
            abort(404)
        major = request.values.get("major", "")
        if request.method == "POST":
            if request.form.get("answer") == "agree":
                agree(current_user, project)
                return self._start(project, major)
            flash("未同意真实性承诺，不能申报该项目", "warning")
            return redirect(url_for(".new"))
        return self.render("persons/apply_commitment.html", project=project, major=major,
                           text=commitment_text(project))

    @expose("/start", methods=("POST",))
    def start(self):
        project = applications.visible_project(current_user, request.form.get("project"))
        if project is None:
            abort(404)
        return self._start(project, request.form.get("major", ""))

    def _start(self, project: Project, major: str):
        try:
            material = applications.start(current_user, project.id)
            if major:
                material.major = major[:100]
        except CommitmentNeeded:
            return redirect(url_for(".commitment", project=project.id, major=major))
        except DomainError as e:
            refused(e)
            return redirect(url_for(".new"))
        flash(f"已根据个人档案生成申报材料{material.number}，请核对、上传附件后提交单位", "success")
        return redirect(url_for(".edit", id=material.id))

    def _mine(self) -> Material:
        try:
            return applications.own_material(current_user, request.values.get("id"))
        except ApplicationError:
            abort(404)

    @expose("/edit", methods=("GET", "POST"))
    def edit(self):
        material = self._mine()
        if request.method == "POST":
            try:
                values = {name: (request.form.get(name) or "").strip() for name in applications.EDITABLE_FIELDS
                          if name in request.form}
                for name in ("work_start_date", "current_qualification_date"):
                    if name in values:
                        values[name] = _date(values[name])
                if "exception_reason" in values:  # the 破格 checkbox is posted only when ticked
                    values["exceptional"] = bool(request.form.get("exceptional"))
                applications.update_basic(current_user, material, values)
            except DomainError as e:
                refused(e)
            else:
                flash("已保存", "success")
            return redirect(url_for(".edit", id=material.id))
        from zhicheng.checks.eligibility import verdict_of
        return self.render("persons/apply_edit.html", m=material, kinds=PERSON_ATTACHMENT_KINDS,
                           records=review_records_of(material), editable=_person_editable(material),
                           file_max=applications.FILE_MAX_MB, id_photo_kind=ID_PHOTO_KIND,
                           achievements_max=ACHIEVEMENTS_MAX, eligibility=verdict_of(material),
                           dict_options=applications.dict_options(material))

    @expose("/upload", methods=("POST",))
    def upload(self):
        material = self._mine()
        try:
            att = applications.add_file(current_user, material, request.form.get("kind", ""),
                                        request.form.get("title", ""), request.form.get("description", ""),
                                        request.files.get("file"))
        except DomainError as e:
            refused(e)
        else:
            flash(f"已上传{att.kind_label}附件：{att.title}", "success")
        return redirect(url_for(".edit", id=material.id) + "#files")

    @expose("/remove-file", methods=("POST",))
    def remove_file(self):
        material = self._mine()
        try:
            applications.remove_file(current_user, material, request.form.get("attachment"))
        except DomainError as e:
            refused(e)
        else:
            flash("附件已删除", "success")
        return redirect(url_for(".edit", id=material.id) + "#files")

    @expose("/file/<int:attachment_id>")
    def file(self, attachment_id: int):
        att = db.session.scalar(select(Attachment).where(Attachment.id == attachment_id,
                                                         scope.attachments(current_user)))
        if att is None:
            abort(404)
        return send_attachment(att)

    @expose("/submit", methods=("POST",))
    def submit(self):
        material = self._mine()
        try:
            applications.submit_to_unit(current_user, material)
        except DomainError as e:
            refused(e)
        else:
            flash(f"材料{material.number}已提交至“{material.unit.name}”，请等待单位审核", "success")
        return redirect(url_for(".edit", id=material.id))


def _person_editable(material: Material) -> bool:
    from zhicheng.materials.states import STATES
    facts = STATES.get(material.state)
    return bool(facts and facts.person_editable)


class PersonAccountView(ApplyPages):
    """删除账号: only while no material has been submitted; personal data erased, the audit kept."""

    permission = P.PERSON

    @expose("/", methods=("GET", "POST"))
    def index(self):
        if request.method == "POST":
            try:
                account.delete_account(current_user, request.form.get("password", ""))
            except DomainError as e:
                refused(e)
            else:
                logout_user()
                flash("账号已删除，个人信息已清除", "success")
                return redirect(url_for("auth.login", entry="person"))
        return self.render("persons/account_delete.html",
                           blocked=account.submitted_materials(current_user))


def register(admin) -> None:
    admin.add_view(PersonUnitView(name="所属单位", category=CAT_APPLY, endpoint="person_unit", url="/admin/person_unit"))
    admin.add_view(PersonApplyView(name="我的申报", category=CAT_APPLY, endpoint="person_apply",
                                   url="/admin/person_apply"))
    admin.add_view(PersonAccountView(name="删除账号", category=CAT_APPLY, endpoint="person_account",
                                     url="/admin/person_account"))
