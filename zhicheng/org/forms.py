"""Forms of the 单位 pages: 单位证照与签章, 注册审核, 重新提交注册, 单位用户忘记密码 (they carry the
values; zhicheng.org's services check them)."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from zhicheng.forms import Form, captcha_field, sms_code_field
from zhicheng.org import codes
from zhicheng.security import parse_id


class LicenseForm(Form):
    license = FileField("营业执照", render_kw={"accept": ".pdf,.jpg,.jpeg,.png"})


class SealForm(Form):
    seal = FileField("单位公章扫描件", render_kw={"accept": "image/*"})


class RefuseForm(Form):
    reason = TextAreaField("审核不通过的原因", render_kw={"rows": 4, "maxlength": 500})


class RegistrationReviewForm(Form):
    registration_review = BooleanField("注册需审核（本部门新注册的单位须经审核通过后方可登录）")


class ResubmitForm(Form):
    name = StringField("单位全称", render_kw={"maxlength": 200})
    legal_rep = StringField("法定代表人", render_kw={"maxlength": 50})
    unit_type = SelectField("单位类型", choices=codes.choices(codes.UNIT_TYPES, "请选择", keys_only=True),
                            validate_choice=False)
    industry = SelectField("单位行业", choices=codes.choices(codes.INDUSTRIES, "请选择"), validate_choice=False)
    region = SelectField("单位所在地", choices=codes.choices(codes.REGIONS, "请选择"), validate_choice=False)
    address = StringField("单位地址", validators=[Length(max=200, message="单位地址不能超过200字")])
    contact_name = StringField("联系人", validators=[Length(max=50, message="联系人不能超过50字")])
    contact_phone = StringField("联系电话")
    contact_email = StringField("联系人电子邮箱", validators=[Length(max=120, message="电子邮箱过长")])
    license = FileField("营业执照", render_kw={"accept": ".pdf,.jpg,.jpeg,.png"})


class UnitForgotForm(Form):
    department_id = SelectField("归口部门", coerce=parse_id, validate_choice=False)
    uscc = StringField("统一社会信用代码", render_kw={"maxlength": 18, "autocomplete": "off"})
    id_card = StringField("工作人员证件号码", render_kw={"maxlength": 18, "autocomplete": "off"})
    captcha = captcha_field()
    sms_code = sms_code_field()
    new_password = PasswordField("新密码", render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("确认新密码", render_kw={"autocomplete": "new-password"})
