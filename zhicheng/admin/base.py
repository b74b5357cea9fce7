"""Base classes for every admin view: access by role, rows through zhicheng.scope."""
from __future__ import annotations

import warnings

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_admin.contrib.sqla import ModelView
from flask_admin.helpers import get_redirect_target
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.exc import DataError, IntegrityError

from zhicheng.admin import complement_count, key_order
from zhicheng.admin.converters import ModelConverter
from zhicheng.admin.listing import list_url
from zhicheng.admin.plainrows import read_plain_rows
from zhicheng.domain import DomainError
from zhicheng.errors import OUT_OF_RANGE, refused
from zhicheng.extensions import db
from zhicheng.forms import AdminForm
from zhicheng.policy import Permission, can
from zhicheng.policy import grants as policy_grants
from zhicheng.security import parse_id


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
        refused(e)
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
            refused(exc)
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
        count = None if self.simple_list_pager else self._plain_count(query)
        query, joins = self._apply_sorting(query, joins, sort_column, sort_desc)
        query = self._apply_pagination(query, page, page_size)
        size = page_size or self.page_size
        if size and key_order.key_sorted(self, sort_column) and key_order.walk_by_key(
                db.session.connection(), self.model.__table__, count, (page or 0) * size, size):
            query = query.with_hint(self.model, "NOT INDEXED", "sqlite")
        return count, read_plain_rows(self.model, query, relations, self.plain_joined)

    @staticmethod
    def _plain_count(query) -> int:
        """The rows of the list's select (on SQLite, counted by their complement when that is
        cheaper: zhicheng.admin.complement_count)."""
        db.session.flush()
        connection = db.session.connection()
        count = complement_count.complement_count(connection, query)
        if count is None:
            count = connection.execute(query.with_only_columns(func.count(), maintain_column_froms=True)).scalar()
        return count

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
            refused(exc)
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
