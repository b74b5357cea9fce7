"""首页: what each kind of account sees first."""
from urllib.parse import urlencode

from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user

# Logical link name -> (endpoint, fixed query args, who may follow it). Filled by the views
# that own those lists, so the home page links only to pages the user may open.
HOME_LINKS: dict[str, tuple[str, dict, object]] = {}


def link_for(key: str, **params) -> str | None:
    """The link behind a home-page count, or None when the user may not open that list.
    The base URL and the permission are worked out once per request and key (a unit's home
    page has four counts for every project)."""
    cache = request.environ.setdefault("zhicheng.home_links", {})
    if key not in cache:
        entry = HOME_LINKS.get(key)
        base = None
        if entry is not None:
            endpoint, fixed, allowed = entry
            if allowed is None or allowed(current_user):
                base = url_for(endpoint, **fixed)
        cache[key] = base
    base = cache[key]
    if base is None or not params:
        return base
    return f"{base}{'&' if '?' in base else '?'}{urlencode(params)}"


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
        return self.render("admin/home.html", url_for_safe=link_for, **home_context(current_user))
