"""人员基本信息与聘任管理 and 结构比例管理 pages (机构管理 menu): the lists, a person's 职称 history,
新增 / 修改 / 删除, 导入 and 导出, and each unit's 岗位结构比例. Every row is loaded through
zhicheng.scope (person_records, appointments, people_units); editing asks P.PEOPLE_EDIT, quotas
P.POST_QUOTA."""
from __future__ import annotations

from zhicheng.admin.common import CAT_ORG
from zhicheng.people.appointment_admin import AppointmentView
from zhicheng.people.models import Appointment, PersonRecord
from zhicheng.people.person_admin import PersonRecordView
from zhicheng.people.structure_admin import StructureView


def register(admin) -> None:
    admin.add_view(PersonRecordView(PersonRecord, name="人员基本信息", category=CAT_ORG, endpoint="people",
                                    url="/admin/people"))
    admin.add_view(AppointmentView(Appointment, name="聘任管理", category=CAT_ORG, endpoint="appointments",
                                   url="/admin/appointments"))
    admin.add_view(StructureView(name="结构比例管理", category=CAT_ORG, endpoint="post_quotas", url="/admin/post_quotas"))
