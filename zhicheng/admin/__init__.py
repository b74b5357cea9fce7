"""Flask-Admin wiring: one Admin, views per role (each view decides its own access)."""
from pathlib import Path

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from zhicheng.admin.frame import AdminStatic, menu_get, menu_key, menu_put, static_url
from zhicheng.admin.listing import list_rows
from zhicheng.system.home import HomeView


def init_admin(app) -> Admin:
    admin = Admin(
        app,
        name="职称申报评审系统",
        index_view=HomeView(name="首页", url="/admin", endpoint="admin"),
        theme=Bootstrap4Theme(base_template="admin/zc_base.html", swatch="cerulean", fluid=True),
        # Our Chinese for the few Flask-Admin messages its own catalog leaves in English.
        translations_path=str(Path(__file__).resolve().parent.parent / "translations"),
    )
    app.jinja_env.globals.update(zc_static_url=static_url, zc_menu_key=menu_key, zc_menu_get=menu_get,
                                 zc_menu_put=menu_put, zc_list_rows=list_rows,
                                 admin_static=AdminStatic())
    # The menu follows this order: each feature adds its pages.
    from zhicheng.accounts import admin as accounts
    from zhicheng.boards import admin as boards
    from zhicheng.certificates import admin as certificates
    from zhicheng.checks import admin as checks
    from zhicheng.declare import admin as declare
    from zhicheng.exporting import admin as exporting
    from zhicheng.materials import admin as materials
    from zhicheng.org import admin as org
    from zhicheng.people import admin as people
    from zhicheng.persons import admin as persons
    from zhicheng.persons import apply_admin as persons_apply
    from zhicheng.persons import unit_admin as persons_unit
    from zhicheng.printing import admin as printing
    from zhicheng.stats import admin as stats
    from zhicheng.system import admin as system
    materials.register(admin)
    stats.register(admin)  # 统计分析 closes the 材料审核 menu
    printing.register(admin)
    exporting.register(admin)
    accounts.register(admin)
    org.register(admin)
    people.register(admin)
    boards.register(admin)
    certificates.register(admin)
    declare.register(admin)
    system.register(admin)
    checks.register(admin)  # 重复申报 and 可申报资格表 join 材料审核
    persons.register(admin)
    persons_apply.register(admin)
    persons_unit.register(admin)
    check_frame_features(admin)
    return admin


#: Flask-Admin features that the page frame and list page (templates/admin/zc_base.html and
#: zc_list.html) do not draw.
UNDRAWN = ("create_modal", "edit_modal", "details_modal", "column_editable_list", "can_export")


def check_frame_features(admin: Admin) -> None:
    """A view that turns on a feature the templates do not draw fails at start-up, not silently
    in the browser."""
    for view in admin._views:
        for name in UNDRAWN:
            if getattr(view, name, None):
                raise RuntimeError(f"{view.endpoint}: {name} is not drawn by admin/zc_list.html")
    if admin.menu_links():
        raise RuntimeError("menu links (Admin.add_link) are not drawn by admin/zc_base.html")
