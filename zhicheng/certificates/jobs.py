"""批量打印证书: the certificates of one 发文 merged into one PDF by a background job (the merging
job of zhicheng.printing.jobs), downloaded by its owner from the job's page."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from zhicheng import scope
from zhicheng.certificates.models import Certificate
from zhicheng.exporting.models import ExportJob
from zhicheng.extensions import db
from zhicheng.policy import P, require
from zhicheng.printing.jobs import MAX_FORMS, start_merged_pdf

#: The most certificates one job merges (a 发文 of more is printed in parts).
MAX_CERTIFICATES = max(MAX_FORMS, 1000)


def start_certificate_print(user, batch) -> ExportJob:
    from zhicheng.certificates.issuing import CertificateError
    require(user, P.CERTIFICATES, error=CertificateError)
    ids = list(db.session.scalars(select(Certificate.id).where(Certificate.batch_id == batch.id,
                                                               scope.certificates(user)).order_by(Certificate.id)))
    if not ids:
        raise CertificateError("该批次尚未发文，没有可打印的证书")
    if len(ids) > MAX_CERTIFICATES:
        raise CertificateError(f"一次最多打印{MAX_CERTIFICATES}份证书")
    return start_merged_pdf(user, "certificates", ids, f"证书-{batch.doc_number}-{len(ids)}份",
                            "zhicheng.certificates.jobs.run_certificate_print",
                            ("certificate.print_batch", batch, f"批量打印证书 {len(ids)} 份（{batch.doc_number}）"))


def run_certificate_print(job_id: int) -> None:
    from zhicheng.certificates.pdf import render_certificate_pdf
    from zhicheng.printing.jobs import run_merged_pdf

    def render(owner, cid: int) -> bytes | None:
        cert = db.session.scalar(select(Certificate).where(Certificate.id == cid, scope.certificates(owner))
                                 .options(joinedload(Certificate.batch)))
        return render_certificate_pdf(cert) if cert is not None else None

    run_merged_pdf(job_id, P.CERTIFICATES, "certificates", render)
