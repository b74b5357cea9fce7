from flask_wtf.file import FileField
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from zhicheng.forms import Form
from zhicheng.org import codes
from zhicheng.security import parse_id


class LoginForm(Form):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=128)])
    captcha = StringField("验证码", validators=[Length(max=10)])


class ChangePasswordForm(Form):
    old_password = PasswordField("原密码")
    new_password = PasswordField("新密码", validators=[DataRequired("请输入新密码")])
    confirm = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码")])


class RegisterForm(Form):
    """单位注册. Field checks live in zhicheng.registration; the form only carries the values."""

    uscc = StringField("机构代码", render_kw={"maxlength": 18, "autocomplete": "off"})
    legal_rep = StringField("法定代表人", render_kw={"maxlength": 50})
    name = StringField("单位全称", render_kw={"maxlength": 200})
    department_id = SelectField("归口部门", coerce=parse_id, validate_choice=False)
    username = StringField("用户账号", render_kw={"maxlength": 64, "autocomplete": "username"})
    password = PasswordField("登录密码", render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("确认密码", render_kw={"autocomplete": "new-password"})
    email = StringField("电子邮箱", render_kw={"maxlength": 120, "type": "email"})
    unit_type = SelectField("单位类型", choices=codes.choices(codes.UNIT_TYPES, "请选择", keys_only=True),
                            validate_choice=False)
    industry = SelectField("单位行业", choices=codes.choices(codes.INDUSTRIES, "请选择"), validate_choice=False)
    region = SelectField("单位所在地", choices=codes.choices(codes.REGIONS, "请选择"), validate_choice=False)
    address = StringField("单位地址", render_kw={"maxlength": 200})
    license = FileField("营业执照（机构代码证）", render_kw={"accept": ".pdf,.jpg,.jpeg,.png"})
    legacy_reason = TextAreaField("旧代码说明", render_kw={"rows": 2, "maxlength": 500})


class ForgotPasswordForm(Form):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    email = StringField("电子邮箱", validators=[DataRequired("请输入注册时填写的电子邮箱"), Length(max=120)])


class ResetPasswordForm(Form):
    new_password = PasswordField("新密码", validators=[DataRequired("请输入新密码")])
    confirm = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码")])
