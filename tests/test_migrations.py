"""The migrations create exactly the schema the models describe (no model change without one)."""
import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from zhicheng import create_app
from zhicheng.config import TestConfig
from zhicheng.extensions import db


def test_upgrade_from_empty_matches_models(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    app = create_app(TestConfig(tmp_path, url))
    with app.app_context():
        if url:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        db.engine.dispose()
