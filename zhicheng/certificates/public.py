"""The public pages (no login): 公示 (the batches in their period, served from a cache), 提出异议
(captcha, limited per address), and 证书查询 (captcha after a few answers of "not found", limited
per address; one answer for an unknown number, a wrong name and a wrong code)."""
from __future__ import annotations

import time
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from zhicheng.accounts.auth import captcha_code, throttle
from zhicheng.certificates import publicity
from zhicheng.certificates.forms import ObjectionForm, VerifyForm
from zhicheng.certificates.issuing import verify as find_certificate
from zhicheng.certificates.models import PublicityBatch
from zhicheng.domain import DomainError
from zhicheng.errors import refused
from zhicheng.extensions import db, limiter

bp = Blueprint("public_cert", __name__)

NOT_FOUND = "未查询到与所填信息相符的证书，请核对证书编号、姓名和查询码（或身份证号后6位）"
VERIFY_SCOPE = "certificate-verify"


def _cached(key, render):
    """A rendered public page kept by this process for PUBLICITY_CACHE_SECONDS; a change to a batch
    empties the cache once committed (publicity._invalidate)."""
    ttl = current_app.config["PUBLICITY_CACHE_SECONDS"]
    key = (key, date.today())
    cache = publicity.page_cache()
    hit = cache.get(key)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    page = render()
    if len(cache) > 500:
        cache.clear()
    cache[key] = (now + ttl, page)
    return page


@bp.route("/publicity/")
def publicity_index():
    def render():
        batches = publicity.public_batches()
        return render_template("certificates/public_index.html", batches=batches,
                               entries={b.id: publicity.listed_entries(b.id) for b in batches})
    return _cached("index", render)


@bp.route("/publicity/<int:id>")
def publicity_batch(id: int):
    def render():
        batch = db.session.get(PublicityBatch, id)
        if batch is None or not publicity.in_period(batch):
            return None
        return render_template("certificates/public_batch.html", batch=batch,
                               entries=publicity.listed_entries(batch.id))
    page = _cached(("batch", id), render)
    if page is None:
        abort(404)
    return page


@bp.route("/publicity/<int:id>/objection", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["OBJECTION_RATE_LIMIT"], methods=["POST"])
def objection(id: int):
    batch = db.session.get(PublicityBatch, id)
    if batch is None or not publicity.in_period(batch):
        abort(404)
    entries = publicity.listed_entries(batch.id)
    form = ObjectionForm()
    form.entry.choices = [("", "请选择")] + [(str(e.id), f"{e.name}（{e.unit_name}）") for e in entries]
    show_captcha = current_app.config["CAPTCHA_ENABLED"]
    status = 200
    if form.validate_on_submit():
        problem = captcha_code.check(form.captcha.data) if show_captcha else None
        if problem:
            form.captcha.errors.append(problem)
            status = 400
        else:
            try:
                publicity.file_objection(batch.id, form.entry.data, form.filer_name.data, form.contact.data,
                                         form.content.data, request.remote_addr or "")
            except DomainError as e:
                refused(e)
                status = 400
            else:
                flash("异议已提交，职改部门将进行核实处理", "success")
                return redirect(url_for(".publicity_batch", id=batch.id))
    elif request.method == "POST":
        status = 400
    return render_template("certificates/objection.html", batch=batch, form=form,
                           show_captcha=show_captcha), status


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], methods=["POST"])
def verify():
    form = VerifyForm(request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.no.data, form.code.data = request.args.get("no", "")[:40], request.args.get("code", "")[:12]
    need_captcha = throttle.address_failures(VERIFY_SCOPE) >= current_app.config["VERIFY_CAPTCHA_FAILURES"]
    result, message, status = None, None, 200
    if request.method == "POST" and form.validate_on_submit():
        problem = captcha_code.check(form.captcha.data) if need_captcha else None
        if problem:
            form.captcha.errors.append(problem)
            status = 400
        else:
            cert = find_certificate(form.no.data, form.name.data, form.code.data)
            if cert is None:
                throttle.record_address_failure(VERIFY_SCOPE)
                message = NOT_FOUND
            else:
                result = cert
            need_captcha = throttle.address_failures(VERIFY_SCOPE) >= current_app.config["VERIFY_CAPTCHA_FAILURES"]
    elif request.method == "POST":
        status = 400
    return render_template("certificates/verify.html", form=form, result=result, message=message,
                           show_captcha=need_captcha), status
