"""One DomainError: whatever service refuses, an admin page flashes its Chinese message and a
command prints it and exits 1; neither shows a traceback or a 500."""
from __future__ import annotations

import pytest

from zhicheng import storage, validators
from zhicheng.accounts import services as accounts
from zhicheng.accounts.auth import password_reset
from zhicheng.domain import DomainError
from zhicheng.extensions import db
from zhicheng.models import Unit
from zhicheng.org import registration
from zhicheng.review import consistency, workflow
from zhicheng.system import backup

from ..materials.test_materials_views import fresh, post_action, submitted

INFO = "/admin/basic_info/"


@pytest.mark.parametrize("cls", [
    validators.ValidationError, workflow.WorkflowError, accounts.AccountError, registration.RegistrationError,
    password_reset.InvalidResetLink, password_reset.ResetError, storage.UploadError, backup.BackupError])
def test_every_refusal_is_a_domain_error(cls):
    assert issubclass(cls, DomainError)


def test_refusal_in_an_action_is_flashed_on_the_list(org, auth, csrf, monkeypatch):
    m = submitted(org)

    def refuse(user, ids, opinion=""):
        raise DomainError("本批材料暂不能审核，请稍后再试")
    monkeypatch.setattr(workflow, "pass_materials", refuse)
    c = auth.client("xihureview")
    r = post_action(c, "/admin/review/", "pass", [m.id], csrf)
    assert r.status_code == 302
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "本批材料暂不能审核，请稍后再试" in page
    assert fresh(m).state == "in_review"


def test_workflow_refusal_in_an_action_keeps_its_message(org, auth, csrf):
    m = submitted(org)
    workflow.return_materials(org["xihu_return"], [m.id], "材料不全")
    c = auth.client("xihureview")
    r = post_action(c, "/admin/review/", "pass", [m.id], csrf)
    assert r.status_code == 302
    page = c.get("/admin/review/").get_data(as_text=True)
    assert f"材料{m.number}（{m.name}）状态为“被退回”，{workflow.ALREADY_HANDLED}" in page


def test_pass_with_ids_that_are_not_numbers_is_refused_in_chinese(org, auth, csrf):
    c = auth.client("xihureview")
    r = post_action(c, "/admin/review/", "pass", ["abc"], csrf)
    assert r.status_code == 302
    assert "所选材料不存在或无权操作" in c.get("/admin/review/").get_data(as_text=True)


def test_refusal_on_a_plain_page_is_flashed_and_nothing_is_saved(org, auth, csrf, monkeypatch):
    def refuse(user, unit, values, rename_reason=""):
        unit.name = "不该保存的名称"
        raise DomainError("单位信息暂不能修改")
    monkeypatch.setattr(accounts, "update_unit_info", refuse)
    c = auth.client("unita")
    data = {"name": "甲单位科技股份有限公司", "legal_rep": "王五", "contact_name": "赵六",
            "contact_phone": "0571-87654321", "email": "hr@example.com", "csrf_token": csrf(c, INFO)}
    r = c.post(INFO, data=data)
    assert r.status_code == 302
    assert "单位信息暂不能修改" in c.get(r.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Unit, org.unit_a.id).name == org.unit_a.name


def test_command_refusal_prints_the_message_and_exits_1(app, monkeypatch):
    def refuse():
        raise DomainError("审核记录表暂不可读")
    monkeypatch.setattr(consistency, "check_consistency", refuse)
    result = app.test_cli_runner().invoke(args=["check-consistency"])
    assert result.exit_code == 1
    assert "错误：审核记录表暂不可读" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_backup_refusal_keeps_its_own_wording(app, monkeypatch, tmp_path):
    def refuse(path, kind=None):
        raise backup.BackupError("磁盘空间不足")
    monkeypatch.setattr(backup, "make_backup", refuse)
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.tar.gz")])
    assert result.exit_code == 1
    assert "备份失败：磁盘空间不足" in result.output and "Traceback" not in result.output
