"""`flask restore` is all or nothing: a malformed archive changes neither the database nor the
upload directory, and the command says why in Chinese and exits non-zero."""
from __future__ import annotations

import io
import json
import os
import re
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import select

from zhicheng.extensions import db
from zhicheng.system.backup import make_backup

from .. import factories


@pytest.fixture
def setup(app, org, tmp_path):
    """A backup of one material and two uploads, then a database and upload directory that differ
    from it (so a partial restore shows)."""
    factories.material(org.projects["middle"], org["unit_a"], name="备份里的人")
    upload = Path(app.config["UPLOAD_DIR"])
    upload.mkdir(parents=True, exist_ok=True)
    (upload / "a1b2c3.pdf").write_bytes(b"%PDF-1.4 in backup")
    (upload / "d4e5f6.png").write_bytes(b"\x89PNG in backup")
    archive = tmp_path / "good.tar.gz"
    make_backup(str(archive), kind="json")  # the row format, on either database

    factories.material(org.projects["middle"], org["unit_a"], name="备份后的人", seq=2)
    (upload / "a1b2c3.pdf").write_bytes(b"%PDF-1.4 changed after backup")
    (upload / "d4e5f6.png").unlink()
    (upload / "ffff0000.jpg").write_bytes(b"\xff\xd8 new after backup")
    db.session.commit()
    return archive, upload


def snapshot(upload: Path):
    with db.engine.connect() as conn:
        rows = {t.name: sorted((tuple(r) for r in conn.execute(select(t))), key=repr)
                for t in db.metadata.sorted_tables}
    files = {}
    for entry in sorted(os.listdir(upload)):
        p = upload / entry
        files[entry] = p.read_bytes() if p.is_file() else "<dir>"
    return rows, files


def members_of(archive: Path) -> list[tuple[tarfile.TarInfo, bytes | None]]:
    with tarfile.open(archive, "r:gz") as tar:
        return [(m, tar.extractfile(m).read() if m.isreg() else None) for m in tar.getmembers()]


def rebuild(archive: Path, out: Path, *, drop=(), replace=None, extra=()) -> Path:
    """A copy of `archive` without the members in `drop`, with `replace` {name: bytes} and `extra`
    [(TarInfo, bytes or None)] appended."""
    replace = replace or {}
    with tarfile.open(out, "w:gz") as tar:
        for info, data in members_of(archive):
            if info.name in drop:
                continue
            data = replace.get(info.name, data)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info, data in extra:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return out


def member(name: str, kind=tarfile.REGTYPE, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    if kind == tarfile.CHRTYPE:
        info.devmajor, info.devminor = 1, 3
    return info


def run_restore(app, path: Path):
    return app.test_cli_runner().invoke(args=["restore", str(path), "--yes"])


def _with_manifest(archive: Path, **changes) -> bytes:
    manifest = json.loads(dict((i.name, d) for i, d in members_of(archive))["manifest.json"])
    manifest.update(changes)
    return json.dumps(manifest).encode()


def _duplicated_rows(archive: Path, out: Path) -> Path:
    """The material rows twice, with a manifest that agrees: only the database can refuse them."""
    members = dict((i.name, d) for i, d in members_of(archive))
    counts = json.loads(members["manifest.json"])["counts"]
    counts["material"] *= 2
    return rebuild(archive, out, replace={"tables/material.jsonl": members["tables/material.jsonl"] * 2,
                                          "manifest.json": _with_manifest(archive, counts=counts)})


MALFORMED = {
    "dotdot_upload": lambda a, o: rebuild(a, o, extra=[(member("uploads/.."), b"x")]),
    "traversal_upload": lambda a, o: rebuild(a, o, extra=[(member("uploads/../../evil.pdf"), b"x")]),
    "absolute_path": lambda a, o: rebuild(a, o, extra=[(member("/tmp/zc-evil.pdf"), b"x")]),
    "symlink": lambda a, o: rebuild(a, o, extra=[(member("uploads/link.pdf", tarfile.SYMTYPE, "/etc/passwd"), None)]),
    "hardlink": lambda a, o: rebuild(a, o, extra=[(member("uploads/hard.pdf", tarfile.LNKTYPE, "manifest.json"),
                                                   None)]),
    "device": lambda a, o: rebuild(a, o, extra=[(member("uploads/dev.pdf", tarfile.CHRTYPE), None)]),
    "missing_table": lambda a, o: rebuild(a, o, drop={"tables/user_account.jsonl"}),
    "unreadable_table": lambda a, o: rebuild(a, o, replace={"tables/material.jsonl": b"{not json\n"}),
    "other_format": lambda a, o: rebuild(a, o, replace={"manifest.json": _with_manifest(a, format=2)}),
    "row_fails_insert": _duplicated_rows,
    "unknown_table": lambda a, o: rebuild(a, o, extra=[(member("tables/no_such_table.jsonl"), b'{"id": 1}\n')]),
    "gzip_garbage": lambda a, o: (o.write_bytes(b"\x1f\x8b\x08\x00" + os.urandom(4000)), o)[1],
    "truncated": lambda a, o: (o.write_bytes(a.read_bytes()[: a.stat().st_size // 2]), o)[1],
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_archive_changes_nothing(app, setup, tmp_path, case):
    archive, upload = setup
    bad = MALFORMED[case](archive, tmp_path / f"{case}.tar.gz")
    before = snapshot(upload)

    result = run_restore(app, bad)

    db.session.expire_all()
    assert snapshot(upload) == before
    assert not (upload.parent / "evil.pdf").exists()
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "恢复失败" in result.output and "Traceback" not in result.output
    assert re.search(r"[\u4e00-\u9fff]", result.output.replace("恢复失败", ""))


def test_good_archive_restores_rows_and_files_and_drops_other_uploads(app, setup):
    archive, upload = setup

    result = run_restore(app, archive)

    assert result.exit_code == 0, result.output
    assert "已恢复" in result.output
    names = set(db.session.scalars(select(db.metadata.tables["material"].c.name)))
    assert names == {"备份里的人"}
    assert sorted(os.listdir(upload)) == ["a1b2c3.pdf", "d4e5f6.png"]  # no staging left behind
    assert (upload / "a1b2c3.pdf").read_bytes() == b"%PDF-1.4 in backup"
    assert (upload / "d4e5f6.png").read_bytes() == b"\x89PNG in backup"


def test_backup_that_cannot_be_written_says_so(app, org, tmp_path):
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "no-such-dir" / "b.tar.gz")])

    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "备份失败" in result.output
    assert not (tmp_path / "no-such-dir").exists()
