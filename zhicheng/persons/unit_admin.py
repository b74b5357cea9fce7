"""The unit's side of 个人申报: 工作人员 (join requests), 职能部门审核设置, 个人申报审核, and the
工作账号's 职能部门审核. Every row comes through a zhicheng.scope function; refusals are DomainErrors
shown as messages."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from zhicheng import scope
from zhicheng.domain import DomainError
from zhicheng.errors import refused
from zhicheng.extensions import db
from zhicheng.materials.admin_common import review_records_of, send_attachment
from zhicheng.materials.models import PERSON_ATTACHMENT_KINDS, UNIT_OPINION_KIND
from zhicheng.models import Attachment, Material, User
from zhicheng.models import MaterialState as S
from zhicheng.persons import applications, membership
from zhicheng.persons.applications import ApplicationError
from zhicheng.persons.apply_admin import ApplyPages
from zhicheng.persons.models import SIGNOFF_LABELS, Membership, MembershipState, Person, SignoffStep
from zhicheng.policy import P
from zhicheng.review import workflow

CAT_UNIT = "个人申报管理"


def _send_file_of(attachment_id: int, materials):
    """A file of one of `materials` (a scope condition on Material), else 404."""
    att = db.session.scalar(select(Attachment).where(
        Attachment.id == attachment_id, Attachment.material_id.in_(select(Material.id).where(materials))))
    if att is None:
        abort(404)
    return send_attachment(att)


class UnitPeopleView(ApplyPages):
    """工作人员: people who asked to join (确认 / 不同意 with a reason) and those confirmed, by 证件号码."""

    permission = P.UNIT_PEOPLE

    @expose("/")
    def index(self):
        rows = list(db.session.scalars(select(Membership).where(scope.memberships(current_user))
                                       .order_by(Membership.requested_at.desc(), Membership.id.desc())))
        pending = [r for r in rows if r.state == MembershipState.PENDING]
        confirmed = [r for r in rows if r.state == MembershipState.CONFIRMED]
        others = [r for r in rows if r.state not in (MembershipState.PENDING, MembershipState.CONFIRMED)]
        people = {p.user_id: p for p in db.session.scalars(select(Person).where(scope.persons(current_user)))}
        return self.render("persons/unit_people.html", pending=pending, confirmed=confirmed, others=others,
                           people=people)

    @expose("/decide", methods=("POST",))
    def decide(self):
        try:
            if request.form.get("answer") == "confirm":
                row = membership.confirm(current_user, request.form.get("id"))
                flash(f"已确认 {row.name} 为本单位工作人员", "success")
            else:
                row = membership.decline(current_user, request.form.get("id"), request.form.get("reason", ""))
                flash(f"已不同意 {row.name} 的加入申请", "success")
        except DomainError as e:
            refused(e)
        return redirect(url_for(".index"))


class SignoffStepsView(ApplyPages):
    """职能部门审核设置: the sign-offs every 个人申报 needs before 上报, each by a 工作账号."""

    permission = P.UNIT_PEOPLE

    @expose("/", methods=("GET", "POST"))
    def index(self):
        if request.method == "POST":
            try:
                if request.form.get("toggle"):
                    applications.set_step_enabled(current_user, request.form.get("toggle"),
                                                  request.form.get("enabled") == "1")
                    flash("已保存", "success")
                else:
                    step = applications.add_step(current_user, request.form.get("name", ""),
                                                 request.form.get("office", ""), request.form.get("reviewer_id"))
                    flash(f"已新增职能部门审核：{step}", "success")
            except DomainError as e:
                refused(e)
            return redirect(url_for(".index"))
        steps = list(db.session.scalars(select(SignoffStep).where(scope.signoff_steps(current_user))
                                        .order_by(SignoffStep.id)))
        accounts = list(db.session.scalars(select(User).where(scope.sub_accounts(current_user))
                                           .order_by(User.username)))
        return self.render("persons/signoff_steps.html", steps=steps, accounts=accounts)


class UnitApplicationsView(ApplyPages):
    """个人申报审核: the 个人申报 of the unit's people, 单位意见 (+附件), 退回个人, 上报."""

    permission = P.PERSON_REVIEW

    @expose("/")
    def index(self):
        state = request.args.get("state", S.UNIT_REVIEW)
        stmt = select(Material).where(scope.person_applications(current_user)).options(
            selectinload(Material.project)).order_by(Material.id.desc())
        if state != "all":
            stmt = stmt.where(Material.state == state)
        return self.render("persons/unit_applications.html", materials=list(db.session.scalars(stmt)),
                           state=state)

    def _one(self) -> Material:
        try:
            return applications.unit_material(current_user, request.values.get("id"))
        except ApplicationError:
            abort(404)

    @expose("/view", methods=("GET",))
    def view(self):
        m = self._one()
        return self.render("persons/unit_application.html", m=m, records=review_records_of(m),
                           signoffs=applications.signoffs_of(m), opinion_kind=UNIT_OPINION_KIND,
                           labels=SIGNOFF_LABELS, user=current_user)

    @expose("/opinion", methods=("POST",))
    def opinion(self):
        m = self._one()
        try:
            applications.save_unit_opinion(current_user, m, request.form.get("opinion", ""),
                                           request.files.get("file"), request.form.get("title", ""))
        except DomainError as e:
            refused(e)
        else:
            flash("单位意见已保存", "success")
        return redirect(url_for(".view", id=m.id))

    @expose("/return", methods=("POST",))
    def return_(self):
        m = self._one()
        try:
            workflow.unit_return(current_user, [m.id], request.form.get("reason", ""))
        except DomainError as e:
            refused(e)
        else:
            flash(f"材料{m.number}已退回个人", "success")
        return redirect(url_for(".view", id=m.id))

    @expose("/report", methods=("POST",))
    def report(self):
        m = self._one()
        try:
            workflow.submit_materials(current_user, [m.id], request.form.get("operator_name", ""),
                                      request.form.get("operator_phone", ""))
        except DomainError as e:
            refused(e)
        else:
            flash(f"材料{m.number}已上报", "success")
        return redirect(url_for(".view", id=m.id))

    @expose("/file/<int:attachment_id>")
    def file(self, attachment_id: int):
        return _send_file_of(attachment_id, scope.person_applications(current_user))


class SignoffView(ApplyPages):
    """职能部门审核: a reviewer's queue of 个人申报 and his answer (同意 / 不同意 with an opinion)."""

    permission = P.SIGNOFF

    @expose("/")
    def index(self):
        rows = list(db.session.scalars(select(Material).where(scope.signoff_materials(current_user))
                                       .order_by(Material.id.desc())))
        waiting = [(m, applications.pending_steps(current_user, m)) for m in rows]
        return self.render("persons/signoff_list.html", waiting=waiting)

    def _one(self) -> Material:
        try:
            return applications.unit_material(current_user, request.values.get("id"), P.SIGNOFF)
        except ApplicationError:
            abort(404)

    @expose("/view", methods=("GET", "POST"))
    def view(self):
        m = self._one()
        if request.method == "POST":
            step = db.session.get(SignoffStep, request.form.get("step", type=int) or 0)
            try:
                if step is None:
                    raise ApplicationError("请选择审核事项")
                workflow.sign_off(current_user, m, step, request.form.get("result", ""),
                                  request.form.get("opinion", ""))
            except DomainError as e:
                refused(e)
                return redirect(url_for(".view", id=m.id))
            flash(f"材料{m.number}的{step.office}{step.name}审核已完成", "success")
            return redirect(url_for(".index"))
        return self.render("persons/signoff_view.html", m=m, steps=applications.pending_steps(current_user, m),
                           records=review_records_of(m), kinds=PERSON_ATTACHMENT_KINDS)

    @expose("/file/<int:attachment_id>")
    def file(self, attachment_id: int):
        return _send_file_of(attachment_id, scope.signoff_materials(current_user))


def register(admin) -> None:
    admin.add_view(UnitPeopleView(name="工作人员", category=CAT_UNIT, endpoint="unit_people", url="/admin/unit_people"))
    admin.add_view(UnitApplicationsView(name="个人申报审核", category=CAT_UNIT, endpoint="unit_applications",
                                        url="/admin/unit_applications"))
    admin.add_view(SignoffStepsView(name="职能部门审核设置", category=CAT_UNIT, endpoint="signoff_steps",
                                    url="/admin/signoff_steps"))
    admin.add_view(SignoffView(name="职能部门审核", category=CAT_UNIT, endpoint="signoffs", url="/admin/signoffs"))
