"""Base classes of every form of the system: whatever a field receives is refused, next to the
field, when it holds a control character or another invisible one (zhicheng.textcheck).

- Form: a page's form (Flask-WTF, with its CSRF token);
- RowForm: the form of one row of a table inside another form (FormField / FieldList);
- AdminForm: Flask-Admin's model forms (ScopedModelView.form_base_class) and forms given to a
  view as `form`.

Line breaks and tabs pass in multi-line fields (a TextArea) only.
"""
from __future__ import annotations

from flask_admin.form import BaseForm as FlaskAdminBaseForm
from flask_wtf import FlaskForm
from wtforms import Form as WTForm
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import FieldList, FileField, FormField, MultipleFileField, StringField, TextAreaField
from wtforms.validators import Length, StopValidation
from wtforms.widgets import TextArea

from zhicheng import textcheck

_NOT_TEXT = (CSRFTokenField, FieldList, FormField, FileField, MultipleFileField)


def captcha_field() -> StringField:
    """图形验证码 of a public form (checked by zhicheng.accounts.auth.captcha_code)."""
    return StringField("图形验证码", validators=[Length(max=10)], render_kw={"autocomplete": "off"})


def sms_code_field() -> StringField:
    """短信验证码: the six digits the phone received."""
    return StringField("短信验证码", render_kw={"maxlength": 6, "autocomplete": "one-time-code", "inputmode": "numeric"})


def add_errors(form, errors: dict[str, str]) -> None:
    """A refusal by field (a service's error: field name → message), shown under each field."""
    for name, message in errors.items():
        form[name].errors.append(message)


def is_multiline(field) -> bool:
    return isinstance(field, TextAreaField) or isinstance(field.widget, TextArea)


def visible_text(form, field) -> None:
    """What was posted for the field, as posted (before filters such as strip()): a trailing
    control character is refused like any other, not quietly trimmed."""
    for value in getattr(field, "raw_data", None) or ():
        if isinstance(value, str):
            at = textcheck.invisible_at(value, is_multiline(field))
            if at is not None:
                # Stops the field's other checks: their messages would be about the same input.
                raise StopValidation(textcheck.message(at))


class VisibleTextMeta:
    """Puts visible_text first on every field a form binds."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        if not isinstance(field, _NOT_TEXT):
            field.validators = [visible_text, *field.validators]
        return field


class Form(FlaskForm):
    class Meta(VisibleTextMeta):
        pass


class RowForm(WTForm):
    class Meta(VisibleTextMeta):
        pass


class AdminForm(FlaskAdminBaseForm):
    class Meta(VisibleTextMeta):
        pass


def checks_text(form_class) -> bool:
    """Whether the forms of `form_class` run visible_text on their fields."""
    return any(isinstance(getattr(c, "Meta", None), type) and issubclass(c.Meta, VisibleTextMeta)
               for c in form_class.__mro__)
