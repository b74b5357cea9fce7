"""The 评审 pages' forms, labelled in the manuals' words; the services check the values again."""
from __future__ import annotations

import re

from wtforms import BooleanField, DateField, DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from zhicheng.boards.states import LEVEL_LABELS
from zhicheng.forms import Form

_SEPARATORS = re.compile(r"[、,，;；\s]+")


def split_majors(text: str | None) -> list[str]:
    """专业 typed as one line: separated by 、 , ； or line breaks."""
    return [m for m in _SEPARATORS.split(text or "") if m]


class BoardForm(Form):
    name = StringField("评委会名称", validators=[InputRequired("请填写评委会名称"), Length(max=100)])
    code = SelectField("评委会代码（评委会字典）", validate_choice=False)
    department_id = SelectField("组建单位", coerce=int, validate_choice=False)
    level = SelectField("评委会级别", choices=[(k.value, v) for k, v in LEVEL_LABELS.items()],
                        validate_choice=False)
    series = StringField("系列", validators=[Length(max=100)])
    scope = TextAreaField("评审范围")
    majors = TextAreaField("评审专业")
    min_members = IntegerField("组成人数下限（奇数，留空按级别默认）", validators=[Optional()])


class BoardEditForm(Form):
    code = SelectField("评委会代码（评委会字典）", validate_choice=False)
    series = StringField("系列", validators=[Length(max=100)])
    scope = TextAreaField("评审范围")
    majors = TextAreaField("评审专业")
    min_members = IntegerField("组成人数下限（奇数）", validators=[InputRequired("请填写组成人数下限")])
    enabled = BooleanField("启用")


class GroupForm(Form):
    board_id = SelectField("评委会", coerce=int, validate_choice=False)
    name = StringField("学科组名称", validators=[InputRequired("请填写学科组名称"), Length(max=100)])
    majors = TextAreaField("涵盖专业（以顿号、逗号或换行分隔）", validators=[InputRequired("请填写学科组涵盖的专业")])


class GroupEditForm(Form):
    name = StringField("学科组名称", validators=[InputRequired("请填写学科组名称"), Length(max=100)])
    majors = TextAreaField("涵盖专业（以顿号、逗号或换行分隔）", validators=[InputRequired("请填写学科组涵盖的专业")])


class ExpertForm(Form):
    department_id = SelectField("所属专家库", coerce=int, validate_choice=False)
    username = StringField("用户名", validators=[InputRequired("请填写用户名"), Length(max=50)])
    real_name = StringField("专家姓名", validators=[InputRequired("请填写专家姓名"), Length(max=50)])
    major = StringField("专业", validators=[InputRequired("请填写专业"), Length(max=100)])
    title = StringField("职称", validators=[Length(max=100)])
    unit_name = StringField("工作单位", validators=[Length(max=200)])
    phone = StringField("联系电话", validators=[Length(max=20)])


class MeetingForm(Form):
    board_id = SelectField("评委会", coerce=int, validate_choice=False)
    name = StringField("会议名称", validators=[InputRequired("请填写会议名称"), Length(max=200)])
    review_start = DateTimeLocalField("评议开始时间", format="%Y-%m-%dT%H:%M",
                                      validators=[InputRequired("请填写评议开始时间")])
    review_end = DateTimeLocalField("评议结束时间", format="%Y-%m-%dT%H:%M",
                                    validators=[InputRequired("请填写评议结束时间")])
    meeting_date = DateField("会议日期", validators=[InputRequired("请填写会议日期")])


class DrawSeedForm(Form):
    seed = IntegerField("随机种子（可不填）", validators=[Optional(), NumberRange(min=0, max=2 ** 63 - 1,
                                                                           message="随机种子应为非负整数")])
