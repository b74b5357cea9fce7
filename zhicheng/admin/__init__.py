"""Flask-Admin wiring: one Admin, views per role (each view decides its own access)."""
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from .base import AdminStatic, list_rows, menu_get, menu_key, menu_put, static_url
from .home import HomeView


def init_admin(app) -> Admin:
    admin = Admin(
        app,
        name="职称申报评审系统",
        index_view=HomeView(name="首页", url="/admin", endpoint="admin"),
        theme=Bootstrap4Theme(base_template="admin/zc_base.html", swatch="cerulean", fluid=True),
    )
    app.jinja_env.globals.update(zc_static_url=static_url, zc_menu_key=menu_key, zc_menu_get=menu_get,
                                 zc_menu_put=menu_put, zc_list_rows=list_rows,
                                 admin_static=AdminStatic())
    from . import accounts, exports, materials, printing_views
    materials.register(admin)
    printing_views.register(admin)
    exports.register(admin)
    accounts.register(admin)
    return admin
