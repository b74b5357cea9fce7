"""A download is named for the type found from its content, not for the name it was uploaded
under: a PDF/HTML polyglot called poly.html is sent as poly.pdf, never as an .html file."""
from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from sqlalchemy import select

from zhicheng.extensions import db
from zhicheng.models import Attachment

from .. import factories
from ..materials.test_materials_views import fill_url, form_data, post_form

POLYGLOT = (b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"
            b"1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def names_in(disposition: str) -> tuple[str, str]:
    """(filename, filename*) of a Content-Disposition header, the latter decoded."""
    plain = re.search(r'filename="([^"]*)"', disposition)
    star = re.search(r"filename\*=UTF-8''([^;\s]+)", disposition)
    return (plain.group(1) if plain else ""), (unquote(star.group(1)) if star else "")


def assert_served_as(response, body: bytes, mimetype: str, extension: str) -> tuple[str, str]:
    assert response.status_code == 200 and response.data == body
    assert response.mimetype == mimetype
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert ".html" not in disposition.lower() and quote(".html") not in disposition.lower()
    plain, star = names_in(disposition)
    assert plain.isascii() and plain.endswith(extension), disposition
    assert star.endswith(extension), disposition
    return plain, star


def test_polyglot_uploaded_as_html_downloads_as_pdf(app, org, auth, csrf):
    c = auth.client("unita")
    r = post_form(c, fill_url(org.projects["xihu_junior"]), form_data(), csrf,
                  files={"review_form": (io.BytesIO(POLYGLOT), "poly.html")})
    assert r.status_code == 302
    att = db.session.scalars(select(Attachment)).one()

    r = c.get(f"/admin/materials/attachment/{att.id}")

    plain, star = assert_served_as(r, POLYGLOT, "application/pdf", ".pdf")
    assert plain == "poly.pdf" and star == "poly.pdf"


def _stored_row(app, org, original_name: str, data: bytes, ext: str, mime: str) -> Attachment:
    """An attachment row as an older version saved it: the uploader's name kept as typed."""
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    stored = f"{len(original_name):02d}{'0' * 30}.{ext}"
    upload = Path(app.config["UPLOAD_DIR"])
    upload.mkdir(parents=True, exist_ok=True)
    (upload / stored).write_bytes(data)
    att = Attachment(material=m, kind="scan", original_name=original_name, stored_name=stored,
                     mime=mime, size=len(data))
    db.session.add(att)
    db.session.commit()
    return att


@pytest.mark.parametrize("original, data, ext, mime, plain_name, shown_name", [
    ("x.html", POLYGLOT, "pdf", "application/pdf", "x.pdf", "x.pdf"),
    ("李四评审表.htm", POLYGLOT, "pdf", "application/pdf", None, "李四评审表.pdf"),
    ("机构代码证", PNG, "png", "image/png", None, "机构代码证.png"),
    ("证书 扫描件.svg", PNG, "png", "image/png", None, "证书 扫描件.png"),
], ids=["html-named-pdf", "chinese-htm-named-pdf", "png-without-extension", "png-named-svg"])
def test_existing_rows_with_a_wrong_extension_are_served_by_their_type(
        app, org, auth, original, data, ext, mime, plain_name, shown_name):
    att = _stored_row(app, org, original, data, ext, mime)

    r = auth.client("unita").get(f"/admin/materials/attachment/{att.id}")

    plain, star = assert_served_as(r, data, mime, "." + ext)
    assert star == shown_name
    assert plain == (plain_name or f"attachment-{att.id}.{ext}")
