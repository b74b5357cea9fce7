"""How Flask-Admin turns model columns into form fields here: integers that the database can
store, refused in Chinese otherwise (never an overflow or Python's own wording)."""
from __future__ import annotations

from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.model.form import converts
from wtforms import IntegerField, validators

from zhicheng.security import MAX_DB_INT


class IntegerInput(IntegerField):
    """An integer field whose error reads in Chinese and that takes only ASCII digits."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = (valuelist[0] or "").strip()
        if text == "":
            self.data = None
            return
        digits = text[1:] if text[:1] in "+-" else text
        if not digits.isascii() or not digits.isdigit():
            self.data = None
            raise ValueError("请输入整数（半角数字）")
        self.data = int(text)


class ModelConverter(AdminModelConverter):
    @converts("Integer")  # BigInteger and SmallInteger too
    def handle_integer_types(self, column, field_args, **extra):
        low = 0 if getattr(column.type, "unsigned", False) else -MAX_DB_INT
        field_args["validators"].append(validators.NumberRange(
            min=low, max=MAX_DB_INT, message="数值超出允许的范围"))
        return IntegerInput(**field_args)
