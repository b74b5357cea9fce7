"""`flask demo-data`: a registered person with a confirmed unit and an application submitted to it,
whose login is printed; the unit sees it in 个人申报审核."""
from sqlalchemy import select

from zhicheng import transaction
from zhicheng.demodata.demo import DEMO_PASSWORD, load_demo
from zhicheng.extensions import db
from zhicheng.models import Material
from zhicheng.models import MaterialState as S


def test_demo_person_has_a_confirmed_unit_and_a_submitted_application(app, auth):
    logins = load_demo()
    transaction.commit()
    assert any(username.startswith("geren001") for username, _, _ in logins)
    m = db.session.scalar(select(Material).where(Material.name == "周明远"))
    assert m.state == S.UNIT_REVIEW and m.unit.name == "杭州西湖数字科技有限公司"
    page = auth.client("13700000001", password=DEMO_PASSWORD).get("/admin/person_apply/").get_data(as_text=True)
    assert m.number in page and "单位审核中" in page
    page = auth.client("xhsz", password=DEMO_PASSWORD).get("/admin/unit_applications/").get_data(as_text=True)
    assert m.number in page
    page = auth.client("xhsz", password=DEMO_PASSWORD).get("/admin/unit_people/").get_data(as_text=True)
    assert "吴晓燕" in page and "330106198804123417" in page
