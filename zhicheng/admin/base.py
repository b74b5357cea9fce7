"""Base classes for every admin view: access by role, rows through zhicheng.scope."""
from __future__ import annotations

import functools
import warnings
from urllib.parse import urlencode

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_admin.contrib.sqla import ModelView
from flask_admin.helpers import get_redirect_target
from flask_admin.model import BaseModelView
from flask_admin.model.template import EditRowAction, ViewRowAction
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import aliased
from werkzeug.datastructures import iter_multi_items

from zhicheng.admin import key_order
from zhicheng.admin.converters import ModelConverter
from zhicheng.domain import DomainError
from zhicheng.errors import OUT_OF_RANGE
from zhicheng.extensions import db
from zhicheng.forms import AdminForm
from zhicheng.policy import Permission, can
from zhicheng.policy import grants as policy_grants
from zhicheng.security import parse_id


def static_url(admin_endpoint: str | None, filename: str, **kwargs) -> str:
    """URL of a static file (the app's when `admin_endpoint` is None, else Flask-Admin's): a page
    links about twenty, and they only change with the mount point, so each is built once."""
    urls = current_app.extensions.setdefault("zhicheng.static_urls", {})
    key = (request.script_root, admin_endpoint, filename, tuple(sorted(kwargs.items())))
    url = urls.get(key)
    if url is None:
        endpoint = f"{admin_endpoint}.static" if admin_endpoint else "static"
        url = urls[key] = url_for(endpoint, filename=filename, **kwargs)
    return url


class AdminStatic:
    """`admin_static.url(filename=…)` for Flask-Admin's own templates (its details page, for one),
    which expect the page frame to have imported its static.html macro module."""

    @pass_context
    def url(self, context, filename: str, **kwargs) -> str:
        view = context.get("admin_view")  # outside the admin pages: the application's Admin
        admin = view.admin if view is not None else current_app.extensions["admin"][0]
        return static_url(admin.endpoint, filename, **kwargs)


def _visible_entries(items) -> tuple:
    out = []
    for item in items:
        if item.is_category():
            children = item.get_children()  # only the accessible, visible ones
            if children:
                out.append((id(item), _visible_entries(children)))
        elif item.is_accessible() and item.is_visible():
            out.append(id(item))
    return tuple(out)


def request_grants() -> frozenset:
    """The permissions of the request's account (zhicheng.policy.grants), worked out once per
    request; empty for an anonymous account or one that must change its password first. Like
    the views' access, it is answered once per request."""
    user = current_user._get_current_object()
    cached = g.get("zc_grants")
    if cached is not None and cached[0] is user:
        return cached[1]
    grants = policy_grants(user) if user.is_authenticated and not user.must_change_password else frozenset()
    g.zc_grants = (user, grants)
    return grants


def _by_grants(view) -> bool:
    """A view whose access is its `permission` alone (GuardMixin's, not overridden)."""
    cls = type(view)
    return getattr(cls, "is_accessible", None) is GuardMixin.is_accessible and getattr(cls, "allowed", None) is GuardMixin.allowed


def menu_key(admin_view) -> tuple:
    """What the main menu's HTML depends on: the entries this user may open, the page it is
    on and the mount point. Which entries a user may open follows from his permissions (and the
    answers of the few views that decide their access otherwise, asked on every page): it is
    worked out once per set of permissions, not by asking every entry on every page. A view's
    `is_visible` must not depend on the request (those of this application are constants)."""
    admin = admin_view.admin
    plan = admin.__dict__.get("_zc_menu_plan")
    if plan is None:
        plan = admin._zc_menu_plan = ([v for v in admin._views if not _by_grants(v)], {})
    others, entries_by = plan
    key = (request_grants(), tuple(bool(v.is_accessible()) for v in others))
    entries = entries_by.get(key)
    if entries is None:
        if len(entries_by) > 500:
            entries_by.clear()
        entries = entries_by[key] = _visible_entries(admin.menu())
    return (request.script_root, id(admin_view), entries)


def _menus() -> dict:
    return current_app.extensions.setdefault("zhicheng.menus", {})


def menu_get(key: tuple):
    return _menus().get(key)


def menu_put(key: tuple, html):
    """Keep a rendered menu (per app: the key holds ids of its views); a few hundred
    combinations at most (roles × pages)."""
    menus = _menus()
    if len(menus) > 2000:
        menus.clear()
    menus[key] = html
    return html


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


class PlainRow:
    """One row of a list page read as plain values instead of an ORM object: the columns the
    list reads and its related rows (PlainRows themselves, or None) are attributes, and the
    model's own Python properties (`state_label`) work on them. Anything else is read from the
    ORM object, loaded by primary key on first use, as a lazy load would: a formatter that needs
    more still gets it, at the price of a statement (the query-count tests show it). Building
    ORM objects was most of a list page's SQLAlchemy time."""

    def __init__(self, cls, values: dict, load):
        self.__dict__.update(values)  # plain attribute look-ups for the values
        self._zc_cls, self._zc_load, self._zc_obj = cls, load, None

    def __getattr__(self, name: str):  # only for what the values do not hold
        if name.startswith(("__", "_zc_")):  # protocol look-ups (__html__ …)
            raise AttributeError(name)
        prop = _python_property(self._zc_cls, name)
        if prop is not None:
            return prop.fget(self)
        if self._zc_obj is None:
            self._zc_obj = self._zc_load()
        return getattr(self._zc_obj, name)

    def __repr__(self) -> str:
        return f"<PlainRow {self._zc_cls.__name__} {self.__dict__.get('id')}>"


@functools.cache
def _python_property(cls, name: str) -> property | None:
    for klass in cls.__mro__:
        if name in klass.__dict__:
            attr = klass.__dict__[name]
            return attr if isinstance(attr, property) else None
    return None


@functools.cache
def _alias(model, path: str):
    """The related table at `path` from `model` ("project", "material.unit") under a name of its
    own, built once: building an alias (aliased()) costs more than running the statement it joins."""
    for name in path.split("."):
        model = getattr(model, name).property.mapper.class_
    return aliased(model)


@functools.cache
def _related_by_ids(target, columns: tuple[str, ...]):
    """The related rows of a page by their primary keys, built once (SQLAlchemy keeps its cache
    key with it)."""
    return select(target.id, *(getattr(target, c) for c in columns)).where(
        target.id.in_(bindparam("ids", expanding=True)))


def _plain(statement, params=None):
    """A select of plain columns on the session's connection, in its transaction (pending changes
    flushed first, as the session would): the session's execute builds an ORM result around it."""
    db.session.flush()
    return db.session.connection().execute(statement, params)


def read_plain_rows(model, statement, relations: dict[str, tuple[str, ...]], joined: bool | None = None
                    ) -> list[PlainRow]:
    """The rows of `statement` (a select of plain columns of `model`, with its id and the foreign
    keys of `relations`; sorted and paged) as PlainRows, with the related rows of `relations`
    ({many-to-one relationship: its columns}; a relationship of a related row by its path,
    "material.unit", after its parent). On PostgreSQL the related columns are joined into the
    statement (its planner joins by primary key after the sort and the LIMIT); SQLite would join
    every match before sorting, so there each relationship's rows come in one more statement by
    their primary keys, unless `joined` (a statement of few rows)."""
    if joined is None:
        joined = db.engine.dialect.name == "postgresql"
    keys = [c.key for c in statement.selected_columns]
    plan = []  # (path, parent path, name, foreign key, target, columns read)
    targets = {"": model}
    for path, columns in relations.items():
        parent, _, name = path.rpartition(".")
        prop = getattr(targets[parent], name).property
        (fk,) = prop.local_columns
        targets[path] = prop.mapper.class_
        plan.append([path, parent, name, fk, prop.mapper.class_, tuple(columns)])
    for step in plan:  # a parent read by primary keys brings its children's foreign keys
        step[5] += tuple(child[3].key for child in plan if child[1] == step[0] and child[3].key not in step[5])
    if joined:
        aliases, outer = {"": model}, {"": False}
        for path, parent, _name, fk, _target, columns in plan:
            alias = aliases[path] = _alias(model, path)
            outer[path] = outer[parent] or fk.nullable
            condition = alias.id == getattr(aliases[parent], fk.key)
            statement = statement.outerjoin(alias, condition) if outer[path] else statement.join(alias, condition)
            statement = statement.add_columns(alias.id, *(getattr(alias, c) for c in columns))
    result = _plain(statement).all()
    by_id: dict[str, dict] = {}  # SQLite: each relationship's rows of the page by primary key
    if not joined:
        parents = {"": [dict(zip(keys, row)) for row in result]}
        for path, parent, _name, fk, target, columns in plan:
            ids = list({values[fk.key] for values in parents[parent]} - {None})
            by_id[path] = {r[0]: {"id": r[0], **dict(zip(columns, r[1:]))} for r in
                           (_plain(_related_by_ids(target, columns), {"ids": ids}) if ids else ())}
            parents[path] = list(by_id[path].values())
    session = db.session
    rows = []
    for row in result:
        found = {"": dict(zip(keys, row))}
        at = len(keys)
        for path, parent, _name, fk, _target, columns in plan:
            if joined:
                pk = row[at]
                found[path] = None if pk is None else {"id": pk, **dict(zip(columns, row[at + 1:at + 1 + len(columns)]))}
                at += 1 + len(columns)
            else:
                up = found[parent]
                found[path] = None if up is None or up[fk.key] is None else dict(by_id[path][up[fk.key]])
        for path, parent, name, _fk, target, _columns in reversed(plan):  # children into their parents
            values = found[path]
            if found[parent] is not None:
                found[parent][name] = None if values is None else PlainRow(
                    target, values, functools.partial(session.get, target, values["id"]))
        values = found[""]
        rows.append(PlainRow(model, values, functools.partial(session.get, model, values["id"])))
    return rows


def _gate(allowed: bool):
    """None when the request may proceed, else the response that refuses it."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    if current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    if not allowed:
        abort(403)
    return None


def confirm_posted(form, act, done, to: str, refusals: type[Exception] = DomainError):
    """The POST of a confirmation page (a reason, an operator's name): when the form validates,
    act(); its refusal is flashed and None returned (the page shows the form again), else
    done(what act returned) is flashed and the answer goes `to`. None as well before a valid POST."""
    if not form.validate_on_submit():
        return None
    try:
        result = act()
    except refusals as e:
        flash(str(e), "error")
        return None
    flash(done(result), "success")
    return redirect(to)


class GuardMixin:
    """A view declares the `permission` (zhicheng.policy) that opens it: it decides menu visibility
    and 403; anonymous users go to the login page."""

    permission: Permission | None = None

    def allowed(self, user) -> bool:
        return self.permission is not None and can(user, self.permission)

    def is_accessible(self) -> bool:
        # Asked for every menu entry on every page: the account's permissions are worked out
        # once per request (request_grants), the same rules as can(user, permission).
        if type(self).allowed is not GuardMixin.allowed:  # (tests/core/test_policy.py forbids it)
            user = current_user._get_current_object()
            return bool(user.is_authenticated and not user.must_change_password and self.allowed(user))
        return self.permission is not None and self.permission in request_grants()

    def inaccessible_callback(self, name, **kwargs):
        return _gate(False) or abort(403)

    def _run_view(self, fn, *args, **kwargs):
        # A service's refusal (DomainError), wherever a page or action lets it through, reaches the
        # user as its Chinese message on the page they came from; nothing of it is saved.
        try:
            return super()._run_view(fn, *args, **kwargs)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            target = get_redirect_target() or self.get_url(f".{self._default_view}")
            if request.method == "GET" and target in (request.full_path, request.path):
                target = url_for("admin.index")
            return redirect(target)


class GuardedView(GuardMixin, BaseView):
    """A plain page (form or report) in the admin layout."""


class _RequestSession:
    """The session Flask-Admin's model views work with: db.session, except that their commit()
    only flushes (errors surface there, inside their own handling); the request commits
    (zhicheng.transaction)."""

    def commit(self) -> None:
        db.session.flush()

    def __getattr__(self, name: str):
        return getattr(db.session, name)


class ScopedModelView(GuardMixin, ModelView):
    """A model list whose every row access goes through a zhicheng.scope function.

    get_query / get_count_query filter the list; get_one loads a row by id through the
    same filter (Flask-Admin's default would load any id) and answers 404 otherwise.
    Custom actions load their rows with `scoped_rows(ids)`.
    """

    page_size = 20
    can_set_page_size = True
    page_size_options = (20, 50, 100)
    can_view_details = True
    can_export = False
    list_template = "admin/zc_list.html"
    form_base_class = AdminForm
    model_form_converter = ModelConverter

    def __init__(self, model, session=None, **kwargs):
        with warnings.catch_warnings():
            # Flask-Admin 2.2 (pinned) warns that a session object will not be accepted by 3.0;
            # upgrading means giving its model handlers this flush-only commit another way.
            warnings.filterwarnings("ignore", "Passing a session object directly is deprecated",
                                    DeprecationWarning)
            super().__init__(model, session or _RequestSession(), **kwargs)

    #: The zhicheng.scope function of the rows this view shows, e.g. `row_scope = scope.materials`.
    row_scope = None
    #: The permission each action needs besides the view's: a POST without it is refused with 403.
    action_permissions: dict[str, Permission] = {}

    def scope(self, user):
        return type(self).row_scope(user)

    def _get_list_url(self, view_args) -> str:
        # Flask-Admin's arguments, in its order; only the URL is built more cheaply (list_url).
        kwargs = dict(page=view_args.page or None, sort=view_args.sort,
                      desc=1 if view_args.sort_desc else None, search=view_args.search)
        kwargs.update(view_args.extra_args)
        kwargs["page_size"] = self.get_safe_page_size(view_args.page_size)
        kwargs.update(self._get_filters(view_args.filters))
        return list_url(self, kwargs)

    def is_action_allowed(self, name: str) -> bool:
        needed = self.action_permissions.get(name)
        return super().is_action_allowed(name) and (needed is None or can(current_user, needed))

    @expose("/action/", methods=("POST",))
    def action_view(self):
        needed = self.action_permissions.get(request.form.get("action", ""))
        if needed is not None and not can(current_user, needed):
            abort(403)
        return super().action_view()

    def get_query(self):
        return super().get_query().filter(self.scope(current_user))

    def get_count_query(self):
        return super().get_count_query().filter(self.scope(current_user))

    #: Whether a plain list joins its related rows into its statement (None: on PostgreSQL only;
    #: see read_plain_rows).
    plain_joined: bool | None = None

    def plain_list(self) -> tuple | None:
        """`(statement, relations)` for a list page read as plain rows (read_plain_rows): a select
        of the model's columns the list shows, in the view's scope (get_query's rows: the page's
        count is this select's, get_count_query is not asked), and the many-to-one
        relationships it shows with their columns. None (the default): Flask-Admin's ORM objects."""
        return None

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        plain = self.plain_list() if execute else None
        if plain is None:
            return super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)
        # Flask-Admin's get_list (search, filters, the count, sorting, the page) on the plain
        # select; the count is that select's rows.
        query, relations = plain
        joins: dict = {}
        if self._search_supported and search:
            query, _, joins, _ = self._apply_search(query, None, joins, {}, search)
        if filters and self._filters:
            query, _, joins, _ = self._apply_filters(query, None, joins, {}, filters)
        count = None if self.simple_list_pager else _plain(
            query.with_only_columns(func.count(), maintain_column_froms=True)).scalar()
        query, joins = self._apply_sorting(query, joins, sort_column, sort_desc)
        query = self._apply_pagination(query, page, page_size)
        size = page_size or self.page_size
        if size and key_order.key_sorted(self, sort_column) and key_order.walk_by_key(
                db.session.connection(), self.model.__table__, count, (page or 0) * size, size):
            query = query.with_hint(self.model, "NOT INDEXED", "sqlite")
        return count, read_plain_rows(self.model, query, relations, self.plain_joined)

    def one_query(self):
        """The query get_one loads a single row from: the list's own, unless a view loads one
        row differently (it must keep the scope)."""
        return self.get_query()

    def get_one(self, id):
        pk = parse_id(id)
        if pk is None:
            abort(404)
        row = self.one_query().filter(self.model.id == pk).one_or_none()
        if row is None:
            abort(404)
        return row

    # A page the view does not offer answers 404 (Flask-Admin would redirect to the list).
    @expose("/details/")
    def details_view(self):
        if not self.can_view_details:
            abort(404)
        return super().details_view()

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        if not self.can_edit:
            abort(404)
        return super().edit_view()

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        if not self.can_create:
            abort(404)
        return super().create_view()

    @expose("/delete/", methods=("POST",))
    def delete_view(self):
        if not self.can_delete:
            abort(404)
        return super().delete_view()

    @action("delete", "删除", "确定删除所选记录？")
    def action_delete(self, ids):
        """Flask-Admin's bulk delete, but with ids parsed as integers (PostgreSQL compares
        types strictly) and rows loaded through the scope; each row goes through delete_model."""
        if not self.can_delete:
            abort(404)
        count = sum(1 for row in self.scoped_rows(ids) if self.delete_model(row))
        if count:
            flash(f"已删除{count}条记录", "success")

    def scoped_rows(self, ids, strict: bool = False) -> list:
        """The rows of the posted ids that the user may see. `strict`: one id outside the scope
        (another unit's, a stale page) answers 404 and nothing is done, as for a page of that id."""
        pks = {parse_id(i) for i in ids}
        if None in pks:
            abort(404)
        rows = self.get_query().filter(self.model.id.in_(pks)).order_by(self.model.id).all()
        if strict and len(rows) != len(pks):
            abort(404)
        return rows

    def handle_view_exception(self, exc):
        # Refusals from the service layer are shown to the user, never swallowed.
        if isinstance(exc, DomainError):
            db.session.rollback()
            flash(str(exc), "error")
            return True
        if super().handle_view_exception(exc):  # WTForms' own validation errors
            return True
        # Anything else: the user reads Chinese, the log keeps the details (Flask-Admin would
        # flash the exception's own text, e.g. a driver's message).
        db.session.rollback()
        if isinstance(exc, (OverflowError, DataError)):
            flash(OUT_OF_RANGE, "error")
        elif isinstance(exc, IntegrityError):
            flash("保存失败：与已有记录重复，或关联的数据已不存在，请检查后重试", "error")
        else:
            current_app.logger.exception("admin view %s failed", self.endpoint)
            flash("操作失败，请检查填写的内容后重试；如问题持续，请联系系统管理员", "error")
        return True
