"""Helpers of the 个人端 tests: read the SMS outbox, ask for a code, register."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from .. import factories

REGISTER = "/person/register"
SEND_CODE = "/person/register/code"
PASSWORD = "Geren2026ok"
ID_CARD = factories.make_id_card(seq=777)


def outbox(app) -> list[Path]:
    folder = Path(app.config["SMS_OUTBOX_DIR"])
    return sorted(folder.glob("*.txt")) if folder.exists() else []


def last_code(app, phone: str) -> str:
    for path in reversed(outbox(app)):
        text = path.read_text(encoding="utf-8")
        if text.startswith(f"To: {phone}\n"):
            return re.search(r"验证码为(\d{6})", text).group(1)
    raise AssertionError(f"no SMS to {phone}")


class Registration:
    def __init__(self, app, client, csrf):
        self.app, self.client, self.csrf = app, client, csrf

    def token(self) -> str:
        return self.csrf(self.client, REGISTER)

    def send_code(self, phone: str, **extra):
        return self.client.post(SEND_CODE, data={"phone": phone, "csrf_token": self.token(), **extra})

    def submit(self, **fields):
        data = {"name": "李个人", "id_type": "resident", "id_number": ID_CARD, "phone": "13700001234",
                "sms_code": "", "password": PASSWORD, "confirm": PASSWORD, "agree_terms": "y",
                "agree_privacy": "y", **fields}
        data = {k: v for k, v in data.items() if v is not None}
        return self.client.post(REGISTER, data={**data, "csrf_token": self.token()})

    def register(self, phone: str = "13700001234", **fields):
        assert self.send_code(phone).status_code == 200
        return self.submit(phone=phone, sms_code=last_code(self.app, phone), **fields)


@pytest.fixture
def reg(app, client, csrf):
    return Registration(app, client, csrf)
