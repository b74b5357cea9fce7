"""The migrations create exactly the schema the models describe (no model change without one)."""
import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from zhicheng import create_app
from zhicheng.config import TestConfig
from zhicheng.extensions import db, include_object_for

from ..conftest import _reset_postgres


def _app_with_an_empty_database(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    app = create_app(TestConfig(tmp_path, url))
    if url:
        with app.app_context():
            _reset_postgres()
    return app


def test_upgrade_from_empty_matches_models(tmp_path):
    app = _app_with_an_empty_database(tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            # As migrations/env.py does: PostgreSQL-only indexes are compared on PostgreSQL only.
            ctx = MigrationContext.configure(conn, opts={
                "compare_type": True, "include_object": include_object_for(conn.dialect.name)})
            diff = compare_metadata(ctx, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        db.engine.dispose()


def test_the_flask_db_command_upgrades_to_the_head(tmp_path):
    """`flask db …` (Flask-Migrate is imported only when the command runs) creates the schema."""
    app = _app_with_an_empty_database(tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    from alembic.script import ScriptDirectory

    from zhicheng.config import MIGRATIONS
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
            assert conn.execute(text("SELECT count(*) FROM material")).scalar() == 0
        db.engine.dispose()
