from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from zhicheng.forms import Form, captcha_field


class ObjectionForm(Form):
    entry = SelectField("异议对象", coerce=str, validate_choice=False)
    filer_name = StringField("您的姓名", validators=[Length(max=50)])
    contact = StringField("联系方式", validators=[Length(max=100)])
    content = TextAreaField("异议内容", validators=[Length(max=2000)], render_kw={"rows": 6})
    captcha = captcha_field()


class VerifyForm(Form):
    no = StringField("证书编号", validators=[Length(max=40)])
    name = StringField("姓名", validators=[Length(max=50)])
    code = StringField("查询码或身份证号后6位", validators=[Length(max=12)], render_kw={"autocomplete": "off"})
    captcha = captcha_field()


class BatchForm(Form):
    title = StringField("公示标题", validators=[Length(max=200)])
    start_date = DateField("公示开始日期", validators=[Optional()])
    end_date = DateField("公示结束日期", validators=[Optional()])


class IssueForm(Form):
    doc_number = StringField("发文字号", validators=[Length(max=60)], render_kw={"placeholder": "杭人社发〔2026〕12号"})
    issuing_body = StringField("发证单位", validators=[Length(max=200)])
    issued_on = DateField("发证日期", validators=[Optional()])
    seal = FileField("发证单位印章图片（PNG/JPG，可不上传）")


class RevokeForm(Form):
    kind = SelectField("撤销类别", choices=[("弄虚作假", "弄虚作假"), ("违规取得", "违规取得"), ("其他", "其他")])
    reason = TextAreaField("撤销理由", validators=[Length(max=2000)], render_kw={"rows": 4})
