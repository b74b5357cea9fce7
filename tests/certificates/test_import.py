"""接收原系统数据: historical certificates from an .xlsx, idempotent, with a report per row; a row
whose 证书编号 collides is refused and changes nothing; verification covers them."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from zhicheng.certificates.models import Certificate
from zhicheng.extensions import db
from zhicheng.models import AuditLog

from .. import factories

URL = "/admin/cert_import/"
HEADER = ("姓名", "身份证号", "资格名称", "证书编号", "发证日期", "发证单位")


def _import(c, csrf, rows):
    return c.post(URL, data={"file": (factories.xlsx([HEADER, *rows]), "证书.xlsx"), "csrf_token": csrf(c, URL)},
                  content_type="multipart/form-data").get_data(as_text=True)


def _status(page: str, line: int) -> str:
    import re
    return re.search(rf'data-line="{line}" data-status="(\w+)"', page).group(1)


CARD1, CARD2 = factories.make_id_card(date(1970, 1, 2), 11), factories.make_id_card(date(1972, 3, 4), 12)
ROWS = [("周历史", CARD1, "高级工程师", "ZJ2010G00123", date(2010, 12, 30), "浙江省人力资源和社会保障厅"),
        ("吴历史", CARD2, "工程师", "HZ2012Z00456", "2012-06-30", "杭州市人事局")]


def test_import_adds_then_leaves_alone_and_reports_each_row(org, auth, csrf, client):
    c = auth.client("rootadmin")
    page = _import(c, csrf, [*ROWS, ("坏行", "123", "工程师", "X1", "2012-06-30", "杭州市人事局"),
                             ("无日期", CARD2, "工程师", "X2", "去年", "杭州市人事局")])
    assert [_status(page, n) for n in (2, 3, 4, 5)] == ["added", "added", "rejected", "rejected"]
    assert "身份证号应为18位" in page and "发证日期格式不正确" in page
    assert db.session.scalar(select(func.count(Certificate.id))) == 2
    page = _import(c, csrf, ROWS)
    assert [_status(page, n) for n in (2, 3)] == ["unchanged", "unchanged"]
    assert db.session.scalar(select(func.count(Certificate.id))) == 2
    # Verification covers the imported certificate (by the last 6 of the 身份证号).
    page = client.post("/verify", data={"no": "ZJ2010G00123", "name": "周历史", "code": CARD1[-6:],
                                        "csrf_token": csrf(client, "/verify")}).get_data(as_text=True)
    assert 'id="verify-result"' in page and "高级工程师" in page and "浙江省人力资源和社会保障厅" in page


def test_each_import_leaves_its_counts_in_the_audit_log(org, auth, csrf):
    c = auth.client("rootadmin")
    _import(c, csrf, [*ROWS, ("坏行", "123", "工程师", "X1", "2012-06-30", "杭州市人事局")])
    _import(c, csrf, ROWS[:1])
    assert list(db.session.scalars(select(AuditLog.detail).where(AuditLog.action == "certificate.import")
                                   .order_by(AuditLog.id))) == [
        "导入历史证书：新增2条，已存在0条，未导入1条", "导入历史证书：新增0条，已存在1条，未导入0条"]


def test_a_colliding_number_is_refused_and_nothing_of_it_changes(org, auth, csrf):
    c = auth.client("rootadmin")
    _import(c, csrf, ROWS[:1])
    before = db.session.scalar(select(Certificate)).__dict__.copy()
    card3 = factories.make_id_card(date(1980, 1, 1), 13)
    page = _import(c, csrf, [("郑冒用", card3, "高级工程师", "ZJ2010G00123", "2011-01-01", "某单位"),
                             ("郑冒用", card3, "工程师", "HZ2013Z00001", "2013-01-01", "某单位"),
                             ("郑冒用", card3, "工程师", "HZ2013Z00001", "2013-01-01", "某单位")])
    assert [_status(page, n) for n in (2, 3, 4)] == ["rejected", "added", "rejected"]
    assert "编号冲突" in page and "与第3行的证书编号重复" in page
    db.session.expire_all()
    after = db.session.scalar(select(Certificate).where(Certificate.number == "ZJ2010G00123"))
    assert (after.name, after.id_card, after.issuing_body, after.query_code) == (
        before["name"], before["id_card"], before["issuing_body"], before["query_code"])


def test_an_issued_number_passes_over_an_imported_one(org):
    from zhicheng import transaction
    from zhicheng.certificates import issuing

    from . import world
    # An imported certificate already holds the first number the default rule would give.
    db.session.add(Certificate(number="202630000001", name="旧证", id_card=CARD1, qualification="助理工程师",
                               obtained_on=date(2020, 1, 1), issuing_body="x", issued_on=date(2020, 1, 1),
                               query_code="ABCDEFGH", source="imported", created_at=date(2020, 1, 1)))
    transaction.commit()
    batch = world.confirmed(org, [world.approved(org, "甲", 1), world.approved(org, "乙", 2)])
    certs = issuing.issue_batch(org["root"], batch.id, "杭人社发〔2026〕1号", "杭州市人社局", date(2026, 12, 20))
    assert [x.number for x in certs] == ["202630000002", "202630000003"]


def test_only_the_office_imports(org, auth):
    assert auth.client("xihupublish").get(URL).status_code == 403
    assert auth.client("unita").get(URL).status_code == 403
