"""What the account lists share (工作账号管理, 本部门工作人员, and the 注册单位 list of zhicheng.org):
开通 / 禁用 / 密码重置 on the selected accounts, and the one-time passwords shown once."""
from __future__ import annotations

from flask import flash, redirect
from flask_admin.actions import action
from flask_login import current_user

from zhicheng.accounts import services as accounts
from zhicheng.admin.common import _datetime, _no_store, _status
from zhicheng.models import User

OTP_NOTICE = "请将初始密码告知使用人，首次登录须修改密码"


def flag_labels(flags: dict):
    """A list column's formatter: the labels of the `flags` (操作权限, 角色) an account has, or 无."""
    def formatter(view, context, model, name):
        return "、".join(label for key, label in flags.items() if getattr(model, key)) or "无"
    return formatter


class AccountListMixin:
    """开通 / 禁用 / 密码重置 on the selected accounts of the view's scope, each batch all or
    nothing (zhicheng.accounts.services refuses the whole batch, naming each account that stops it).

    A view names its accounts (`account_noun`, in the confirmations and the report), says what
    禁用 means for them (`disable_means`) and, if its rows are not the accounts themselves, maps
    them in `_accounts_for`.
    """

    column_formatters = {"enabled": _status, "created_at": _datetime}
    account_noun = "账号"
    disable_means = "禁用后该账号不能登录。"
    otp_notice = OTP_NOTICE
    otp_name_label = "姓名"

    def init_actions(self) -> None:
        super().init_actions()
        noun = self.account_noun
        confirmations = {"enable": f"确定开通所选{noun}？", "disable": f"确定禁用所选{noun}？{self.disable_means}",
                         "reset_password": f"确定重置所选{noun}的密码？"}
        for name, confirmation in confirmations.items():
            handler, text, _ = self._actions_data[name]
            self._actions_data[name] = (handler, text, confirmation)

    def _accounts_for(self, ids) -> list[User]:
        return self.scoped_rows(ids, strict=True)

    def _saved(self, message: str, update):
        """修改: `update()` saves and the list says `message`; a refusal is flashed over the form
        (None: the form again, with what was typed)."""
        try:
            update()
        except accounts.AccountError as e:
            flash(str(e), "error")
            return None
        flash(message, "success")
        return redirect(self.get_url(".index_view"))

    def _created(self, form, title: str, create):
        """添加: `create()` makes the account and returns it with its one-time password, shown once
        on the page answered here; a refusal is put next to the username (None: the form again)."""
        try:
            user, otp = create()
        except accounts.AccountError as e:
            form.username.errors.append(str(e))
            return None
        return _no_store(self.render("admin/accounts/otp_result.html", title=title,
                                     rows=[(user.username, user.real_name, otp)], notice=OTP_NOTICE,
                                     back=self.get_url(".index_view")))

    def _otp_name(self, user: User) -> str:
        return user.real_name

    def _set_enabled(self, ids, enabled: bool):
        targets = self._accounts_for(ids)
        accounts.set_enabled(current_user, targets, enabled)
        flash(f"已{'开通' if enabled else '禁用'}{self.account_noun}：{'、'.join(u.username for u in targets)}",
              "success")

    @action("enable", "开通")
    def action_enable(self, ids):
        self._set_enabled(ids, True)

    @action("disable", "禁用")
    def action_disable(self, ids):
        self._set_enabled(ids, False)

    @action("reset_password", "密码重置")
    def action_reset(self, ids):
        targets = self._accounts_for(ids)
        otps = accounts.reset_passwords(current_user, targets)
        rows = [(u.username, self._otp_name(u), otp) for u, otp in zip(targets, otps)]
        return _no_store(self.render("admin/accounts/otp_result.html", title="密码重置", rows=rows,
                                     notice=self.otp_notice, name_label=self.otp_name_label,
                                     back=self.get_url(".index_view")))
