"""Forms of the declaration workflow: 申报材料 (all tabs), 上报, 退回, 修改归口部门, 申报项目."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from wtforms import (
    BooleanField,
    FieldList,
    FileField,
    FormField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import DateInput

from zhicheng import validators as v
from zhicheng.codes import dictionaries
from zhicheng.codes.models import PARENT_KINDS
from zhicheng.forms import Form, RowForm
from zhicheng.materials.services import (
    ACHIEVEMENTS_MAX,
    BASIC_FIELDS,
    EDUCATION_FIELDS,
    WORK_FIELDS,
    MaterialInput,
    Upload,
    UploadFailed,
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ChineseDateField(StringField):
    """A date typed as 年-月-日 (a date picker in browsers), with a Chinese message when wrong."""

    widget = DateInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"):
            try:
                self.data = datetime.strptime(text, fmt).date()
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError("日期格式不正确，请按“年-月-日”填写，如2012-07-01")


def _not_future(form, field):
    if field.data and field.data > date.today():
        raise ValidationError("日期不能晚于今天")


def _in_choices(message):
    def check(form, field):
        if field.data and field.data not in [c[0] for c in field.choices]:
            raise ValidationError(message)
    return check


# --- 申报材料 ----------------------------------------------------------------------------

class _Row(RowForm):
    """One row of a table tab; an entirely blank row is ignored (not an error)."""

    required: tuple[str, ...] = ()

    def is_blank(self) -> bool:
        return not any((f.raw_data and str(f.raw_data[0]).strip()) for f in self)

    def validate(self, extra_validators=None):
        if self.is_blank():
            return True
        ok = super().validate(extra_validators)
        for name in self.required:
            f = self[name]
            if not f.data and not f.errors:
                f.errors = list(f.errors) + [f"请填写{f.label.text}"]
                ok = False
        start, end = self["start_date"], self["end_date"]
        if start.data and end.data and end.data < start.data:
            end.errors = list(end.errors) + ["结束时间不能早于开始时间"]
            ok = False
        return ok


class _PeriodRow(_Row):
    start_date = ChineseDateField("开始时间", [_not_future])
    end_date = ChineseDateField("结束时间")


class EducationRow(_PeriodRow):
    required = ("start_date", "school")
    school = StringField("学校", [Length(max=100, message="不超过100个字")], filters=[_strip])
    major = StringField("专业", [Length(max=100, message="不超过100个字")], filters=[_strip])
    education = StringField("学历", [Length(max=50, message="不超过50个字")], filters=[_strip])
    degree = StringField("学位", [Length(max=50, message="不超过50个字")], filters=[_strip])


class WorkRow(_PeriodRow):
    required = ("start_date", "employer")
    employer = StringField("工作单位", [Length(max=200, message="不超过200个字")], filters=[_strip])
    post = StringField("职务", [Length(max=100, message="不超过100个字")], filters=[_strip])
    duty = StringField("工作内容", [Length(max=200, message="不超过200个字")], filters=[_strip])


#: Blank rows a table may post beyond its cap (rows added and left empty are ignored, not counted).
BLANK_ROWS_ALLOWED = 10


class RowList(FieldList):
    """The rows of a table tab: at most MAX_ROWS_PER_TABLE filled in (config), else a message
    above the table and nothing saved. Rows posted beyond the cap and a few blank ones are not
    even read: a form of thousands of rows costs no more than one at the cap."""

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.cap = current_app.config["MAX_ROWS_PER_TABLE"]
        posted = len(set(self._extract_indices(self.name, formdata))) if formdata else 0
        # Only when reading a request: a material stored before the cap still opens with every row.
        self.max_entries = self.cap + BLANK_ROWS_ALLOWED if formdata else None
        self.overflow = posted > self.cap + BLANK_ROWS_ALLOWED
        super().process(formdata, data, extra_filters)

    def filled_rows(self) -> int:
        return sum(1 for row in self.entries if not row.form.is_blank())

    def validate(self, form, extra_validators=()):
        super().validate(form, extra_validators)
        if self.overflow or self.filled_rows() > self.cap:
            self.errors.append(f"{self.label.text}最多填写{self.cap}行，请删减后再保存")
        return not self.errors

    def table_errors(self) -> list[str]:
        """The messages about the table as a whole (the others are the rows', shown in them)."""
        return [e for e in self.errors if isinstance(e, str)]


# (field, dictionary kind, label, required)
DICT_FIELDS = (
    ("series", "series", "申报系列", True),
    ("major", "major", "申报专业", True),
    ("qualification", "qualification", "申报资格名称", True),
    ("education", "education", "学历", False),
)

TABS = (
    ("basic", "基本信息", BASIC_FIELDS[:-1]),
    ("educations", "学历学位", ("educations",)),
    ("work", "工作经历", ("work_histories",)),
    ("achievements", "专业技术工作业绩", ("achievements",)),
    ("attachments", "附件", ("review_form", "scans")),
)


class MaterialFormBase(Form):
    name = StringField("姓名", [DataRequired("请填写姓名"), Length(max=50, message="姓名不超过50个字")],
                       filters=[_strip])
    gender = SelectField("性别", choices=[("", "请选择"), ("男", "男"), ("女", "女")],
                         validators=[DataRequired("请选择性别")], validate_choice=False)
    birth_date = ChineseDateField("出生日期", [InputRequired("请填写出生日期"), _not_future])
    id_card = StringField("身份证号", [DataRequired("请填写身份证号")], filters=[_strip])
    phone = StringField("手机", [DataRequired("请填写手机")], filters=[_strip])
    work_start_date = ChineseDateField("参加工作时间", [InputRequired("请填写参加工作时间"), _not_future])
    current_major = StringField("现从事专业", [Length(max=100, message="不超过100个字")], filters=[_strip])
    current_title = StringField("现任职务", [Length(max=100, message="不超过100个字")], filters=[_strip])
    # 可申报资格表 (zhicheng.checks.eligibility): what it reads besides 学历 and 申报资格名称, and 破格.
    current_qualification = StringField("现有资格", [Length(max=100, message="不超过100个字")], filters=[_strip])
    current_qualification_date = ChineseDateField("取得现有资格时间", [_not_future])
    exceptional = BooleanField("破格申报")
    exception_reason = TextAreaField("破格理由", filters=[_strip])
    educations = RowList(FormField(EducationRow), label="学历学位", min_entries=1)
    work_histories = RowList(FormField(WorkRow), label="工作经历", min_entries=1)
    achievements = TextAreaField("专业技术工作业绩",
                                 [Length(max=ACHIEVEMENTS_MAX, message=f"不超过{ACHIEVEMENTS_MAX}字")],
                                 filters=[_strip])
    review_form = FileField("评审表（PDF，不超过4M）")
    scans = MultipleFileField("其他扫描件（PDF、JPG、PNG，每个不超过4M）")

    def validate_gender(self, field):
        if field.data not in ("男", "女"):
            raise ValidationError("请选择性别")

    def validate_id_card(self, field):
        try:
            field.data = v.check_id_card(field.data)
        except v.ValidationError as e:
            raise ValidationError(str(e)) from None

    def validate_phone(self, field):
        try:
            field.data = v.check_mobile(field.data)
        except v.ValidationError as e:
            raise ValidationError(str(e)) from None

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.birth_date.data and self.id_card.data and not self.id_card.errors:
            expected = v.birth_date_of(self.id_card.data)
            if expected != self.birth_date.data:
                self.birth_date.errors = list(self.birth_date.errors) + [
                    f"出生日期与身份证号不一致（身份证号中为{expected:%Y-%m-%d}）"]
                ok = False
        if (self.birth_date.data and self.work_start_date.data
                and self.work_start_date.data <= self.birth_date.data):
            self.work_start_date.errors = list(self.work_start_date.errors) + ["参加工作时间应晚于出生日期"]
            ok = False
        if self.current_qualification_date.data and not self.current_qualification.data:
            self.current_qualification.errors = list(self.current_qualification.errors) + ["请填写现有资格"]
            ok = False
        from zhicheng.checks.eligibility import EligibilityError, check_exception
        try:
            self.exception_reason.data = check_exception(self.exceptional.data, self.exception_reason.data)
        except EligibilityError as e:
            self.exception_reason.errors = list(self.exception_reason.errors) + [str(e)]
            ok = False
        return ok

    # --- reading the result ---
    def to_input(self) -> MaterialInput:
        basic = {name: self[name].data for name in BASIC_FIELDS}
        educations = [{k: row.form[k].data for k in EDUCATION_FIELDS}
                      for row in self.educations if not row.form.is_blank()]
        works = [{k: row.form[k].data for k in WORK_FIELDS}
                 for row in self.work_histories if not row.form.is_blank()]
        return MaterialInput(basic, educations, works)

    def uploads(self) -> list[Upload]:
        """The 评审表 and the other scans, as saving a material takes them."""
        return [Upload("review_form", self.review_form.data)] + [Upload("scan", f) for f in self.scans.data or []]

    def upload_failed(self, e: UploadFailed) -> None:
        """A refused file, shown under its field (评审表 or 其他扫描件)."""
        field = self.review_form if e.kind == "review_form" else self.scans
        field.errors = list(field.errors) + [str(e)]

    def tabs_with_errors(self) -> set[str]:
        return {key for key, _, names in TABS if any(self[n].errors for n in names)}

    def save_posted(self, save):
        """The posted form, checked and given to `save(form)`: ("saved", what save returned);
        ("refused", the workflow's message); or ("form", None): show the form again, with its errors,
        a refused file under its field, or "保存失败" flashed (nothing of any tab saved)."""
        from flask import flash, request

        from zhicheng.review.workflow import WorkflowError
        if self.validate_on_submit():
            try:
                return "saved", save(self)
            except UploadFailed as e:
                self.upload_failed(e)
            except WorkflowError as e:
                return "refused", str(e)
        elif request.method == "POST":
            flash("保存失败，请按提示修改标红的内容（所有标签的内容均未保存）", "error")
        return "form", None

    def save_edit(self, save, material, again: str, refused: str):
        """修改 of a saved material: save_posted, then "材料…已保存" and on to `again`, or the
        workflow's refusal flashed on `refused`; None: show the form again."""
        from flask import flash, redirect
        outcome, refusal = self.save_posted(save)
        if outcome == "saved":
            flash(f"材料{material.number}已保存", "success")
            return redirect(again)
        if outcome == "refused":
            flash(refusal, "error")
            return redirect(refused)
        return None

    def removed_attachments(self) -> list[int]:
        """The ids of the attachments ticked 删除 on the 附件 tab."""
        from flask import request
        return [int(i) for i in request.form.getlist("remove_attachment") if i.isascii() and i.isdigit()]


def dict_names(kind: str) -> list[str]:
    return dictionaries.active_names(kind)


def _follows_series(kind: str, stored: tuple[str, str] | None):
    """专业 / 资格名称 of the chosen 系列 (zhicheng.codes: PARENT_KINDS), checked on the server
    whatever the page offered; a combination stored before the link is kept when left as it was."""
    def check(form, field):
        series = form["series"].data
        if stored is not None and (series, field.data) == stored:
            return
        message = dictionaries.series_mismatch(kind, field.data, series)
        if message:
            raise ValidationError(message)
    return check


def material_form(material=None, load: bool = False) -> MaterialFormBase:
    """The 申报材料 form; 系列/专业/资格名称/学历 are selects when the dictionary has entries.
    专业 and 资格名称 offer (and accept) those of the chosen 系列: each option names its 系列 for
    the page's script (static/js/series_links.js), and the server checks the combination.

    On a POST the form reads only the request (rows the user removed must stay removed);
    `load` fills it from the stored material for a GET.
    """
    attrs = {}
    for name, kind, label, required in DICT_FIELDS:
        checks = [DataRequired(f"请填写{label}")] if required else [Optional()]
        checks.append(Length(max=100, message=f"{label}不超过100个字"))
        current = getattr(material, name, "") if material is not None else ""
        if kind in PARENT_KINDS:
            stored = (material.series, current) if material is not None else None
            checks.append(_follows_series(kind, stored))
        options = dictionaries.field_options(kind, current)
        if options:
            choices = [("", "请选择", {})] + [(o, o, {"data-series": series} if series else {})
                                              for o, series in options]
            attrs[name] = SelectField(label, choices=choices,
                                      validators=checks + [_in_choices(f"请从列表中选择{label}")],
                                      validate_choice=False,
                                      render_kw={"data-follows": "series"} if kind in PARENT_KINDS else None)
        else:
            attrs[name] = StringField(label, checks, filters=[_strip])
    cls = type("MaterialForm", (MaterialFormBase,), attrs)
    return cls(obj=material) if load and material is not None else cls()


# --- 上报 / 退回 / 修改归口部门 ------------------------------------------------------------

class SubmitForm(Form):
    operator_name = StringField("操作人姓名", [DataRequired("请填写操作人姓名"), Length(max=50)], filters=[_strip])
    operator_phone = StringField("联系电话", [DataRequired("请填写联系电话")], filters=[_strip])

    def validate_operator_phone(self, field):
        try:
            field.data = v.check_mobile(field.data)
        except v.ValidationError as e:
            raise ValidationError(str(e)) from None


class ReturnForm(Form):
    reason = TextAreaField("退回理由", [DataRequired("请填写退回理由"), Length(max=2000, message="退回理由不超过2000字")],
                           filters=[_strip])


def _int_or_zero(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class ChangeDepartmentForm(Form):
    department = SelectField("新归口部门", coerce=_int_or_zero, validate_choice=False)
    confirm = BooleanField("我已知晓：修改归口部门后，所有已上报的材料将立即退回到“待上报”状态")

    def validate_department(self, field):
        if field.data not in [c[0] for c in field.choices if c[0]]:
            raise ValidationError("请选择新归口部门")

    def validate_confirm(self, field):
        if not field.data:
            raise ValidationError("请勾选确认后再保存")


class CommitmentForm(Form):
    """真实性承诺: the answer is the button pressed (同意 / 不同意)."""
