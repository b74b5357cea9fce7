"""Every change of state of a material, and nothing else.

Each function checks who acts and, in zhicheng.materials.states.TRANSITIONS, from which states
its step may start and where it leads; it writes the 审核记录 row (zhicheng.review.records) and
the audit row in one SAVEPOINT (zhicheng.transaction.atomic), so a refusal part-way through a
batch (WorkflowError, with a message for the user) leaves every material as it was; the request
commits.
State changes are conditional UPDATEs on the row's version, so when two reviewers act on
one material at once exactly one succeeds and the other is told it was already handled.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.orm.attributes import set_committed_value

from zhicheng import scope, transaction
from zhicheng.accounts.models import KIND_PERSON
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.materials import states
from zhicheng.models import Department, Material, ReviewRecord, Unit, User
from zhicheng.models import MaterialState as S
from zhicheng.policy import P, require
from zhicheng.review.records import add_record, now, with_exception
from zhicheng.system import audit
from zhicheng.validators import ValidationError, check_phone

ALREADY_HANDLED = "该材料已被他人处理或状态已改变，请刷新后查看"


class WorkflowError(DomainError):
    pass


def _move(material: Material, **values) -> None:
    """Conditional update: only if nobody changed the row since we loaded it."""
    result = db.session.execute(
        update(Material)
        .where(Material.id == material.id, Material.version == material.version)
        .values(version=Material.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise WorkflowError(f"材料{material.number}：{ALREADY_HANDLED}")
    # The row changed behind the session's back: the object reloads it when next read.
    db.session.expire(material)


def _move_all(materials: list[Material], **values) -> None:
    """_move for several materials in one statement: all of them unchanged since they were read,
    or none is moved."""
    if not materials:
        return
    pairs = [(m.id, m.version) for m in materials]
    result = db.session.execute(
        update(Material)
        .where(tuple_(Material.id, Material.version).in_(pairs))
        .values(version=Material.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != len(pairs):
        which = materials[0].number if len(pairs) == 1 else f"{materials[0].number}等{len(pairs)}份"
        raise WorkflowError(f"材料{which}：{ALREADY_HANDLED}")
    for m, (_, version) in zip(materials, pairs):  # the values the rows now have, without reading them again
        for key, value in values.items():
            set_committed_value(m, key, value)
        set_committed_value(m, "version", version + 1)


def _load_visible(user, ids, extra=None) -> list[Material]:
    try:
        ids = [int(i) for i in ids]
    except (TypeError, ValueError):
        raise WorkflowError("所选材料不存在或无权操作") from None
    stmt = select(Material).where(Material.id.in_(ids), scope.materials(user))
    if extra is not None:
        stmt = stmt.where(extra)
    found = list(db.session.scalars(stmt.order_by(Material.id)))
    if len(found) != len(set(ids)):
        raise WorkflowError("所选材料不存在或无权操作")
    return found



# --- unit side -------------------------------------------------------------------------

def ensure_editable(material: Material) -> None:
    if not material.editable:
        raise WorkflowError(f"材料{material.number}状态为“{material.state_label}”，已上报的材料不可修改或删除")


def submit_materials(user, ids, operator_name: str, operator_phone: str, today: date | None = None) -> list[Material]:
    """上报: drafts and returned materials go to the unit's 归口部门."""
    require(user, P.SUBMIT, error=WorkflowError)
    operator_name = (operator_name or "").strip()
    if not operator_name:
        raise WorkflowError("请填写操作人姓名")
    try:
        phone = check_phone(operator_phone)  # a mobile or a landline with its area code (0571-88888888)
    except ValidationError as e:
        raise WorkflowError(str(e)) from None
    if not ids:
        raise WorkflowError("请先勾选要上报的材料")

    with transaction.atomic():
        materials = _load_visible(user, ids)
        unit = db.session.get(Unit, user.unit_id)
        dept = unit.department
        for m in materials:
            if not states.may("submit", m.state):
                raise WorkflowError(f"材料{m.number}（{m.name}）状态为“{m.state_label}”，不能上报")
            if m.state == S.UNIT_REVIEW:  # a 个人申报: 单位意见 and every 职能部门 sign-off first
                from zhicheng.persons.applications import ApplicationError, check_ready
                try:
                    check_ready(m)
                except ApplicationError as e:
                    raise WorkflowError(str(e)) from None
            if m.project.issuer_id not in dept.ancestor_ids():
                raise WorkflowError(f"材料{m.number}所属项目不由本单位归口部门或其上级发布，不能上报")
            # A returned material may go back even after the window: the department asked for it.
            if m.state in (S.DRAFT, S.UNIT_REVIEW) and not m.project.is_open(today):
                raise WorkflowError(
                    f"项目“{m.project.name}”申报时间为{m.project.start_date}至{m.project.end_date}，当前不在申报时间内，不能上报")
            at = now()
            after = states.target("submit")
            _move(m, state=after, current_department_id=dept.id, submitted_at=at,
                  submitter_name=operator_name, submitter_phone=phone)
            add_record(m, "submit", user, after, department_id=None, to_department_id=dept.id,
                       reason=with_exception(m, f"操作人：{operator_name}，联系电话：{phone}"))
            audit.record("material.submit", m, f"{m.number} 上报至 {dept.name}", actor=user)
        return materials


def delete_materials(user, ids) -> int:
    """删除: only drafts that were never submitted... or came back; anything in review or approved is refused."""
    require(user, P.FILL, error=WorkflowError)

    with transaction.atomic():
        materials = _load_visible(user, ids)
        for m in materials:
            if m.state != S.DRAFT or m.review_records:
                raise WorkflowError(f"材料{m.number}（{m.name}）已上报过，不可删除")
        from zhicheng import storage
        stored = [a.stored_name for m in materials for a in m.attachments]
        for m in materials:
            audit.record("material.delete", m, f"{m.number} {m.name}", actor=user)
            db.session.delete(m)
        db.session.flush()
        transaction.after_commit(lambda: [storage.delete(name) for name in stored])
        return len(materials)


def change_department(user, new_department_id: int) -> int:
    """修改归口部门: every material of the unit under review (at any level) or returned goes
    back to 待上报 at once; approved ones stay approved. A 个人申报 among them goes back to 单位审核中
    instead (still the person's, for the unit to 上报 again or return to him); one still with the
    person or the unit is left alone. Returns how many went back."""
    require(user, P.UNIT, message="只有单位用户可以修改归口部门", error=WorkflowError)

    with transaction.atomic():
        unit = db.session.get(Unit, user.unit_id)
        new = db.session.get(Department, int(new_department_id)) if new_department_id else None
        if new is None or new.is_root or not new.accepts_registration:
            raise WorkflowError("请选择有效的归口部门")
        if new.id == unit.department_id:
            raise WorkflowError("新归口部门与当前归口部门相同")
        clash = db.session.scalar(select(Unit.id).where(Unit.uscc == unit.uscc, Unit.department_id == new.id))
        if clash:
            raise WorkflowError(f"本机构代码已在“{new.name}”注册过单位，不能重复")
        old = unit.department
        moved = list(db.session.scalars(select(Material).where(
            Material.unit_id == unit.id, Material.state.in_(states.sources("change_department")))))
        persons = set(db.session.scalars(select(User.id).where(
            User.id.in_({m.creator_id for m in moved}), User.kind == KIND_PERSON))) if moved else set()
        for m in moved:
            taken_from = m.current_department_id
            after = states.target("change_department", person=m.creator_id in persons)
            _move(m, state=after, current_department_id=None)
            reason = f"单位修改归口部门：{old.name} → {new.name}，材料退回{states.STATES[after].label}"
            add_record(m, "change_department", user, after, department_id=taken_from, reason=reason)
        reason = f"单位修改归口部门：{old.name} → {new.name}"
        unit.department_id = new.id
        audit.record("unit.change_department", unit, f"{reason}；退回材料{len(moved)}份", actor=user)
        return len(moved)


# --- 个人申报: the person and his unit --------------------------------------------------------

def person_submit(user, material: Material) -> None:
    """提交单位: the person's application goes to his unit (the caller checked the membership)."""
    require(user, P.PERSON, error=WorkflowError)
    with transaction.atomic():
        if material.creator_id != user.id:
            raise WorkflowError("所选材料不存在或无权操作")
        if not states.may("person_submit", material.state):
            raise WorkflowError(f"材料{material.number}状态为“{material.state_label}”，不能提交")
        after = states.target("person_submit")
        unit_name = material.unit.name
        _move(material, state=after, current_department_id=None, unit_opinion="", unit_opinion_at=None)
        add_record(material, "person_submit", user, after, reason=with_exception(material, f"提交至{unit_name}"))
        audit.record("material.person_submit", material, f"{material.number} 提交至 {unit_name}", actor=user)


def unit_return(user, ids, reason: str) -> list[Material]:
    """退回个人: the unit sends a 个人申报 back to the person with a required reason; the 职能部门
    answers of this round are cleared (the 审核记录 keeps them)."""
    from zhicheng.persons.models import Signoff
    require(user, P.PERSON_REVIEW, error=WorkflowError)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("请填写退回原因")
    if not ids:
        raise WorkflowError("请先勾选要退回的材料")
    with transaction.atomic():
        try:
            wanted = [int(i) for i in ids]
        except (TypeError, ValueError):
            raise WorkflowError("所选材料不存在或无权操作") from None
        materials = list(db.session.scalars(select(Material).where(
            Material.id.in_(wanted), scope.person_applications(user)).order_by(Material.id)))
        if len(materials) != len(set(wanted)):
            raise WorkflowError("所选材料不存在或无权操作")
        for m in materials:
            if not states.may("unit_return", m.state):
                raise WorkflowError(f"材料{m.number}（{m.name}）状态为“{m.state_label}”，{ALREADY_HANDLED}")
            after = states.target("unit_return")
            _move(m, state=after, current_department_id=None)
            db.session.execute(delete(Signoff).where(Signoff.material_id == m.id).execution_options(
                synchronize_session=False))
            add_record(m, "unit_return", user, after, reason=reason)
            audit.record("material.unit_return", m, f"{m.number} 退回个人：{reason}", actor=user)
        return materials


def sign_off(user, material: Material, step, result: str, opinion: str) -> None:
    """职能部门审核: the step's reviewer answers (同意 / 不同意 with an opinion); a 审核记录 row."""
    from zhicheng.persons.models import SIGNOFF_LABELS, Signoff, SignoffResult
    require(user, P.SIGNOFF, material, error=WorkflowError)
    opinion = (opinion or "").strip()
    if result not in SignoffResult.__members__.values():
        raise WorkflowError("请选择审核结果")
    if result == SignoffResult.DISAGREE and not opinion:
        raise WorkflowError("不同意时请填写审核意见")
    if len(opinion) > 500:
        raise WorkflowError("审核意见不能超过500字")
    with transaction.atomic():
        if step.reviewer_id != user.id or step.unit_id != material.unit_id or not step.enabled:
            raise WorkflowError("该审核事项不由您负责")
        if not states.may("signoff", material.state):
            raise WorkflowError(f"材料{material.number}状态为“{material.state_label}”，{ALREADY_HANDLED}")
        if db.session.scalar(select(Signoff.id).where(Signoff.material_id == material.id,
                                                       Signoff.step_id == step.id)) is not None:
            raise WorkflowError(f"材料{material.number}的{step.office}{step.name}审核已完成")
        _move(material)  # the same state; the version tells a concurrent 退回 or second answer
        db.session.add(Signoff(material_id=material.id, step_id=step.id, result=result, opinion=opinion,
                               actor_id=user.id, at=now()))
        text = f"{step.office}·{step.name}：{SIGNOFF_LABELS[result]}" + (f"。{opinion}" if opinion else "")
        add_record(material, "signoff", user, states.target("signoff"), reason=text)
        audit.record("material.signoff", material, f"{material.number} {text}", actor=user)
        db.session.flush()


# --- department side -------------------------------------------------------------------

def _waiting_here(user, ids, action: str) -> list[Material]:
    materials = _load_visible(user, ids)
    for m in materials:
        if not states.may(action, m.state):
            raise WorkflowError(f"材料{m.number}（{m.name}）状态为“{m.state_label}”，{ALREADY_HANDLED}")
        if m.current_department_id != user.department_id:
            raise WorkflowError(f"材料{m.number}（{m.name}）当前不在本部门审核，{ALREADY_HANDLED}")
    return materials


#: 审核意见 written with 通过, in characters.
OPINION_MAX = 500


def pass_materials(user, ids, opinion: str = "") -> list[Material]:
    """通过: to the parent department, or to 审核通过 when this department issued the project. The
    optional 审核意见 is the record's text; the printed form shows it in this department's box."""
    require(user, P.REVIEW, error=WorkflowError)
    opinion = (opinion or "").strip()
    if len(opinion) > OPINION_MAX:
        raise WorkflowError(f"审核意见不超过{OPINION_MAX}字")
    if not ids:
        raise WorkflowError("请先勾选要审核的材料")
    said = f"，审核意见：{opinion}" if opinion else ""

    with transaction.atomic():
        materials = _waiting_here(user, ids, "pass")
        dept = user.department
        for m in materials:
            if m.project.issuer_id == dept.id:
                if not states.may("approve", m.state):
                    raise WorkflowError(f"材料{m.number}（{m.name}）状态为“{m.state_label}”，{ALREADY_HANDLED}")
                _move(m, state=states.target("approve"), current_department_id=None, approved_at=now())
                add_record(m, "approve", user, states.target("approve"), department_id=dept.id, reason=opinion)
                audit.record("material.approve", m, f"{m.number} 审核通过{said}", actor=user)
            else:
                if dept.parent_id is None:
                    raise WorkflowError(f"材料{m.number}的项目发布部门不在本部门之上，无法上报")
                _move(m, state=states.target("pass"), current_department_id=dept.parent_id)
                add_record(m, "pass", user, states.target("pass"), department_id=dept.id,
                           to_department_id=dept.parent_id, reason=opinion)
                audit.record("material.pass", m, f"{m.number} 通过，上报至 {dept.parent.name}{said}", actor=user)
        return materials


def return_materials(user, ids, reason: str) -> list[Material]:
    """退回: back to the unit with a required reason."""
    require(user, P.RETURN, error=WorkflowError)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("请填写退回理由")
    if not ids:
        raise WorkflowError("请先勾选要退回的材料")

    from zhicheng.checks.changes import take_snapshot
    with transaction.atomic():
        materials = _waiting_here(user, ids, "return")
        for m in materials:
            _move(m, state=states.target("return"), current_department_id=None)
            record = add_record(m, "return", user, states.target("return"), department_id=user.department_id,
                                reason=reason)
            take_snapshot(m, record)  # what the reviewer compares the resubmitted material with
            audit.record("material.return", m, f"{m.number} 退回：{reason}", actor=user)
        return materials


# --- 录入高中级申报信息 (zhicheng.declare) ----------------------------------------------------------

def enter_material(user, material: Material) -> None:
    """部门录入: the draft a department has just typed in for an applicant of one of its units, from
    the 评审简表 the unit handed in on paper, starts where the paper is: 审核中 at this department
    (its 待审核材料), as if the unit had 上报 it here. From there it goes on like any other: 通过 up
    the chain to the issuing department, or 退回 to the unit, which may correct it and 上报 it."""
    require(user, P.REVIEW, error=WorkflowError)
    with transaction.atomic():
        dept = user.department
        unit = material.unit
        if (material.creator_id != user.id or material.review_records
                or dept.id not in unit.department.ancestor_ids()):
            raise WorkflowError("所选材料不存在或无权操作")
        if not states.may("enter", material.state):
            raise WorkflowError(f"材料{material.number}状态为“{material.state_label}”，不能录入")
        if material.project.issuer_id not in dept.ancestor_ids():
            raise WorkflowError(f"项目“{material.project.name}”不由本部门或上级部门发布，不能录入")
        after = states.target("enter")
        _move(material, state=after, current_department_id=dept.id, submitted_at=now(),
              submitter_name=user.display_name, submitter_phone="")
        add_record(material, "enter", user, after, department_id=dept.id, to_department_id=dept.id,
                   reason=f"{dept.name}依据{unit.name}报送的纸质评审简表录入")
        audit.record("material.enter", material, f"{material.number} {material.name} 由{dept.name}录入", actor=user)


# --- 评审: 转评委会 and 接收评审情况 -------------------------------------------------------------

def transfer_to_board(user, ids) -> list[Material]:
    """转评委会: the 职改部门 that published a 评审 project sends what passed 初审 (and the exam, when
    the project requires one) to the project's 评委会; all or nothing. A duplicate application of
    the same 证件号码 and year waits until resolved (zhicheng.checks.duplicates)."""
    from zhicheng.checks.duplicates import DuplicateError
    from zhicheng.checks.duplicates import check_transfer as check_duplicates
    from zhicheng.projects.exams import exam_passed
    require(user, P.REVIEW, error=WorkflowError)
    if not ids:
        raise WorkflowError("请先勾选要转评委会的材料")
    with transaction.atomic():
        materials = _load_visible(user, ids)
        for m in materials:
            if not m.project.is_review:
                raise WorkflowError(f"材料{m.number}（{m.name}）不是评审类项目的材料，无需转评委会")
            if m.project.issuer_id != user.department_id:
                raise WorkflowError(f"材料{m.number}（{m.name}）的项目不由本部门发布，不能转评委会")
            if not states.may("to_board", m.state):
                raise WorkflowError(f"材料{m.number}（{m.name}）状态为“{m.state_label}”，不能转评委会")
            if m.project.requires_exam and not exam_passed(m):
                raise WorkflowError(f"材料{m.number}（{m.name}）没有考试合格成绩，不能转评委会")
            try:
                check_duplicates(m)
            except DuplicateError as e:
                raise WorkflowError(str(e)) from None
            after = states.target("to_board")
            _move(m, state=after, current_department_id=None)
            add_record(m, "to_board", user, after, department_id=user.department_id, reason="转评委会评审")
            audit.record("material.to_board", m, f"{m.number} 转评委会", actor=user)
        return materials


def record_board_result(material: Material, passed: bool, counts: str, actor=None) -> None:
    """接收评审情况: a closed meeting's result for one material (record_board_results)."""
    record_board_results([(material, passed, counts)], actor)


def record_board_results(results, actor=None) -> None:
    """接收评审情况: a closed meeting's results ((material, passed, counts) each), each in its
    material's 审核记录 (with the counts) where the 职改部门, the unit and the applicant read it. All
    or none: a material not 评审中, or changed since it was read, refuses the whole meeting's."""
    moves = []
    for material, passed, counts in results:
        action = "board_pass" if passed else "board_fail"
        if not states.may(action, material.state):
            raise WorkflowError(f"材料{material.number}状态为“{material.state_label}”，不能记录评审结果")
        moves.append((material, action, counts))
    with transaction.atomic():  # the passed ones' UPDATE undone when the failed ones' is refused
        for action in ("board_pass", "board_fail"):
            _move_all([m for m, a, _ in moves if a == action], state=states.target(action))
        at = now()
        actor_id, actor_name = getattr(actor, "id", None), getattr(actor, "display_name", "评委会")
        if moves:
            db.session.execute(insert(ReviewRecord), [
                dict(material_id=m.id, action=action, department_id=None, to_department_id=None, actor_id=actor_id,
                     actor_name=actor_name, reason=counts, state_after=states.target(action), at=at)
                for m, action, counts in moves])
    from zhicheng.persons import notify
    notify.materials_moved(moves)


# --- 评后管理: 公示, 异议成立, 评定 (zhicheng.certificates runs the batches) -------------------------

def publicize(user, material: Material, batch_title: str) -> None:
    """A passed result joins a 公示 batch: 评审通过 of a 评审 project, 审核通过 of an 初定/认定 one."""
    require(user, P.POST_REVIEW, error=WorkflowError)
    passed = S.BOARD_PASSED if material.project.is_review else S.APPROVED
    if material.state != passed or not states.may("publicize", material.state):
        raise WorkflowError(f"材料{material.number}（{material.name}）状态为“{material.state_label}”，"
                            f"只有{states.STATE_LABELS[passed]}的结果可以公示")
    after = states.target("publicize")
    _move(material, state=after)
    add_record(material, "publicize", user, after, department_id=user.department_id, reason=f"列入公示：{batch_title}")


def revoke_result(user, material: Material, reason: str) -> None:
    """异议成立: the result on 公示 is revoked; the reason is in the 审核记录 the unit reads."""
    require(user, P.POST_REVIEW, error=WorkflowError)
    if not states.may("revoke_result", material.state):
        raise WorkflowError(f"材料{material.number}（{material.name}）状态为“{material.state_label}”，{ALREADY_HANDLED}")
    after = states.target("revoke_result")
    _move(material, state=after)
    add_record(material, "revoke_result", user, after, department_id=user.department_id, reason=reason)
    audit.record("material.revoke_result", material, f"{material.number} 异议成立，撤销结果：{reason}", actor=user)


def certify(user, material: Material, batch_title: str) -> None:
    """评定: after a clean 公示 the result is final."""
    require(user, P.POST_REVIEW, error=WorkflowError)
    if not states.may("certify", material.state):
        raise WorkflowError(f"材料{material.number}（{material.name}）状态为“{material.state_label}”，{ALREADY_HANDLED}")
    after = states.target("certify")
    _move(material, state=after)
    add_record(material, "certify", user, after, department_id=user.department_id, reason=f"公示期满无异议，评定：{batch_title}")
