"""Dictionaries and 单位字典 entries of the test organisation, and workbooks built in memory."""
from __future__ import annotations

import io

from openpyxl import Workbook

from zhicheng.extensions import db
from zhicheng.models import DictItem, UnitCode

from .. import factories


def dictionaries() -> dict[str, DictItem]:
    """系列 工程 and 教师 with their 专业 and 资格名称 (and one 专业 of every 系列), 评委会 codes,
    a 职务名称 and 单位性质."""
    items: dict[str, DictItem] = {}

    def add(kind, code, name, sort, parent=None, active=True):
        item = DictItem(kind=kind, code=code, name=name, sort=sort, parent=items.get(parent), active=active)
        db.session.add(item)
        items[f"{kind}:{name}"] = item
        return item

    items["工程"] = add("series", "GC", "工程", 1)
    items["教师"] = add("series", "JS", "教师", 2)
    for code, name, sort, series in [("0101", "计算机应用", 1, "工程"), ("0102", "建筑工程", 2, "工程"),
                                     ("0501", "中学数学", 3, "教师"), ("9901", "通用专业", 4, None)]:
        add("major", code, name, sort, series)
    for code, name, sort, series in [("Q11", "助理工程师", 1, "工程"), ("Q12", "工程师", 2, "工程"),
                                     ("Q51", "中学二级教师", 3, "教师"), ("Q52", "中学一级教师", 4, "教师")]:
        add("qualification", code, name, sort, series)
    add("board", "PW01", "杭州市工程系列中级评审委员会", 1)
    add("board", "PW02", "杭州市中小学教师中级评审委员会", 2)
    add("post", "ZW01", "工程师", 1)
    add("education", "XL01", "本科", 1)
    add("level", "JB01", "中级", 1)
    add("unit_nature", "XZ01", "事业单位", 1)
    add("unit_nature", "XZ02", "非公企业", 2)
    add("unit_nature", "XZ99", "停用的性质", 3, active=False)
    db.session.commit()
    return items


def unit_codes(org) -> dict[str, UnitCode]:
    """单位字典 entries: two under 西湖区, one under the 教育局's sub-department (unit B's), one
    under the root office."""
    rows = {
        "xihu1": UnitCode(code="XH0001", name="西湖某某科技有限公司", department_id=org.xihu.id,
                          uscc=org.unit_a.uscc, nature="", industry="I", region="330106"),
        "xihu2": UnitCode(code="XH0002", name="西湖某某设计院", department_id=org.xihu.id),
        "edusub": UnitCode(code="JY0001", name="乙单位中学", department_id=org.edu_sub.id, uscc=org.unit_b.uscc,
                           industry="P"),
        "root": UnitCode(code="SJ0001", name="市属某某研究院", department_id=org.root.id),
    }
    db.session.add_all(rows.values())
    db.session.commit()
    return rows


def workbook(sheets: dict[str, list[list]]) -> io.BytesIO:
    """An .xlsx with a sheet per title, each a list of rows (the first one the header)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def read_workbook(data: bytes) -> dict[str, list[list]]:
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(data), read_only=True)
    book = {}
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        width = len(rows[0]) if rows else 0
        book[ws.title] = [r + [None] * (width - len(r)) for r in rows]  # empty trailing cells as None
    return book


def upload(client, csrf, url: str, data: io.BytesIO, page: str, name: str = "codes.xlsx", **fields):
    return client.post(url, data={"file": (data, name), "csrf_token": csrf(client, page), **fields},
                       content_type="multipart/form-data")


__all__ = ["dictionaries", "factories", "read_workbook", "unit_codes", "upload", "workbook"]
