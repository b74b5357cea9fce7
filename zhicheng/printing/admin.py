"""进入打印: the unit's submitted materials with 打印初定表 / 打印认定表, and the PDF itself
(drafts print watermarked; departments print what reached them)."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, flash, redirect, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_login import current_user
from markupsafe import Markup

from zhicheng import scope
from zhicheng.admin.base import GuardedView
from zhicheng.exporting.admin import JobPages
from zhicheng.extensions import db
from zhicheng.materials.admin_common import MaterialListView
from zhicheng.materials.states import states_where
from zhicheng.models import Material
from zhicheng.policy import P
from zhicheng.printing.jobs import start_print_job
from zhicheng.system import audit


def print_link(m: Material) -> Markup:
    return Markup('<a class="btn btn-sm btn-outline-primary zc-print" href="{}" target="_blank">打印{}</a>').format(
        pdf_url(m), m.project.form_name)


def pdf_url(m: Material) -> str:
    from flask import url_for
    return url_for("print_file.material_pdf", id=m.id)


class PrintListView(MaterialListView):
    """进入打印 (manual §1.3): submitted materials of the unit, each with its print button."""

    # 进入打印 on each project row of 填写材料 opens this list filtered to the project.
    home_links = {"print": {}}
    states = states_where("submitted")
    column_list = ("number", "name", "id_card", "project", "state", "submitted_at", "print")
    column_labels = dict(MaterialListView.column_labels, print="打印")
    column_formatters = dict(MaterialListView.column_formatters, print=lambda v, c, m, n: print_link(m))
    # The print button names the form, which follows the project's kind.
    relation_columns = dict(MaterialListView.relation_columns, project=("name", "kind"))
    page_intro = "点击“打印初定表”或“打印认定表”即可打印对应表格；已上报的材料打印不带水印。"

    # 进入打印 is the unit side's list; departments print from the materials they review.
    permission = P.PRINT_LIST
    row_scope = scope.materials

    @action("print_batch", "批量打印", "将所选材料的表格合并为一个PDF文件（后台生成，完成后在任务页面下载）？")
    def action_print_batch(self, ids):
        job = start_print_job(current_user, self.scoped_rows(ids, strict=True))
        flash(f"已转入后台生成（{job.total}份），完成后可在本页下载", "info")
        return redirect(url_for("print_file.job", id=job.id))


class PrintFileView(JobPages, GuardedView):
    """The PDF of one material, loaded through scope.materials; the pages of a 批量打印 job."""

    permission = P.PRINT_FORMS

    def is_visible(self) -> bool:
        return False

    @expose("/")
    def index(self):
        abort(404)

    def job_back_url(self) -> str:
        return url_for("print_list.index_view")

    @expose("/material/<int:id>.pdf")
    def material_pdf(self, id: int):
        from zhicheng.printing.pdf import material_to_print, render_material_pdf
        material = material_to_print(current_user, id)
        if material is None:
            abort(404)
        pdf = render_material_pdf(material)
        audit.record("material.print", material, f"打印{material.project.form_name} {material.number}")
        db.session.flush()
        display = f"{material.project.form_name}-{material.number}-{material.name}.pdf"
        response = Response(pdf, mimetype="application/pdf")
        response.headers["Content-Disposition"] = (
            f"inline; filename=\"zhicheng-{material.number}.pdf\"; filename*=UTF-8''{quote(display)}")
        return response


def register(admin) -> None:
    admin.add_view(PrintListView(Material, name="进入打印", endpoint="print_list", url="/admin/print",
                                 category="专业技术资格初定认定"))
    admin.add_view(PrintFileView(name="打印", endpoint="print_file", url="/admin/print-file"))
