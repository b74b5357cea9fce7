"""flask backup / restore on PostgreSQL with pg_dump and pg_restore: a round trip into a new empty
database with the uploaded files; refused (nothing changed) into a database that is not empty,
for an archive of another schema revision, and on SQLite."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from io import BytesIO

import pytest
from sqlalchemy import create_engine, func, inspect, make_url, select, text
from sqlalchemy.pool import NullPool
from werkzeug.datastructures import FileStorage

from zhicheng import create_app, transaction
from zhicheng.config import TestConfig
from zhicheng.extensions import db
from zhicheng.materials.services import MaterialInput, Upload, create_material
from zhicheng.models import Material, User
from zhicheng.system.backup_pg import head_revision

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)")

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _admin(sql: str) -> None:
    engine = create_engine(os.environ["TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


@pytest.fixture
def empty_database():
    server = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"{server.database}_restore"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    yield server.set(database=name).render_as_string(hide_password=False)
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def stamped(app):
    """The test schema is built without the migrations: record their head, as `db upgrade` does."""
    db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
    db.session.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head_revision()})
    db.session.commit()
    yield app
    _admin("DROP TABLE IF EXISTS alembic_version")


def _archive_with(path, **changes) -> None:
    with tarfile.open(path, "r:gz") as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(path, "w:gz") as tar:
        for m, data in members:
            if m.name == "manifest.json":
                data = json.dumps({**json.loads(data), **changes}).encode()
                m.size = len(data)
            tar.addfile(m, io.BytesIO(data))


def test_round_trip_into_a_new_database(stamped, org, tmp_path, empty_database):
    scan = FileStorage(BytesIO(PDF), filename="证书.pdf", content_type="application/pdf")
    m = create_material(org["unit_a"], org.projects["xihu_junior"],
                        MaterialInput(basic={"name": "王备份", "id_card": "110101199003077777"}), [Upload("scan", scan)])
    transaction.commit()
    stored = m.attachments[0].stored_name
    accounts = db.session.scalar(select(func.count()).select_from(User))
    archive = tmp_path / "b.tar.gz"
    r = stamped.test_cli_runner().invoke(args=["backup", str(archive)])
    assert r.exit_code == 0 and "已用 pg_dump 备份数据库" in r.output and str(archive) in r.output, r.output

    # As an operator does it: the command, in its own process, against the new empty database.
    uploads = tmp_path / "other-uploads"
    env = {**os.environ, "DATABASE_URL": empty_database, "UPLOAD_DIR": str(uploads), "SECRET_KEY": "restore-test",
           "BASE_URL": "http://127.0.0.1", "ZHICHENG_INSTANCE": str(tmp_path / "other")}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "zhicheng", "restore", str(archive), "--yes"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "已用 pg_restore 恢复数据库" in done.stdout and "1 个上传文件" in done.stdout
    engine = create_engine(empty_database, poolclass=NullPool)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(User.__table__)).scalar() == accounts
        assert conn.execute(select(Material.name).where(Material.id == m.id)).scalar() == "王备份"
    engine.dispose()
    assert (uploads / stored).read_bytes() == PDF


def test_a_database_that_is_not_empty_is_left_alone(stamped, org, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert stamped.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    accounts = db.session.scalar(select(func.count()).select_from(User))
    r = stamped.test_cli_runner().invoke(args=["restore", str(archive), "--yes"])
    assert r.exit_code == 1 and "恢复须在空数据库中进行" in r.output
    assert db.session.scalar(select(func.count()).select_from(User)) == accounts


def test_an_archive_of_another_revision_is_refused(stamped, org, tmp_path, empty_database):
    archive = tmp_path / "b.tar.gz"
    assert stamped.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    _archive_with(archive, revision="0123456789ab")
    other = create_app(TestConfig(tmp_path / "other", empty_database))
    with other.app_context():
        r = other.test_cli_runner().invoke(args=["restore", str(archive), "--yes"])
        assert r.exit_code == 1 and "备份的数据库版本为 0123456789ab" in r.output
        assert "数据库和上传文件均未改动" in r.output
        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()


def test_a_database_without_migrations_is_not_backed_up_silently(app, org, tmp_path):
    r = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.tar.gz")])
    assert r.exit_code == 1 and "alembic_version" in r.output
    assert not (tmp_path / "b.tar.gz").exists()
