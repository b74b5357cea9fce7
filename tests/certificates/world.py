"""Results ready for 评后管理: materials through 审核通过 (初定/认定) and 评审通过 (评审), and batches."""
from __future__ import annotations

from datetime import date, timedelta

from zhicheng import transaction
from zhicheng.certificates import publicity
from zhicheng.extensions import db
from zhicheng.models import Material
from zhicheng.review import workflow

from .. import factories


def approved(org, name: str, seq: int, project: str = "xihu_junior", **fields) -> Material:
    """A material of unit A through 审核通过 at 西湖区 (the project's issuer)."""
    m = factories.material(org.projects[project], org["unit_a"], name=name, seq=seq, **fields)
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    workflow.pass_materials(org["xihu_review"], [m.id])
    transaction.commit()
    db.session.expire_all()
    return db.session.get(Material, m.id)


def board_passed(org, project, name: str, seq: int) -> Material:
    m = factories.passed_first_review(org, project, name, seq)
    workflow.transfer_to_board(org["xihu_review"], [m.id])
    workflow.record_board_result(db.session.get(Material, m.id), True, "同意17票，不同意6票，弃权2票")
    transaction.commit()
    db.session.expire_all()
    return db.session.get(Material, m.id)


def publish(org, materials, title: str = "2026年度职称评审结果公示（第一批）", start: date | None = None):
    start = start or date.today()
    batch = publicity.create_batch(org["root"], title, start, publicity.earliest_end(start), [m.id for m in materials])
    transaction.commit()
    return batch


def after(batch) -> date:
    """A day after the batch's period."""
    return batch.end_date + timedelta(days=1)


def confirmed(org, materials, title: str = "2026年度职称评审结果公示（第一批）"):
    batch = publish(org, materials, title)
    publicity.confirm_batch(org["root"], batch.id, today=after(batch))
    transaction.commit()
    return batch


def entry_of(batch, material):
    return next(e for e in batch.entries if e.material_id == material.id)


def populate_certificates(org):
    """A 发文 of two results and a batch on 公示 with an open 异议: rows for every 评后管理 page."""
    from zhicheng.certificates import issuing
    from datetime import datetime

    from zhicheng.certificates.models import IntegrityRecord, NumberRule
    db.session.add(NumberRule(series="工程", level="junior", level_code="3", series_code="01"))
    db.session.add(IntegrityRecord(id_card="330106198001010011", name="旧记录", kind="其他", reason="原系统记录",
                                   at=datetime(2020, 1, 1)))
    transaction.commit()
    issued = confirmed(org, [approved(org, "发证一", 901), approved(org, "发证二", 902)], "已发文批次")
    certs = issuing.issue_batch(org["root"], issued.id, "杭人社发〔2026〕1号", "杭州市人社局", date.today())
    on_list = approved(org, "公示中", 903)
    batch = publish(org, [on_list], "公示中批次")
    objection = publicity.file_objection(batch.id, entry_of(batch, on_list).id, "李群众", "139", "有异议", "127.0.0.1")
    transaction.commit()
    return {"issued": issued, "certificates": certs, "batch": batch, "objection": objection}
