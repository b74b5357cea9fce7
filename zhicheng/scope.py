"""Who may see which rows: one function per model, returning a WHERE clause.

Lists, get_one, edit forms, actions, relation dropdowns, downloads and exports all go
through these functions; nothing else decides visibility.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true, tuple_

from zhicheng.accounts.models import KIND_STAFF, KIND_SUB, KIND_UNIT
from zhicheng.boards.states import MeetingState, MemberRole
from zhicheng.materials.models import ID_PHOTO_KIND
from zhicheng.models import (
    Appointment,
    Attachment,
    BallotReceipt,
    ConflictDeclaration,
    Department,
    DrawRecord,
    Expert,
    ExportJob,
    GroupOpinion,
    Material,
    MaterialState,
    Meeting,
    MeetingMaterial,
    Membership,
    MeetingMember,
    MeetingResult,
    MemberOpinion,
    Person,
    PersonRecord,
    PrintTemplate,
    PostQuota,
    Project,
    ReviewBoard,
    ReviewRecord,
    SignoffStep,
    SubjectGroup,
    Unit,
    UnitCode,
    User,
)
from zhicheng.persons import models as pm
from zhicheng.policy import P, can


def subtree_ids(department: Department):
    """Select of the ids of a department and every department below it."""
    return select(Department.id).where(Department.path.startswith(department.path))


def departments(user) -> ColumnElement[bool]:
    """Departments a staff member administers: their own and everything below it."""
    if not user.is_authenticated or not user.is_staff or user.department is None:
        return false()
    if user.department.is_root:
        return true()
    return Department.path.startswith(user.department.path)


def units(user) -> ColumnElement[bool]:
    if not user.is_authenticated:
        return false()
    if user.is_staff and user.department is not None:
        if user.department.is_root:
            return true()
        return Unit.department_id.in_(subtree_ids(user.department))
    if user.unit_id is not None:
        return Unit.id == user.unit_id
    return false()


def staff_accounts(user) -> ColumnElement[bool]:
    """Department staff accounts a 管理员 manages (own department and below)."""
    if not can(user, P.ADMIN):
        return false()
    if user.department.is_root:
        return User.kind == KIND_STAFF
    return (User.kind == KIND_STAFF) & User.department_id.in_(subtree_ids(user.department))


def unit_accounts(user) -> ColumnElement[bool]:
    """Unit login accounts a department 管理员 may enable/disable/reset."""
    if not can(user, P.ADMIN):
        return false()
    if user.department.is_root:
        return User.kind == KIND_UNIT
    return (User.kind == KIND_UNIT) & User.unit_id.in_(
        select(Unit.id).where(Unit.department_id.in_(subtree_ids(user.department))))


def managed_accounts(user) -> ColumnElement[bool]:
    """Accounts whose 开通/禁用/密码重置/删除 the user decides: a 管理员's staff and unit accounts,
    a unit's 工作账号."""
    if not user.is_authenticated:
        return false()
    if user.is_unit:
        return (User.kind == KIND_SUB) & (User.unit_id == user.unit_id)
    return staff_accounts(user) | unit_accounts(user)


def sub_accounts(user) -> ColumnElement[bool]:
    """工作账号: a unit sees its own; a sub-account only itself."""
    if not user.is_authenticated:
        return false()
    if user.is_unit:
        return (User.kind == KIND_SUB) & (User.unit_id == user.unit_id)
    if user.is_sub:
        return User.id == user.id
    return false()


def projects(user) -> ColumnElement[bool]:
    """Units see projects issued by their 归口部门 or a department above it; staff also
    see those issued inside their subtree."""
    if not user.is_authenticated:
        return false()
    if user.is_staff and user.department is not None:
        if user.department.is_root:
            return true()
        return (Project.issuer_id.in_(user.department.ancestor_ids())
                | Project.issuer_id.in_(subtree_ids(user.department)))
    if user.unit is not None:
        return Project.issuer_id.in_(user.unit.department.ancestor_ids())
    if user.is_person:  # those his confirmed unit may apply to
        from zhicheng.persons.membership import confirmed_unit
        unit = confirmed_unit(user)
        if unit is not None:
            return Project.issuer_id.in_(unit.department.ancestor_ids())
    return false()


def managed_projects(user) -> ColumnElement[bool]:
    """Projects a 项目发布 staff member may edit: those of their own department."""
    if not can(user, P.PUBLISH):
        return false()
    return Project.issuer_id == user.department_id


#: States of a material no department sees: the unit's drafts and a 个人申报 before its 上报.
UNSUBMITTED = (MaterialState.DRAFT, MaterialState.PERSON_DRAFT, MaterialState.UNIT_REVIEW,
               MaterialState.PERSON_RETURNED)
#: The others, named one by one: `state IN (…)` reads the state index for the list's count, where
#: `NOT IN` scans it (city data, SQLite: 10.5 against 43 ms for the root office's 200,000 rows).
SUBMITTED_STATES = tuple(s for s in MaterialState if s not in UNSUBMITTED)


def materials(user) -> ColumnElement[bool]:
    """A unit sees all its materials but a person's drafts (a 个人申报 from its 提交 on); a
    sub-account those it created (and only with a material permission); a person his own;
    staff see submitted materials of units in their subtree."""
    if not user.is_authenticated:
        return false()
    if user.is_unit:
        return (Material.unit_id == user.unit_id) & (Material.state != MaterialState.PERSON_DRAFT)
    if user.is_sub:
        return (Material.unit_id == user.unit_id) & (Material.creator_id == user.id)
    if user.is_person:
        return Material.creator_id == user.id
    if user.is_staff and user.department is not None:
        submitted = Material.state.in_(SUBMITTED_STATES)
        if user.department.is_root:
            return submitted
        return submitted & Material.unit_id.in_(
            select(Unit.id).where(Unit.department_id.in_(subtree_ids(user.department))))
    return false()


def review_queue(user) -> ColumnElement[bool]:
    """Materials waiting at the staff member's own department."""
    if not user.is_authenticated or not user.is_staff:
        return false()
    return (Material.state == MaterialState.IN_REVIEW) & (Material.current_department_id == user.department_id)


def attachments(user) -> ColumnElement[bool]:
    """A material's attachments: with the material; an expert those of the materials before him,
    but not an applicant's 身份证照片."""
    if user.is_authenticated and user.is_expert:
        return (Attachment.material_id.in_(select(MeetingMaterial.material_id).where(meeting_materials(user)))
                & (Attachment.kind != ID_PHOTO_KIND))
    return _of_readable_material(user, Attachment)


def _readable_materials(user) -> ColumnElement[bool]:
    """materials(), and for a 职能部门 reviewer also the 个人申报 waiting for his sign-off."""
    if user.is_authenticated and user.is_sub:
        return materials(user) | signoff_materials(user)
    return materials(user)


def _of_readable_material(user, model) -> ColumnElement[bool]:
    """Rows of `model` whose material (`model.material_id`) the user may read: EXISTS on that
    material by its primary key. (`material_id IN (the readable materials)` made SQLite list all
    of them, a district's 10,000, to show one material's 审核记录: 5 ms a page.)"""
    return (select(Material.id).where(Material.id == model.material_id, _readable_materials(user))
            .correlate(model).exists())


def review_records(user) -> ColumnElement[bool]:
    return _of_readable_material(user, ReviewRecord)


def print_templates(user) -> ColumnElement[bool]:
    """打印模板: those of the staff member's own office (department), shared by its staff."""
    if not user.is_authenticated or not user.is_staff or user.department_id is None:
        return false()
    return PrintTemplate.department_id == user.department_id


def export_jobs(user) -> ColumnElement[bool]:
    if not user.is_authenticated:
        return false()
    return ExportJob.user_id == user.id


# --- 评审 ---------------------------------------------------------------------------------

def boards(user) -> ColumnElement[bool]:
    """评委会 formed by the staff member's department or one below it (the root office: all)."""
    if not user.is_authenticated or not user.is_staff or user.department is None:
        return false()
    if user.department.is_root:
        return true()
    return ReviewBoard.department_id.in_(subtree_ids(user.department))


def board_directory(user) -> ColumnElement[bool]:
    """评委会 as a dictionary of the root office: every staff member reads the whole list."""
    return true() if user.is_authenticated and user.is_staff else false()


def dictionaries(user) -> ColumnElement[bool]:
    """字典管理 (every dictionary, zhicheng.codes): every staff member reads the whole list."""
    return true() if user.is_authenticated and user.is_staff else false()


def unit_codes(user) -> ColumnElement[bool]:
    """单位字典: the entries of units under the staff member's department and its sub-departments
    (the root office: all)."""
    if not user.is_authenticated or not user.is_staff or user.department is None:
        return false()
    if user.department.is_root:
        return true()
    return UnitCode.department_id.in_(subtree_ids(user.department))


def code_updates(user) -> ColumnElement[bool]:
    """接收更新代码 uploads: the root office's 字典维护 staff, who alone apply them."""
    return true() if can(user, P.ROOT_DICT) else false()


def group_directory(user) -> ColumnElement[bool]:
    """学科组 of the 评委会 dictionary: every staff member reads them."""
    return true() if user.is_authenticated and user.is_staff else false()


def managed_meetings(user) -> ColumnElement[bool]:
    """评审会议 a 管理员 runs: those of the 评委会 formed in his subtree."""
    return Meeting.board_id.in_(select(ReviewBoard.id).where(managed_boards(user)))


def managed_boards(user) -> ColumnElement[bool]:
    """评委会 whose 专家库 and meetings a 管理员 runs: those of his subtree."""
    if not can(user, P.BOARD_MANAGE):
        return false()
    return boards(user)


def subject_groups(user) -> ColumnElement[bool]:
    return SubjectGroup.board_id.in_(select(ReviewBoard.id).where(boards(user)))


def _own_open_members(user, column=MeetingMember.id):
    """Select of the expert's memberships in meetings that are not closed: after closing he sees
    nothing of them."""
    return (select(column)
            .join(Expert, Expert.id == MeetingMember.expert_id)
            .join(Meeting, Meeting.id == MeetingMember.meeting_id)
            .where(Expert.user_id == user.id, Meeting.state != MeetingState.CLOSED))


def experts(user) -> ColumnElement[bool]:
    """A 管理员 sees the 专家库 of his subtree's departments; an expert only his own profile."""
    if not user.is_authenticated:
        return false()
    if user.is_expert:
        return Expert.user_id == user.id
    if not can(user, P.BOARD_MANAGE):
        return false()
    if user.department.is_root:
        return true()
    return Expert.department_id.in_(subtree_ids(user.department))


def meetings(user) -> ColumnElement[bool]:
    """Staff: the meetings of the 评委会 they see; an expert: the open meetings he was drawn for."""
    if not user.is_authenticated:
        return false()
    if user.is_expert:
        return Meeting.id.in_(_own_open_members(user, MeetingMember.meeting_id))
    return Meeting.board_id.in_(select(ReviewBoard.id).where(boards(user)))


def meeting_members(user) -> ColumnElement[bool]:
    """Staff: the members of the meetings they see; an expert: his own memberships while open."""
    if not user.is_authenticated:
        return false()
    if user.is_expert:
        return MeetingMember.id.in_(_own_open_members(user))
    return MeetingMember.meeting_id.in_(select(Meeting.id).where(meetings(user)))


def meeting_materials(user) -> ColumnElement[bool]:
    """Staff: the materials of the meetings they see. An expert (回避): never a material of his own
    unit nor one he declared a conflict for; those of his 学科组 while the meeting is open, and every
    other one while it votes (the whole 评委会 votes on every material)."""
    if not user.is_authenticated:
        return false()
    if not user.is_expert:
        return MeetingMaterial.meeting_id.in_(select(Meeting.id).where(meetings(user)))

    def own(*columns, voting_only=False):
        stmt = (select(*columns).join(Expert, Expert.id == MeetingMember.expert_id)
                .join(Meeting, Meeting.id == MeetingMember.meeting_id).where(Expert.user_id == user.id))
        return stmt.where(Meeting.state == MeetingState.VOTING if voting_only else Meeting.state != MeetingState.CLOSED)

    # Plain IN / NOT IN on indexed columns (no EXISTS joined to the materials): the planner
    # narrows to the expert's few meetings first, on PostgreSQL as on SQLite.
    own_unit_materials = select(Material.id).where(
        Material.unit_id.in_(select(Expert.unit_id).where(Expert.user_id == user.id, Expert.unit_id.isnot(None))))
    declared = select(ConflictDeclaration.meeting_material_id).where(
        ConflictDeclaration.member_id.in_(own(MeetingMember.id)))
    return ((tuple_(MeetingMaterial.meeting_id, MeetingMaterial.group_id).in_(
                own(MeetingMember.meeting_id, MeetingMember.group_id))
             | MeetingMaterial.meeting_id.in_(own(MeetingMember.meeting_id, voting_only=True)))
            & MeetingMaterial.material_id.not_in(own_unit_materials)
            & MeetingMaterial.id.not_in(declared))


def group_opinions(user) -> ColumnElement[bool]:
    """学科组评议意见: with the meeting's material (staff who see the meeting; the experts it is
    before, the whole 评委会 while it votes); never units or applicants."""
    if not user.is_authenticated or not (user.is_staff or user.is_expert):
        return false()
    return GroupOpinion.meeting_material_id.in_(select(MeetingMaterial.id).where(meeting_materials(user)))


def member_opinions(user) -> ColumnElement[bool]:
    """Members' 评议意见: staff who see the meeting; an expert his own, and as 组长 those of his
    group on the materials before him (while the meeting is open)."""
    if not user.is_authenticated or not (user.is_staff or user.is_expert):
        return false()
    visible = MemberOpinion.meeting_material_id.in_(select(MeetingMaterial.id).where(meeting_materials(user)))
    if user.is_staff:
        return visible
    led = (select(MeetingMember.meeting_id, MeetingMember.group_id)
           .join(Expert, Expert.id == MeetingMember.expert_id)
           .where(Expert.user_id == user.id, MeetingMember.role == MemberRole.LEADER))
    led_materials = select(MeetingMaterial.id).where(
        tuple_(MeetingMaterial.meeting_id, MeetingMaterial.group_id).in_(led))
    return visible & (MemberOpinion.member_id.in_(_own_open_members(user))
                      | MemberOpinion.meeting_material_id.in_(led_materials))


def draw_records(user) -> ColumnElement[bool]:
    """The draw is audited by staff who see the meeting; experts never see it."""
    if not user.is_authenticated or user.is_expert:
        return false()
    return DrawRecord.meeting_id.in_(select(Meeting.id).where(meetings(user)))


def ballot_receipts(user) -> ColumnElement[bool]:
    """Who has voted (never how: ballots are only ever counted): staff who see the meeting."""
    if not user.is_authenticated or user.is_expert:
        return false()
    return BallotReceipt.meeting_material_id.in_(select(MeetingMaterial.id).where(meeting_materials(user)))


def meeting_results(user) -> ColumnElement[bool]:
    """Results (counts only), for staff who see the meeting, and with the material for everyone who
    sees it (接收评审情况: the 职改部门, the unit, its 工作账号); an expert sees nothing of them."""
    if not user.is_authenticated or user.is_expert:
        return false()
    return (MeetingResult.meeting_material_id.in_(select(MeetingMaterial.id).where(meeting_materials(user)))
            | MeetingResult.meeting_material_id.in_(select(MeetingMaterial.id).where(
                MeetingMaterial.material_id.in_(select(Material.id).where(materials(user))))))


def board_transfer(user) -> ColumnElement[bool]:
    """转评委会: materials of the 评审 projects the user's department published that passed 初审."""
    from zhicheng.projects.models import REVIEW_KINDS
    if not user.is_authenticated or not user.is_staff or user.department_id is None:
        return false()
    return materials(user) & (Material.state == MaterialState.APPROVED) & Material.project_id.in_(
        select(Project.id).where(Project.issuer_id == user.department_id, Project.kind.in_(list(REVIEW_KINDS))))


def eligibility_rules(user) -> ColumnElement[bool]:
    """可申报资格表: the root office keeps it; every staff member reads the whole table."""
    return true() if user.is_authenticated and user.is_staff else false()


# --- 个人端 -------------------------------------------------------------------------------

def persons(user) -> ColumnElement[bool]:
    """A 个人用户 sees his own profile; a unit those of the people it has confirmed."""
    if not user.is_authenticated:
        return false()
    if user.is_unit:
        return Person.user_id.in_(select(Membership.user_id).where(
            Membership.unit_id == user.unit_id, Membership.state == "confirmed"))
    if not user.is_person:
        return false()
    return Person.user_id == user.id


def memberships(user) -> ColumnElement[bool]:
    """所属单位 requests: a person his own (his history of units); a unit those addressed to it."""
    if not user.is_authenticated:
        return false()
    if user.is_person:
        return Membership.user_id == user.id
    if user.is_unit:
        return Membership.unit_id == user.unit_id
    return false()


def person_applications(user) -> ColumnElement[bool]:
    """个人申报 a unit reviews: those its confirmed people 提交 to it (never a person's draft)."""
    from zhicheng.accounts.models import KIND_PERSON
    if not user.is_authenticated or not user.is_unit:
        return false()
    return (Material.unit_id == user.unit_id) & (Material.state != MaterialState.PERSON_DRAFT) & (
        Material.creator_id.in_(select(User.id).where(User.kind == KIND_PERSON)))


def signoff_steps(user) -> ColumnElement[bool]:
    """职能部门审核 steps: the unit's own."""
    if not user.is_authenticated or not user.is_unit:
        return false()
    return SignoffStep.unit_id == user.unit_id


def signoff_materials(user) -> ColumnElement[bool]:
    """职能部门审核: a 工作账号 named reviewer of a step sees the unit's 个人申报 while at the unit."""
    if not user.is_authenticated or not user.is_sub:
        return false()
    has_step = select(SignoffStep.unit_id).where(SignoffStep.reviewer_id == user.id, SignoffStep.enabled)
    return ((Material.unit_id == user.unit_id) & Material.unit_id.in_(has_step)
            & (Material.state == MaterialState.UNIT_REVIEW))


def _own_archive(model):
    def predicate(user) -> ColumnElement[bool]:
        if not user.is_authenticated or not user.is_person:
            return false()
        return model.user_id == user.id

    predicate.__name__ = predicate.__qualname__ = f"own_{model.__tablename__}"
    predicate.__doc__ = f"{model.__doc__.strip()} rows of the person's own 档案 (only his)."
    return predicate


person_educations = _own_archive(pm.PersonEducation)
person_works = _own_archive(pm.PersonWork)
person_trainings = _own_archive(pm.PersonTraining)
person_research = _own_archive(pm.PersonResearch)
person_assessments = _own_archive(pm.PersonAssessment)
person_achievements = _own_archive(pm.PersonAchievement)
person_open_lessons = _own_archive(pm.PersonOpenLesson)
person_teachings = _own_archive(pm.PersonTeaching)


# --- 人员基本信息与聘任管理, 结构比例管理 -----------------------------------------------------------

def _people_reach(unit_column, user) -> ColumnElement[bool]:
    """The rows kept for units whose people the user manages: a unit account its own; department
    staff the units registered under their department and its sub-departments; the root office
    every unit. Nobody else (工作账号, persons, experts) sees any."""
    if not user.is_authenticated:
        return false()
    if user.is_unit:
        return unit_column == user.unit_id
    if user.is_staff and user.department is not None:
        if user.department.is_root:
            return true()
        return unit_column.in_(select(Unit.id).where(Unit.department_id.in_(subtree_ids(user.department))))
    return false()


def people_units(user) -> ColumnElement[bool]:
    """Units whose people, 聘任 and 结构比例 the user manages (the unit dropdowns of those pages)."""
    return _people_reach(Unit.id, user)


def person_records(user) -> ColumnElement[bool]:
    """人员基本信息: the people working in the units the user manages."""
    return _people_reach(PersonRecord.unit_id, user)


def appointments(user) -> ColumnElement[bool]:
    """聘任: those made by the units the user manages (a unit keeps the 聘任 of people who left it)."""
    return _people_reach(Appointment.unit_id, user)


def post_quotas(user) -> ColumnElement[bool]:
    """岗位结构比例 of the units the user manages."""
    return _people_reach(PostQuota.unit_id, user)


def person_certificates(user) -> ColumnElement[bool]:
    """Certificates (issued or imported) on the 职称 history of a person the user sees: those
    carrying the 证件号码 of one of his person records."""
    from zhicheng.certificates.models import Certificate
    return Certificate.id_card.in_(select(PersonRecord.id_number).where(person_records(user)))


# --- 评后管理 -------------------------------------------------------------------------------

def publicity_batches(user) -> ColumnElement[bool]:
    """公示 batches: the root office's 评后管理 (审核经办 for 公示/异议/评定, 项目发布 for 发文)."""
    from zhicheng.certificates.models import PublicityBatch
    if not (can(user, P.POST_REVIEW) or can(user, P.CERTIFICATES)):
        return false()
    return PublicityBatch.department_id == user.department_id


def objections(user) -> ColumnElement[bool]:
    """异议 against the batches the user handles."""
    from zhicheng.certificates.models import Objection, PublicityBatch
    if not can(user, P.POST_REVIEW):
        return false()
    return Objection.batch_id.in_(select(PublicityBatch.id).where(publicity_batches(user)))


def certificates(user) -> ColumnElement[bool]:
    """Certificates (issued and imported): the root office's 项目发布 staff."""
    return true() if can(user, P.CERTIFICATES) else false()


def number_rules(user) -> ColumnElement[bool]:
    return true() if can(user, P.CERTIFICATES) else false()


def integrity_records(user) -> ColumnElement[bool]:
    """诚信档案: the root office's 项目发布 staff."""
    return true() if can(user, P.CERTIFICATES) else false()
