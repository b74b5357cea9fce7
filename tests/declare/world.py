"""The 高中级 list's test world: submitted materials of several units under two branches."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from openpyxl import load_workbook
from pypdf import PdfReader

from zhicheng.extensions import db
from zhicheng.models import Material
from zhicheng.review.workflow import submit_materials

from .. import factories


def pdf_text(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    assert resp.mimetype == "application/pdf"
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)


def xlsx_rows(resp) -> tuple[list, list[list]]:
    assert resp.status_code == 200, resp.status_code
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def populate(org) -> dict:
    """Three units under 西湖区 (one named like another, to test the sort's grouping), unit B under
    the 教育局; materials of each submitted on different days, with series and qualifications."""
    unit_c, users_c = factories.unit("丙单位研究院", org.xihu, "unitc", 3)
    unit_d, users_d = factories.unit("甲单位科技有限公司", org.xihu, "unitd", 4)  # same name as unit A
    db.session.commit()
    middle = org.projects["middle"]
    specs = [  # (unit account, name, seq, series, qualification)
        (org["unit_a"], "赵甲", 21, "工程", "工程师"),
        (org["unit_a"], "钱甲", 22, "经济", "经济师"),
        (users_c, "孙丙", 23, "工程", "高级工程师"),
        (users_c, "李丙", 24, "工程", "工程师"),
        (users_d, "周丁", 25, "经济", "经济师"),
        (users_d, "吴丁", 26, "工程", "工程师"),
    ]
    made = []
    start = datetime(2026, 3, 1, 9, 0)
    for i, (account, name, seq, series, qualification) in enumerate(specs):
        m = factories.material(middle, account, name=name, seq=seq)
        m.series, m.qualification = series, qualification
        submit_materials(account, [m.id], "经办人", "13900001111")
        db.session.commit()
        # Each on a day of its own (the sort by 上报时间 must see them apart).
        db.session.execute(Material.__table__.update().where(Material.id == m.id)
                           .values(submitted_at=start + timedelta(days=(i * 5) % 7)))
        made.append(m)
    b = factories.material(org.projects["edu_rd"], org["unit_b"], name="郑乙", seq=27)
    b.series, b.qualification = "教师", "中学一级教师"
    submit_materials(org["unit_b"], [b.id], "经办人", "13900002222")
    draft = factories.material(middle, org["unit_a"], name="王草稿", seq=28)
    db.session.commit()
    db.session.expire_all()
    return {"xihu": [db.session.get(Material, m.id) for m in made], "edu": db.session.get(Material, b.id),
            "draft": draft, "unit_c": unit_c, "unit_d": unit_d, "today": date.today()}


def names_in(page: str) -> list[str]:
    """The 姓名 column of the list page, top to bottom (the default columns: 编号, 姓名, …)."""
    import re
    body = page[page.index('id="declare-list"'):]
    body = body[:body.index("</table>")]
    rows = re.findall(r'<tr data-id="\d+">\s*<td>[^<]*</td><td>([^<]*)</td>', body)
    return rows
