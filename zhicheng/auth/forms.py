from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=128)])
    captcha = StringField("验证码", validators=[Length(max=10)])


class ChangePasswordForm(FlaskForm):
    old_password = PasswordField("原密码")
    new_password = PasswordField("新密码", validators=[DataRequired("请输入新密码")])
    confirm = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码")])
