"""导出 of 人员基本信息 and 聘任 as .xlsx: the rows of the list as the user filtered it (the list's
own query, so within his scope), with the import's columns first so that the file can be imported
again."""
from __future__ import annotations

import os
import tempfile
from datetime import date
from itertools import islice

from flask import send_file
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from zhicheng.exporting.services import Column, content_disposition, write_xlsx
from zhicheng.extensions import db
from zhicheng.models import Unit
from zhicheng.people.appointments import active_on
from zhicheng.people.models import LEVELS, Appointment, PersonRecord
from zhicheng.system import audit

PERSON_EXPORT = [
    Column("姓名", 10), Column("证件类型", 14), Column("证件号码", 21), Column("性别", 6), Column("出生日期", 12, "date"),
    Column("单位名称", 28), Column("单位代码", 21), Column("主管单位", 20), Column("学历", 10), Column("现从事专业", 14),
    Column("现有资格", 14), Column("资格级别", 9), Column("取得时间", 12, "date"), Column("联系电话", 14),
    Column("现聘职务", 14), Column("现聘岗位级别", 12),
]
APPOINTMENT_EXPORT = [
    Column("证件号码", 21), Column("姓名", 10), Column("单位代码", 21), Column("主管单位", 20), Column("聘任职务", 14),
    Column("岗位级别", 10), Column("岗位等级", 14), Column("聘任起始日期", 13, "date"),
    Column("聘任终止日期", 13, "date"), Column("超比例聘任理由", 30), Column("单位名称", 28), Column("聘任状态", 10),
]
BATCH = 1000


def _batches(query, size: int = BATCH):
    it = iter(query.yield_per(size))
    while batch := list(islice(it, size)):
        yield batch


def person_rows(query, today: date):
    query = query.options(joinedload(PersonRecord.unit).joinedload(Unit.department))
    for batch in _batches(query):
        current: dict[int, Appointment] = {}
        for a in db.session.scalars(select(Appointment).where(
                Appointment.person_id.in_([p.id for p in batch]), active_on(today))
                .order_by(Appointment.start_date)):
            current[a.person_id] = a  # the latest 聘任 in force
        for p in batch:
            a = current.get(p.id)
            yield (p.name, p.id_type_label, p.id_number, p.gender, p.birth_date, p.unit.name, p.unit.uscc,
                   p.unit.department.name, p.education, p.major, p.qualification, LEVELS.get(p.qualification_level, ""),
                   p.qualified_on, p.phone, a.post_title if a else "", a.level_label if a else "")


def appointment_rows(query, today: date):
    query = query.options(joinedload(Appointment.person), joinedload(Appointment.unit).joinedload(Unit.department))
    for batch in _batches(query):
        for a in batch:
            yield (a.person.id_number, a.person.name, a.unit.uscc, a.unit.department.name, a.post_title, a.level_label,
                   a.grade_label, a.start_date, a.end_date, a.over_quota_reason, a.unit.name, a.status(today))


def send_workbook(title: str, columns, rows, filename: str):
    """The rows as an .xlsx download (written to an unnamed temporary file, streamed from it)."""
    workbook = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the response once it is sent)
    try:
        n = write_xlsx(workbook, title, columns, rows)
    except BaseException:
        workbook.close()
        raise
    workbook.seek(0)
    audit.record("person_record.export" if columns is PERSON_EXPORT else "appointment.export", None,
                 f"导出{title}：{n}条")
    ascii_name = f"{'people' if columns is PERSON_EXPORT else 'appointments'}-{date.today():%Y%m%d}.xlsx"
    response = send_file(workbook, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         as_attachment=True, download_name=ascii_name)
    response.content_length = os.fstat(workbook.fileno()).st_size
    response.headers["Content-Disposition"] = content_disposition(ascii_name, filename)
    return response
