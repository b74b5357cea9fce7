"""首页: what each kind of account sees first."""
from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user

# Logical link name -> (endpoint, fixed query args, who may follow it). Filled by the views
# that own those lists, so the home page links only to pages the user may open.
HOME_LINKS: dict[str, tuple[str, dict, object]] = {}


def link_for(key: str, **params) -> str | None:
    entry = HOME_LINKS.get(key)
    if entry is None:
        return None
    endpoint, fixed, allowed = entry
    if allowed is not None and not allowed(current_user):
        return None
    return url_for(endpoint, **fixed, **params)


class HomeView(AdminIndexView):
    def is_accessible(self):
        return current_user.is_authenticated and not current_user.must_change_password

    def inaccessible_callback(self, name, **kwargs):
        if current_user.is_authenticated:
            return redirect(url_for("auth.change_password"))
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self):
        from ..dashboard import home_context
        return self.render("admin/home.html", url_for_safe=link_for, **home_context(current_user))
