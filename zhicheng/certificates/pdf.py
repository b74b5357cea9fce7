"""The certificate as an A4 landscape PDF (专业技术资格证书): photo when the person's 个人档案 has one,
姓名, 身份证号, 资格名称, 专业, 取得时间, 证书编号, 查询码, 发证单位 with its seal image when one was
uploaded with the 发文, and a QR code to the public 证书查询. Rendered by xhtml2pdf in the embedded
font of zhicheng.printing."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import select

from zhicheng import storage
from zhicheng.certificates.models import Certificate
from zhicheng.extensions import db
from zhicheng.printing.fonts import FONT_FAMILY
from zhicheng.printing.pdf import html_to_pdf

TEMPLATE = "certificates/certificate.html"


def verify_url(cert: Certificate) -> str:
    """The public 证书查询 with the 证书编号 and 查询码 filled in (the 姓名 is typed by whoever checks):
    on BASE_URL, else on the address of the request (a job without one: the path alone)."""
    from urllib.parse import urlencode

    from flask import has_request_context, request
    base = current_app.config.get("BASE_URL") or (request.host_url if has_request_context() else "")
    return f"{base.rstrip('/')}/verify?{urlencode({'no': cert.number, 'code': cert.query_code})}"


def _qr_png(data: str, path: Path) -> None:
    import qrcode
    qr = qrcode.QRCode(border=1, box_size=6, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    qr.make_image().save(str(path))


def _copy_stored(stored_name: str | None, path: Path) -> bool:
    if not stored_name:
        return False
    try:
        with storage.open_file(stored_name) as src, open(path, "wb") as out:
            shutil.copyfileobj(src, out)
    except (FileNotFoundError, OSError):
        return False
    return True


def _photo_of(cert: Certificate) -> str | None:
    from zhicheng.models import Person
    return db.session.scalar(select(Person.photo_file).where(Person.id_number == cert.id_card,
                                                              Person.photo_file.isnot(None)).limit(1))


def _cn_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def render_certificate_pdf(cert: Certificate) -> bytes:
    folder = Path(tempfile.mkdtemp(prefix="zhicheng-cert-"))
    try:
        _qr_png(verify_url(cert), folder / "qr.png")
        photo = _copy_stored(_photo_of(cert), folder / "photo.img")
        seal = _copy_stored(cert.batch.seal_file if cert.batch else None, folder / "seal.img")
        html = render_template(TEMPLATE, c=cert, font_family=FONT_FAMILY, cn_date=_cn_date,
                               qr_url=(folder / "qr.png").as_uri(),
                               photo_url=(folder / "photo.img").as_uri() if photo else None,
                               seal_url=(folder / "seal.img").as_uri() if seal else None)
        return html_to_pdf(html, folder, failure="生成证书PDF失败")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
