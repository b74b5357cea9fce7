"""个人注册's form: it only carries the values; zhicheng.persons.services checks them."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import Length, Optional, Regexp

from zhicheng.forms import Form, captcha_field, sms_code_field
from zhicheng.persons.models import ID_TYPE_LABELS


class PersonRegisterForm(Form):
    name = StringField("姓名", render_kw={"maxlength": 50, "autocomplete": "name"})
    id_type = SelectField("证件类型", choices=list(ID_TYPE_LABELS.items()), validate_choice=False)
    id_number = StringField("证件号码", render_kw={"maxlength": 32, "autocomplete": "off"})
    phone = StringField("手机号", render_kw={"maxlength": 20, "autocomplete": "tel", "inputmode": "tel"})
    captcha = captcha_field()
    sms_code = sms_code_field()
    password = PasswordField("登录密码", render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("确认密码", render_kw={"autocomplete": "new-password"})
    agree_terms = BooleanField("我已阅读并同意《用户协议》")
    agree_privacy = BooleanField("我已阅读并同意《隐私政策》")


class ForgotPasswordForm(Form):
    """个人用户's 忘记密码: a code to his 手机号, then a new password."""

    phone = StringField("手机号", render_kw={"maxlength": 20, "autocomplete": "tel", "inputmode": "tel"})
    captcha = captcha_field()
    sms_code = sms_code_field()
    new_password = PasswordField("新密码", render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("确认新密码", render_kw={"autocomplete": "new-password"})


class BasicInfoForm(Form):
    """基础信息: what the person may change himself (姓名 and 证件 are fixed at registration)."""

    series = StringField("所属系列", validators=[Length(max=100, message="所属系列不能超过100字")],
                         description="如 工程、经济、中小学教师、高等学校教师；教师系列的个人档案另有“公开课”“教育教学”两项",
                         render_kw={"list": "series-options", "maxlength": 100})
    ethnicity = StringField("民族", validators=[Length(max=20, message="民族不能超过20字")])
    political_status = StringField("政治面貌", validators=[Length(max=20, message="政治面貌不能超过20字")])
    email = StringField("电子邮箱", validators=[Optional(), Length(max=120, message="电子邮箱不能超过120字"),
                                            Regexp(r"[^@\s]+@[^@\s]+\.[^@\s]+", message="电子邮箱格式不正确")])
    address = StringField("通讯地址", validators=[Length(max=200, message="通讯地址不能超过200字")])
    photo = FileField("照片（证件照）", render_kw={"accept": ".jpg,.jpeg,.png"})
    id_front = FileField("身份证正面（人像面）", render_kw={"accept": ".jpg,.jpeg,.png"})
    id_back = FileField("身份证反面（国徽面）", render_kw={"accept": ".jpg,.jpeg,.png"})

