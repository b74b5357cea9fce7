"""系列 → 专业 → 资格名称: the material form offers the 专业 and 资格名称 of the chosen 系列 (each
option names its 系列 for the page's script) and the server refuses a combination across 系列,
saving nothing — with or without the script."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from zhicheng.extensions import db
from zhicheng.models import Attachment, Material

from .. import factories
from ..materials.test_materials_views import PDF, fill_url, form_data, post_form
from . import world


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_form_offers_the_options_of_each_series_and_loads_its_script(org, auth):
    world.dictionaries()
    page = auth.client("unita").get(fill_url(org.projects["xihu_junior"])).get_data(as_text=True)
    assert 'data-follows="series"' in page
    assert '<option data-series="工程" value="助理工程师">' in page
    assert '<option data-series="教师" value="中学一级教师">' in page
    assert '<option value="通用专业">' in page  # no 系列: offered with every one
    assert "js/series_links.js" in page
    assert auth.client("unita").get("/static/js/series_links.js").status_code == 200


@pytest.mark.parametrize("over, message", [
    ({"series": "教师", "major": "中学数学", "qualification": "助理工程师"},
     "申报资格名称“助理工程师”不属于申报系列“教师”（属于工程），请重新选择"),
    ({"series": "工程", "major": "中学数学", "qualification": "工程师"},
     "申报专业“中学数学”不属于申报系列“工程”（属于教师），请重新选择"),
])
def test_a_combination_across_series_is_refused_and_nothing_saved(app, org, auth, csrf, over, message):
    world.dictionaries()
    c = auth.client("unita")
    r = post_form(c, fill_url(org.projects["xihu_junior"]), form_data(**over), csrf,
                  files={"review_form": (io.BytesIO(PDF), "评审表.pdf")})
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert re.search(r'invalid-feedback d-block">' + re.escape(message), page)
    assert "所有标签的内容均未保存" in page
    assert (_count(Material), _count(Attachment)) == (0, 0)


@pytest.mark.parametrize("over", [
    {"series": "教师", "major": "中学数学", "qualification": "中学一级教师"},
    {"series": "工程", "major": "计算机应用", "qualification": "助理工程师"},
    {"series": "教师", "major": "通用专业", "qualification": "中学二级教师"},
])
def test_a_combination_of_one_series_is_saved(org, auth, csrf, over):
    world.dictionaries()
    c = auth.client("unita")
    r = post_form(c, fill_url(org.projects["xihu_junior"]), form_data(education="本科", **over), csrf)
    assert r.status_code == 302
    m = db.session.scalars(select(Material)).one()
    assert (m.series, m.major, m.qualification) == (over["series"], over["major"], over["qualification"])


def test_changing_the_series_of_a_saved_material_is_checked_but_an_old_combination_is_kept(org, auth, csrf):
    world.dictionaries()
    # Stored before the link existed: 教师 + 助理工程师.
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    m.series, m.major, m.qualification = "教师", "中学数学", "助理工程师"
    db.session.commit()
    c = auth.client("unita")
    url = f"/admin/materials/modify/?id={m.id}"
    data = form_data(series="教师", major="中学数学", qualification="助理工程师", name="王五",
                     id_card=m.id_card, birth_date=m.birth_date.isoformat(), education="本科")
    assert post_form(c, url, data, csrf).status_code == 302  # left as it was: still saved
    db.session.expire_all()
    assert db.session.get(Material, m.id).name == "王五"
    r = post_form(c, url, {**data, "major": "计算机应用", "name": "赵六"}, csrf)
    assert "申报专业“计算机应用”不属于申报系列“教师”" in r.get_data(as_text=True)
    db.session.expire_all()
    assert (db.session.get(Material, m.id).name, db.session.get(Material, m.id).major) == ("王五", "中学数学")


def test_a_person_cannot_save_a_combination_across_series_either(org, auth, csrf):
    world.dictionaries()
    factories.join(org["person_a"], org["unit_a"])
    m = factories.person_material(org["person_a"], org.projects["middle"])
    c = auth.client("gerena")
    url = f"/admin/person_apply/edit?id={m.id}"
    r = c.post(url, data={"series": "教师", "major": "中学数学", "qualification": "助理工程师",
                          "csrf_token": csrf(c, url)}, follow_redirects=True)
    assert "申报资格名称“助理工程师”不属于申报系列“教师”" in r.get_data(as_text=True)
    db.session.expire_all()
    after = db.session.get(Material, m.id)
    assert (after.series, after.major, after.qualification) == (m.series, m.major, m.qualification)
    r = c.post(url, data={"series": "教师", "major": "中学数学", "qualification": "中学一级教师",
                          "csrf_token": csrf(c, url)})
    db.session.expire_all()
    assert db.session.get(Material, m.id).qualification == "中学一级教师"
