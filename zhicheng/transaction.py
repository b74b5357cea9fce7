"""One transaction per request or command, committed in one place.

Services change rows and flush; they never commit. A request's work is committed after its view
has answered (`commit_response`): an error page (an HTTP error or an unexpected exception), and a
refusal (a DomainError: the view base and the command line roll back before they report it), leave
nothing behind. A command's work is committed when it ends (zhicheng.system.cli.DomainCommand).

A service that must be all-or-nothing by itself, whatever its caller then does (a batch of
materials or accounts, an import), runs its writes in `atomic()`: a SAVEPOINT, rolled back alone
when the service refuses. Work that must wait for the commit (starting a background job that reads
the committed row, deleting a stored file whose row is gone) is handed to `after_commit()`.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, session
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from zhicheng.extensions import db

_PENDING = "zhicheng.after_commit"
_UNDO = "zhicheng.after_rollback"
_COMMITTED = "zhicheng.committed"


def atomic():
    """A nested transaction (SAVEPOINT) for a service's all-or-nothing part."""
    return db.session.begin_nested()


def after_commit(fn: Callable[[], None]) -> None:
    """Run `fn` once the current transaction is committed; forget it if it is rolled back."""
    db.session().info.setdefault(_PENDING, []).append(fn)


def after_rollback(fn: Callable[[], None]) -> None:
    """Run `fn` if the current transaction is rolled back (e.g. remove a file stored for a row that
    will not exist); forget it once the transaction is committed."""
    db.session().info.setdefault(_UNDO, []).append(fn)


def _run(session, key: str) -> None:
    for fn in session.info.pop(key, []):
        try:
            fn()
        except Exception:  # a follow-up's failure is logged; the transaction's outcome stands
            current_app.logger.exception("%s task failed", key)


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    if session.get_nested_transaction() is None:  # the whole transaction, not a SAVEPOINT's release
        session.info[_COMMITTED] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session, transaction) -> None:
    if transaction.parent is not None:
        return
    if session.info.pop(_COMMITTED, False):
        session.info.pop(_UNDO, None)
        _run(session, _PENDING)
    else:  # rolled back, or closed without a commit
        session.info.pop(_PENDING, None)
        _run(session, _UNDO)


def commit() -> None:
    """Commit the request's or command's work: the only call of Session.commit() outside tests,
    migrations and the bulk data generators."""
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def rollback() -> None:
    db.session.rollback()


def commit_response(response):
    """after_request: commit what the view did. Error pages were rolled back by their handler.
    If the commit itself fails, the request ends as an error page instead, and what the view
    flashed (e.g. "已保存") is dropped with its work."""
    if response.status_code >= 500:
        rollback()
        return response
    s = db.session()
    if (s.in_transaction() and not s.info.get(_PENDING)
            and not (s._new or s._deleted or s.identity_map.check_modified())):
        # Nothing left to flush (a page that only read, or whose writes are flushed): the rows it
        # loaded are let go before the commit rather than expired by it, one by one (the session
        # ends with the request; expiring is what made a list page's commit cost as much as its
        # statement). The commit itself is the same; with work waiting for the commit (whose
        # functions may read the rows) the rows are kept.
        s.expunge_all()
    try:
        commit()
    except Exception:
        session.pop("_flashes", None)
        raise
    return response


def _sqlite_savepoint(conn, name) -> None:
    # Python's sqlite3 module (before 3.12) opens a transaction only before INSERT/UPDATE/DELETE. A
    # SAVEPOINT issued first would open one by itself, and its RELEASE would commit everything: so
    # the transaction is begun first. Reads still run outside a transaction, as the module does them
    # (no lock held while a page only reads).
    if not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN")


def init_app(app) -> None:
    app.after_request(commit_response)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite" and not event.contains(engine, "savepoint", _sqlite_savepoint):
            event.listen(engine, "savepoint", _sqlite_savepoint)
