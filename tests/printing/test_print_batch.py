"""批量打印: the selected materials' forms merged into one PDF by a background job, for the unit
that may print them and nobody else."""
from __future__ import annotations

import io

from pypdf import PdfReader

from zhicheng.review.workflow import submit_materials

from .. import factories

LIST = "/admin/print/"


def _submitted(org):
    p = org.projects["xihu_junior"]
    a = factories.material(p, org["unit_a"], name="甲打印一", seq=1)
    b = factories.material(p, org["unit_a"], name="甲打印二", seq=2)
    other = factories.material(org.projects["edu_rd"], org["unit_b"], name="乙的材料", seq=3)
    submit_materials(org["unit_a"], [a.id, b.id], "经办人", "13900001111")
    submit_materials(org["unit_b"], [other.id], "乙经办", "13900002222")
    return a, b, other


def _post(client, csrf, ids):
    return client.post(LIST + "action/", data={"action": "print_batch", "rowid": ids,
                                               "csrf_token": csrf(client, LIST)})


def test_the_selected_forms_come_as_one_pdf(org, auth, csrf):
    a, b, _ = _submitted(org)
    c = auth.client("unita")
    r = _post(c, csrf, [a.id, b.id])
    assert r.status_code == 302 and "/admin/print-file/job/" in r.headers["Location"]
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "批量打印" in page and "生成完成，共 2 份" in page
    job_id = r.headers["Location"].rstrip("/").split("/")[-1]
    pdf = c.get(f"/admin/print-file/job/{job_id}/file")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "甲打印一" in text and "甲打印二" in text and "乙的材料" not in text
    # the job and its file are the owner's alone
    assert auth.client("unitb").get(f"/admin/print-file/job/{job_id}").status_code == 404
    assert auth.client("unitb").get(f"/admin/print-file/job/{job_id}/file").status_code == 404


def test_another_units_material_cannot_be_slipped_in(org, auth, csrf):
    a, _, other = _submitted(org)
    r = _post(auth.client("unita"), csrf, [a.id, other.id])
    assert r.status_code == 404


def test_without_the_print_permission_there_is_no_batch(org, auth, csrf):
    a, _, _ = _submitted(org)
    c = auth.client("unitaonlyfill")
    r = c.post(LIST + "action/", data={"action": "print_batch", "rowid": [a.id]})
    assert r.status_code in (400, 403)
