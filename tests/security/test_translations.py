"""The compiled catalog of our Chinese for Flask-Admin's untranslated messages matches its .po
(a .po edited without recompiling would silently show English again)."""
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import zhicheng

LC = Path(zhicheng.__file__).parent / "translations" / "zh_Hans_CN" / "LC_MESSAGES"


def test_admin_mo_is_compiled_from_its_po():
    po = read_po(BytesIO((LC / "admin.po").read_bytes()))
    mo = read_mo(BytesIO((LC / "admin.mo").read_bytes()))
    want = {m.id: m.string for m in po if m.id}
    got = {m.id: m.string for m in mo if m.id}
    assert want == got and all(want.values())


def test_flask_admin_failure_flash_is_chinese(app, org, auth, csrf):
    c = auth.client(org["root"].username)
    r = c.post("/admin/dicts/new/", data={"kind": "series", "code": "", "name": "", "sort": "1",
                                          "csrf_token": csrf(c, "/admin/dicts/new/")})
    body = r.get_data(as_text=True)
    assert "Failed to" not in body and "保存失败，请按提示修改后重新提交" in body
