"""People of the test organisation: records, 聘任 and a quota in unit A (西湖区) and unit B (教育局直属),
so that every role has rows it sees and rows it does not."""
from __future__ import annotations

from datetime import date

from zhicheng import transaction
from zhicheng.extensions import db
from zhicheng.people import appointments, services
from zhicheng.people.models import Appointment, PersonRecord

from .. import factories

#: 证件号码 of the people below (seq 701–704 of factories.make_id_card).
A1, A2, B1 = (factories.make_id_card(date(1985, 3, 9), 701), factories.make_id_card(date(1990, 6, 1), 702),
              factories.make_id_card(date(1988, 1, 20), 703))


def populate_people(org) -> dict:
    """甲一 (中级 聘任 since 2020) and 甲二 at unit A, whose quota allows 1 中级 post; 乙一 (初级) at unit B."""
    root = org["root"]
    a1 = services.add_person(root, {"name": "甲员工一", "id_number": A1, "education": "大学本科", "major": "计算机应用",
                                    "qualification": "工程师", "qualification_level": "中级",
                                    "qualified_on": date(2019, 12, 1), "phone": "13800001111"}, org.unit_a.id)
    a2 = services.add_person(root, {"name": "甲员工二", "id_number": A2, "qualification": "助理工程师",
                                    "qualification_level": "初级"}, org.unit_a.id)
    b1 = services.add_person(root, {"name": "乙老师一", "id_number": B1, "qualification": "二级教师",
                                    "qualification_level": "初级"}, org.unit_b.id)
    appointments.set_quota(root, org.unit_a.id, {"mode": "count", "senior": 0, "deputy": 1, "middle": 1, "junior": 2})
    appt_a = appointments.save_appointment(root, None, a1, {"post_title": "工程师", "level": "中级", "grade": "十",
                                                        "start_date": date(2020, 1, 1)})
    appt_b = appointments.save_appointment(root, None, b1, {"post_title": "二级教师", "level": "初级",
                                                        "start_date": date(2021, 9, 1)})
    transaction.commit()
    return {"a1": db.session.get(PersonRecord, a1.id), "a2": db.session.get(PersonRecord, a2.id),
            "b1": db.session.get(PersonRecord, b1.id), "appt_a": db.session.get(Appointment, appt_a.id),
            "appt_b": db.session.get(Appointment, appt_b.id)}


def xlsx(header: list[str], rows: list[list]) -> bytes:
    """An .xlsx file with the header row and the rows, as a user would fill it in."""
    return factories.xlsx([header, *rows]).getvalue()


def read_xlsx(data: bytes) -> list[list]:
    """The rows of the first sheet of a downloaded .xlsx, header first."""
    from io import BytesIO

    from openpyxl import load_workbook
    ws = load_workbook(BytesIO(data), read_only=True).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def upload(client, url: str, data: bytes, token: str, name: str = "人员.xlsx"):
    from io import BytesIO
    return client.post(url, data={"csrf_token": token, "file": (BytesIO(data), name)},
                       content_type="multipart/form-data")
