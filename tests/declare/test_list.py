"""高中级申报信息管理: who sees which rows, 组合排序 over several columns kept in the URL, and the
printed list and workbook holding exactly the listed rows under the office's 打印模板."""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

from zhicheng.declare.listing import parse_order
from zhicheng.extensions import db
from zhicheng.models import AuditLog, Material, PrintTemplate

from .world import names_in, pdf_text, populate, xlsx_rows

URL = "/admin/declare/"


def _expected(materials, *keys):
    """The names in the order of `keys` (each (attribute getter, descending)), then by id."""
    rows = list(materials)
    rows.sort(key=lambda m: m.id)
    for getter, desc in reversed(keys):
        rows.sort(key=getter, reverse=desc)
    return [m.name for m in rows]


def test_each_department_lists_only_its_subtree_and_never_drafts(org, auth):
    world = populate(org)
    xihu = auth.client("xihureview").get(URL).get_data(as_text=True)
    assert sorted(names_in(xihu)) == sorted(m.name for m in world["xihu"])
    assert "郑乙" not in xihu and "王草稿" not in xihu
    edu = auth.client("eduadmin").get(URL).get_data(as_text=True)
    assert names_in(edu) == ["郑乙"]
    root = auth.client("rootadmin").get(URL).get_data(as_text=True)
    assert sorted(names_in(root)) == sorted([m.name for m in world["xihu"]] + ["郑乙"])
    # units, their sub-accounts and persons have no such page
    for username in ("unita", "unita001", "gerena"):
        assert auth.client(username).get(URL).status_code == 403


def test_combined_sort_over_two_and_three_columns(org, auth):
    world = populate(org)
    c = auth.client("rootadmin")
    every = world["xihu"] + [world["edu"]]
    # 单位 then 姓名: units with the same name stay apart (grouped by unit), each unit's people by name
    page = c.get(URL + "?order=unit,name").get_data(as_text=True)
    assert names_in(page) == _expected(every, (lambda m: (m.unit.name, m.unit.id), False), (lambda m: m.name, False))
    # 系列, then 申报资格名称 descending, then 上报时间
    page = c.get(URL + "?order=series,-qualification,submitted_at").get_data(as_text=True)
    assert names_in(page) == _expected(every, (lambda m: m.series, False), (lambda m: m.qualification, True),
                                       (lambda m: m.submitted_at, False))
    assert "申报系列、申报资格名称（降序）、上报时间" in page
    # 系列 then 资格: ties follow 上报时间, the rest of the index that serves this sort
    page = c.get(URL + "?order=series,qualification").get_data(as_text=True)
    assert names_in(page) == _expected(every, (lambda m: m.series, False), (lambda m: m.qualification, False),
                                       (lambda m: m.submitted_at, False))
    page = c.get(URL + "?order=-series,-qualification").get_data(as_text=True)
    assert names_in(page) == _expected(every, (lambda m: m.series, True), (lambda m: m.qualification, True),
                                       (lambda m: (m.submitted_at, m.id), True))


def test_the_sort_is_chosen_in_the_page_and_kept_in_the_url(org, auth):
    populate(org)
    c = auth.client("xihuadmin")
    page = c.get(URL).get_data(as_text=True)
    for i in (1, 2, 3):
        assert f'name="sort{i}"' in page and f'name="dir{i}"' in page
    r = c.get(URL + "?series=工程&sort1=unit&dir1=desc&sort2=name&dir2=asc&sort3=")
    assert r.status_code == 302
    args = parse_qs(urlsplit(r.headers["Location"]).query)
    assert args["order"] == ["-unit,name"] and args["series"] == ["工程"] and "sort1" not in args
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    # the pager, the print and the export links carry the same order and filters
    for link in ("print.pdf", "export.xlsx", "data.xlsx"):
        href = re.search(rf'href="([^"]*{re.escape(link)}[^"]*)"', page).group(1).replace("&amp;", "&")
        got = parse_qs(urlsplit(href).query)
        assert got["order"] == ["-unit,name"] and got["series"] == ["工程"], link


def test_a_bad_sort_or_filter_is_reported_not_guessed(org, auth):
    populate(org)
    c = auth.client("rootadmin")
    page = c.get(URL + "?order=password_hash").get_data(as_text=True)
    assert "排序字段不正确" in page
    page = c.get(URL + "?order=name,name").get_data(as_text=True)
    assert "已选作排序字段，不能重复选择" in page
    r = c.get(URL + "print.pdf?date_from=昨天")
    assert r.status_code == 302
    assert "上报开始日期格式应为" in c.get(r.headers["Location"]).get_data(as_text=True)


def _save_template(c, csrf, name, picks, template_id=None):
    """打印模板设计: `picks` are (field, order, heading)."""
    url = "/admin/print_templates/edit/" + (f"?id={template_id}" if template_id else "")
    data = {"csrf_token": csrf(c, url), "name": name}
    for key, pos, heading in picks:
        data.update({f"use_{key}": "y", f"pos_{key}": str(pos), f"head_{key}": heading})
    return c.post(url, data=data)


def test_the_office_template_gives_the_pdf_and_the_workbook_their_columns_and_rows(org, auth, csrf):
    world = populate(org)
    c = auth.client("xihureview")
    r = _save_template(c, csrf, "评委会名册", [("qualification", 3, "拟评资格"), ("name", 1, "申报人姓名"),
                                             ("unit", 2, "所在单位")])
    assert r.status_code == 302
    template = db.session.query(PrintTemplate).one()
    assert template.columns == [("name", "申报人姓名"), ("unit", "所在单位"), ("qualification", "拟评资格")]
    query = f"?template={template.id}&series=工程&order=name"
    engineers = sorted((m for m in world["xihu"] if m.series == "工程"), key=lambda m: (m.name, m.id))

    page = c.get(URL + query).get_data(as_text=True)
    assert "<th>申报人姓名</th><th>所在单位</th><th>拟评资格</th>" in page

    header, rows = xlsx_rows(c.get(URL + "export.xlsx" + query))
    assert header == ["申报人姓名", "所在单位", "拟评资格"]
    assert rows == [[m.name, m.unit.name, m.qualification] for m in engineers]

    text = pdf_text(c.get(URL + "print.pdf" + query))
    assert "评委会名册" in text and "申报人姓名" in text and "拟评资格" in text and "所在单位" in text
    assert "共4条" in text
    positions = [text.index(m.name) for m in engineers]
    assert positions == sorted(positions)  # in the list's order
    for m in world["xihu"]:
        if m.series != "工程":
            assert m.name not in text
    assert "郑乙" not in text
    assert db.session.query(AuditLog).filter_by(action="declare.print_list").count() == 1


def test_print_and_export_never_hold_another_branchs_rows(org, auth):
    world = populate(org)
    for username, own, other in (("xihureview", [m.name for m in world["xihu"]], ["郑乙"]),
                                 ("eduadmin", ["郑乙"], [m.name for m in world["xihu"]])):
        c = auth.client(username)
        text = pdf_text(c.get(URL + "print.pdf"))
        _, rows = xlsx_rows(c.get(URL + "export.xlsx"))
        _, data = xlsx_rows(c.get(URL + "data.xlsx"))
        listed = [r[1] for r in rows]  # 姓名 of the default columns
        assert sorted(listed) == sorted(own) and sorted(r[5] for r in data) == sorted(own)
        for name in other + ["王草稿"]:
            assert name not in text and name not in listed
        # a department filter outside the subtree is refused, not widened
        r = c.get(URL + f"export.xlsx?department={org.root.id}")
        assert r.status_code == 302


def test_another_offices_template_is_neither_listed_nor_usable(org, auth, csrf):
    populate(org)
    xihu = auth.client("xihuadmin")
    _save_template(xihu, csrf, "西湖名册", [("name", 1, "姓名")])
    template = db.session.query(PrintTemplate).one()
    edu = auth.client("eduadmin")
    assert "西湖名册" not in edu.get("/admin/print_templates/").get_data(as_text=True)
    assert edu.get(f"/admin/print_templates/edit/?id={template.id}").status_code == 404
    r = edu.get(URL + f"export.xlsx?template={template.id}")
    assert r.status_code == 302
    assert "所选打印模板不存在或不属于本部门" in edu.get(r.headers["Location"]).get_data(as_text=True)
    r = edu.post("/admin/print_templates/delete/", data={"id": template.id,
                                                         "csrf_token": _token(edu, "/admin/print_templates/")})
    assert r.status_code == 404
    assert db.session.query(PrintTemplate).count() == 1


def _token(c, url):
    from ..conftest import csrf_token
    return csrf_token(c, url)


def test_template_form_refuses_bad_input_and_changes_nothing(org, auth, csrf):
    c = auth.client("xihuadmin")
    page = _save_template(c, csrf, "", [("name", 1, "姓名")]).get_data(as_text=True)
    assert "请填写模板名称" in page
    page = _save_template(c, csrf, "空模板", []).get_data(as_text=True)
    assert "请至少选择一个字段" in page
    page = _save_template(c, csrf, "坏顺序", [("name", "一", "姓名")]).get_data(as_text=True)
    assert "顺序请填写正整数" in page
    page = _save_template(c, csrf, "长标题", [("name", 1, "名" * 31)]).get_data(as_text=True)
    assert "标题不超过30个字" in page
    assert db.session.query(PrintTemplate).count() == 0
    assert _save_template(c, csrf, "名册", [("name", 1, "")]).status_code == 302
    page = _save_template(c, csrf, "名册", [("id_card", 1, "")]).get_data(as_text=True)
    assert "本部门已有名为“名册”的模板" in page
    template = db.session.query(PrintTemplate).one()
    assert template.columns == [("name", "姓名")]  # an empty heading takes the field's name
    # 修改 keeps the id; a heading change is what the list shows next
    assert _save_template(c, csrf, "名册", [("id_card", 2, "证件号"), ("name", 1, "姓名")],
                          template_id=template.id).status_code == 302
    db.session.expire_all()
    assert db.session.get(PrintTemplate, template.id).columns == [("name", "姓名"), ("id_card", "证件号")]


def test_a_long_list_is_printed_by_a_background_job_and_a_too_long_one_refused(org, auth, monkeypatch):
    world = populate(org)
    import zhicheng.declare.admin as declare_admin
    monkeypatch.setattr(declare_admin, "LIST_PRINT_NOW", 2)
    monkeypatch.setattr(declare_admin, "LIST_PRINT_MAX", 6)
    c = auth.client("xihureview")
    r = c.get(URL + "print.pdf?order=-name")
    assert r.status_code == 302 and "/admin/declare/job/" in r.headers["Location"]
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(/admin/declare/job/\d+/file)"', page).group(1)
    text = pdf_text(c.get(link))
    names = sorted((m.name for m in world["xihu"]), reverse=True)
    positions = [text.index(name) for name in names]
    assert positions == sorted(positions) and "郑乙" not in text and "共6条" in text
    assert auth.client("eduadmin").get(link).status_code == 404  # the owner's job only
    root = auth.client("rootadmin")  # 7 rows: over the cap, nothing made
    r = root.get(URL + "print.pdf")
    assert r.status_code == 302 and "/job/" not in r.headers["Location"]
    assert "超过一次打印的上限6条" in root.get(r.headers["Location"]).get_data(as_text=True)
    assert pdf_text(c.get(URL + "print.pdf?series=经济")).count("经济师") == 2


def test_a_large_workbook_goes_to_a_background_job_with_the_same_rows(org, auth, app):
    world = populate(org)
    app.config["EXPORT_BACKGROUND_THRESHOLD"] = 2
    c = auth.client("xihureview")
    r = c.get(URL + "export.xlsx?order=-name")
    assert r.status_code == 302 and "/admin/declare/job/" in r.headers["Location"]
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(/admin/declare/job/\d+/file)"', page).group(1)
    _, rows = xlsx_rows(c.get(link))
    assert [row[1] for row in rows] == sorted((m.name for m in world["xihu"]), reverse=True)
    # the owner's job only
    assert auth.client("eduadmin").get(link).status_code == 404


def test_parse_order_limits_and_labels():
    assert [k.text for k in parse_order("unit,-submitted_at")] == ["unit", "-submitted_at"]
    import pytest

    from zhicheng.validators import ValidationError
    with pytest.raises(ValidationError):
        parse_order("unit,name,series,major")
    assert Material.__table__.indexes  # the sort indexes sit on the material table
    names = {i.name for i in Material.__table__.indexes}
    assert {"ix_material_unit_name", "ix_material_series_qualification"} <= names


def test_a_heading_with_an_invisible_character_is_refused(org, auth, csrf):
    c = auth.client("xihuadmin")
    page = _save_template(c, csrf, "名册", [("name", 1, "姓\x0b名")]).get_data(as_text=True)
    assert "“姓名”的标题不能包含控制字符等不可见字符（第2个字符）" in page
    page = _save_template(c, csrf, "名\u200b册", [("name", 1, "姓名")]).get_data(as_text=True)
    assert "模板名称不能包含控制字符等不可见字符" in page
    assert db.session.query(PrintTemplate).count() == 0


SORTS_READ_BY_VALUE = ["education,submitted_at", "-education,name", "education,-qualification", "series,name",
                       "qualification,unit", "-current_qualification,-submitted_at", "major,project,number",
                       "education,series", "current_title,-birth_date"]


def test_a_long_list_sorted_by_a_field_of_few_values_pages_as_one_sort_would(org, app, auth, monkeypatch):
    """Sorted by 学历, 资格 … then other fields, a long list is read value by value of the first
    field (listing.page_ids); every page holds exactly the rows one sort of the whole list gives it,
    the empty value included, in either direction."""
    from zhicheng.declare import listing
    from zhicheng.exporting.services import count_materials
    world = populate(org)
    every = world["xihu"] + [world["edu"]]
    educations = ["本科", "", "硕士研究生", "本科", "", "本科", "博士研究生"]
    for m, education in zip(every, educations):
        m.education, m.current_title = education, "工程师" if m.id % 2 else ""
        m.current_qualification = "" if m.id % 3 else "助理工程师"
        m.birth_date = date(1980 + m.id % 4, 1, 1)
    db.session.commit()
    names = {m.id: m.name for m in every}
    monkeypatch.setattr(listing, "GROUPED_FROM", 1)  # the city's list, in miniature
    wholes = {}
    with app.test_request_context():
        conds = listing.conditions(org["root"], listing.DeclareFilters())
        total = count_materials(conds)
        assert total == len(every)
        for text in SORTS_READ_BY_VALUE:
            order = parse_order(text)
            wholes[text] = whole = list(db.session.scalars(listing.ids_statement(conds, order)))
            assert sorted(whole) == sorted(names), text
            # each value's rows fetched and sorted, or read in the order of the other fields' index
            for small_group in (1000, 1):
                monkeypatch.setattr(listing, "SMALL_GROUP", small_group)
                for size in (1, 2, 3, 5):
                    paged = []
                    for start in range(0, total + size, size):
                        paged += listing.page_ids(conds, order, start, size, total)
                    assert paged == whole, (text, small_group, size)
    # The page itself, read value by value.
    page = auth.client("rootadmin").get(URL + "?order=education,submitted_at").get_data(as_text=True)
    assert names_in(page) == [names[i] for i in wholes["education,submitted_at"]]
    # each 学历's rows together
    educations = {m.name: m.education for m in every}
    shown = [educations[n] for n in names_in(page)]
    assert [e for i, e in enumerate(shown) if i == 0 or e != shown[i - 1]] == sorted(set(shown), key=shown.index)
