"""zhicheng: the online system for professional-title (职称) applications."""
from __future__ import annotations

from flask import Flask, redirect, url_for
from flask_login import current_user

from zhicheng.config import INSTANCE, MIGRATIONS, STATIC, TEMPLATES, Config
from zhicheng.extensions import babel, csrf, db, limiter, login_manager
from zhicheng.system.cli import init_migrate


def create_app(config: object | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(TEMPLATES), instance_path=str(INSTANCE),
                static_folder=str(STATIC))
    app.config.from_object(config or Config())
    # Before any route is added: the bounded <int:> converter applies to every one of them.
    from zhicheng import security
    security.init_app(app)

    db.init_app(app)
    from zhicheng.pgconn import install as keep_prepared_statements
    from zhicheng.admin import key_order
    with app.app_context():
        keep_prepared_statements(db.engine)
        key_order.install(db.engine)
    # First of the after_request hooks, so the last to run: a request's work is committed there.
    from zhicheng import transaction
    transaction.init_app(app)
    init_migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "warning"
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=lambda: "zh_Hans_CN", timezone_selector=lambda: "Asia/Shanghai")

    from zhicheng import models  # noqa: F401  (register every table on the metadata)
    from zhicheng.accounts.auth import bp as auth_bp
    from zhicheng.admin import init_admin
    from zhicheng.errors import register_error_handlers
    from zhicheng.system.cli import register_cli

    app.register_blueprint(auth_bp)
    from zhicheng.projects.public import bp as info_bp
    app.register_blueprint(info_bp)
    from zhicheng.persons.routes import bp as persons_bp
    app.register_blueprint(persons_bp)
    from zhicheng.org.routes import bp as org_bp
    app.register_blueprint(org_bp)
    from zhicheng.system.help import bp as help_bp
    app.register_blueprint(help_bp)
    from zhicheng.certificates.public import bp as public_cert_bp
    app.register_blueprint(public_cert_bp)
    from zhicheng.accounts.auth import sessions
    sessions.init_app(app)
    init_admin(app)
    register_cli(app)
    register_error_handlers(app)
    from zhicheng.system import observability, operations
    operations.register(app)
    observability.init_app(app)

    # Templates ask the same question as the views and services: can(current_user, P.…).
    from zhicheng.policy import Permission, can
    app.jinja_env.globals.update(can=can, P=Permission)

    from zhicheng.printing.fonts import register_fonts
    register_fonts()

    @app.route("/")
    def index():
        if current_user.is_authenticated:
            return redirect(url_for("admin.index"))
        return redirect(url_for("auth.login"))

    @app.route("/favicon.ico")
    def favicon():
        return app.send_static_file("favicon.ico")

    return app
