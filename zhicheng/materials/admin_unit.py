"""Unit side: 管理材料 (with the one-page form of every tab), 上报材料, 被退回的材料,
上报材料跟踪 and 修改归口部门."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import func, select

from zhicheng import scope
from zhicheng.admin.base import GuardedView, confirm_posted, request_grants
from zhicheng.admin.listing import row_url
from zhicheng.extensions import db
from zhicheng.materials.admin_common import MaterialListView, review_records_of
from zhicheng.materials.forms import TABS, ChangeDepartmentForm, CommitmentForm, SubmitForm, material_form
from zhicheng.materials.services import (
    CommitmentMissing,
    check_can_fill,
    create_material,
    update_material,
    visible_project,
)
from zhicheng.materials.states import sources, states_where
from zhicheng.models import STATE_LABELS, Department, Material, Unit
from zhicheng.models import MaterialState as S
from zhicheng.policy import P
from zhicheng.review import workflow
from zhicheng.review.workflow import WorkflowError


class ApplicantListView(MaterialListView):
    """Materials of the unit (a sub-account: only those it created)."""

    permission = P.FILL
    row_scope = scope.materials

    def number_link(self, m: Material) -> Markup:
        if m.editable and P.FILL in request_grants():  # the account's permissions, worked out once a request
            return Markup(f'<a href="{escape(row_url("materials.modify_view", m.id))}" title="查看、修改">'
                          f'{escape(m.number)}</a>')
        return super().number_link(m)


class ManageMaterialsView(ApplicantListView):
    """管理材料: every material of the unit; 编号 opens the form, 删除 removes unsubmitted drafts."""

    page_intro = "点击材料编号查看、修改材料；勾选材料后点击“删除”。未上报的材料可以修改、删除，上报的材料不可修改、删除。"
    # The home page's 草稿 counts open this list at that state.
    home_links = {"state:draft": {"state": "draft"}}
    column_list = ("number", "name", "id_card", "project", "state", "creator", "updated_at")
    column_filters = MaterialListView.column_filters + (
        FilterEqual(Material.state, "状态", options=list(STATE_LABELS.items())),)

    @action("delete_materials", "删除", "确定删除所选材料？删除后不可恢复。")
    def action_delete_materials(self, ids):
        n = workflow.delete_materials(current_user, [r.id for r in self.scoped_rows(ids, strict=True)])
        flash(f"已删除{n}份材料", "success")

    # --- the one form of every tab -----------------------------------------------------
    def _render_form(self, form, project, material=None):
        error_tabs = form.tabs_with_errors()
        records = review_records_of(material) if material is not None else []
        if error_tabs:
            active = next(key for key, _, _ in TABS if key in error_tabs)
        elif records and material.state == S.RETURNED:
            active = "records"
        else:
            active = "basic"
        from zhicheng.checks.eligibility import verdict_of
        return self.render("admin/materials/edit.html", form=form, project=project, material=material,
                           tabs=TABS, error_tabs=error_tabs, records=records, active_tab=active,
                           eligibility=verdict_of(material) if material is not None else None)

    @expose("/fill/", methods=("GET", "POST"))
    def fill_view(self):
        """填写材料: a new material for a project in the window."""
        project = visible_project(current_user, request.args.get("project"))
        if project is None:
            abort(404)
        try:
            check_can_fill(current_user, project)
        except CommitmentMissing:
            return redirect(url_for(".commitment_view", project=project.id))
        except WorkflowError as e:
            flash(str(e), "error")
            return redirect(url_for("projects.index_view"))
        form = material_form()
        outcome, result = form.save_posted(
            lambda f: create_material(current_user, project, f.to_input(), f.uploads()))
        if outcome == "saved":
            flash(f"保存成功，材料编号：{result.number}", "success")
            return redirect(url_for(".modify_view", id=result.id))
        if outcome == "refused":
            flash(result, "error")
        return self._render_form(form, project)

    @expose("/commitment/", methods=("GET", "POST"))
    def commitment_view(self):
        """真实性承诺: read it, then 同意 (recorded; on to 填写材料) or 不同意 (no material)."""
        from zhicheng.projects.services import agree, commitment_text
        project = visible_project(current_user, request.args.get("project"))
        if project is None:
            abort(404)
        form = CommitmentForm()
        if form.validate_on_submit():
            if request.form.get("answer") == "agree":
                agree(current_user, project)
                flash("已同意真实性承诺，请填写材料", "success")
                return redirect(url_for(".fill_view", project=project.id))
            flash("未同意真实性承诺，不能填写该项目的材料", "warning")
            return redirect(url_for("projects.index_view"))
        return self.render("admin/materials/commitment.html", form=form, project=project,
                           text=commitment_text(project))

    @expose("/modify/", methods=("GET", "POST"))
    def modify_view(self):
        """修改: drafts and returned materials; anything submitted is shown read-only instead."""
        material = self.get_one(request.args.get("id"))
        if not material.editable:
            flash(f"材料{material.number}状态为“{material.state_label}”，已上报的材料不可修改", "error")
            return redirect(url_for(".details_view", id=material.id))
        form = material_form(material) if request.method == "POST" else material_form(material, load=True)
        answer = form.save_edit(
            lambda f: update_material(current_user, material, f.to_input(), f.uploads(), f.removed_attachments()),
            material, again=url_for(".modify_view", id=material.id), refused=url_for(".details_view", id=material.id))
        return answer or self._render_form(form, material.project, material)


class SubmitListView(ApplicantListView):
    """上报材料: drafts and returned materials; 上报 asks the operator's name and phone."""

    permission = P.SUBMIT
    states = sources("submit")
    page_intro = "勾选对应材料的选择框，点击“上报”按钮，填写操作人的姓名、联系电话后，点击“提交”按钮。上报后，材料不可以修改。"

    @action("submit", "上报")
    def action_submit(self, ids):
        return self.to_confirmation(ids, ".confirm_view", "上报")

    @expose("/confirm/", methods=("GET", "POST"))
    def confirm_view(self):
        rows = self.confirmation_rows()
        form = SubmitForm()
        answer = confirm_posted(form, lambda: workflow.submit_materials(current_user, [r.id for r in rows],
                                                                        form.operator_name.data,
                                                                        form.operator_phone.data),
                                lambda done: f"已上报{len(done)}份材料", to=url_for(".index_view"),
                                refusals=WorkflowError)
        return answer or self.render("admin/materials/submit.html", form=form, rows=rows)


class ReturnedListView(ApplicantListView):
    """被退回的材料: 编号 opens the form with its 审核记录 tab; resubmit through 上报材料."""

    states = (S.RETURNED,)
    home_links = {"state:returned": {}}
    page_intro = "点击对应材料的编号，查看、修改该材料的信息，点击“审核记录”标签查看退回部门、退回时间和退回理由。修改完成后，必须重新在“上报材料”列表进行上报操作。"
    column_list = ("number", "name", "id_card", "project", "state", "return_reason")
    column_labels = dict(MaterialListView.column_labels, return_reason="退回理由")
    column_formatters = dict(MaterialListView.column_formatters,
                             return_reason=lambda v, c, m, n: v.reasons().get(m.id, ""))

    def reasons(self) -> dict[int, str]:
        """The latest 退回理由 of each listed material, one query per page."""
        if "zc_return_reasons" not in g:
            from zhicheng.models import ReviewRecord
            rows = db.session.execute(
                select(ReviewRecord.material_id, ReviewRecord.reason)
                .join(Material, Material.id == ReviewRecord.material_id)
                .where(scope.materials(current_user), Material.state == S.RETURNED,
                       ReviewRecord.action == "return")
                .order_by(ReviewRecord.id)).all()
            g.zc_return_reasons = {mid: reason for mid, reason in rows}
        return g.zc_return_reasons


class TrackingListView(ApplicantListView):
    """上报材料跟踪: what was submitted, where it is and its state; read-only."""

    permission = P.VIEW
    states = states_where("submitted")
    home_links = {"state:in_review": {"state": "in_review"}, "state:approved": {"state": "approved"}}
    page_intro = "点击对应材料的编号，即可查看该材料的信息、所在审核部门及状态，材料不可以修改。"
    column_list = ("number", "name", "id_card", "project", "current_department", "state", "submitted_at")
    column_filters = MaterialListView.column_filters + (
        FilterEqual(Material.state, "状态", options=[(s, STATE_LABELS[s]) for s in states_where("submitted")]),)

    def number_link(self, m: Material) -> Markup:
        return MaterialListView.number_link(self, m)


class ChangeDepartmentView(GuardedView):
    """修改归口部门: every submitted material goes back to 待上报 at once (the manual's rule)."""

    permission = P.UNIT

    @expose("/", methods=("GET", "POST"))
    def index(self):
        unit = db.session.get(Unit, current_user.unit_id)
        departments = list(db.session.scalars(
            select(Department).where(Department.accepts_registration.is_(True), Department.parent_id.is_not(None),
                                     Department.id != unit.department_id).order_by(Department.path)))
        form = ChangeDepartmentForm()
        form.department.choices = [(0, "请选择")] + [(d.id, "　" * (d.depth - 1) + d.name) for d in departments]
        affected_rows = select(func.count(Material.id)).where(
            Material.unit_id == unit.id, Material.state.in_(sources("change_department")))
        affected = db.session.scalar(affected_rows)
        if form.validate_on_submit():
            # 个人申报 go back to 单位审核中, not to the unit's drafts (workflow.change_department).
            persons = db.session.scalar(affected_rows.where(scope.person_applications(current_user)))
            try:
                moved = workflow.change_department(current_user, form.department.data)
            except WorkflowError as e:
                form.department.errors = list(form.department.errors) + [str(e)]
            else:
                db.session.refresh(unit)
                text = f"归口部门已修改为“{unit.department.name}”，{moved - persons}份材料已退回到“待上报”状态"
                if persons:
                    text += f"，{persons}份个人申报已退回到“单位审核中”状态"
                flash(text, "success")
                return redirect(url_for(".index"))
        return self.render("admin/materials/change_department.html", form=form, unit=unit, affected=affected)
