"""发文 and 证书编号, 撤销, and the public 证书查询.

证书编号 come from the rule of the person's 系列 and 级别 (NumberRule; a level-wide rule when the
series has none, else DEFAULT_PATTERN): the rendered prefix (year, level code, series code) keys a
counter row, read with SELECT … FOR UPDATE, from which a batch takes one consecutive range: two
batches issued at once wait for each other on that row and never share or skip a number. A number
already held by an imported historical certificate is passed over (it is a certificate too).
"""
from __future__ import annotations

import secrets
import string
from collections import defaultdict
from types import SimpleNamespace
from datetime import date, datetime

from sqlalchemy import func, insert, select

from zhicheng import transaction
from zhicheng.accounts.auth.captcha_code import ALPHABET
from zhicheng.certificates.models import (
    LEVELS,
    Certificate,
    IntegrityRecord,
    NumberCounter,
    NumberRule,
    PublicityBatch,
    PublicityEntry,
)
from zhicheng.certificates.publicity import PublicityError, check_period_over, load_batch, parse_int
from zhicheng.extensions import db
from zhicheng.models import Material, Project
from zhicheng.policy import P, require
from zhicheng.system import audit

DEFAULT_PATTERN = "{year}{level}{series}{seq:05d}"
DEFAULT_LEVEL_CODES = {"senior": "1", "middle": "2", "junior": "3"}
QUERY_CODE_LENGTH = 8
FIELDS = {"year", "level", "series", "seq"}


class CertificateError(PublicityError):
    pass


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def level_of(kind: str) -> str:
    """初级/中级/高级 from the project's kind (cd_middle, ps_senior …)."""
    level = (kind or "").rsplit("_", 1)[-1]
    return level if level in LEVELS else "middle"


def check_pattern(pattern: str) -> str:
    """A pattern names only {year} {level} {series} and exactly one {seq} (with a format, e.g. {seq:05d})."""
    pattern = (pattern or "").strip()
    try:
        names = [f for _, f, spec, _ in string.Formatter().parse(pattern) if f is not None]
        pattern.format(year=2026, level="2", series="01", seq=1)
    except (ValueError, KeyError, IndexError):
        raise CertificateError("编号规则格式不正确，可用{year}{level}{series}{seq:05d}") from None
    if set(names) - FIELDS:
        raise CertificateError("编号规则只能包含{year}、{level}、{series}和{seq}")
    if names.count("seq") != 1:
        raise CertificateError("编号规则应包含且只包含一个序号{seq}（如{seq:05d}）")
    if len(pattern.format(year=2026, level="X" * 10, series="X" * 10, seq=10 ** 8)) > 40:
        raise CertificateError("按该规则生成的证书编号超过40个字符")
    return pattern


def rule_for(series: str, level: str, rules: list[NumberRule]) -> tuple[str, str, str]:
    """(pattern, level code, series code) for a series and level."""
    exact = next((r for r in rules if r.level == level and r.series == series), None)
    rule = exact or next((r for r in rules if r.level == level and r.series == ""), None)
    if rule is None:
        return DEFAULT_PATTERN, DEFAULT_LEVEL_CODES.get(level, "9"), "00"
    series_code = rule.series_code if exact else (rule.series_code or "00")
    return rule.pattern, rule.level_code or DEFAULT_LEVEL_CODES.get(level, "9"), series_code


def _prefix(pattern: str, year: int, level_code: str, series_code: str):
    """The counter's key (the number with everything but the sequence filled in, '#' for it) and
    a function seq -> 证书编号."""
    head, tail = pattern.split("{seq", 1)
    close = tail.index("}")
    seq_field, rest = "{seq" + tail[:close + 1], tail[close + 1:]
    values = dict(year=year, level=level_code, series=series_code)
    head_s, rest_s = head.format(**values), rest.format(**values)
    return f"{head_s}#{rest_s}", (lambda seq: head_s + seq_field.format(seq=seq) + rest_s)


def reserve(key: str, count: int) -> int:
    """Take `count` consecutive sequence numbers under `key`; returns the first. The counter row is
    locked (FOR UPDATE) until the transaction ends."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    db.session.execute(dialect_insert(NumberCounter).values(key=key, last=0).on_conflict_do_nothing(
        index_elements=["key"]))
    counter = db.session.scalar(select(NumberCounter).where(NumberCounter.key == key)
                                .with_for_update().execution_options(populate_existing=True))
    first = counter.last + 1
    counter.last += count
    db.session.flush()
    return first


def new_query_code() -> str:
    """QUERY_CODE_LENGTH characters of the captcha's alphabet (no 0/O, 1/I/L), uniformly at random."""
    value, out = secrets.randbelow(len(ALPHABET) ** QUERY_CODE_LENGTH), []
    for _ in range(QUERY_CODE_LENGTH):
        value, digit = divmod(value, len(ALPHABET))
        out.append(ALPHABET[digit])
    return "".join(out)


def issue_batch(user, batch_id, doc_number: str, issuing_body: str, issued_on: date | None,
                seal_file: str | None = None, today: date | None = None) -> list[Certificate]:
    """发文: the confirmed batch gets its 发文字号, 发证单位 and 发证日期; each person a certificate with
    a 证书编号 and a 查询码. All or nothing."""
    today = today or date.today()
    batch = load_batch(user, batch_id, P.CERTIFICATES)
    doc_number, issuing_body = (doc_number or "").strip(), (issuing_body or "").strip()
    if not doc_number or len(doc_number) > 60:
        raise CertificateError("请填写发文字号（如：杭人社发〔2026〕12号）")
    if not issuing_body or len(issuing_body) > 200:
        raise CertificateError("请填写发证单位")
    if issued_on is None:
        raise CertificateError("请填写发证日期")
    if batch.state == "issued":
        raise CertificateError(f"“{batch.title}”已发文（{batch.doc_number}），不能重复发文")
    check_period_over(batch, today, "发文")
    if batch.state != "confirmed":
        raise CertificateError(f"“{batch.title}”尚未评定，评定后方可发文")
    if db.session.scalar(select(PublicityBatch.id).where(PublicityBatch.doc_number == doc_number)):
        raise CertificateError(f"发文字号“{doc_number}”已被使用")
    with transaction.atomic():
        # The batch row first: a second 发文 of the same batch at the same moment waits here.
        db.session.scalar(select(PublicityBatch.id).where(PublicityBatch.id == batch.id).with_for_update())
        db.session.refresh(batch)
        if batch.state != "confirmed":
            raise CertificateError(f"“{batch.title}”已发文，不能重复发文")
        # Plain rows, not ORM objects: a batch may hold ten thousand people.
        people = db.session.execute(
            select(Material.id, Material.number, Material.name, Material.id_card, Material.qualification,
                   Material.series, Material.major, Project.kind)
            .join(PublicityEntry, PublicityEntry.material_id == Material.id)
            .join(Project, Project.id == Material.project_id)
            .where(PublicityEntry.batch_id == batch.id, PublicityEntry.state == "certified")
            .order_by(PublicityEntry.id)).all()
        _refuse_second_issue(people)
        rules = list(db.session.scalars(select(NumberRule)))
        groups: dict[str, list] = defaultdict(list)
        formatters = {}
        for p in people:
            level = level_of(p.kind)
            pattern, level_code, series_code = rule_for(p.series, level, rules)
            key, fmt = _prefix(pattern, issued_on.year, level_code, series_code)
            groups[key].append((p, level))
            formatters[key] = fmt
        obtained = batch.confirmed_at.date() if batch.confirmed_at else issued_on
        rows, now = [], _now()
        for key in sorted(groups):  # one lock order for every batch: no deadlock between two
            members, fmt = groups[key], formatters[key]
            seq = reserve(key, len(members))
            numbers: list[str] = []
            while len(numbers) < len(members):
                wanted = [fmt(s) for s in range(seq, seq + len(members) - len(numbers))]
                taken = set()
                for chunk in range(0, len(wanted), 1000):
                    taken.update(db.session.scalars(select(Certificate.number).where(
                        Certificate.number.in_(wanted[chunk:chunk + 1000]))))
                numbers += [n for n in wanted if n not in taken]
                seq += len(wanted)
                if taken:  # numbers held by imported certificates are passed over: take more
                    reserve(key, len(taken))
            for (p, level), number in zip(members, numbers, strict=True):
                rows.append(dict(number=number, name=p.name, id_card=p.id_card, qualification=p.qualification,
                                 series=p.series, level=level, major=p.major, obtained_on=obtained,
                                 issuing_body=issuing_body, issued_on=issued_on, doc_number=doc_number,
                                 query_code=new_query_code(), batch_id=batch.id, material_id=p.id,
                                 source="issued", state="valid", revoked_reason="", created_at=now))
        for chunk in range(0, len(rows), 2000):
            db.session.execute(insert(Certificate), rows[chunk:chunk + 2000])
        ids = dict(db.session.execute(select(Certificate.number, Certificate.id).where(
            Certificate.batch_id == batch.id)).all())
        # What was issued, as plain records (id and columns), in the batch's order.
        issued = [SimpleNamespace(id=ids[row["number"]], **row) for row in rows]
        batch.state, batch.doc_number, batch.issuing_body, batch.issued_on = "issued", doc_number, issuing_body, issued_on
        if seal_file:
            batch.seal_file = seal_file
        batch.version += 1
        audit.record("certificate.issue", batch, f"发文{doc_number}：{len(rows)}人，发证单位{issuing_body}", actor=user)
        db.session.flush()
    return issued


def _refuse_second_issue(materials) -> None:
    """A person gets one certificate per result, and one valid certificate per 资格名称."""
    if not materials:
        raise CertificateError("该批次没有可发证的人员")
    ids = [m.id for m in materials]
    done = None
    for chunk in range(0, len(ids), 1000):
        done = done or db.session.scalar(select(Certificate.material_id).where(
            Certificate.material_id.in_(ids[chunk:chunk + 1000])).limit(1))
    if done is not None:
        m = next(m for m in materials if m.id == done)
        raise CertificateError(f"{m.name}（材料{m.number}）已发文发证，不能重复发文")
    wanted = {(m.id_card, m.qualification) for m in materials}
    cards = sorted({c for c, _ in wanted})
    for chunk in range(0, len(cards), 1000):
        held = db.session.execute(select(Certificate.id_card, Certificate.qualification, Certificate.number).where(
            Certificate.id_card.in_(cards[chunk:chunk + 1000]), Certificate.state == "valid")).all()
        for card, qualification, number in held:
            if (card, qualification) in wanted:
                m = next(m for m in materials if (m.id_card, m.qualification) == (card, qualification))
                raise CertificateError(f"{m.name}已持有“{qualification}”证书（编号{number}），不能重复发文")


# --- 撤销 ----------------------------------------------------------------------------------

REVOKE_KINDS = ("弄虚作假", "违规取得", "其他")


def revoke_certificate(user, certificate_id, kind: str, reason: str) -> Certificate:
    """撤销: the certificate becomes 已撤销 (证书查询 says so) and the person's 诚信档案 gets the reason."""
    require(user, P.CERTIFICATES, error=CertificateError)
    reason = (reason or "").strip()
    if kind not in REVOKE_KINDS:
        raise CertificateError("请选择撤销类别")
    if not reason:
        raise CertificateError("请填写撤销理由")
    cert = db.session.get(Certificate, parse_int(certificate_id))
    if cert is None:
        raise CertificateError("该证书不存在")
    if cert.state == "revoked":
        raise CertificateError(f"证书{cert.number}已撤销")
    cert.state, cert.revoked_reason, cert.revoked_at = "revoked", f"{kind}：{reason}", _now()
    db.session.add(IntegrityRecord(id_card=cert.id_card, name=cert.name, kind=kind,
                                   reason=f"撤销证书{cert.number}（{cert.qualification}）：{reason}",
                                   certificate_id=cert.id, at=_now(), actor_name=user.display_name))
    audit.record("certificate.revoke", cert, f"撤销证书{cert.number} {cert.name}：{kind}：{reason}", actor=user)
    db.session.flush()
    return cert


# --- 证书查询 ------------------------------------------------------------------------------

def verify(number: str, name: str, code: str) -> Certificate | None:
    """The certificate whose 证书编号, 姓名 and 查询码 (or the last 6 characters of the 身份证号) all
    match; None otherwise, whichever of them did not."""
    number, name, code = (number or "").strip(), (name or "").strip(), (code or "").strip().upper()
    if not number or not name or not code or len(number) > 40:
        return None
    cert = db.session.scalar(select(Certificate).where(Certificate.number == number))
    if cert is None:
        return None
    ok_name = secrets.compare_digest(cert.name.encode(), name.encode())
    ok_code = (secrets.compare_digest(cert.query_code.encode(), code.encode())
               or (len(code) == 6 and secrets.compare_digest(cert.id_card[-6:].upper().encode(), code.encode())))
    return cert if ok_name and ok_code else None


def count_certificates() -> int:
    return db.session.scalar(select(func.count(Certificate.id))) or 0
