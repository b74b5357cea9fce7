"""Helpers of the 评审 page tests: experts signed in, posts with the page's CSRF token."""
from __future__ import annotations

from zhicheng.extensions import db

from .. import factories


def sign_in_expert(auth, expert):
    """A client of the expert, his first-login password already changed."""
    user = expert.user
    user.password_hash = factories.pw_hash()
    user.must_change_password = False
    db.session.commit()
    return auth.client(user.username)


def post(client, csrf, url: str, data: dict, page: str = "/admin/"):
    return client.post(url, data={**data, "csrf_token": csrf(client, page)})


def text(response) -> str:
    return response.get_data(as_text=True)
