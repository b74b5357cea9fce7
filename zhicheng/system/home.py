"""首页: what each kind of account sees first."""
from urllib.parse import quote_plus, urlencode

from flask import current_app, g, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user
from markupsafe import Markup, escape


def declared_links(admin) -> dict[str, tuple]:
    """Logical link name -> (view, fixed query args), from the `home_links` class attribute of
    the registered admin views: each view names the home-page counts and project buttons that
    open its own list, and they link only for users who may open that view."""
    links: dict[str, tuple] = {}
    for view in admin._views:
        for key, fixed in getattr(view, "home_links", {}).items():
            if key in links:
                raise RuntimeError(f"home link {key!r} is declared by both {links[key][0].endpoint} "
                                   f"and {view.endpoint}")
            links[key] = (view, fixed)
    return links


def _declared() -> dict[str, tuple]:
    links = current_app.extensions.get("zhicheng.declared_home_links")
    if links is None:
        links = current_app.extensions["zhicheng.declared_home_links"] = declared_links(
            current_app.extensions["admin"][0])
    return links


def link_for(key: str, **params) -> str | None:
    """The link behind a home-page count, or None when the user may not open that list.
    The base URL and the permission are worked out once per request and key (a unit's home
    page has four counts for every project)."""
    cache = g.setdefault("zc_home_links", {})
    if key not in cache:
        entry = _declared().get(key)
        base = None
        if entry is not None:
            view, fixed = entry
            if view.is_accessible():
                base = url_for(f"{view.endpoint}.{view._default_view}", **fixed)
        cache[key] = base
    base = cache[key]
    if base is None or not params:
        return base
    return f"{base}{'&' if '?' in base else '?'}{urlencode(params)}"


def _cell_heads(states) -> list[tuple[str, str]]:
    """Per state: the cell's markup up to its count, and after it (with the link to the state's
    list but the project's id, where the user may open it); worked out once per request."""
    cache = g.setdefault("zc_count_cells", {})
    key = tuple(states)
    if key not in cache:
        heads = []
        for s in states:
            td = f'<td class="zc-count" data-state="{escape(s)}">'
            base = link_for(f"state:{s}")
            if base is None:
                heads.append((td, None, "</td>"))
            else:
                sep = "&" if "?" in base else "?"
                heads.append((td + f'<a href="{escape(f"{base}{sep}project=")}', '">', "</a></td>"))
        cache[key] = heads
    return cache[key]


def count_cells(project_id: int, counts: dict, states) -> Markup:
    """A unit's home page: one project's count in each state, a link to the list at that state
    where the user may open it (link_for with `project=`), as one string: the table's ~200 cells
    drawn through Jinja were most of the page's CPU. The markup around the counts is the same for
    every project of the page: only the project's id and the count are filled in per cell."""
    pid = escape(quote_plus(str(project_id)))  # as urlencode writes the value
    out = []
    for (head, link_end, tail), s in zip(_cell_heads(states), states):
        if link_end is None:
            out.append(f"{head}{counts[s]}{tail}")
        else:
            out.append(f"{head}{pid}{link_end}{counts[s]}{tail}")
    return Markup("\n    ".join(out))


class HomeView(AdminIndexView):
    def is_accessible(self):
        return current_user.is_authenticated and not current_user.must_change_password

    def inaccessible_callback(self, name, **kwargs):
        if current_user.is_authenticated:
            return redirect(url_for("auth.change_password"))
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self):
        from zhicheng.system.dashboard import home_context
        return self.render("admin/home.html", url_for_safe=link_for, count_cells=count_cells,
                           **home_context(current_user))
