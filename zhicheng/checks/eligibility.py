"""The 可申报资格表 and the one evaluation of a material against it.

A rule says: 学历 × 现有资格 (or none) × 任职年限 → 可申报资格. A material applying for a 资格名称
that the table names meets it when one active rule of that 资格 has its 学历, its 现有资格 (a rule
without one takes anybody) and enough full years by the end of the project's year: years in the
现有资格 from 取得现有资格时间, or, for a rule without a 现有资格, from 参加工作时间. A 资格名称 the table
does not name is not checked. An applicant who does not meet the table may still apply as 破格
(with a reason), which the reviewer sees; nothing is refused here, the table only warns and flags.

The unit's form and the 个人申报 page ask `evaluate` while the applicant types (through
EligibilityCheckView), the reviewer's lists and details ask `verdict_of` (the lists with the rows they
loaded, zhicheng.checks.review).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import object_session

from zhicheng import transaction
from zhicheng.checks.models import EligibilityRule
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.models import Material
from zhicheng.policy import P, require
from zhicheng.system import audit

#: 破格理由, in characters.
EXCEPTION_REASON_MAX = 500

MET, UNMET, UNCHECKED = "met", "unmet", "unchecked"


class EligibilityError(DomainError):
    pass


@dataclass(frozen=True)
class Facts:
    """What the evaluation reads of a material (or of a form being filled)."""

    qualification: str = ""
    education: str = ""
    current_qualification: str = ""
    current_qualification_date: date | None = None
    work_start_date: date | None = None
    year: int | None = None  # the project's year: years are counted to its 31 December
    exceptional: bool = False
    exception_reason: str = ""


@dataclass(frozen=True)
class Verdict:
    status: str  # MET, UNMET or UNCHECKED
    message: str = ""
    exceptional: bool = False
    exception_reason: str = ""

    @property
    def unmet(self) -> bool:
        return self.status == UNMET

    @property
    def flag(self) -> str:
        """The reviewer's flag: 破格申报 or 不符合申报条件 (empty when nothing to see)."""
        if self.exceptional:
            return "破格申报"
        return "不符合申报条件" if self.unmet else ""


def facts_of(material: Material, year: int | None = None) -> Facts:
    return Facts(qualification=material.qualification or "", education=material.education or "",
                 current_qualification=material.current_qualification or "",
                 current_qualification_date=material.current_qualification_date,
                 work_start_date=material.work_start_date,
                 year=year if year is not None else (material.project.year if material.project else None),
                 exceptional=bool(material.exceptional), exception_reason=material.exception_reason or "")


def full_years(since: date, until: date) -> int:
    years = until.year - since.year - ((until.month, until.day) < (since.month, since.day))
    return max(years, 0)


#: The columns of a material the evaluation reads (besides its project's year).
FACT_COLUMNS = ("qualification", "education", "current_qualification", "current_qualification_date",
                "work_start_date", "exceptional", "exception_reason")
#: Seconds the active rules are reused by a process. A change saved in this process clears them at
#: once; another worker evaluates with the new table within this time.
RULES_TTL = 30.0
_RULES_KEY = "zhicheng.eligibility_rules"


@dataclass(frozen=True)
class Rule:
    """A rule as the evaluation reads it (kept between requests, so not a session's row)."""

    qualification: str
    education: str
    current_qualification: str
    min_years: int
    condition: str


def active_rules() -> list[Rule]:
    """The active rules: every page that shows a verdict reads the whole (small) table, so it is
    kept for RULES_TTL seconds."""
    cache = current_app.extensions if has_app_context() else {}
    hit = cache.get(_RULES_KEY)
    now = time.monotonic()
    if hit is not None and now - hit[0] < RULES_TTL:
        return hit[1]
    rules = [Rule(r.qualification, r.education, r.current_qualification, r.min_years, r.condition)
             for r in db.session.scalars(select(EligibilityRule).where(EligibilityRule.active.is_(True))
                                         .order_by(EligibilityRule.qualification, EligibilityRule.min_years,
                                                   EligibilityRule.id))]
    if has_app_context():
        cache[_RULES_KEY] = (now, rules)
    return rules


def _forget_rules() -> None:
    if has_app_context():
        current_app.extensions.pop(_RULES_KEY, None)


@event.listens_for(EligibilityRule, "after_insert")
@event.listens_for(EligibilityRule, "after_update")
@event.listens_for(EligibilityRule, "after_delete")
def _rules_changed(mapper, connection, target):
    # At the flush, and again after the commit (another thread may have read the old table between).
    _forget_rules()
    session = object_session(target)
    if session is not None:
        session.info["zhicheng.eligibility_changed"] = True


@event.listens_for(db.session, "after_commit")
@event.listens_for(db.session, "after_rollback")
def _forget_rules_after_commit(session):
    if session.info.pop("zhicheng.eligibility_changed", False):
        _forget_rules()


def evaluate(facts: Facts, rules: list[Rule] | None = None, today: date | None = None) -> Verdict:
    """The one evaluation: MET, UNMET (with what the table asks and what the material has) or
    UNCHECKED (no 资格名称 yet, or one the table does not name)."""
    rules = active_rules() if rules is None else rules
    target = (facts.qualification or "").strip()
    mine = [r for r in rules if r.qualification == target] if target else []
    extra = {"exceptional": facts.exceptional, "exception_reason": facts.exception_reason}
    if not mine:
        return Verdict(UNCHECKED, **extra)
    until = date(facts.year, 12, 31) if facts.year else (today or date.today())
    education = (facts.education or "").strip()
    current = (facts.current_qualification or "").strip()
    for rule in mine:
        if rule.education != education:
            continue
        if rule.current_qualification and rule.current_qualification != current:
            continue
        since = facts.current_qualification_date if rule.current_qualification else facts.work_start_date
        if since is not None and full_years(since, until) >= rule.min_years:
            return Verdict(MET, f"符合可申报资格表：{rule.condition}，可申报{target}", **extra)
    wanted = "；".join(r.condition for r in mine)
    have = [f"学历{education or '未填写'}"]
    obtained = facts.current_qualification_date
    if current and obtained:
        have.append(f"现有资格{current}（取得于{obtained:%Y-%m-%d}，截至{until.year}年底满{full_years(obtained, until)}年）")
    elif current:
        have.append(f"现有资格{current}（未填写取得时间）")
    else:
        have.append("无现有资格")
    if facts.work_start_date:
        have.append(f"参加工作满{full_years(facts.work_start_date, until)}年")
    return Verdict(UNMET, f"不符合可申报资格表：申报{target}须具备以下条件之一：{wanted}。当前：{'，'.join(have)}。",
                   **extra)


def verdict_of(material: Material) -> Verdict:
    return evaluate(facts_of(material))


def check_exception(exceptional: bool, reason: str) -> str:
    """破格申报 needs a reason (at most EXCEPTION_REASON_MAX characters); the reason cleaned."""
    reason = (reason or "").strip()
    if exceptional and not reason:
        raise EligibilityError("勾选“破格申报”时请填写破格理由")
    if len(reason) > EXCEPTION_REASON_MAX:
        raise EligibilityError(f"破格理由不超过{EXCEPTION_REASON_MAX}字")
    return reason if exceptional else ""


def exception_note(material: Material) -> str:
    """What the 审核记录 says of a 破格 application when it is submitted ("" when it is not one)."""
    if not material.exceptional:
        return ""
    return f"破格申报，理由：{material.exception_reason}"


# --- the table, kept by the root office ----------------------------------------------------------

def save_rule(user, rule: EligibilityRule | None, *, qualification: str, education: str,
              current_qualification: str = "", min_years, note: str = "", active: bool = True) -> EligibilityRule:
    """新增 / 修改 a row of the 可申报资格表 (字典维护 of the root office)."""
    require(user, P.ROOT_DICT, error=EligibilityError)
    qualification, education = (qualification or "").strip(), (education or "").strip()
    current_qualification, note = (current_qualification or "").strip(), (note or "").strip()
    if not qualification:
        raise EligibilityError("请选择可申报资格")
    if not education:
        raise EligibilityError("请选择学历")
    if current_qualification == qualification:
        raise EligibilityError("现有资格不能与可申报资格相同")
    try:
        years = int(str(min_years).strip())
    except (TypeError, ValueError):
        raise EligibilityError("任职年限请填写0至60之间的整数") from None
    if not 0 <= years <= 60:
        raise EligibilityError("任职年限请填写0至60之间的整数")
    if len(qualification) > 100 or len(current_qualification) > 100 or len(education) > 50 or len(note) > 200:
        raise EligibilityError("填写的内容过长（资格名称不超过100字，学历不超过50字，备注不超过200字）")
    with transaction.atomic():
        clash = db.session.scalar(select(EligibilityRule.id).where(
            EligibilityRule.qualification == qualification, EligibilityRule.education == education,
            EligibilityRule.current_qualification == current_qualification,
            EligibilityRule.id != (rule.id if rule is not None else 0)))
        if clash is not None:
            raise EligibilityError(f"可申报资格表中已有“{education}、{current_qualification or '不限现有资格'} → "
                                   f"{qualification}”一行，请修改该行")
        created = rule is None
        if created:
            rule = EligibilityRule()
            db.session.add(rule)
        rule.qualification, rule.education, rule.current_qualification = qualification, education, current_qualification
        rule.min_years, rule.note, rule.active = years, note, bool(active)
        db.session.flush()
        audit.record(f"eligibility.{'create' if created else 'update'}", rule,
                     f"{'新增' if created else '修改'}可申报资格表：{rule}", actor=user)
    return rule


def delete_rule(user, rule: EligibilityRule) -> None:
    require(user, P.ROOT_DICT, error=EligibilityError)
    with transaction.atomic():
        audit.record("eligibility.delete", rule, f"删除可申报资格表：{rule}", actor=user)
        db.session.delete(rule)
        db.session.flush()
