"""系列 → 专业 → 资格名称 on the person's own application (个人申报): the same options from the 字典 as
the unit's form (each 专业 / 资格名称 naming its 系列 for js/series_links.js), the same checks and
messages on the server, nothing saved when refused — and a value stored before, not in the 字典,
still shown and kept."""
from __future__ import annotations

import pytest

from zhicheng.extensions import db
from zhicheng.models import Material

from .. import factories
from ..codes import world


@pytest.fixture
def applied(org):
    """Person A's 个人申报 of the 中级初定项目, through unit A."""
    factories.join(org["person_a"], org["unit_a"])
    return factories.person_material(org["person_a"], org.projects["middle"])


def _url(m: Material) -> str:
    return f"/admin/person_apply/edit?id={m.id}"


def _post(c, csrf, m: Material, **fields):
    return c.post(_url(m), data={**fields, "csrf_token": csrf(c, _url(m))}, follow_redirects=True)


def _fresh(m: Material) -> Material:
    db.session.expire_all()
    return db.session.get(Material, m.id)


def _select(page: str, name: str) -> str:
    start = page.index(f'id="f-{name}" name="{name}"')
    return page[start:page.index("</select>", start)]


def test_the_form_offers_the_options_of_each_series_and_loads_its_script(auth, applied):
    world.dictionaries()
    page = auth.client("gerena").get(_url(applied)).get_data(as_text=True)
    assert '<select class="form-control" id="f-series" name="series"' in page
    series = _select(page, "series")
    assert '<option value="工程" selected>工程</option>' in series and '<option value="教师">教师</option>' in series
    assert "data-follows" not in series
    major = _select(page, "major")
    assert 'data-follows="series"' in major
    assert '<option data-series="工程" value="计算机应用">' in major
    assert '<option data-series="教师" value="中学数学">' in major
    assert '<option value="通用专业">' in major  # no 系列: offered with every one
    qualification = _select(page, "qualification")
    assert '<option data-series="工程" value="助理工程师">' in qualification
    assert '<option data-series="教师" value="中学一级教师">' in qualification
    assert '<option value="本科">' not in qualification
    assert "js/series_links.js" in page
    assert auth.client("gerena").get("/static/js/series_links.js").status_code == 200


def test_without_a_dictionary_the_fields_are_typed_in(auth, applied):
    page = auth.client("gerena").get(_url(applied)).get_data(as_text=True)
    for name in ("series", "major", "qualification"):
        assert f'<input class="form-control" id="f-{name}" name="{name}"' in page
    assert "<select" not in page.split('id="basic-form"')[1].split("</form>")[0]


@pytest.mark.parametrize("over, message", [
    ({"series": "教师", "major": "中学数学", "qualification": "助理工程师"},
     "申报资格名称“助理工程师”不属于申报系列“教师”（属于工程），请重新选择"),
    ({"series": "工程", "major": "中学数学", "qualification": "工程师"},
     "申报专业“中学数学”不属于申报系列“工程”（属于教师），请重新选择"),
    ({"series": "工程", "major": "软件工程", "qualification": "工程师"}, "请从列表中选择申报专业"),
    ({"series": "卫生", "major": "", "qualification": ""}, "请从列表中选择申报系列"),
])
def test_a_combination_across_series_or_off_the_list_is_refused_and_nothing_saved(auth, csrf, applied, over,
                                                                                   message):
    world.dictionaries()
    before = (applied.series, applied.major, applied.qualification, applied.phone)
    r = _post(auth.client("gerena"), csrf, applied, phone="13912345678", **over)
    assert message in r.get_data(as_text=True)
    m = _fresh(applied)
    assert (m.series, m.major, m.qualification, m.phone) == before


@pytest.mark.parametrize("over", [
    {"series": "教师", "major": "中学数学", "qualification": "中学一级教师"},
    {"series": "工程", "major": "计算机应用", "qualification": "助理工程师"},
    {"series": "教师", "major": "通用专业", "qualification": "中学二级教师"},
    {"series": "工程", "major": "", "qualification": "工程师"},
])
def test_a_combination_of_one_series_is_saved(auth, csrf, applied, over):
    world.dictionaries()
    r = _post(auth.client("gerena"), csrf, applied, **over)
    assert "已保存" in r.get_data(as_text=True)
    m = _fresh(applied)
    assert (m.series, m.major, m.qualification) == (over["series"], over["major"], over["qualification"])
    page = auth.client("gerena").get(_url(m)).get_data(as_text=True)
    if over["major"]:
        assert f'value="{over["major"]}" selected>' in _select(page, "major")
    assert f'value="{over["qualification"]}" selected>' in _select(page, "qualification")


def test_a_value_stored_before_stays_shown_and_kept_but_a_change_is_checked(auth, csrf, applied):
    world.dictionaries()
    # Stored before the 字典 said so: 卫生 (not in it) and 教师 + 助理工程师 (across 系列).
    applied.series, applied.major, applied.qualification = "卫生", "临床医学", "主治医师"
    db.session.commit()
    c = auth.client("gerena")
    page = c.get(_url(applied)).get_data(as_text=True)
    assert '<option value="卫生" selected>卫生</option>' in _select(page, "series")
    assert '<option value="临床医学" selected>' in _select(page, "major")  # offered with every 系列
    assert '<option value="主治医师" selected>' in _select(page, "qualification")
    r = _post(c, csrf, applied, series="卫生", major="临床医学", qualification="主治医师", phone="13912345678")
    assert "已保存" in r.get_data(as_text=True)
    assert _fresh(applied).phone == "13912345678"

    applied = _fresh(applied)
    applied.series, applied.major, applied.qualification = "教师", "中学数学", "助理工程师"
    db.session.commit()
    r = _post(c, csrf, applied, series="教师", major="中学数学", qualification="助理工程师", phone="13900001111")
    assert "已保存" in r.get_data(as_text=True)  # left as it was: still saved
    r = _post(c, csrf, applied, series="工程", major="中学数学", qualification="助理工程师", phone="13900002222")
    assert "申报专业“中学数学”不属于申报系列“工程”（属于教师），请重新选择" in r.get_data(as_text=True)
    m = _fresh(applied)
    assert (m.series, m.major, m.qualification, m.phone) == ("教师", "中学数学", "助理工程师", "13900001111")


def test_a_submitted_application_shows_the_options_disabled(auth, org):
    world.dictionaries()
    factories.join(org["person_a"], org["unit_a"])
    m = factories.person_material(org["person_a"], org.projects["middle"], submit=True)
    page = auth.client("gerena").get(_url(m)).get_data(as_text=True)
    assert 'name="series" disabled>' in page and 'name="qualification" data-follows="series" disabled>' in page
