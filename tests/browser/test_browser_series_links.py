"""系列 → 专业 → 资格名称 in a browser, on the unit's material form and on the person's own
application: choosing a 系列 leaves the 专业 and 资格名称 of that 系列 (and those of every 系列); a
choice of another 系列 is cleared when the 系列 changes."""
import pytest

from zhicheng.extensions import db
from zhicheng.models import Material

from .. import factories
from ..browser_helpers import log_in
from ..codes import world

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect


def _visible(page, select_id: str) -> list[str]:
    return page.eval_on_selector_all(f"#{select_id} option", "os => os.filter(o => !o.hidden).map(o => o.value)")


def _engineer_then_teacher(page, prefix=""):
    """With 工程 chosen, 工程's 专业 and 资格名称 are offered; 助理工程师 chosen, then 教师: 教师's, and
    助理工程师 is cleared (it is not a 教师 qualification)."""
    series, major, qualification = (f"{prefix}{name}" for name in ("series", "major", "qualification"))
    assert page.input_value(f"#{series}") == "工程"
    assert _visible(page, major) == ["", "计算机应用", "建筑工程", "通用专业"]
    assert _visible(page, qualification) == ["", "助理工程师", "工程师"]
    page.select_option(f"#{qualification}", "助理工程师")
    page.select_option(f"#{series}", "教师")
    assert _visible(page, major) == ["", "中学数学", "通用专业"]
    assert _visible(page, qualification) == ["", "中学二级教师", "中学一级教师"]
    assert page.input_value(f"#{qualification}") == ""


def test_the_options_follow_the_chosen_series(org, page):
    world.dictionaries()
    log_in(page, "unita", landing="**/admin/")
    page.goto(f"/admin/materials/fill/?project={org.projects['xihu_junior'].id}")
    page.wait_for_load_state("load")
    page.select_option("#series", "工程")
    _engineer_then_teacher(page)
    page.select_option("#series", "")
    assert len(_visible(page, "qualification")) == 5  # no 系列 chosen: all offered


def test_the_persons_application_offers_the_options_of_the_chosen_series(org, page):
    world.dictionaries()
    factories.join(org["person_a"], org["unit_a"])
    m = factories.person_material(org["person_a"], org.projects["middle"])  # 系列 工程 (the project's)
    log_in(page, "gerena", landing="**/admin/")
    page.goto(f"/admin/person_apply/edit?id={m.id}")
    page.wait_for_load_state("load")
    _engineer_then_teacher(page, "f-")
    page.select_option("#f-major", "中学数学")
    page.select_option("#f-qualification", "中学一级教师")
    page.locator("#basic-form").get_by_role("button", name="保存").click()
    expect(page.get_by_role("status").filter(has_text="已保存")).to_be_visible(timeout=20_000)
    db.session.expire_all()
    saved = db.session.get(Material, m.id)
    assert (saved.series, saved.major, saved.qualification) == ("教师", "中学数学", "中学一级教师")
    assert page.input_value("#f-qualification") == "中学一级教师"
