"""评审会议 pages of the 组建单位's 管理员: the list and 新建会议, and one page per meeting from which
it runs: 分配评审材料 (筹备), 抽取专家 with its record and 重放核对, 指定组长, 开始评议 (with each
material's 学科组评议, read-only), 出席 and 开始表决, 结束会议, then the 表决结果 (counts only, after
closing).

Each button posts to its own URL, calls one service of zhicheng.boards and comes back to the
meeting's page with the service's message; a refusal changes nothing.
"""
from __future__ import annotations

import json

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from zhicheng import scope
from zhicheng.admin.base import ScopedModelView
from zhicheng.boards import deliberation
from zhicheng.boards import meetings as services
from zhicheng.boards.common import BoardError
from zhicheng.boards.draw import DrawRequest, draw_matches, draw_members
from zhicheng.boards.forms import DrawSeedForm, MeetingForm
from zhicheng.boards.states import MeetingState
from zhicheng.errors import refused
from zhicheng.extensions import db
from zhicheng.models import (
    BallotReceipt,
    DrawRecord,
    Expert,
    Material,
    MaterialState,
    Meeting,
    MeetingMaterial,
    MeetingMember,
    ReviewBoard,
    SubjectGroup,
    SubjectGroupMajor,
)
from zhicheng.policy import P
from zhicheng.security import parse_id

#: At most this many 审核通过 materials are offered for assignment on one page.
ASSIGNABLE_LIMIT = 500


def _ids(name: str) -> list:
    return request.form.getlist(name)


class MeetingView(ScopedModelView):
    """评审会议."""

    permission = P.BOARD_MANAGE
    row_scope = scope.managed_meetings
    can_edit = False
    can_delete = False
    details_template = "boards/meeting.html"
    column_list = ("name", "board", "meeting_date", "review_start", "review_end", "state")
    column_labels = {"name": "会议名称", "board": "评委会", "meeting_date": "会议日期", "review_start": "评议开始",
                     "review_end": "评议结束", "state": "状态"}
    column_searchable_list = ("name",)
    column_default_sort = ("id", True)
    column_formatters = {"board": lambda v, c, m, n: m.board.name, "state": lambda v, c, m, n: m.state_label,
                         "review_start": lambda v, c, m, n: m.review_start.strftime("%Y-%m-%d %H:%M"),
                         "review_end": lambda v, c, m, n: m.review_end.strftime("%Y-%m-%d %H:%M")}

    def get_query(self):
        return super().get_query().options(joinedload(Meeting.board))

    def _back(self, meeting: Meeting):
        return redirect(self.get_url(".details_view", id=meeting.id))

    def _run(self, meeting: Meeting, fn, message):
        """Run one service on the meeting; its refusal is flashed and nothing is kept."""
        try:
            result = fn()
        except BoardError as e:
            refused(e)
        else:
            flash(message(result) if callable(message) else message, "success")
        return self._back(meeting)

    def _posted_meeting(self) -> Meeting:
        return self.get_one(request.form.get("id"))

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        form = MeetingForm()
        form.board_id.choices = [(b.id, b.name) for b in db.session.scalars(
            select(ReviewBoard).where(scope.managed_boards(current_user), ReviewBoard.enabled.is_(True))
            .order_by(ReviewBoard.id))]
        if form.validate_on_submit():
            board = db.session.scalar(select(ReviewBoard).where(ReviewBoard.id == (form.board_id.data or 0),
                                                                scope.managed_boards(current_user)))
            if board is None:
                form.board_id.errors.append("请选择评委会")
            else:
                try:
                    meeting = services.create_meeting(current_user, board, form.name.data, form.review_start.data,
                                                      form.review_end.data, form.meeting_date.data)
                except BoardError as e:
                    refused(e)
                else:
                    flash(f"已新建评审会议“{meeting.name}”", "success")
                    return self._back(meeting)
        return self.render("admin/accounts/form.html", form=form, title="新建评审会议",
                           back=self.get_url(".index_view"))

    @expose("/details/")
    def details_view(self):
        meeting = self.get_one(request.args.get("id"))
        return self.render(self.details_template, meeting=meeting, S=MeetingState, **self._page(meeting))

    def _page(self, meeting: Meeting) -> dict:
        groups = list(db.session.scalars(select(SubjectGroup).where(SubjectGroup.board_id == meeting.board_id)
                                         .order_by(SubjectGroup.id)))
        materials = db.session.execute(
            select(MeetingMaterial.id, MeetingMaterial.group_id, Material)
            .join(Material, Material.id == MeetingMaterial.material_id)
            .where(MeetingMaterial.meeting_id == meeting.id).options(joinedload(Material.unit))
            .order_by(MeetingMaterial.group_id, MeetingMaterial.id)).all()
        members = list(db.session.scalars(
            select(MeetingMember).where(MeetingMember.meeting_id == meeting.id)
            .options(joinedload(MeetingMember.expert).joinedload(Expert.user), joinedload(MeetingMember.group))
            .order_by(MeetingMember.group_id, MeetingMember.id)))
        record = db.session.scalar(select(DrawRecord).where(DrawRecord.meeting_id == meeting.id))
        ctx = {"groups": groups, "materials": materials, "members": members, "record": record,
               "seed_form": DrawSeedForm(), "group_names": {g.id: g.name for g in groups}}
        if record is not None:
            names = {m.expert_id: m.expert.name for m in members}
            ctx["steps"] = [dict(s, drawn_names=[names.get(e, str(e)) for e in s["drawn"]])
                            for s in json.loads(record.detail)["steps"]]
        if meeting.state == MeetingState.PREPARING:
            ctx["assignable"] = self._assignable()
            ctx["draw_rows"] = db.session.execute(
                select(SubjectGroupMajor.id, SubjectGroup.name, SubjectGroupMajor.major)
                .join(SubjectGroup, SubjectGroup.id == SubjectGroupMajor.group_id)
                .where(SubjectGroup.board_id == meeting.board_id)
                .order_by(SubjectGroup.id, SubjectGroupMajor.id)).all()
        if meeting.state == MeetingState.VOTING:
            ctx["voted"] = dict(db.session.execute(
                select(BallotReceipt.meeting_material_id, func.count())
                .join(MeetingMaterial, MeetingMaterial.id == BallotReceipt.meeting_material_id)
                .where(MeetingMaterial.meeting_id == meeting.id).group_by(BallotReceipt.meeting_material_id)).all())
        if meeting.state == MeetingState.CLOSED:
            ctx["results"] = services.meeting_results(current_user, meeting)
        if meeting.state in (MeetingState.REVIEWING, MeetingState.VOTING, MeetingState.CLOSED):
            ctx["opinions"] = deliberation.group_opinions(current_user, [row[0] for row in materials])
        return ctx

    def _assignable(self) -> list[Material]:
        """Materials transferred to the 评委会 (评审中) that the manager sees and no open meeting holds."""
        taken = (select(MeetingMaterial.material_id).join(Meeting, Meeting.id == MeetingMaterial.meeting_id)
                 .where(Meeting.state != MeetingState.CLOSED))
        return list(db.session.scalars(
            select(Material).where(scope.materials(current_user), Material.state == MaterialState.IN_BOARD,
                                   Material.id.not_in(taken))
            .options(joinedload(Material.unit)).order_by(Material.id).limit(ASSIGNABLE_LIMIT)))

    @expose("/assign/", methods=("POST",))
    def assign_view(self):
        meeting = self._posted_meeting()
        group = db.session.scalar(select(SubjectGroup).where(SubjectGroup.id == (parse_id(request.form.get("group_id"))
                                                                                 or 0),
                                                             SubjectGroup.board_id == meeting.board_id))
        if group is None:
            flash("请选择学科组", "error")
            return self._back(meeting)
        return self._run(meeting, lambda: services.assign_materials(current_user, meeting, group, _ids("material_id")),
                         lambda rows: f"已将{len(rows)}份材料分配到学科组“{group.name}”")

    @expose("/draw/", methods=("POST",))
    def draw_view(self):
        meeting = self._posted_meeting()
        form = DrawSeedForm()
        if not form.validate():
            flash("；".join(e for errors in form.errors.values() for e in errors), "error")
            return self._back(meeting)
        rows = {r.id: r for r in db.session.scalars(
            select(SubjectGroupMajor).join(SubjectGroup, SubjectGroup.id == SubjectGroupMajor.group_id)
            .where(SubjectGroup.board_id == meeting.board_id))}
        requests = []
        for key, value in request.form.items():
            if not key.startswith("count-") or not value.strip():
                continue
            row = rows.get(parse_id(key[len("count-"):]) or 0)
            if row is None:
                abort(404)
            try:
                count = int(value)
            except ValueError:
                flash(f"学科组“{row.group.name}”专业“{row.major}”：抽取人数应为正整数", "error")
                return self._back(meeting)
            if count:
                requests.append(DrawRequest(row.group_id, row.major, count))
        return self._run(meeting, lambda: draw_members(current_user, meeting, requests, seed=form.seed.data),
                         lambda record: f"抽取完成：随机种子 {record.seed}")

    @expose("/replay/", methods=("POST",))
    def replay_view(self):
        meeting = self._posted_meeting()
        record = db.session.scalar(select(DrawRecord).where(DrawRecord.meeting_id == meeting.id))
        if record is None:
            flash("本次会议尚未抽取专家", "error")
        elif draw_matches(record):
            flash("重放核对一致：按记录的随机种子和候选名单重新抽取，结果与本次会议的评审专家完全相同", "success")
        else:
            flash("重放核对不一致：本次会议的评审专家与抽取记录重放的结果不同，请核查", "error")
        return self._back(meeting)

    @expose("/review/")
    def review_view(self):
        """学科组评议 of one material of the meeting, read-only: each member's opinion and the group's."""
        mm = db.session.scalar(select(MeetingMaterial).where(
            MeetingMaterial.id == (parse_id(request.args.get("id")) or 0), scope.meeting_materials(current_user)))
        if mm is None:
            abort(404)
        meeting = self.get_one(mm.meeting_id)
        return self.render("boards/meeting_review.html", meeting=meeting, mm=mm,
                           **deliberation.review_of(current_user, mm))

    @expose("/leader/", methods=("POST",))
    def leader_view(self):
        """指定组长: the member becomes his 学科组's 组长 for this meeting (until the vote)."""
        member = db.session.scalar(select(MeetingMember).where(
            MeetingMember.id == (parse_id(request.form.get("member_id")) or 0), scope.meeting_members(current_user)))
        if member is None:
            abort(404)
        meeting = self.get_one(member.meeting_id)
        return self._run(meeting, lambda: services.appoint_leader(current_user, member),
                         f"已指定{member.expert.name}为学科组“{member.group.name}”组长")

    @expose("/start_review/", methods=("POST",))
    def start_review_view(self):
        meeting = self._posted_meeting()
        return self._run(meeting, lambda: services.start_review(current_user, meeting), "已开始评议")

    @expose("/open_voting/", methods=("POST",))
    def open_voting_view(self):
        meeting = self._posted_meeting()
        return self._run(meeting, lambda: services.open_voting(current_user, meeting, _ids("present")),
                         "已记录出席情况，开始表决")

    @expose("/close/", methods=("POST",))
    def close_view(self):
        meeting = self._posted_meeting()
        return self._run(meeting, lambda: services.close_meeting(current_user, meeting),
                         lambda rows: f"会议已结束，{len(rows)}份材料的表决结果已确定")


def register(admin, category: str) -> None:
    admin.add_view(MeetingView(Meeting, name="评审会议", category=category, endpoint="meetings",
                               url="/admin/meetings"))
