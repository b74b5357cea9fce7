"""评委会 and 学科组 (a dictionary of the root office), and the 专家库 kept by each 组建单位.

Every function checks its caller's authority, flushes and writes its audit row, or raises
BoardError with nothing changed; the request or command commits.
"""
from __future__ import annotations

from fractions import Fraction

from sqlalchemy import select

from zhicheng import transaction
from zhicheng.accounts.models import KIND_EXPERT
from zhicheng.accounts.services import AccountError, new_user
from zhicheng.boards.common import BoardError, require_department
from zhicheng.boards.states import DEFAULT_MIN_MEMBERS, DEFAULT_PASS, DEFAULT_QUORUM, LEVEL_LABELS, BoardLevel
from zhicheng.extensions import db
from zhicheng.models import Department, Expert, ReviewBoard, SubjectGroup, SubjectGroupMajor, Unit
from zhicheng.policy import P, require
from zhicheng.system import audit
from zhicheng.validators import ValidationError, check_phone

DICT_MESSAGE = "只有市级职改部门的字典维护人员可以维护评委会和学科组"


def _text(value: str | None, label: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise BoardError(f"请填写{label}")
    return value


def _fraction(value, label: str) -> Fraction:
    """A threshold as an exact fraction in (0, 1]: Fraction(2, 3), (2, 3) or "2/3"."""
    try:
        f = Fraction(*value) if isinstance(value, tuple) else Fraction(value)
    except (TypeError, ValueError, ZeroDivisionError):
        raise BoardError(f"{label}应为分数，如2/3") from None
    if not 0 < f <= 1:
        raise BoardError(f"{label}应大于0且不超过1")
    return f


def _min_members(value, level: BoardLevel) -> int:
    if value is None:
        return DEFAULT_MIN_MEMBERS[level]
    if not isinstance(value, int) or value < 1 or value % 2 == 0:
        raise BoardError("评委会组成人数下限应为正奇数")
    return value


def _board_code(code: str | None, board_id: int | None = None) -> str | None:
    """评委会代码: an entry of the 评委会 dictionary (zhicheng.codes) that no other board carries."""
    from zhicheng.codes.dictionaries import DictionaryError, check_board_code
    try:
        return check_board_code(code, board_id)
    except DictionaryError as e:
        raise BoardError(str(e)) from None


def create_board(actor, name: str, department: Department, level: str, *, series: str = "",
                 scope: str = "", majors: str = "", min_members: int | None = None,
                 quorum=DEFAULT_QUORUM, passing=DEFAULT_PASS, code: str | None = None) -> ReviewBoard:
    """评委会: the composition rule and thresholds default to the national ones for its level;
    `code` is its 评委会代码 in the 评委会 dictionary (none: not yet coded)."""
    require(actor, P.ROOT_DICT, message=DICT_MESSAGE, error=BoardError)
    code = _board_code(code)
    name = _text(name, "评委会名称")
    try:
        level = BoardLevel(level)
    except ValueError:
        raise BoardError(f"评委会级别应为{'或'.join(LEVEL_LABELS.values())}") from None
    if db.session.scalar(select(ReviewBoard.id).where(ReviewBoard.name == name)) is not None:
        raise BoardError(f"评委会“{name}”已存在")
    q, p = _fraction(quorum, "出席比例"), _fraction(passing, "通过比例")
    board = ReviewBoard(name=name, code=code, department_id=department.id, level=level,
                        series=_text(series, "系列", False),
                        scope=_text(scope, "评审范围", False), majors=_text(majors, "评审专业", False),
                        min_members=_min_members(min_members, level), quorum_num=q.numerator,
                        quorum_den=q.denominator, pass_num=p.numerator, pass_den=p.denominator)
    db.session.add(board)
    db.session.flush()
    audit.record("board.create", board, f"新增评委会 {name}（组建单位：{department.name}）", actor=actor)
    return board


def set_board_rule(actor, board: ReviewBoard, *, min_members: int | None = None, quorum=None,
                   passing=None) -> ReviewBoard:
    """Change the composition rule or the thresholds (for meetings not yet closed: results
    already fixed keep the counts they were decided with)."""
    require(actor, P.ROOT_DICT, message=DICT_MESSAGE, error=BoardError)
    if min_members is not None:
        board.min_members = _min_members(min_members, BoardLevel(board.level))
    if quorum is not None:
        q = _fraction(quorum, "出席比例")
        board.quorum_num, board.quorum_den = q.numerator, q.denominator
    if passing is not None:
        p = _fraction(passing, "通过比例")
        board.pass_num, board.pass_den = p.numerator, p.denominator
    db.session.flush()
    audit.record("board.rule", board, f"评委会 {board.name} 组成人数下限{board.min_members}，出席比例"
                 f"{board.quorum_num}/{board.quorum_den}，通过比例{board.pass_num}/{board.pass_den}", actor=actor)
    return board


def _group_fields(board: ReviewBoard, name: str, majors: list[str], group_id: int | None = None):
    """A 学科组's name and its 专业 (each once, in order), or BoardError: no 专业, or the name taken
    by another group of the board (`group_id`: the group being renamed)."""
    name = _text(name, "学科组名称")
    cleaned = list(dict.fromkeys(m.strip() for m in majors or [] if m and m.strip()))
    if not cleaned:
        raise BoardError("请填写学科组涵盖的专业")
    taken = select(SubjectGroup.id).where(SubjectGroup.board_id == board.id, SubjectGroup.name == name)
    if group_id is not None:
        taken = taken.where(SubjectGroup.id != group_id)
    if db.session.scalar(taken) is not None:
        raise BoardError(f"评委会“{board.name}”已有学科组“{name}”")
    return name, cleaned


def add_subject_group(actor, board: ReviewBoard, name: str, majors: list[str]) -> SubjectGroup:
    """学科组 of a 评委会 with the 专业 it covers."""
    require(actor, P.ROOT_DICT, message=DICT_MESSAGE, error=BoardError)
    name, cleaned = _group_fields(board, name, majors)
    group = SubjectGroup(board_id=board.id, name=name,
                         major_rows=[SubjectGroupMajor(major=m) for m in cleaned])
    db.session.add(group)
    db.session.flush()
    audit.record("board.add_group", group, f"评委会 {board.name} 新增学科组 {name}：{'、'.join(cleaned)}",
                 actor=actor)
    return group


def add_expert(actor, department: Department, username: str, real_name: str, major: str, *,
               title: str = "", phone: str = "", unit: Unit | None = None, unit_name: str = "") -> tuple[Expert, str]:
    """An expert of the department's 专家库 and his account (kind 评审专家), with a one-time
    password returned once and changed at first login."""
    require_department(actor, department)
    real_name = _text(real_name, "专家姓名")
    major = _text(major, "专业")
    if phone:
        try:
            phone = check_phone(phone)
        except ValidationError as e:
            raise BoardError(str(e)) from None
    unit_name = (unit_name or "").strip() or (unit.name if unit is not None else "")
    with transaction.atomic():
        try:
            user, otp = new_user(KIND_EXPERT, username, real_name=real_name, phone=phone,
                                 created_by_id=actor.id)
        except AccountError as e:
            raise BoardError(str(e)) from None
        db.session.flush()
        expert = Expert(user_id=user.id, department_id=department.id, major=major, title=_text(title, "职称", False),
                        phone=phone, unit_id=unit.id if unit is not None else None, unit_name=unit_name)
        db.session.add(expert)
        db.session.flush()
        audit.record("expert.create", expert, f"{department.name}专家库新增专家 {real_name}（{major}），账号 {user.username}",
                     actor=actor)
    return expert, otp


def set_expert_active(actor, expert: Expert, active: bool) -> Expert:
    """An inactive expert stays in the 专家库 (and in past meetings) but is not drawn again."""
    require_department(actor, expert.department)
    expert.active = bool(active)
    db.session.flush()
    audit.record("expert.activate" if active else "expert.deactivate", expert,
                 f"{'启用' if active else '停用'}专家 {expert.name}", actor=actor)
    return expert


def update_board(actor, board: ReviewBoard, *, series: str = "", scope: str = "", majors: str = "",
                 enabled: bool = True, min_members: int | None = None, code: str | None = None) -> ReviewBoard:
    """修改评委会: what it publishes (系列, 评审范围, 评审专业), whether it is in use, its composition
    rule, its 评委会代码 (`code` None: as it is; "": none)."""
    require(actor, P.ROOT_DICT, message=DICT_MESSAGE, error=BoardError)
    if code is not None:
        board.code = _board_code(code, board.id)
    board.series = _text(series, "系列", False)
    board.scope = _text(scope, "评审范围", False)
    board.majors = _text(majors, "评审专业", False)
    board.enabled = bool(enabled)
    board.min_members = _min_members(min_members if min_members is not None else board.min_members,
                                     BoardLevel(board.level))
    db.session.flush()
    audit.record("board.update", board, f"修改评委会 {board.name}", actor=actor)
    return board


def update_subject_group(actor, group: SubjectGroup, name: str, majors: list[str]) -> SubjectGroup:
    """修改学科组: its name and the 专业 it covers (past meetings keep the groups they drew)."""
    require(actor, P.ROOT_DICT, message=DICT_MESSAGE, error=BoardError)
    name, cleaned = _group_fields(group.board, name, majors, group.id)
    group.name = name
    kept = {r.major: r for r in group.major_rows}
    group.major_rows = [kept.get(m) or SubjectGroupMajor(major=m) for m in cleaned]
    db.session.flush()
    audit.record("board.update_group", group, f"修改学科组 {name}：{'、'.join(cleaned)}", actor=actor)
    return group
