"""PostgreSQL: a read-only transaction ends with COMMIT so psycopg keeps its prepared statements;
anything that wrote is still rolled back (zhicheng/pgconn.py)."""
import pytest
from sqlalchemy import func, insert, select, text

from zhicheng.extensions import db
from zhicheng.models import AuditLog, Department


@pytest.fixture
def pg(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (TEST_DATABASE_URL)")
    return app


def _audit_rows() -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(AuditLog))


def test_statements_of_read_only_transactions_stay_prepared(pg):
    with db.engine.connect() as conn:
        for _ in range(8):  # psycopg prepares a statement at its 5th run on a connection
            conn.execute(select(Department.id).where(Department.id == 1)).all()
            conn.rollback()
        prepared = conn.scalar(text("SELECT count(*) FROM pg_prepared_statements "
                                    "WHERE statement LIKE 'SELECT department.id%'"))
    assert prepared == 1


def test_a_transaction_that_wrote_is_still_rolled_back(pg):
    before = _audit_rows()
    with db.engine.connect() as conn:
        conn.execute(select(Department.id)).all()
        conn.execute(insert(AuditLog).values(action="test.write", detail="must not stay"))
        conn.rollback()
        conn.execute(insert(AuditLog).values(action="test.write", detail="must not stay"))
        # closing the connection without a commit rolls back too
    assert _audit_rows() == before


def test_the_session_rolls_back_flushed_changes(pg):
    db.session.add(Department(name="回滚测试部门", path="/x/", depth=1))
    db.session.flush()
    db.session.rollback()
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Department)
                             .where(Department.name == "回滚测试部门")) == 0
    # Core DML through the session, after a read in the same transaction
    db.session.add(Department(name="保留的部门", path="/y/", depth=1))
    db.session.commit()
    db.session.execute(select(Department.id)).all()
    db.session.execute(text("UPDATE department SET name = 'changed' WHERE name = '保留的部门'"))
    db.session.rollback()
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Department)
                             .where(Department.name == "保留的部门")) == 1


def test_a_failed_statement_ends_in_rollback(pg):
    with db.engine.connect() as conn:
        with pytest.raises(Exception):
            conn.execute(text("SELECT * FROM no_such_table"))
        conn.rollback()
        assert conn.scalar(text("SELECT 1")) == 1


def test_writes_that_bypass_sqlalchemy_are_still_rolled_back(pg):
    """COPY on the driver connection and SELECT ... INTO never pass the statement check: the
    server's transaction id tells."""
    before = _audit_rows()
    with db.engine.connect() as conn:
        conn.execute(select(Department.id)).all()
        with conn.connection.driver_connection.cursor() as cur:
            with cur.copy("COPY audit_log (action, actor_name, target_type, detail, ip) FROM STDIN") as copy:
                copy.write_row(("test.copy", "", "", "must not stay", ""))
        conn.rollback()
        conn.execute(text("SELECT 1 AS x INTO TEMP TABLE zc_probe_a"))
        conn.rollback()
        conn.execute(text("SELECT 1 AS x INTO zc_probe_b"))
        conn.rollback()
        assert conn.scalar(text("SELECT to_regclass('zc_probe_b')")) is None
    assert _audit_rows() == before
