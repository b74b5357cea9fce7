from flask import render_template
from flask_wtf.csrf import CSRFError


def register_error_handlers(app):
    @app.errorhandler(403)
    def forbidden(e):
        return render_template("errors/error.html", code=403, message="没有权限访问该页面"), 403

    @app.errorhandler(404)
    def not_found(e):
        return render_template("errors/error.html", code=404, message="页面不存在或无权查看"), 404

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return render_template("errors/error.html", code=400, message="页面已过期或请求无效（CSRF校验失败），请刷新页面后重试"), 400

    @app.errorhandler(429)
    def too_many(e):
        return render_template("errors/error.html", code=429, message="操作过于频繁，请稍后再试"), 429
