"""考试成绩 of 评审 projects: imported by 身份证号 from an .xlsx (bad rows refused, good rows kept,
a report per row); a material of a project that requires the exam goes to the 评委会 only with a pass."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.policy import P, require
from zhicheng.projects.models import ExamScore, Project
from zhicheng.system import audit
from zhicheng.validators import ValidationError, check_id_card, not_repeated, refuse_row

EXAM_HEADER = ("身份证号", "姓名", "成绩", "是否合格")
PASS_WORDS = {"合格": True, "是": True, "通过": True, "不合格": False, "否": False, "未通过": False}


class ExamError(DomainError):
    pass


def exam_projects(user) -> list[Project]:
    """The projects whose scores this user may import: his department's projects that require one."""
    return list(db.session.scalars(select(Project).where(
        Project.issuer_id == user.department_id, Project.requires_exam).order_by(Project.id.desc())))


def import_scores(actor, project: Project, rows) -> list[dict]:
    """`rows` are (row number, 身份证号, 姓名, 成绩, 是否合格); one report entry per row. A row with a bad
    身份证号, a missing or unknown 是否合格, or a number seen earlier in the file is refused; a
    number already imported is updated."""
    require(actor, P.PUBLISH, error=ExamError)
    if project.issuer_id != actor.department_id or not project.requires_exam:
        raise ExamError("只能为本部门发布、需要考试的项目导入考试成绩")
    existing = {s.id_card: s for s in db.session.scalars(select(ExamScore).where(ExamScore.project_id == project.id))}
    seen: dict[str, int] = {}
    report, now = [], datetime.now()
    for line, raw_card, raw_name, raw_score, raw_pass in rows:
        entry = {"line": line, "id_card": str(raw_card or "").strip(), "name": str(raw_name or "").strip()[:50],
                 "score": str(raw_score if raw_score is not None else "").strip()[:20]}
        try:
            card = check_id_card(entry["id_card"])
            verdict = PASS_WORDS.get(str(raw_pass or "").strip())
            if verdict is None:
                raise ValidationError("“是否合格”应填写“合格”或“不合格”")
            not_repeated(seen, card, "身份证号")
        except ValidationError as e:
            refuse_row(report, entry, e)
            continue
        seen[card] = line
        row = existing.get(card)
        if row is None:
            row = existing[card] = ExamScore(project_id=project.id, id_card=card)
            db.session.add(row)
            entry.update(status="added", reason="")
        else:
            entry.update(status="updated", reason="已有该身份证号的成绩，已按文件更新")
        row.name, row.score, row.passed, row.imported_at = entry["name"], entry["score"], verdict, now
        entry["passed"] = verdict
        report.append(entry)
    audit.record_import("exam.import", project, "导入考试成绩", report,
                        {"added": "新增", "updated": "更新", "rejected": "拒绝"}, actor)
    db.session.flush()
    return report


def exam_passed(material) -> bool:
    return bool(db.session.scalar(select(ExamScore.passed).where(
        ExamScore.project_id == material.project_id, ExamScore.id_card == material.id_card)))
