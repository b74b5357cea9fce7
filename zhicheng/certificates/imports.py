"""接收原系统数据: historical certificates from an .xlsx (姓名, 身份证号, 资格名称, 证书编号, 发证日期,
发证单位), so that 证书查询 covers people certified before the system. A report per row; importing
the same file again changes nothing; a row whose 证书编号 belongs to another person (or another
qualification) is refused and nothing of it is written."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from zhicheng.certificates.issuing import CertificateError, new_query_code
from zhicheng.certificates.models import Certificate
from zhicheng.extensions import db
from zhicheng.policy import P, require
from zhicheng.system import audit
from zhicheng.validators import ValidationError, check_id_card, not_repeated, refuse_row

IMPORT_HEADER = ("姓名", "身份证号", "资格名称", "证书编号", "发证日期", "发证单位")


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    for sep in ("年", "月"):
        text = text.replace(sep, "-")
    text = text.replace("日", "")
    try:
        y, m, d = (int(p) for p in text.split("-")[:3])
        return date(y, m, d)
    except (TypeError, ValueError):
        raise ValidationError("发证日期格式不正确（如2015-06-30）") from None


def _text(value, label: str, limit: int) -> str:
    text = str(value if value is not None else "").strip()
    if not text:
        raise ValidationError(f"{label}不能为空")
    if len(text) > limit:
        raise ValidationError(f"{label}不超过{limit}字")
    return text


def import_certificates(actor, rows) -> list[dict]:
    """`rows` are (row number, 姓名, 身份证号, 资格名称, 证书编号, 发证日期, 发证单位)."""
    require(actor, P.CERTIFICATES, error=CertificateError)
    report, seen, now = [], {}, datetime.now().replace(microsecond=0)
    added = []
    for line, raw_name, raw_card, raw_qual, raw_no, raw_date, raw_body in rows:
        entry = {"line": line, "name": str(raw_name or "").strip()[:50], "id_card": str(raw_card or "").strip()[:20],
                 "number": str(raw_no or "").strip()[:40], "qualification": str(raw_qual or "").strip()[:100]}
        try:
            name = _text(raw_name, "姓名", 50)
            card = check_id_card(entry["id_card"])
            qualification = _text(raw_qual, "资格名称", 100)
            number = _text(raw_no, "证书编号", 40)
            issued = _date(raw_date)
            if issued > date.today():
                raise ValidationError("发证日期不能晚于今天")
            body = _text(raw_body, "发证单位", 200)
            not_repeated(seen, number, "证书编号")
            existing = db.session.scalar(select(Certificate).where(Certificate.number == number))
            if existing is not None:
                same = (existing.id_card == card and existing.name == name and existing.qualification == qualification)
                if not same:
                    raise ValidationError(f"证书编号{number}已属于{existing.name[:1]}**的“{existing.qualification}”证书，"
                                          "编号冲突，未导入")
                seen[number] = line
                entry.update(status="unchanged", reason="该证书已导入过，未改变")
                report.append(entry)
                continue
        except ValidationError as e:
            refuse_row(report, entry, e)
            continue
        seen[number] = line
        cert = Certificate(number=number, name=name, id_card=card, qualification=qualification, obtained_on=issued,
                           issuing_body=body, issued_on=issued, query_code=new_query_code(), source="imported",
                           state="valid", created_at=now)
        db.session.add(cert)
        added.append(cert)
        entry.update(status="added", reason="")
        report.append(entry)
    audit.record_import("certificate.import", None, "导入历史证书", report,
                        {"added": "新增", "unchanged": "已存在", "rejected": "未导入"}, actor)
    db.session.flush()
    return report
