"""高中级评后管理 (the root office): 公示管理 (发布公示, 异议处理, 评定), 发文 (发文字号, 发证单位,
证书编号, 批量打印证书), 证书管理 (PDF, 撤销), 证书编号规则, 诚信档案, 导入历史证书."""
from __future__ import annotations

from datetime import date
from urllib.parse import quote

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms.validators import InputRequired, Length

from zhicheng import scope, storage, transaction
from zhicheng.admin.base import GuardedView, ScopedModelView
from zhicheng.certificates import issuing, publicity
from zhicheng.certificates.forms import BatchForm, IssueForm, RevokeForm
from zhicheng.certificates.models import (
    LEVELS,
    Certificate,
    IntegrityRecord,
    NumberRule,
    Objection,
    PublicityBatch,
    PublicityEntry,
)
from zhicheng.exporting.admin import JobPages
from zhicheng.extensions import db
from zhicheng.models import Material
from zhicheng.policy import P
from zhicheng.security import parse_id
from zhicheng.system import audit

CATEGORY = "高中级评后管理"
#: The most candidates the 发布公示 page lists (a larger set is published by project, in parts).
CANDIDATES_SHOWN = 1000


def _batches(user):
    return select(PublicityBatch).where(scope.publicity_batches(user))


def _batch_or_404(id: int) -> PublicityBatch:
    batch = db.session.scalar(_batches(current_user).where(PublicityBatch.id == id))
    if batch is None:
        abort(404)
    return batch


def _counts(batch_ids) -> tuple[dict, dict]:
    listed = dict(db.session.execute(select(PublicityEntry.batch_id, func.count()).where(
        PublicityEntry.batch_id.in_(batch_ids), PublicityEntry.state != "revoked").group_by(PublicityEntry.batch_id)).all())
    open_ = dict(db.session.execute(select(Objection.batch_id, func.count()).where(
        Objection.batch_id.in_(batch_ids), Objection.state == "open").group_by(Objection.batch_id)).all())
    return listed, open_


class PublicityView(GuardedView):
    """公示管理: 发布公示 from the passed results, the batches, each with its 异议 and 评定."""

    permission = P.POST_REVIEW

    @expose("/")
    def index(self):
        batches = list(db.session.scalars(_batches(current_user).order_by(PublicityBatch.id.desc()).limit(200)))
        listed, open_ = _counts([b.id for b in batches])
        return self.render("admin/certificates/publicity_index.html", batches=batches, listed=listed,
                           open_=open_, today=date.today())

    @expose("/new", methods=("GET", "POST"))
    def new(self):
        form = BatchForm()
        if request.method == "GET":
            form.start_date.data = date.today()
            try:
                form.end_date.data = publicity.earliest_end(date.today())
            except publicity.PublicityError as e:
                flash(str(e), "error")
        if form.validate_on_submit():
            batch = publicity.create_batch(current_user, form.title.data, form.start_date.data, form.end_date.data,
                                           request.form.getlist("material"))
            flash(f"已发布公示“{batch.title}”", "success")
            return redirect(self.get_url(".batch", id=batch.id))
        rows = list(db.session.scalars(publicity.candidates(current_user).options(
            joinedload(Material.unit), joinedload(Material.project)).limit(CANDIDATES_SHOWN + 1)))
        return self.render("admin/certificates/publicity_new.html", form=form, rows=rows[:CANDIDATES_SHOWN],
                           more=len(rows) > CANDIDATES_SHOWN)

    @expose("/batch/<int:id>")
    def batch(self, id: int):
        batch = _batch_or_404(id)
        entries = list(db.session.scalars(select(PublicityEntry).where(PublicityEntry.batch_id == batch.id)
                                          .order_by(PublicityEntry.id)))
        objections = list(db.session.scalars(select(Objection).where(Objection.batch_id == batch.id, scope.objections(
            current_user)).options(joinedload(Objection.entry)).order_by(Objection.id)))
        return self.render("admin/certificates/publicity_batch.html", batch=batch, entries=entries,
                           objections=objections, today=date.today(), in_period=publicity.in_period(batch))

    @expose("/objection/<int:id>", methods=("POST",))
    def objection(self, id: int):
        objection = publicity.handle_objection(current_user, id, request.form.get("decision") == "upheld",
                                               request.form.get("text", ""))
        flash("已处理异议", "success")
        return redirect(self.get_url(".batch", id=objection.batch_id))

    @expose("/batch/<int:id>/confirm", methods=("POST",))
    def confirm(self, id: int):
        batch = publicity.confirm_batch(current_user, id)
        flash(f"“{batch.title}”已评定", "success")
        return redirect(self.get_url(".batch", id=batch.id))


class IssueView(JobPages, GuardedView):
    """发文: the confirmed batches get 发文字号, 发证单位, 发证日期 and their 证书编号; 批量打印证书."""

    permission = P.CERTIFICATES

    def job_back_url(self) -> str:
        return self.get_url(".index")

    @expose("/")
    def index(self):
        batches = list(db.session.scalars(_batches(current_user).where(
            PublicityBatch.state.in_(("confirmed", "issued"))).order_by(PublicityBatch.id.desc()).limit(200)))
        listed, _ = _counts([b.id for b in batches])
        return self.render("admin/certificates/issue_index.html", batches=batches, listed=listed)

    @expose("/batch/<int:id>", methods=("GET", "POST"))
    def batch(self, id: int):
        batch = _batch_or_404(id)
        form = IssueForm()
        if request.method == "GET":
            form.issuing_body.data = batch.issuing_body or (current_user.department.name if current_user.department else "")
            form.issued_on.data = batch.issued_on or date.today()
        if form.validate_on_submit():
            seal = None
            upload = form.seal.data
            if upload is not None and getattr(upload, "filename", ""):
                try:
                    stored = storage.save_upload(upload, allowed=("jpg", "png"), max_bytes=2 * storage.MB)
                except storage.UploadError as e:
                    form.seal.errors.append(f"{e}（印章图片须为PNG或JPG，不超过2M）")
                    return self._batch_page(batch, form)
                transaction.after_rollback(lambda: storage.delete(stored.stored_name))
                seal = stored.stored_name
            certs = issuing.issue_batch(current_user, batch.id, form.doc_number.data, form.issuing_body.data,
                                        form.issued_on.data, seal)
            flash(f"已发文，生成证书{len(certs)}份", "success")
            return redirect(self.get_url(".batch", id=batch.id))
        return self._batch_page(batch, form)

    def _batch_page(self, batch, form):
        certs = list(db.session.scalars(select(Certificate).where(Certificate.batch_id == batch.id).order_by(
            Certificate.id).limit(2000)))
        return self.render("admin/certificates/issue_batch.html", batch=batch, form=form, certs=certs,
                           open_objections=publicity.open_objections(batch.id))

    @expose("/batch/<int:id>/print", methods=("POST",))
    def print_batch(self, id: int):
        from zhicheng.certificates.jobs import start_certificate_print
        batch = _batch_or_404(id)
        job = start_certificate_print(current_user, batch)
        flash(f"已转入后台生成（{job.total}份），完成后可在本页下载", "info")
        return redirect(self.get_url(".job", id=job.id))


def _pdf_link(view, context, cert, name):
    return Markup('<a class="btn btn-sm btn-outline-primary" target="_blank" href="{}">证书PDF</a>').format(
        url_for("certificates.pdf", id=cert.id))


def _revoke_link(view, context, cert, name):
    if cert.state == "revoked":
        return cert.revoked_reason
    return Markup('<a class="btn btn-sm btn-outline-danger" href="{}">撤销</a>').format(
        url_for("certificates.revoke", id=cert.id))


class CertificateView(ScopedModelView):
    """证书管理: issued and imported certificates; the PDF of one; 撤销 with a reason (诚信档案)."""

    permission = P.CERTIFICATES
    row_scope = scope.certificates
    can_create = can_edit = can_delete = False
    can_view_details = False
    column_list = ("number", "name", "id_card", "qualification", "major", "obtained_on", "issuing_body",
                   "doc_number", "source", "state", "pdf", "revoke")
    column_labels = {"number": "证书编号", "name": "姓名", "id_card": "身份证号", "qualification": "资格名称",
                     "major": "专业", "obtained_on": "取得时间", "issuing_body": "发证单位", "doc_number": "发文字号",
                     "source": "来源", "state": "状态", "pdf": "打印", "revoke": "撤销"}
    column_searchable_list = ("number", "name", "id_card")
    column_filters = ("state", "source", "doc_number")
    column_default_sort = ("id", True)
    column_formatters = {"state": lambda v, c, m, n: m.state_label,
                         "source": lambda v, c, m, n: "历史导入" if m.source == "imported" else "本系统发证",
                         "pdf": _pdf_link, "revoke": _revoke_link}

    def _one(self, id) -> Certificate:
        cert = db.session.scalar(select(Certificate).where(Certificate.id == (parse_id(id) or 0),
                                                           scope.certificates(current_user)))
        if cert is None:
            abort(404)
        return cert

    @expose("/pdf/<int:id>.pdf")
    def pdf(self, id: int):
        from zhicheng.certificates.pdf import render_certificate_pdf
        cert = self._one(id)
        pdf = render_certificate_pdf(cert)
        audit.record("certificate.print", cert, f"打印证书 {cert.number}")
        response = Response(pdf, mimetype="application/pdf")
        response.headers["Content-Disposition"] = (
            f"inline; filename=\"certificate-{cert.id}.pdf\"; filename*=UTF-8''{quote(f'证书-{cert.number}-{cert.name}.pdf')}")
        return response

    @expose("/revoke/<int:id>", methods=("GET", "POST"))
    def revoke(self, id: int):
        cert = self._one(id)
        form = RevokeForm()
        if form.validate_on_submit():
            issuing.revoke_certificate(current_user, cert.id, form.kind.data, form.reason.data)
            flash(f"证书{cert.number}已撤销，已记入{cert.name}的诚信档案", "success")
            return redirect(self.get_url(".index_view"))
        return self.render("admin/certificates/revoke.html", cert=cert, form=form)


class NumberRuleView(ScopedModelView):
    """证书编号规则: per 系列 and 级别 (系列 empty: the level's default)."""

    permission = P.CERTIFICATES
    row_scope = scope.number_rules
    can_view_details = False
    column_list = form_columns = ("series", "level", "level_code", "series_code", "pattern")
    column_labels = {"series": "系列（空为该级别全部系列）", "level": "级别", "level_code": "级别代码",
                     "series_code": "系列代码", "pattern": "编号规则"}
    form_choices = {"level": list(LEVELS.items())}
    column_formatters = {"level": lambda v, c, m, n: LEVELS.get(m.level, m.level)}
    form_args = {"series": {"validators": [Length(max=100)]}, "level_code": {"validators": [Length(max=10)]},
                 "series_code": {"validators": [Length(max=10)]},
                 "pattern": {"validators": [InputRequired(), Length(max=100)],
                             "description": "可用{year}年度、{level}级别代码、{series}系列代码、{seq:05d}五位序号"}}
    page_intro = "证书编号按规则生成：如“{year}{level}{series}{seq:05d}”生成2026202000001；序号按年度、级别、系列分别连续编号。"

    def on_model_change(self, form, model, is_created):
        model.pattern = issuing.check_pattern(model.pattern)
        model.series = (model.series or "").strip()


class IntegrityRecordView(ScopedModelView):
    """诚信档案: by 证件号码 (e.g. a certificate revoked for 弄虚作假)."""

    permission = P.CERTIFICATES
    row_scope = scope.integrity_records
    can_create = can_edit = can_delete = False
    can_view_details = False
    column_list = ("id_card", "name", "kind", "reason", "at", "actor_name")
    column_labels = {"id_card": "证件号码", "name": "姓名", "kind": "类别", "reason": "记录", "at": "时间",
                     "actor_name": "记录人"}
    column_searchable_list = ("id_card", "name")
    column_default_sort = ("id", True)


class CertificateImportView(GuardedView):
    """导入历史证书 (接收原系统数据)."""

    permission = P.CERTIFICATES

    @expose("/", methods=("GET", "POST"))
    def index(self):
        from zhicheng.certificates.imports import IMPORT_HEADER, import_certificates
        from zhicheng.exporting.reading import read_xlsx_table
        from zhicheng.validators import ValidationError
        error = None
        if request.method == "POST":
            from zhicheng.forms import Form
            if not Form().validate_on_submit():
                abort(400)
            try:
                rows = read_xlsx_table(request.files.get("file"), IMPORT_HEADER)
            except ValidationError as e:
                error = str(e)
            else:
                report = import_certificates(current_user, rows)
                return self.render("admin/certificates/import_report.html", report=report, back=self.get_url(".index"))
        from zhicheng.forms import Form
        return self.render("admin/certificates/import.html", form=Form(), error=error, header=IMPORT_HEADER)


def register(admin) -> None:
    admin.add_view(PublicityView(name="公示管理", endpoint="publicity", url="/admin/publicity", category=CATEGORY))
    admin.add_view(IssueView(name="发文与证书编号", endpoint="issue", url="/admin/issue", category=CATEGORY))
    admin.add_view(CertificateView(Certificate, name="证书管理", endpoint="certificates", url="/admin/certificates",
                                   category=CATEGORY))
    admin.add_view(NumberRuleView(NumberRule, name="证书编号规则", endpoint="cert_rules", url="/admin/cert_rules",
                                  category=CATEGORY))
    admin.add_view(IntegrityRecordView(IntegrityRecord, name="诚信档案", endpoint="credit_records", url="/admin/credit_records",
                                       category=CATEGORY))
    admin.add_view(CertificateImportView(name="导入历史证书", endpoint="cert_import", url="/admin/cert_import",
                                         category=CATEGORY))
