"""Every error page in Chinese, inside the site's frame; nothing of Python's or the database's own
wording reaches a user."""
from __future__ import annotations

from flask import current_app, flash, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from zhicheng.extensions import db

MESSAGES = {
    400: "请求无效，请检查填写的内容后重试",
    401: "请先登录",
    403: "没有权限访问该页面",
    404: "页面不存在或无权查看",
    405: "不支持该操作方式，请从页面上的按钮或链接进入",
    408: "请求超时，请重试",
    409: "操作冲突，请刷新页面后重试",
    413: "上传的文件或提交的内容过大",
    414: "网址过长",
    415: "不支持的内容格式",
    429: "操作过于频繁，请稍后再试",
    431: "请求头过大",
    500: "系统内部错误，请稍后再试；如问题持续，请联系系统管理员",
    501: "系统不支持该操作",
    503: "系统暂时不可用，请稍后再试",
}
OUT_OF_RANGE = "请求中的数字超出允许的范围，或含有不能保存的字符，请检查后重试"


def refused(error: Exception) -> None:
    """A service's refusal (DomainError) answered by the page: nothing of the request's work is
    kept (a service may have flushed before it refused), and the user reads its message. The view
    base answers the refusals no page catches the same way."""
    db.session.rollback()
    flash(str(error), "error")


def _bare_page(code: int, message: str):
    body = (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{code}</title>'
            f"<h1>{code}</h1><p>{escape(message)}</p></html>")
    return body, code, {"Content-Type": "text/html; charset=utf-8"}


def _page(code: int, message: str):
    try:
        return render_template("errors/error.html", code=code, message=message), code
    except Exception:  # the frame itself failed to render: the message without it
        current_app.logger.exception("error page %s could not be rendered", code)
        return _bare_page(code, message)


def register_error_handlers(app):
    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if e.code is None or e.code < 400:
            return e
        db.session.rollback()  # an error page keeps nothing of what the request had begun
        if isinstance(e, SecurityError):
            # A Host header outside TRUSTED_HOSTS: no URL can be built for it, so no frame.
            return _bare_page(400, "请求的主机名不受信任")
        return _page(e.code, MESSAGES.get(e.code) or MESSAGES[500 if e.code >= 500 else 400])

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        db.session.rollback()
        return _page(400, "页面已过期或请求无效（CSRF校验失败），请刷新页面后重试")

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def out_of_range(e):
        # A number beyond the database's integer range (SQLite raises OverflowError, PostgreSQL a
        # DataError), or a NUL byte PostgreSQL cannot store: the request's fault, refused in one place.
        db.session.rollback()
        current_app.logger.info("refused %s %s: %s", request.method, request.path, type(e).__name__)
        return _page(400, OUT_OF_RANGE)

    @app.errorhandler(InternalServerError)
    def server_error(e):
        db.session.rollback()
        return _page(500, MESSAGES[500])
