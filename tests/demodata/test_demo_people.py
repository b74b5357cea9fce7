"""`flask demo-data`: the demo units' people (gathered from their materials, with their
certificates), 聘任 records and 岗位结构比例, one 聘任 over the quota with its reason."""
from sqlalchemy import select

from zhicheng import transaction
from zhicheng.demodata.demo import DEMO_PASSWORD, load_demo
from zhicheng.extensions import db
from zhicheng.people.models import Appointment, PersonRecord


def test_demo_people_quotas_and_appointments(app, auth):
    load_demo()
    transaction.commit()
    chen = db.session.scalar(select(PersonRecord).where(PersonRecord.name == "陈证书"))
    assert chen.source == "materials" and chen.qualification == "工程师"  # from his certificate
    over = db.session.scalar(select(Appointment).where(Appointment.over_quota))
    assert over.person.name == "周明远" and "超比例" in over.over_quota_reason
    unit = auth.client("xhsz", password=DEMO_PASSWORD)
    page = unit.get(f"/admin/people/details/?id={chen.id}").get_data(as_text=True)
    assert "已评定" in page and "杭人社发" in page and "工程师" in page
    structure = unit.get("/admin/post_quotas/").get_data(as_text=True)
    assert "西人社〔2025〕8号" in structure and "3 / 2" in structure
    school = auth.client("szsz", password=DEMO_PASSWORD).get("/admin/post_quotas/").get_data(as_text=True)
    assert "按比例" in school and "杭州西湖数字科技有限公司" not in school
