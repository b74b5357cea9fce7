"""Department side (材料审核): 待审核材料 with 通过 / 退回, and 本部门及下级材料."""
from __future__ import annotations

from flask import abort, flash, g, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_login import current_user

from zhicheng import scope
from zhicheng.admin.base import confirm_posted
from zhicheng.checks.review import COLUMN_LABEL as CHECKS_LABEL
from zhicheng.checks.review import ReviewerChecks, checks_cell
from zhicheng.checks.review import panel as checks_panel
from zhicheng.materials.admin_common import MaterialListView
from zhicheng.materials.forms import ReturnForm
from zhicheng.materials.states import states_where
from zhicheng.models import STATE_LABELS, Material
from zhicheng.policy import P, can
from zhicheng.review import workflow
from zhicheng.review.workflow import WorkflowError

REVIEW_CATEGORY = "材料审核"


class ReviewQueueView(ReviewerChecks, MaterialListView):
    """待审核材料: materials waiting at the user's own department."""

    # The department home page's 待审核 counts open this list.
    home_links = {"review": {}}
    page_intro = "勾选材料后点击“通过”（审核意见选填，上报至上级部门，或由项目发布部门审核通过）或“退回”（填写退回理由，退回单位修改）。点击编号查看材料详情、附件和审核记录；“提示”列标出不符合申报条件、破格申报和重复申报的材料。"
    column_list = ("number", "name", "id_card", "unit", "project", "qualification", "submitted_at", "checks")
    column_labels = dict(MaterialListView.column_labels, checks=CHECKS_LABEL)
    column_formatters = dict(MaterialListView.column_formatters, checks=checks_cell)
    permission = P.REVIEW_DESK
    row_scope = scope.review_queue
    action_permissions = {"pass": P.REVIEW, "return": P.RETURN}
    list_template = "checks/review_list.html"

    @action("pass", "通过", "确定审核通过所选材料？通过后材料将上报至上级部门，或由项目发布部门审核通过。")
    def action_pass(self, ids):
        # The list's 审核意见 box (and the details page's) is posted with the action.
        done = workflow.pass_materials(current_user, ids, request.form.get("opinion", ""))
        flash(f"已审核通过{len(done)}份材料", "success")

    @action("return", "退回")
    def action_return(self, ids):
        return self.to_confirmation(ids, ".return_view", "退回")

    @expose("/return/", methods=("GET", "POST"))
    def return_view(self):
        if not can(current_user, P.RETURN):
            abort(403)
        rows = self.confirmation_rows()
        form = ReturnForm()
        answer = confirm_posted(form, lambda: workflow.return_materials(current_user, [r.id for r in rows],
                                                                        form.reason.data),
                                lambda done: f"已退回{len(done)}份材料", to=url_for(".index_view"),
                                refusals=WorkflowError)
        return answer or self.render("admin/materials/return.html", form=form, rows=rows)

    def details_extra(self, model) -> dict:
        return {"review_actions": True, "checks": checks_panel(model)}


class DepartmentMaterialsView(MaterialListView):
    """本部门及下级材料: everything submitted by units of the subtree, where it is and its state."""

    page_intro = "本部门及下级部门所属单位已上报的全部材料（含已审核材料），只读。"
    column_list = ("number", "name", "id_card", "unit", "project", "current_department", "state",
                   "submitted_at")
    column_filters = MaterialListView.column_filters + (
        FilterEqual(Material.state, "状态", options=[(s, STATE_LABELS[s]) for s in states_where("submitted")]),)

    permission = P.STAFF
    row_scope = scope.materials


def _exam(view, context, m: Material, name):
    if not m.project.requires_exam:
        return "无需考试"
    return view.exam_results().get(m.id, "无成绩")


class BoardTransferView(ReviewerChecks, MaterialListView):
    """转评委会: what passed 初审 in the 评审 projects this department published, with the exam
    result where the project requires one; 转评委会 sends the selected ones to the project's 评委会."""

    page_intro = ("本部门发布的评审类项目中已初审通过的材料。勾选材料后点击“转评委会”；项目要求考试的，须有合格成绩；"
                  "重复申报（同一证件号码同一年度另有申报）的，须其中一份退回或市人社局（职改办）登记处理意见后才能转评委会。")
    column_list = ("number", "name", "id_card", "unit", "project", "exam", "submitted_at", "checks")
    column_labels = dict(MaterialListView.column_labels, exam="考试", checks=CHECKS_LABEL)
    column_formatters = dict(MaterialListView.column_formatters, exam=_exam, checks=checks_cell)
    relation_columns = dict(ReviewerChecks.relation_columns, project=("name", "year", "requires_exam"))

    permission = P.REVIEW
    row_scope = scope.board_transfer

    def details_extra(self, model) -> dict:
        return {"checks": checks_panel(model)}

    def exam_results(self) -> dict[int, str]:
        """合格 / 不合格 for every listed material of a project that requires the exam: one query."""
        if "zc_exam_results" not in g:
            from sqlalchemy import select

            from zhicheng.extensions import db
            from zhicheng.projects.models import ExamScore
            rows = db.session.execute(
                select(Material.id, ExamScore.passed).join(ExamScore, (ExamScore.project_id == Material.project_id)
                                                          & (ExamScore.id_card == Material.id_card))
                .where(scope.board_transfer(current_user))).all()
            g.zc_exam_results = {mid: "合格" if passed else "不合格" for mid, passed in rows}
        return g.zc_exam_results

    @action("to_board", "转评委会", "确定将所选材料转评委会评审？")
    def action_to_board(self, ids):
        done = workflow.transfer_to_board(current_user, ids)
        flash(f"已转评委会{len(done)}份材料", "success")
