"""PostgreSQL (psycopg 3): keep the server-side prepared statements from request to request.

psycopg prepares a statement on the server once it has run `prepare_threshold` (5) times on a
connection, and forgets every prepared statement on ROLLBACK. Each request ends its transaction
by closing the session, which rolls back, so nothing was ever prepared: the database parsed and
planned every statement of every page again (half of its time for a page's statements).

A transaction that only read ends with COMMIT instead: for it the effect is the same (nothing to
keep, its locks released) and psycopg keeps its prepared statements. A transaction that ran
anything other than a single SELECT through SQLAlchemy, or is in an error state, or to which the
server has assigned a transaction id (anything that wrote, however: COPY on the driver
connection, SELECT ... INTO, row locks), is rolled back exactly as before. Session-level side
effects of a SELECT (set_config(..., false), pg_notify) are not used by this application.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

_READ_ONLY = ("SELECT", "SHOW")


def install(engine: Engine) -> None:
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return
    from psycopg import Connection
    from psycopg.pq import TransactionStatus

    # id() of each DBAPI connection whose open transaction may have written. A stale id (a
    # connection closed mid-transaction, its id reused) can only turn a COMMIT into a ROLLBACK.
    wrote: set[int] = set()

    @event.listens_for(engine, "before_cursor_execute")
    def _note_writes(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(_READ_ONLY) or ";" in statement:
            wrote.add(id(conn.connection.dbapi_connection))

    @event.listens_for(engine, "commit")
    def _committed(conn):
        wrote.discard(id(conn.connection.dbapi_connection))

    dialect = engine.dialect
    rollback = dialect.do_rollback

    def do_rollback(dbapi_connection) -> None:
        raw = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)  # the pool's proxy
        may_have_written = id(raw) in wrote
        wrote.discard(id(raw))
        if (not may_have_written and isinstance(raw, Connection)
                and raw.info.transaction_status == TransactionStatus.INTRANS and _wrote_nothing(raw)):
            raw.commit()  # a read-only transaction: same effect, prepared statements kept
        else:
            rollback(dbapi_connection)

    dialect.do_rollback = do_rollback


def _wrote_nothing(raw) -> bool:
    """The server's word: no transaction id was assigned, so nothing was written (PostgreSQL 13+)."""
    try:
        with raw.cursor() as cur:
            cur.execute("SELECT pg_current_xact_id_if_assigned() IS NULL")
            return bool(cur.fetchone()[0])
    except Exception:  # noqa: BLE001 - any doubt means a real rollback
        return False
