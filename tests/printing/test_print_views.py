import io

from pypdf import PdfReader

from zhicheng.review.workflow import submit_materials

from .. import factories


def _text(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    assert resp.mimetype == "application/pdf"
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)


def test_print_list_and_pdfs_across_roles(org, auth):
    a_sent = factories.material(org.projects["middle"], org["unit_a"], name="𠮷䶮堃", seq=1)
    a_draft = factories.material(org.projects["xihu_junior"], org["unit_a"], name="草稿人", seq=2)
    b_sent = factories.material(org.projects["edu_rd"], org["unit_b"], name="乙单位人员", seq=3)
    submit_materials(org["unit_a"], [a_sent.id], "经办人", "13900001111")
    submit_materials(org["unit_b"], [b_sent.id], "经办人", "13900001111")

    unit_a = auth.client("unita")
    page = unit_a.get("/admin/print/").get_data(as_text=True)
    assert "𠮷䶮堃" in page and "打印初定表" in page
    assert "草稿人" not in page and "乙单位人员" not in page      # only the unit's submitted ones
    clean = _text(unit_a.get(f"/admin/print-file/material/{a_sent.id}.pdf"))
    assert "𠮷䶮堃" in clean and "甲单位科技有限公司" in clean and "未上报" not in clean
    draft = _text(unit_a.get(f"/admin/print-file/material/{a_draft.id}.pdf"))
    assert "草稿人" in draft and "未上报" in draft                 # watermarked until submitted

    assert unit_a.get(f"/admin/print-file/material/{b_sent.id}.pdf").status_code == 404
    b_page = auth.client("unitb").get("/admin/print/").get_data(as_text=True)
    assert "打印认定表" in b_page and "𠮷䶮堃" not in b_page

    assert auth.client("unita002").get("/admin/print/").status_code == 403          # no 打印表格
    assert auth.client("unita002").get(f"/admin/print-file/material/{a_sent.id}.pdf").status_code == 403
    # the sub-account with only 打印表格 sees its own materials (none here), not the unit's
    assert auth.client("unitaonlyprint").get(f"/admin/print-file/material/{a_sent.id}.pdf").status_code == 404

    # departments print what reached them, not other branches' materials, never drafts
    assert "𠮷䶮堃" in _text(auth.client("xihureview").get(f"/admin/print-file/material/{a_sent.id}.pdf"))
    assert auth.client("edureview").get(f"/admin/print-file/material/{a_sent.id}.pdf").status_code == 404
    assert auth.client("xihureview").get(f"/admin/print-file/material/{a_draft.id}.pdf").status_code == 404
