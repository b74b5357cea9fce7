"""Forms of 工作账号管理, 基本信息管理 and 本部门工作人员."""
from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from zhicheng.accounts import services as accounts
from zhicheng.accounts.models import STAFF_ROLES, SUB_PERMISSIONS
from zhicheng.admin.common import (
    _contact_phone,
    _email,
    _id_card,
    _mobile,
    _username,
    _with_flags,
)
from zhicheng.forms import Form
from zhicheng.org import codes


class SubAccountBase(Form):
    real_name = StringField("姓名", validators=[InputRequired("请填写姓名"), Length(max=50, message="姓名过长")])
    phone = StringField("手机", validators=[Optional(), _mobile])
    email = StringField("电子邮箱", validators=[Length(max=120, message="电子邮箱过长"), _email])
    id_card = StringField("身份证号", validators=[_id_card])


class SubAccountAddBase(SubAccountBase):
    username = StringField("用户名", validators=[_username])


SubAccountForm = _with_flags(SubAccountBase, SUB_PERMISSIONS)


SubAccountAddForm = _with_flags(SubAccountAddBase, SUB_PERMISSIONS)


class BatchBase(Form):
    count = IntegerField("新增数量", validators=[
        InputRequired("请填写新增数量"),
        NumberRange(1, accounts.MAX_BATCH, f"新增数量应为1至{accounts.MAX_BATCH}之间的整数")])


BatchForm = _with_flags(BatchBase, SUB_PERMISSIONS)


class UnitInfoForm(Form):
    name = StringField("单位全称", validators=[InputRequired("请填写单位全称"), Length(max=200, message="单位全称过长")])
    rename_reason = TextAreaField("更名原因", validators=[Length(max=500, message="更名原因不能超过500字")],
                                  description="仅在修改单位全称时填写；原名称、更名日期和原因记入更名记录",
                                  render_kw={"rows": 2})
    legal_rep = StringField("法定代表人", validators=[InputRequired("请填写法定代表人"), Length(max=50)])
    unit_type = SelectField("单位类型", choices=codes.choices(codes.UNIT_TYPES, "请选择", keys_only=True),
                            validate_choice=False)
    industry = SelectField("单位行业", choices=codes.choices(codes.INDUSTRIES, "请选择"), validate_choice=False)
    region = SelectField("单位所在地", choices=codes.choices(codes.REGIONS, "请选择"), validate_choice=False)
    address = StringField("单位地址", validators=[Length(max=200, message="单位地址过长")])
    nature = SelectField("单位性质", choices=[], validate_choice=False)
    contact_name = StringField("联系人", validators=[Length(max=50, message="联系人过长")])
    contact_phone = StringField("联系电话", validators=[_contact_phone],
                                description="手机号或带区号的固定电话，如0571-88888888")
    contact_email = StringField("联系人电子邮箱", validators=[Length(max=120, message="电子邮箱过长"), _email])
    email = StringField("电子邮箱", validators=[InputRequired("请填写电子邮箱"), Length(max=120), _email],
                        description="单位账号的电子邮箱，忘记密码时用来找回密码")


class OwnInfoForm(Form):
    real_name = StringField("姓名", validators=[InputRequired("请填写姓名"), Length(max=50, message="姓名过长")])
    phone = StringField("手机", validators=[Optional(), _mobile])
    email = StringField("电子邮箱", validators=[Length(max=120), _email])


class StaffBase(Form):
    department_id = SelectField("所在部门", coerce=int, validate_choice=False)
    real_name = StringField("姓名", validators=[InputRequired("请填写姓名"), Length(max=50, message="姓名过长")])
    phone = StringField("手机", validators=[Optional(), _mobile])
    email = StringField("电子邮箱", validators=[Length(max=120), _email])


class StaffAddBase(StaffBase):
    username = StringField("用户名", validators=[_username])


StaffForm = _with_flags(StaffBase, STAFF_ROLES)


StaffAddForm = _with_flags(StaffAddBase, STAFF_ROLES)
