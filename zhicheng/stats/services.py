"""统计分析: which materials the figures count, and how they are counted.

The materials are exactly those of the department's lists (scope.materials: the submitted materials of
the units in the staff member's subtree; the root office's: all of them), narrowed by the page's
filters (年度, 系列, 级别, 部门 with its subtree). So each figure is the count of a list: 按状态 that of
本部门及下级材料 filtered by the state, 按部门 that of 导出汇总表 filtered by the department, and so on
(tests/stats/test_stats.py compares them).

A few GROUP BY statements give every figure, whatever the number of materials (the indexes they read
are in zhicheng.stats.models); the rest is arithmetic over their few hundred rows:

* materials by 状态 × 项目 × 系列 (the 项目 gives 年度 and 级别);
* materials by 状态 per unit, added up per 部门;
* 评审通过 of 评审 projects per unit, added up per 部门 (a 公示中/已评定 material of an 初定 project
  passed no 评委会);
* valid certificates issued from the materials, by 部门 × 项目 × 系列.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select

from zhicheng import scope
from zhicheng.certificates.issuing import level_of
from zhicheng.certificates.models import LEVELS, Certificate
from zhicheng.codes import dictionaries
from zhicheng.extensions import db
from zhicheng.materials.states import STATE_LABELS, TRANSITIONS, MaterialState
from zhicheng.models import Department, Material, Project, Unit
from zhicheng.policy import P, require
from zhicheng.projects.models import PROJECT_KINDS, REVIEW_KINDS
from zhicheng.security import parse_id
from zhicheng.validators import ValidationError

S = MaterialState


def reachable(start: MaterialState) -> frozenset[MaterialState]:
    """`start` and every state a material can move on to from it (zhicheng.materials.states)."""
    found, todo = {start}, [start]
    while todo:
        state = todo.pop()
        for t in TRANSITIONS.values():
            if state in t.sources and t.target not in found:
                found.add(t.target)
                todo.append(t.target)
    return frozenset(found)


def _in_order(states) -> tuple[MaterialState, ...]:
    return tuple(s for s in MaterialState if s in states)


#: 审核通过: passed every department up to the issuing one, and whatever followed (转评委会, 评审, 公示,
#: 评定, also a result revoked after an 异议).
PASSED_STATES = _in_order(reachable(S.APPROVED))
#: 评审通过: the 评委会 passed it (then 公示, 评定, or revoked after an 异议); 评审 projects only.
BOARD_PASSED_STATES = _in_order(reachable(S.BOARD_PASSED))
BOARD_FAILED_STATES = _in_order(reachable(S.BOARD_FAILED))
#: The states a department's figures count, in the order the page lists them.
COUNTED_STATES = scope.SUBMITTED_STATES
NO_SERIES = "（未填写）"
OWN_LEVEL = "（本级）"


def _kinds_of_level(level: str) -> list[str]:
    return [kind for kind in PROJECT_KINDS if level_of(kind) == level]


@dataclass(frozen=True)
class StatsFilters:
    year: int | None = None
    series: str | None = None
    level: str | None = None
    department: int | None = None

    @classmethod
    def from_args(cls, args) -> StatsFilters:
        def text(key):
            value = (args.get(key) or "").strip()
            return value or None

        year = text("year")
        if year is not None:
            if not (year.isascii() and year.isdigit() and 1900 <= int(year) <= 2999):
                raise ValidationError("年度不正确，请从列表中选择")
            year = int(year)
        series = text("series")
        if series is not None and len(series) > 100:
            raise ValidationError("系列不正确，请从列表中选择")
        level = text("level")
        if level is not None and level not in LEVELS:
            raise ValidationError("级别不正确，请从列表中选择")
        department = text("department")
        if department is not None:
            department = parse_id(department)
            if department is None:
                raise ValidationError("部门不正确，请从列表中选择")
        return cls(year=year, series=series, level=level, department=department)

    def as_args(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def describe(self, department_name: str | None) -> str:
        parts = [f"年度：{self.year}" if self.year else "年度：全部",
                 f"系列：{self.series}" if self.series else "系列：全部",
                 f"级别：{LEVELS[self.level]}" if self.level else "级别：全部",
                 f"部门：{department_name}（含下级）" if department_name else "部门：全部"]
        return "；".join(parts)


@dataclass
class Tally:
    """The figures of one group of materials."""

    total: int = 0  # 申报数
    passed: int = 0  # 审核通过
    board_passed: int = 0  # 评审通过
    board_failed: int = 0  # 评审未通过
    certified: int = 0  # 已评定
    certificates: int = 0  # 已发证 (valid certificates)

    def add_state(self, state: str, n: int, review: bool) -> None:
        self.total += n
        if state in PASSED_STATES:
            self.passed += n
        if review and state in BOARD_PASSED_STATES:
            self.board_passed += n
        if state in BOARD_FAILED_STATES:
            self.board_failed += n
        if state == S.CERTIFIED:
            self.certified += n

    @property
    def passed_rate(self) -> float | None:
        """审核通过率 (%): 审核通过 / 申报数."""
        return _percent(self.passed, self.total)

    @property
    def board_rate(self) -> float | None:
        """评审通过率 (%): 评审通过 / (评审通过 + 评审未通过), of the materials the 评委会 decided."""
        return _percent(self.board_passed, self.board_passed + self.board_failed)


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


@dataclass
class Group:
    key: str
    label: str
    tally: Tally = field(default_factory=Tally)


@dataclass
class Statistics:
    filters: StatsFilters
    base: Department  # the department whose subtree is counted (the filter's, else the user's)
    department: Department | None  # the department filter, if any
    total: Tally
    by_state: list[tuple[str, str, int]]  # (state, label, count) for every counted state
    by_department: list[Group]
    by_series: list[Group]
    by_level: list[Group]
    by_year: list[Group]


def scoped_department(user, department_id: int | None) -> Department | None:
    """The department of the 部门 filter, within the user's subtree (else a ValidationError)."""
    if department_id is None:
        return None
    dept = db.session.scalar(select(Department).where(Department.id == department_id, scope.departments(user)))
    if dept is None:
        raise ValidationError("所选部门不存在或不在本部门管辖范围内")
    return dept


def _projects(f: StatsFilters, stmt=None):
    """Select of the ids of the projects of the 年度 and 级别 filters (of `stmt`'s, if given)."""
    stmt = select(Project.id) if stmt is None else stmt
    if f.year is not None:
        stmt = stmt.where(Project.year == f.year)
    if f.level is not None:
        stmt = stmt.where(Project.kind.in_(_kinds_of_level(f.level)))
    return stmt


def conditions(user, f: StatsFilters, department: Department | None) -> list:
    """The WHERE clause of every statement: the lists' scope plus the filters."""
    conds = [scope.materials(user)]
    if f.year is not None or f.level is not None:
        conds.append(Material.project_id.in_(_projects(f)))
    if f.series is not None:
        conds.append(Material.series == f.series)
    if department is not None:
        conds.append(Material.unit_id.in_(select(Unit.id).where(Unit.department_id.in_(scope.subtree_ids(department)))))
    return conds


def compute(user, f: StatsFilters) -> Statistics:
    """The statistics the user may see under the filters."""
    require(user, P.STAFF)
    department = scoped_department(user, f.department)
    base = department or user.department
    if base is None:  # a staff account always belongs to a department; nothing to count without one
        raise ValidationError("该账号不属于任何部门，没有可统计的材料")
    conds = conditions(user, f, department)

    # 状态 × 项目 × 系列, in the order of ix_material_state_project_series.
    cube = db.session.execute(
        select(Material.state, Material.project_id, Material.series, func.count())
        .where(*conds).group_by(Material.state, Material.project_id, Material.series)).all()
    # 状态 per unit (ix_material_unit_state_project_series), then per 部门.
    per_unit = (select(Material.unit_id, Material.state, func.count().label("n"))
                .where(*conds).group_by(Material.unit_id, Material.state).subquery())
    by_unit_department = db.session.execute(
        select(Unit.department_id, per_unit.c.state, func.sum(per_unit.c.n))
        .join(Unit, Unit.id == per_unit.c.unit_id).group_by(Unit.department_id, per_unit.c.state)).all()
    board_passed = _board_passed_by_department(conds, f)
    certificates = db.session.execute(
        select(Unit.department_id, Material.project_id, Material.series, func.count())
        .select_from(Certificate).join(Material, Material.id == Certificate.material_id)
        .join(Unit, Unit.id == Material.unit_id)
        .where(Certificate.state == "valid", *conds)
        .group_by(Unit.department_id, Material.project_id, Material.series)).all()

    project_ids = {row[1] for row in cube} | {row[1] for row in certificates}
    projects = {pid: (year, kind) for pid, year, kind in db.session.execute(
        select(Project.id, Project.year, Project.kind).where(Project.id.in_(project_ids)))} if project_ids else {}

    total = Tally()
    states: dict[str, int] = defaultdict(int)
    years: dict[int, Tally] = defaultdict(Tally)
    levels: dict[str, Tally] = defaultdict(Tally)
    series: dict[str, Tally] = defaultdict(Tally)
    for state, project_id, series_name, n in cube:
        year, kind = projects[project_id]
        review = kind in REVIEW_KINDS
        states[state] += n
        for tally in (total, years[year], levels[level_of(kind)], series[series_name or ""]):
            tally.add_state(state, n, review)
    for _dept, project_id, series_name, n in certificates:
        year, kind = projects[project_id]
        for tally in (total, years[year], levels[level_of(kind)], series[series_name or ""]):
            tally.certificates += n

    return Statistics(
        filters=f, base=base, department=department, total=total,
        by_state=[(s.value, STATE_LABELS[s], states.get(s.value, 0)) for s in COUNTED_STATES],
        by_department=_by_department(base, by_unit_department, board_passed, certificates),
        by_series=sorted((Group(name, name or NO_SERIES, t) for name, t in series.items()),
                         key=lambda g: (-g.tally.total, g.label)),
        by_level=[Group(level, LEVELS[level], levels[level]) for level in LEVELS if level in levels],
        by_year=[Group(str(year), f"{year}年", years[year]) for year in sorted(years)],
    )


def _board_passed_by_department(conds, f: StatsFilters) -> dict[int, int]:
    """评审通过 per 部门: the materials of the 评审 projects (those of the filters' 年度/级别) in a state
    after the 评委会's pass. The projects are named by id, few as they are, so that the statement reads
    ix_material_state_project_series at those (state, project) pairs only."""
    ids = list(db.session.scalars(_projects(f, select(Project.id).where(Project.kind.in_(list(REVIEW_KINDS))))))
    if not ids:
        return {}
    per_unit = (select(Material.unit_id, func.count().label("n"))
                .where(*conds, Material.state.in_(BOARD_PASSED_STATES), Material.project_id.in_(ids))
                .group_by(Material.unit_id).subquery())
    return {dept: int(n) for dept, n in db.session.execute(
        select(Unit.department_id, func.sum(per_unit.c.n)).join(Unit, Unit.id == per_unit.c.unit_id)
        .group_by(Unit.department_id))}


def _by_department(base: Department, by_unit_department, board_passed: dict, certificates) -> list[Group]:
    """One group per department directly below `base` (its subtree's units), and `base` itself
    (本级: units registered directly under it) when it has materials."""
    rows = db.session.execute(
        select(Department.id, Department.name, Department.path, Department.parent_id)
        .where(Department.path.startswith(base.path)).order_by(Department.id)).all()
    groups = {base.id: Group(str(base.id), f"{base.name}{OWN_LEVEL}")}
    bucket: dict[int, int] = {}
    for dept_id, name, path, parent_id in rows:
        if dept_id == base.id:
            bucket[dept_id] = base.id
            continue
        child = int(path.strip("/").split("/")[base.depth + 1])
        bucket[dept_id] = child
        if parent_id == base.id:
            groups[child] = Group(str(child), name)
    for dept_id, state, n in by_unit_department:
        groups[bucket[dept_id]].tally.add_state(state, int(n), review=False)
    for dept_id, n in board_passed.items():
        groups[bucket[dept_id]].tally.board_passed += n
    for dept_id, _project, _series, n in certificates:
        groups[bucket[dept_id]].tally.certificates += n
    own = groups.pop(base.id)
    return ([own] if own.tally.total else []) + list(groups.values())


@dataclass
class FilterOptions:
    years: list[int]
    series: list[str]
    levels: list[tuple[str, str]]
    departments: list[tuple[int, str]]


def filter_options(user, stats: Statistics | None = None) -> FilterOptions:
    """The choices of the filters: the years of the projects the user sees, the 系列 of the dictionary
    and of those projects (and of the counted materials), the levels, the departments of the subtree."""
    years = set(db.session.scalars(select(Project.year).where(scope.projects(user)).distinct()))
    names = list(dictionaries.active_names("series"))
    names += sorted(set(db.session.scalars(select(Project.series).where(scope.projects(user)).distinct())))
    if stats is not None:
        years |= {int(g.key) for g in stats.by_year}
        names += [g.key for g in stats.by_series]
    if stats is not None and stats.filters.series:
        names.append(stats.filters.series)
    depts = list(db.session.execute(select(Department.id, Department.name, Department.depth)
                                    .where(scope.departments(user)).order_by(Department.path)))
    top = min((d for _, _, d in depts), default=0)
    return FilterOptions(
        years=sorted(years, reverse=True),
        series=list(dict.fromkeys(n for n in names if n)),
        levels=list(LEVELS.items()),
        departments=[(i, "　" * (d - top) + name) for i, name, d in depts])
