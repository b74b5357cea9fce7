"""结构比例管理 (机构管理 menu): each unit's 岗位结构比例 against its 聘任 in force and the sums per
department; a department sets a unit's quota (P.POST_QUOTA)."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_login import current_user

from zhicheng.admin.base import GuardedView
from zhicheng.admin.common import _scoped_department
from zhicheng.extensions import db
from zhicheng.forms import Form
from zhicheng.models import Unit
from zhicheng.people import appointments, services
from zhicheng.people.admin_common import department_options
from zhicheng.people.forms import QuotaForm, field_error
from zhicheng.people.models import LEVELS, QUOTA_MODES
from zhicheng.people.structure import department_structures, unit_structures
from zhicheng.policy import P, can
from zhicheng.security import parse_id
from zhicheng.validators import ValidationError

UNITS_PER_PAGE = 50


class StructureView(GuardedView):
    """结构比例管理: each unit's 岗位结构比例 against its 聘任 in force, and the sums per department
    over its subtree; a department's 管理员 sets a unit's quota (as numbers of posts or as ratios of
    its 岗位总量)."""

    permission = P.PEOPLE

    @expose("/")
    def index(self):
        units = unit_structures(current_user)
        departments = department_structures(current_user, units)
        shown = units
        name = (request.args.get("name") or "").strip()[:100]
        dept = _scoped_department(current_user, parse_id(request.args.get("department"))) \
            if current_user.is_staff and request.args.get("department") else None
        over_only = request.args.get("over") == "1"
        if dept is not None:
            inside = {d.department.id for d in departments if d.department.path.startswith(dept.path)}
            shown = [u for u in shown if u.department_id in inside]
        if name:
            shown = [u for u in shown if name in u.name or name.upper() in u.uscc]
        if over_only:
            shown = [u for u in shown if u.over_levels]
        page = max(parse_id(request.args.get("page")) or 1, 1)
        pages = max((len(shown) + UNITS_PER_PAGE - 1) // UNITS_PER_PAGE, 1)
        page = min(page, pages)
        return self.render("admin/people/structure.html", departments=departments, units=shown[
            (page - 1) * UNITS_PER_PAGE:page * UNITS_PER_PAGE], total=len(shown), page=page, pages=pages,
            levels=LEVELS, name=name, department=dept, over_only=over_only,
            can_set=can(current_user, P.POST_QUOTA), today=date.today(),
            department_options=department_options() if current_user.is_staff else [])

    def _unit(self) -> Unit:
        unit = services.visible_unit(current_user, parse_id(request.args.get("unit")))
        if unit is None:
            abort(404)
        return unit

    @expose("/edit/", methods=("GET", "POST"))
    def edit(self):
        unit = self._unit()
        if not can(current_user, P.POST_QUOTA):
            abort(403)
        quota = appointments.quota_of(unit.id)
        form = QuotaForm(obj=quota) if request.method == "GET" and quota is not None else QuotaForm()
        if request.method == "GET" and quota is not None and quota.total is None:
            form.total.data = ""
        if form.validate_on_submit():
            try:
                appointments.set_quota(current_user, unit.id, form.data)
            except ValidationError as e:
                db.session.rollback()
                if not field_error(form, e):
                    flash(str(e), "error")
            else:
                flash(f"已设置{unit.name}的岗位结构比例", "success")
                return redirect(self.get_url(".index", name=unit.name))
        return self.render("admin/people/form.html", form=form, title=f"设置岗位结构比例：{unit.name}",
                           readonly={"单位": unit.name, "统一社会信用代码": unit.uscc},
                           help="按岗位数核定：直接填写各级别岗位数；按比例核定：填写专业技术岗位总量和各级别所占百分比。",
                           back=self.get_url(".index"),
                           delete_url=self.get_url(".clear", unit=unit.id) if quota is not None else None,
                           delete_label="清除结构比例", modes=QUOTA_MODES), (400 if form.errors else 200)

    @expose("/clear/", methods=("POST",))
    def clear(self):
        unit = self._unit()
        if not can(current_user, P.POST_QUOTA):
            abort(403)
        if not Form().validate_on_submit():
            abort(400)
        appointments.clear_quota(current_user, unit.id)
        flash(f"已清除{unit.name}的岗位结构比例", "success")
        return redirect(self.get_url(".index"))
