"""A list page's links and rows: URLs built once per request and the rows drawn in Python."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import g, request, url_for
from flask_admin.model import BaseModelView
from flask_admin.model.template import EditRowAction, ViewRowAction
from jinja2 import pass_context
from markupsafe import Markup, escape
from werkzeug.datastructures import iter_multi_items


def row_url(endpoint: str, pk) -> str:
    """`url_for(endpoint, id=pk)` for the rows of a list: the path is built once per request."""
    cache = g.setdefault("zc_row_urls", {})
    base = cache.get(endpoint)
    if base is None:
        base = cache[endpoint] = url_for(endpoint)
    return f"{base}?id={int(pk)}"


#: Characters werkzeug leaves unescaped in a query string (url_for's encoding).
_QUERY_SAFE = "!$'()*,/:;?@"


def list_url(view, kwargs: dict) -> str:
    """`view.get_url(".index_view", **kwargs)` with the path built once per request: a list page
    links about twenty variants of itself (sort, page size, pager). The query string is encoded
    as url_for encodes it (None dropped, in the given order); a test compares the two."""
    cache = g.setdefault("zc_list_paths", {})
    key = (view.endpoint, request.script_root)
    base = cache.get(key)
    if base is None:
        base = cache[key] = view.get_url(".index_view")
    items = [(k, v) for k, v in iter_multi_items(kwargs) if v is not None]
    return f"{base}?{urlencode(items, safe=_QUERY_SAFE)}" if items else base


def _list_value(view, name: str):
    """`(context, row) -> value` for one list column: what Flask-Admin's `get_list_value`
    returns (the column's formatter or the attribute, its choices, the formatter for the value's
    type), with the type formatter found once per value type instead of by an isinstance()
    against every registered type in every cell. A view that overrides `get_list_value` gets
    its own method for every cell. tests/web/test_list_parity.py compares the result with
    Flask-Admin's own list template for every list view."""
    cache = view.__dict__.setdefault("_zc_list_values", {})
    if name in cache:
        return cache[name]
    if type(view).get_list_value is not BaseModelView.get_list_value:
        # A view that draws its cells itself: every cell goes through its method.
        def overridden(context, row):
            return view.get_list_value(context, row, name)

        cache[name] = overridden
        return overridden
    column_fmt = view.column_formatters.get(name)
    choices = view._column_choices_map.get(name, {})
    type_formatters = view.column_type_formatters
    by_type: dict[type, object] = {}

    def value(context, row):
        v = column_fmt(view, context, row, name) if column_fmt is not None else view._get_field_value(row, name)
        if choices:
            return choices.get(v) or v
        kind = type(v)
        if kind not in by_type:
            by_type[kind] = next((f for t, f in type_formatters.items() if isinstance(v, t)), None)
        type_fmt = by_type[kind]
        if type_fmt is None:
            return v
        try:
            return type_fmt(view, v, name)
        except TypeError:  # a formatter of the older (view, value) kind: Flask-Admin's own handling
            return view.get_list_value(context, row, name)

    cache[name] = value
    return value


#: Stands for a row's primary key in a row action drawn once per page (letters and digits only:
#: url_for leaves it as it is).
_PK_MARK = "ZCROWPK7Q"


def _row_action_pattern(context, action) -> str | None:
    """Flask-Admin's 查看/编辑 icon of a row drawn once for the page with a mark for the primary key
    (their macros read only the key, into the link); None for any other row action, drawn per row."""
    if type(action) not in (ViewRowAction, EditRowAction):
        return None
    html = str(escape(action.render(context, _PK_MARK, None)))
    return html if html.count(_PK_MARK) == 1 else None


@pass_context
def list_rows(context, data, list_columns, actions, row_actions) -> Markup:
    """The rows of a list page, as Flask-Admin's list template draws them: a checkbox when the
    view has actions, its row-action icons when it shows them, then each column's list value
    (through the view's formatters). One string in Python rather than a Jinja block per row:
    the rows are the larger part of a list page's rendering."""
    view = context["admin_view"]
    get_pk = view.get_pk_value
    cells = [(_list_value(view, c), f'<td class="col-{escape(c)}">') for c, _ in list_columns]
    shows_actions = view.column_display_actions
    drawn = [_row_action_pattern(context, action) for action in row_actions] if shows_actions else []
    out = []
    for row in data:
        pk = get_pk(row)
        out.append("<tr>")
        if actions:
            out.append(f'<td><input type="checkbox" name="rowid" class="action-checkbox" value="{escape(pk)}"'
                       ' title="选择该记录"></td>')
        if shows_actions:
            out.append('<td class="list-buttons-column">')
            for action, pattern in zip(row_actions, drawn):
                key = str(pk)
                if pattern is not None and key.isascii() and key.isdigit():
                    out.append(pattern.replace(_PK_MARK, key))
                else:
                    out.append(escape(action.render(context, pk, row)))
            out.append("</td>")
        for value, td in cells:
            out.append(td)
            out.append(escape(value(context, row)))
            out.append("</td>")
        out.append("</tr>\n")
    return Markup("".join(out))
