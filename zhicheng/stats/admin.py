"""统计分析 (材料审核 menu): the figures of the materials a department sees, with charts, and the same
figures as an .xlsx. Department staff see their subtree, the root office the whole city."""
from __future__ import annotations

import io
from datetime import datetime

from flask import flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user

from zhicheng.admin.base import GuardedView
from zhicheng.exporting.services import content_disposition
from zhicheng.policy import P
from zhicheng.review.admin import REVIEW_CATEGORY
from zhicheng.stats import charts, export, services
from zhicheng.system.home import link_for
from zhicheng.validators import ValidationError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope_name(user) -> str:
    dept = user.department
    return f"全市（{dept.name}）" if dept.is_root else f"{dept.name}及下级部门"


def _export_link(**params) -> str | None:
    """导出汇总表 with these filters (its list of the materials counted), if the user may open it."""
    return link_for("export", **{k: v for k, v in params.items() if v is not None})


class StatsView(GuardedView):
    """统计分析: counts by 状态, 部门, 系列, 级别 and 年度, pass rates and their trend."""

    permission = P.STAFF

    def _statistics(self):
        """The filters of the request and the statistics under them; a filter that is not one of the
        choices is refused with a message (and nothing counted with it)."""
        f = services.StatsFilters.from_args(request.args)
        return services.compute(current_user, f)

    @expose("/")
    def index(self):
        try:
            stats = self._statistics()
        except ValidationError as e:
            flash(str(e), "error")
            stats = services.compute(current_user, services.StatsFilters())
        return self.render("stats/index.html", stats=stats, charts=charts.chart_options(stats),
                           department_height=charts.department_chart_height(stats),
                           options=services.filter_options(current_user, stats),
                           scope_name=_scope_name(current_user), echarts_version=charts.echarts_version(),
                           export_link=_export_link)

    @expose("/download")
    def download(self):
        try:
            stats = self._statistics()
        except ValidationError as e:
            flash(str(e), "error")
            return redirect(url_for(".index"))
        out = io.BytesIO()
        export.write_statistics(out, stats, _scope_name(current_user),
                                stats.department.name if stats.department else None)
        out.seek(0)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        ascii_name, display = f"zhicheng-stats-{stamp}.xlsx", f"统计分析-{stamp}.xlsx"
        response = send_file(out, mimetype=XLSX, as_attachment=True, download_name=ascii_name)
        response.headers["Content-Disposition"] = content_disposition(ascii_name, display)
        return response


def register(admin) -> None:
    admin.add_view(StatsView(name="统计分析", category=REVIEW_CATEGORY, endpoint="stats", url="/admin/stats"))
