from sqlalchemy import func, select

from zhicheng.extensions import db
from zhicheng.models import Material, ReviewRecord, Unit, User
from zhicheng.review.workflow import submit_materials
from zhicheng.system.backup import make_backup, restore_backup

from .. import factories


def test_backup_then_restore_brings_back_rows_and_files(app, org, tmp_path):
    m = factories.material(org.projects["middle"], org["unit_a"], name="备份测试人")
    submit_materials(org["unit_a"], [m.id], "经办人", "13900001111")
    upload = tmp_path / "uploads"
    upload.mkdir(exist_ok=True)
    (upload / "abc123.pdf").write_bytes(b"%PDF-1.4 test")
    archive = tmp_path / "backup.tar.gz"
    make_backup(str(archive), kind="json")  # the row format, on either database

    users_before = db.session.scalar(select(func.count(User.id)))
    db.session.execute(ReviewRecord.__table__.delete())
    db.session.execute(Material.__table__.delete())
    db.session.commit()
    (upload / "abc123.pdf").unlink()

    restore_backup(str(archive))
    db.session.expire_all()
    restored = db.session.scalar(select(Material).where(Material.name == "备份测试人"))
    assert restored is not None and restored.state == "in_review"
    assert len(restored.review_records) == 1
    assert db.session.scalar(select(func.count(User.id))) == users_before
    assert (upload / "abc123.pdf").read_bytes() == b"%PDF-1.4 test"
    # new rows still get fresh ids after a restore (sequences reset on PostgreSQL)
    u = Unit(uscc=factories.make_uscc(77), legal_rep="x", name="新单位", department=org.xihu)
    db.session.add(u)
    db.session.commit()
    assert u.id > org.unit_b.id
