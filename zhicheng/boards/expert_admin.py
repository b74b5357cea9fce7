"""The expert's own pages: the materials of his current meetings (scope.meeting_materials: those
of his 学科组, every one of the meeting while it votes, never his own unit's, nothing once it is
closed), each read-only with its attachments, 声明回避, 学科组评议 (his 评议意见 and grade; the
组长 submits the group's; zhicheng.boards.deliberation) and the ballot (同意 / 不同意 / 弃权).

Every POST loads its row through the same scope first (404 outside it), then the service of
zhicheng.boards.voting decides; its refusal is flashed in Chinese and nothing is written.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from zhicheng import scope, textcheck
from zhicheng.admin.base import ScopedModelView
from zhicheng.admin.listing import row_url
from zhicheng.boards import deliberation, voting
from zhicheng.boards.common import BoardError
from zhicheng.boards.states import CHOICE_LABELS, GRADE_LABELS, MeetingState, MemberRole
from zhicheng.errors import refused
from zhicheng.extensions import db
from zhicheng.materials.admin_common import send_attachment
from zhicheng.models import (
    Attachment,
    BallotReceipt,
    ConflictDeclaration,
    Expert,
    Material,
    Meeting,
    MeetingMaterial,
    MeetingMember,
    MemberOpinion,
)
from zhicheng.policy import P
from zhicheng.security import parse_id


def _material_link(view, context, mm, name) -> Markup:
    return Markup(f'<a href="{escape(row_url(".details_view", mm.id))}">{escape(mm.material.number or mm.material_id)}</a>')


class ExpertMaterialView(ScopedModelView):
    """评审材料 (the expert's): read-only."""

    permission = P.EXPERT
    row_scope = scope.meeting_materials
    home_links = {"expert_meeting": {}}
    can_create = False
    can_edit = False
    can_delete = False
    details_template = "boards/expert_material.html"
    column_list = ("meeting", "group", "number", "name", "unit", "major", "current_title")
    column_labels = {"meeting": "评审会议", "group": "学科组", "number": "材料编号", "name": "姓名", "unit": "单位",
                     "major": "申报专业", "current_title": "现任职务", "material.name": "姓名"}
    column_searchable_list = ("material.name",)
    column_default_sort = ("id", False)
    column_formatters = {
        "meeting": lambda v, c, m, n: m.meeting.name,
        "group": lambda v, c, m, n: m.group.name,
        "number": _material_link,
        "name": lambda v, c, m, n: m.material.name,
        "unit": lambda v, c, m, n: m.material.unit.name,
        "major": lambda v, c, m, n: m.material.major,
        "current_title": lambda v, c, m, n: m.material.current_title,
    }

    def _narrow(self, query):
        meeting_id = parse_id(request.args.get("meeting")) if request.args.get("meeting") else None
        if meeting_id:
            query = query.filter(MeetingMaterial.meeting_id == meeting_id)
        return query

    def get_query(self):
        return self._narrow(super().get_query()).options(
            joinedload(MeetingMaterial.meeting), joinedload(MeetingMaterial.group),
            joinedload(MeetingMaterial.material).joinedload(Material.unit))

    def get_count_query(self):
        return self._narrow(super().get_count_query())

    # An expert's materials are those of his 学科组 (a few thousand at most): their related rows are
    # joined into the list's statement on SQLite too, as the ORM's eager loads were.
    plain_joined = True

    def plain_list(self):
        """The list page reads plain rows (zhicheng.admin.plainrows.read_plain_rows): the meeting's and
        the 学科组's names, the material's shown columns and its unit's name."""
        columns = (MeetingMaterial.id, MeetingMaterial.meeting_id, MeetingMaterial.group_id,
                   MeetingMaterial.material_id)
        return self._narrow(select(*columns).where(self.scope(current_user))), {
            "meeting": ("name",), "group": ("name",), "material": ("number", "name", "major", "current_title"),
            "material.unit": ("name",)}

    def _member(self, mm: MeetingMaterial) -> MeetingMember | None:
        return db.session.scalar(select(MeetingMember).join(Expert, Expert.id == MeetingMember.expert_id)
                                 .where(MeetingMember.meeting_id == mm.meeting_id, Expert.user_id == current_user.id))

    @expose("/details/")
    def details_view(self):
        mm = self.get_one(request.args.get("id"))
        material = db.session.scalar(
            select(Material).where(Material.id == mm.material_id)
            .options(selectinload(Material.attachments.and_(scope.attachments(current_user))),
                     selectinload(Material.educations),
                     selectinload(Material.work_histories), joinedload(Material.project), joinedload(Material.unit))
            .execution_options(populate_existing=True))
        member = self._member(mm)
        declared = db.session.scalar(select(ConflictDeclaration).where(
            ConflictDeclaration.meeting_material_id == mm.id, ConflictDeclaration.member_id == member.id))
        voted = db.session.scalar(select(BallotReceipt.id).where(
            BallotReceipt.meeting_material_id == mm.id, BallotReceipt.member_id == member.id)) is not None
        state = mm.meeting.state
        return self.render(self.details_template, mm=mm, model=material, member=member, declared=declared,
                           voted=voted, choices=CHOICE_LABELS, return_url=self.get_url(".index_view",
                                                                                      meeting=mm.meeting_id),
                           may_declare=not voted and declared is None and state != MeetingState.CLOSED,
                           may_vote=(state == MeetingState.VOTING and bool(member.present) and not voted
                                     and declared is None),
                           **self._deliberation(mm, material, member))

    def _deliberation(self, mm: MeetingMaterial, material: Material, member: MeetingMember) -> dict:
        """学科组评议 on the page: his own opinion and, for the 组长, his group's; the group's
        submitted opinion for everyone the material is before."""
        group_opinion = deliberation.group_opinions(current_user, [mm.id]).get(mm.id)
        in_group = member.group_id == mm.group_id
        leader = in_group and member.role == MemberRole.LEADER
        own = db.session.scalar(select(MemberOpinion).where(
            MemberOpinion.meeting_material_id == mm.id, MemberOpinion.member_id == member.id,
            scope.member_opinions(current_user))) if in_group else None
        may_write = in_group and mm.meeting.state == MeetingState.REVIEWING and group_opinion is None
        rows = deliberation.member_rows(current_user, mm, material) if leader else []
        return {"in_group": in_group, "leader": leader, "own_opinion": own, "group_opinion": group_opinion,
                "may_write": may_write, "may_submit": may_write and leader, "member_rows": rows,
                "pending": sum(1 for r in rows if r.opinion is None and not r.recused),
                "grades": GRADE_LABELS, "opinion_max": deliberation.OPINION_MAX}

    def _posted(self) -> MeetingMaterial:
        return self.get_one(request.form.get("id"))

    def _done(self, mm: MeetingMaterial, fn, message: str, then: str | None = None):
        try:
            fn()
        except BoardError as e:
            refused(e)
        else:
            flash(message, "success")
            if then is not None:
                return redirect(then)
        return redirect(self.get_url(".details_view", id=mm.id))

    @expose("/conflict/", methods=("POST",))
    def conflict_view(self):
        mm = self._posted()
        reason = (request.form.get("reason") or "").strip()
        if not reason:
            flash("请填写回避理由", "error")
            return redirect(self.get_url(".details_view", id=mm.id))
        refused = "回避理由不能超过500字" if len(reason) > 500 else None
        if refused is None and (at := textcheck.invisible_at(reason, multiline=True)) is not None:
            refused = f"回避理由：{textcheck.message(at)}"
        if refused:
            flash(refused, "error")
            return redirect(self.get_url(".details_view", id=mm.id))
        # Declared, the material is no longer before him (scope.meeting_materials): back to the list.
        return self._done(mm, lambda: voting.declare_conflict(current_user, mm.id, reason),
                          f"已对材料{mm.material.number}声明回避：该材料不再向您显示，您不对其评议和投票",
                          then=self.get_url(".index_view", meeting=mm.meeting_id))

    @expose("/opinion/", methods=("POST",))
    def opinion_view(self):
        """A member's 评议意见 and grade (written or changed until the 组长 submits)."""
        mm = self._posted()
        return self._done(mm, lambda: deliberation.write_opinion(
            current_user, mm.id, request.form.get("grade", ""), request.form.get("opinion", "")),
            f"已保存您对材料{mm.material.number}的评议意见；组长提交学科组评议意见前可以修改")

    @expose("/group_opinion/", methods=("POST",))
    def group_opinion_view(self):
        """The 组长 submits the group's 评议意见 (once; the members' opinions are locked then)."""
        mm = self._posted()
        return self._done(mm, lambda: deliberation.submit_group_opinion(
            current_user, mm.id, request.form.get("grade", ""), request.form.get("opinion", ""),
            request.form.get("missing_reason", "")),
            f"已提交学科组对材料{mm.material.number}的评议意见，组员评议意见已锁定")

    @expose("/ballot/", methods=("POST",))
    def ballot_view(self):
        mm = self._posted()
        choice = request.form.get("choice", "")
        return self._done(mm, lambda: voting.cast_ballot(current_user, mm.id, choice),
                          f"已对材料{mm.material.number}投票。投票以无记名方式保存，提交后不能更改")

    @expose("/attachment/<int:attachment_id>")
    def attachment_view(self, attachment_id: int):
        """附件 of a material before the expert: through scope.attachments (his current materials)."""
        att = db.session.scalar(select(Attachment).where(Attachment.id == attachment_id,
                                                         scope.attachments(current_user)))
        if att is None:
            abort(404)
        return send_attachment(att)


def current_meetings(user) -> list[dict]:
    """The expert's home: his meetings not yet closed, with his 学科组 and role."""
    rows = db.session.execute(
        select(Meeting, MeetingMember).join(MeetingMember, MeetingMember.meeting_id == Meeting.id)
        .join(Expert, Expert.id == MeetingMember.expert_id)
        .where(scope.meetings(user), Expert.user_id == user.id)
        .options(joinedload(Meeting.board), joinedload(MeetingMember.group))
        .order_by(Meeting.meeting_date, Meeting.id)).all()
    return [{"meeting": m, "member": mb} for m, mb in rows]


def register(admin) -> None:
    admin.add_view(ExpertMaterialView(MeetingMaterial, name="评审材料", endpoint="expert_materials",
                                      url="/admin/expert_materials"))
