"""The forms of 人员基本信息, 聘任 and 结构比例: they carry the values; zhicheng.people.services and
appointments check them (the same checks as the imports), and their message is shown next to the
field it names."""
from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField

from zhicheng.forms import Form
from zhicheng.people.models import GRADE_LABELS, LEVELS, QUOTA_MODES
from zhicheng.persons.models import ID_TYPE_LABELS

DATE = {"type": "date"}


class PersonForm(Form):
    name = StringField("姓名", render_kw={"maxlength": 50})
    id_type = SelectField("证件类型", choices=list(ID_TYPE_LABELS.items()), validate_choice=False)
    id_number = StringField("证件号码", render_kw={"maxlength": 32, "autocomplete": "off"})
    gender = SelectField("性别", choices=[("", "按证件号码"), ("男", "男"), ("女", "女")], validate_choice=False)
    birth_date = StringField("出生日期", render_kw=DATE, description="居民身份证可不填，按证件号码确定")
    unit_id = SelectField("所在单位", coerce=str, validate_choice=False,
                          description="调至其他单位的，请同时为其在原单位的聘任填写聘任终止日期")
    education = StringField("学历", render_kw={"maxlength": 50})
    major = StringField("现从事专业", render_kw={"maxlength": 100})
    qualification = StringField("现有资格", render_kw={"maxlength": 100, "placeholder": "如：工程师"})
    qualification_level = SelectField("资格级别", choices=[("", "（无）"), *LEVELS.items()], validate_choice=False)
    qualified_on = StringField("取得时间", render_kw=DATE)
    phone = StringField("联系电话", render_kw={"maxlength": 30})

    required = ("name", "id_number", "unit_id")


class AppointmentForm(Form):
    id_number = StringField("证件号码", render_kw={"maxlength": 32, "autocomplete": "off"},
                            description="须为已登记在人员基本信息中的人员")
    unit_id = SelectField("聘任单位", coerce=str, validate_choice=False)
    post_title = StringField("聘任职务", render_kw={"maxlength": 100, "placeholder": "如：工程师"})
    level = SelectField("岗位级别", choices=[("", "请选择"), *LEVELS.items()], validate_choice=False)
    grade = SelectField("岗位等级", choices=[("", "（不区分等级）"), *((str(g), label) for g, label in GRADE_LABELS.items())],
                        validate_choice=False)
    start_date = StringField("聘任起始日期", render_kw=DATE)
    end_date = StringField("聘任终止日期", render_kw=DATE, description="仍在聘的不填")
    over_quota_reason = TextAreaField("超比例聘任理由", render_kw={"rows": 3, "maxlength": 500},
                                      description="聘任后超出本单位岗位结构比例的，须填写理由")

    required = ("id_number", "unit_id", "post_title", "level", "start_date")


class QuotaForm(Form):
    mode = SelectField("核定方式", choices=list(QUOTA_MODES.items()), validate_choice=False)
    total = StringField("专业技术岗位总量（个）", render_kw={"inputmode": "numeric"},
                        description="按比例核定时填写；各级别岗位数按比例计算，不足1个的部分不计")
    senior = StringField("正高级", render_kw={"inputmode": "numeric"})
    deputy = StringField("副高级", render_kw={"inputmode": "numeric"})
    middle = StringField("中级", render_kw={"inputmode": "numeric"})
    junior = StringField("初级", render_kw={"inputmode": "numeric"})
    note = StringField("核准文号或说明", render_kw={"maxlength": 200})

    required = ("mode",)


def field_error(form, error) -> bool:
    """Put a service's refusal next to the field it names; False when it names none of the form's."""
    name = getattr(error, "field", None)
    if name and name in form:
        form[name].errors = [*form[name].errors, str(error)]
        return True
    return False
