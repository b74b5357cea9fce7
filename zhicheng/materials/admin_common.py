"""What every material list shares: columns, eager loading, ?project= / ?state= filters,
the read-only details page and attachment downloads."""
from __future__ import annotations

import functools
import re
import time
from collections import OrderedDict

from flask import abort, current_app, flash, has_app_context, has_request_context, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import IntEqualFilter
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import event, select
from sqlalchemy.orm import joinedload, load_only, object_session, selectinload

from zhicheng import scope, storage
from zhicheng.admin.base import ScopedModelView
from zhicheng.admin.listing import row_url
from zhicheng.admin.plainrows import read_plain_rows
from zhicheng.boards.results import results_for
from zhicheng.exporting.services import content_disposition
from zhicheng.extensions import char_pairs, db
from zhicheng.models import STATE_LABELS, Attachment, Material, Project, ReviewRecord
from zhicheng.validators import ascii_digits

#: Seconds the 申报项目 filter's options are reused. A project saved in this process clears them at
#: once; another worker's list shows a new project in its filter within this time.
PROJECT_OPTIONS_TTL = 30.0
_OPTIONS_KEY = "zhicheng.project_options"


def per_request(options):
    """A list filter's options, which depend on who is looking: Flask-Admin also asks for them
    once at start-up, before anyone logs in, and gets none then."""
    @functools.wraps(options)
    def wrapper():
        return options() if has_request_context() else []
    return wrapper


@per_request
def _project_options():
    """Projects in the user's scope for a list's 申报项目 filter: the same for every account of a
    department (staff) or of units under the same department, so they are shared for a while."""
    user = current_user
    key = (user.is_staff, user.department_id if user.is_staff else (user.unit.department_id if user.unit else None))
    cache = current_app.extensions.setdefault(_OPTIONS_KEY, {})
    hit = cache.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < PROJECT_OPTIONS_TTL:
        return hit[1]
    rows = db.session.execute(
        select(Project.id, Project.name, Project.year).where(scope.projects(user))
        .order_by(Project.year.desc(), Project.id.desc())).all()
    options = [(str(i), f"{name}（{year}）") for i, name, year in rows]
    cache[key] = (now, options)
    return options


@event.listens_for(Project, "after_insert")
@event.listens_for(Project, "after_update")
@event.listens_for(Project, "after_delete")
def _forget_project_options(mapper, connection, target):
    # At the flush, and again after the commit: between the two another thread may have read
    # the options from before the change.
    if has_app_context():
        current_app.extensions.pop(_OPTIONS_KEY, None)
        session = object_session(target)
        if session is not None:
            session.info["zhicheng.projects_changed"] = True


@event.listens_for(db.session, "after_commit")
def _forget_project_options_after_commit(session):
    if session.info.pop("zhicheng.projects_changed", False) and has_app_context():
        current_app.extensions.pop(_OPTIONS_KEY, None)


def _dash(value) -> str:
    return value if value else "—"


class RequestFilterOptions:
    """Flask-Admin computes filter options once at start-up; ours depend on who is looking
    (projects in their scope), so they are built for each request instead."""

    def _get_filter_groups(self):
        if not self._filters:
            return None
        groups: OrderedDict[str, list] = OrderedDict()
        for i, flt in enumerate(self._filters):
            options = flt.get_options(self)
            groups.setdefault(str(flt.name), []).append({
                "index": i, "arg": self.get_filter_arg(i, flt), "operation": str(flt.operation()),
                "options": [(k, str(v)) for k, v in options] if options else None, "type": flt.data_type})
        return groups


class MaterialListView(RequestFilterOptions, ScopedModelView):
    """A read-only list of materials; subclasses set `states`, `allowed` and `scope`."""

    states: tuple[str, ...] | None = None
    can_create = can_edit = can_delete = False
    # The 编号 is the link to the material (manual: 点击对应材料的编号，即可查看); no icon column.
    column_display_actions = False
    # get_query loads the related rows a list shows (and only their shown columns);
    # Flask-Admin's automatic eager loading would load whole rows of every relationship.
    column_auto_select_related = False
    list_template = "admin/materials/list.html"
    details_template = "admin/materials/details.html"
    page_intro = ""
    column_list = ("number", "name", "id_card", "project", "state", "submitted_at")
    column_labels = {"number": "编号", "name": "姓名", "id_card": "身份证号", "project": "申报项目",
                     "state": "状态", "current_department": "所在审核部门", "unit": "单位",
                     "submitted_at": "上报时间", "creator": "填写账号", "series": "申报系列",
                     "major": "申报专业", "qualification": "申报资格名称", "updated_at": "最后修改"}
    column_sortable_list = ("number", "name", "submitted_at", "updated_at")
    column_searchable_list = ("name", "id_card", "number")
    column_default_sort = ("id", True)
    column_filters = (IntEqualFilter(Material.project_id, "申报项目", options=_project_options),)
    column_formatters = {
        "number": lambda v, c, m, n: v.number_link(m),
        "project": lambda v, c, m, n: m.project.name,
        "state": lambda v, c, m, n: m.state_label,
        "current_department": lambda v, c, m, n: _dash(m.current_department and m.current_department.name),
        "unit": lambda v, c, m, n: m.unit.name,
        "creator": lambda v, c, m, n: m.creator.username,
        "submitted_at": lambda v, c, m, n: _dash(m.submitted_at),
    }

    def number_link(self, m: Material) -> Markup:
        return Markup(f'<a href="{escape(row_url(".details_view", m.id))}">{escape(m.number or m.id)}</a>')

    def _narrow(self, query):
        if self.states is not None:
            query = query.filter(Material.state.in_(self.states))
        try:
            project_id = int(request.args.get("project", ""))
        except ValueError:
            project_id = None
        if project_id:
            query = query.filter(Material.project_id == project_id)
        state = request.args.get("state")
        if state in STATE_LABELS:
            query = query.filter(Material.state == state)
        return query

    # A search term that is a whole 身份证号 or 编号 is an exact, indexed lookup, not a LIKE scan.
    # Both are stored in ASCII: a term typed in full-width digits is looked up in ASCII.
    _EXACT_SEARCH = ((re.compile(r"[0-9]{17}[0-9Xx]"), Material.id_card, str.upper),
                     (re.compile(r"[0-9]{4}-[0-9]{3}-[0-9]{7}"), Material.number, str))

    def _apply_search(self, query, count_query, joins, count_joins, search):
        term = ascii_digits(search.replace("－", "-")).strip()
        for pattern, column, normalise in self._EXACT_SEARCH:
            if pattern.fullmatch(term):
                query = query.filter(column == normalise(term))
                if count_query is not None:
                    count_query = count_query.filter(column == normalise(term))
                return query, count_query, joins, count_joins
        if (len(term) == 2 and not term.isascii() and not any(c in term for c in "%_\\")
                and db.engine.dialect.name == "postgresql"):
            # Two characters (a given name) give pg_trgm no trigram to look up: the name with its
            # characters doubled has them (ix_material_name_pairs_trgm), and 身份证号 / 编号 (ASCII)
            # cannot hold the term. The same rows as the LIKE over all three columns.
            cond = char_pairs(Material.name).like(f"%{''.join(c + c for c in term)}%") & Material.name.ilike(f"%{term}%")
            query = query.filter(cond)
            if count_query is not None:
                count_query = count_query.filter(cond)
            return query, count_query, joins, count_joins
        return super()._apply_search(query, count_query, joins, count_joins, search)

    #: Columns of the material a list's formatters read besides those of `column_list`.
    extra_columns: tuple[str, ...] = ()
    #: Relationships a list may show (each one in `column_list` is loaded with the page's rows)
    #: and the columns of it that a list shows.
    relation_columns = {"project": ("name",), "unit": ("name",), "current_department": ("name",),
                        "creator": ("username",)}

    def get_query(self):
        # Every column the list shows is loaded with the rows: the page costs the same number of
        # queries for 20 rows as for 100. On PostgreSQL the related names are joined into the list
        # statement (its planner joins by primary key after the sort and LIMIT, and a selectin
        # statement costs as much Python as the list itself). SQLite would join every match
        # before sorting (a bureau's list: 31 ms instead of 15), so there they come by selectin.
        listing = request.endpoint == f"{self.endpoint}.index_view"
        return self._narrow(super().get_query()).options(*self._load_options(listing))

    def _load_options(self, listing: bool) -> tuple:
        """The loader options of get_query, built once per view (and dialect): SQLAlchemy keeps
        an option's cache key with it, which options built anew on every page would cost again."""
        joined = db.engine.dialect.name == "postgresql"
        key = (listing, joined)
        cache = self.__dict__.setdefault("_load_options_cache", {})
        if key in cache:
            return cache[key]
        options = []
        for name, columns in self.relation_columns.items():
            if name not in self.column_list:
                continue
            rel = getattr(Material, name)
            option = joinedload(rel, innerjoin=name != "current_department") if joined else selectinload(rel)
            if listing:
                target = rel.property.mapper.class_
                option = option.load_only(*(getattr(target, c) for c in columns))
            options.append(option)
        if listing:
            # The list itself reads only its own columns (not the long texts of the form).
            names = {"id", "number", "state", *(c.key for c in Material.__table__.c if c.key.endswith("_id")),
                     *(c for c in self.column_list if c in Material.__table__.c), *self.extra_columns}
            options.append(load_only(*(getattr(Material, n) for n in sorted(names))))
        cache[key] = tuple(options)
        return cache[key]

    def plain_list(self):
        """The list page reads plain rows (zhicheng.admin.plainrows.read_plain_rows), not ORM objects:
        the columns it shows, the ids of its related rows and their shown columns."""
        cache = self.__dict__.setdefault("_load_options_cache", {})
        if "plain" not in cache:
            names = {"id", "number", "state", *(c.key for c in Material.__table__.c if c.key.endswith("_id")),
                     *(c for c in self.column_list if c in Material.__table__.c), *self.extra_columns}
            cache["plain"] = (tuple(getattr(Material, n) for n in sorted(names)),
                              {name: columns for name, columns in self.relation_columns.items()
                               if name in self.column_list})
        columns, relations = cache["plain"]
        return self._narrow(select(*columns).where(self.scope(current_user))), relations

    def one_query(self):
        """One material through the list's scope, its project, unit, department and account
        joined into the same statement (a page of one row has no LIMIT to worry about)."""
        cache = self.__dict__.setdefault("_load_options_cache", {})
        if "one" not in cache:
            cache["one"] = tuple(joinedload(getattr(Material, name)) for name in self.relation_columns)
        return self._narrow(ScopedModelView.get_query(self)).options(*cache["one"])

    def get_count_query(self):
        return self._narrow(super().get_count_query())

    def render(self, template, **kwargs):
        project = None
        if request.args.get("project"):
            from zhicheng.materials.services import visible_project
            project = visible_project(current_user, request.args.get("project"))
        state = request.args.get("state")
        kwargs.setdefault("selected_project", project)
        kwargs.setdefault("selected_state", STATE_LABELS.get(state) if state else None)
        return super().render(template, **kwargs)

    @expose("/details/")
    def details_view(self):
        model = self.get_one(request.args.get("id"))
        return self.render(self.details_template, model=model, return_url=self.get_url(".index_view"),
                           records=review_records_of(model), board_results=results_for(current_user, model),
                           **self.details_extra(model))

    def details_extra(self, model) -> dict:
        return {}

    def to_confirmation(self, ids, endpoint: str, verb: str):
        """An action that asks for more on a page of its own (上报's operator, 退回's reason): the
        ticked materials in scope go to `endpoint` as ?id=…; none: "请先勾选要{verb}的材料"."""
        rows = self.scoped_rows(ids)
        if not rows:
            flash(f"请先勾选要{verb}的材料", "error")
            return None
        return redirect(url_for(endpoint, id=[r.id for r in rows]))

    def confirmation_rows(self) -> list:
        """The materials of that page's ?id=…, every one in scope; else 404."""
        rows = self.scoped_rows(request.values.getlist("id"), strict=True)
        if not rows:
            abort(404)
        return rows

    # Editing and creating go through the materials form, never Flask-Admin's generic pages.
    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        abort(404)

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        abort(404)

    @expose("/attachment/<int:attachment_id>")
    def attachment_view(self, attachment_id: int):
        """附件 download: through scope.attachments and this list's own rows; the original name is
        kept but its extension follows the type found from the content."""
        att = db.session.scalar(select(Attachment).where(Attachment.id == attachment_id,
                                                         scope.attachments(current_user)))
        if att is None:
            abort(404)
        self.get_one(att.material_id)
        return send_attachment(att)


def send_stored(stored_name: str, original_name: str, mime: str, fallback: str):
    """An uploaded file as a download (404 when it is gone), the caller having checked who may have
    it: the original name is kept but its extension follows the type found from the content."""
    mimetype, name, ascii_name = storage.served_as(original_name, stored_name, mime, fallback=fallback)
    try:
        response = storage.download(stored_name, mimetype=mimetype, download_name=ascii_name,
                                    disposition=content_disposition(ascii_name, name))
    except FileNotFoundError:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def send_attachment(att: Attachment):
    """An attachment the caller has checked through scope.attachments."""
    return send_stored(att.stored_name, att.original_name, att.mime, f"attachment-{att.id}")


def review_records_of(material: Material) -> list:
    """The material's 审核记录 the user may read, oldest first, as plain rows (PlainRow) with the
    departments' names: a few rows that are only shown."""
    return read_plain_rows(
        ReviewRecord, select(*ReviewRecord.__table__.c).where(ReviewRecord.material_id == material.id,
                                                              scope.review_records(current_user))
        .order_by(ReviewRecord.id), {"department": ("name",), "to_department": ("name",)}, joined=True)
