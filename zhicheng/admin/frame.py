"""The admin page frame: its static files' URLs and the main menu, kept per entries and page."""
from __future__ import annotations

from flask import current_app, request, url_for
from jinja2 import pass_context

from zhicheng.admin.base import GuardMixin, request_grants


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
