"""One transaction per request or command (zhicheng.transaction): services flush, the request's end
commits, an error page or a refusal keeps nothing, batches are all or nothing, and files follow
the fate of their rows."""
from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from flask import abort
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from zhicheng import storage, transaction
from zhicheng.extensions import db
from zhicheng.materials.services import MaterialInput, Upload, create_material
from zhicheng.models import AuditLog, Material, User
from zhicheng.system import audit

from .. import factories

ROOT = Path(__file__).resolve().parents[2]


def _audit_count(action: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == action))


@pytest.fixture
def probe_routes(app):
    """Routes that write an audit row, then answer in different ways."""
    def write_then(outcome):
        audit.record("probe", None, "写入后" + outcome)
        db.session.flush()
        if outcome == "404":
            abort(404)
        if outcome == "500":
            raise RuntimeError("unexpected")
        return "ok"

    app.add_url_rule("/_probe/<outcome>", "probe", write_then)
    return app


@pytest.mark.own_app  # adds routes
def test_a_request_commits_once_it_has_answered(probe_routes, org):
    client = probe_routes.test_client()
    assert client.get("/_probe/ok").status_code == 200
    assert _audit_count("probe") == 1


@pytest.mark.parametrize("outcome,status", [("404", 404), ("500", 500)])
@pytest.mark.own_app  # adds routes
def test_an_error_page_keeps_nothing_the_request_began(probe_routes, org, outcome, status):
    probe_routes.config["PROPAGATE_EXCEPTIONS"] = False
    client = probe_routes.test_client()
    response = client.get(f"/_probe/{outcome}")
    assert response.status_code == status
    assert "probe" not in response.get_data(as_text=True)
    assert _audit_count("probe") == 0


def test_services_do_not_commit(org):
    """The service's work is visible in its own transaction and gone after a rollback."""
    m = factories.material(org.projects["xihu_junior"], org["unit_a"])
    from zhicheng.review import workflow
    workflow.submit_materials(org["unit_a"], [m.id], "王经办", "13812345678")
    transaction.rollback()
    db.session.expire_all()
    assert db.session.get(Material, m.id).state == "draft"


def test_only_the_transaction_module_commits():
    """No service or view calls commit(): the request, the command (DomainCommand), a background
    job's runner and the bulk generator (before its VACUUM) commit through zhicheng.transaction."""
    allowed = {"zhicheng/transaction.py", "zhicheng/pgconn.py"}
    found = []
    for path in sorted((ROOT / "zhicheng").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bsession\.commit\(\)|\.session\(\)\.commit\(\)", line) and rel not in allowed:
                found.append(f"{rel}:{n}: {line.strip()}")
    assert found == []


def test_a_refused_batch_changes_no_account(org, auth, csrf):
    """开通/禁用 of several staff accounts where one is the admin's own: none is changed, the
    message names the one that stopped it."""
    c = auth.client("xihuadmin")
    list_url = "/admin/staff/"
    own, other = org["xihu_admin"].id, org["xihu_review"].id
    r = c.post("/admin/staff/action/", data={"action": "disable", "rowid": [other, own], "csrf_token": csrf(c, list_url)},
               follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "未禁用任何账号" in page and "xihuadmin：不能禁用或开通自己的账号" in page
    db.session.expire_all()
    assert db.session.get(User, other).enabled is True
    assert _audit_count("account.disable") == 0


def test_a_refused_delete_batch_deletes_nothing(org, auth, csrf):
    factories.material(org.projects["xihu_junior"], org["sub_a_full"])  # sub_a_full has 申报记录
    c = auth.client("unita")
    list_url = "/admin/sub_accounts/"
    keep, owner = org["sub_a_none"].id, org["sub_a_full"].id
    r = c.post("/admin/sub_accounts/action/", data={"action": "delete", "rowid": [keep, owner],
                                                     "csrf_token": csrf(c, list_url)}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "未删除任何账号" in page and "unita001：有申报记录，不可删除" in page
    db.session.expire_all()
    assert db.session.get(User, keep) is not None and db.session.get(User, owner) is not None


def test_a_whole_batch_goes_through_together(org, auth, csrf):
    c = auth.client("unita")
    list_url = "/admin/sub_accounts/"
    ids = [org["sub_a_none"].id, org["sub_a_full"].id]
    r = c.post("/admin/sub_accounts/action/", data={"action": "disable", "rowid": ids, "csrf_token": csrf(c, list_url)},
               follow_redirects=True)
    assert "已禁用工作账号：" in r.get_data(as_text=True)
    db.session.expire_all()
    assert [db.session.get(User, i).enabled for i in ids] == [False, False]
    assert _audit_count("account.disable") == 2


def _stored_files(app) -> set[str]:
    return {p.name for p in Path(app.config["UPLOAD_DIR"]).glob("*") if p.is_file()}


def _scan() -> FileStorage:
    return FileStorage(BytesIO(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
                       filename="扫描件.pdf", content_type="application/pdf")


def test_files_of_a_rolled_back_material_are_removed(app, org):
    before = _stored_files(app)
    data = MaterialInput(basic={"name": "李四", "id_card": "110101199003077777"})
    m = create_material(org["unit_a"], org.projects["xihu_junior"], data, [Upload("scan", _scan())])
    assert len(m.attachments) == 1 and _stored_files(app) - before
    transaction.rollback()
    assert _stored_files(app) == before, "the request failed after the service: its upload is gone too"


def test_files_of_a_committed_material_stay(app, org):
    before = _stored_files(app)
    data = MaterialInput(basic={"name": "李四", "id_card": "110101199003077777"})
    m = create_material(org["unit_a"], org.projects["xihu_junior"], data, [Upload("scan", _scan())])
    transaction.commit()
    added = _stored_files(app) - before
    assert len(added) == 1
    assert m.attachments[0].stored_name in added and storage.exists(m.attachments[0].stored_name)


@pytest.mark.own_app  # adds routes
def test_a_failed_commit_is_an_error_page_without_the_views_message(app, org):
    """The view answered and flashed; the commit fails (here: a row that breaks a constraint only
    at the end): the user gets the error page, not "已保存", and nothing is stored."""
    from flask import flash

    def saves_then_breaks():
        flash("已保存", "success")
        db.session.add(User(kind="staff", username="rootadmin", password_hash="x"))  # the name is taken
        return "ok"

    app.add_url_rule("/_probe_commit", "probe_commit", saves_then_breaks)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    r = client.get("/_probe_commit")
    assert r.status_code == 500
    with client.session_transaction() as s:
        assert "_flashes" not in s
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "rootadmin")) == 1
