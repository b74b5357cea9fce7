"""Finding 11: 退出 ends the session on the server (a copied cookie is worth nothing afterwards),
and a session also ends after its idle time and, however active, after its absolute lifetime."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from zhicheng.extensions import db
from zhicheng.models import LoginSession


def _copy_cookies(src, dst):
    for cookie in src._cookies.values():
        dst.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def test_a_copied_cookie_stops_working_after_logout(app, org, auth, csrf):
    c = auth.client("unita")
    thief = app.test_client()
    _copy_cookies(c, thief)
    assert thief.get("/admin/").status_code == 200
    r = c.post("/logout", data={"csrf_token": csrf(c, "/admin/")})
    assert r.status_code == 302
    r = thief.get("/admin/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert db.session.scalar(select(LoginSession.ended_at)) is not None


def test_logout_on_one_browser_keeps_the_other_logged_in(org, auth, csrf):
    here, there = auth.client("unita"), auth.client("unita")
    here.post("/logout", data={"csrf_token": csrf(here, "/admin/")})
    assert here.get("/admin/").status_code == 302
    assert there.get("/admin/").status_code == 200


def test_an_idle_session_ends(app, org, auth):
    c = auth.client("unita")
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    db.session.execute(update(LoginSession).values(last_seen_at=datetime.now() - idle))
    db.session.commit()
    assert c.get("/admin/").status_code == 302


def test_an_active_session_ends_after_its_absolute_lifetime(app, org, auth):
    c = auth.client("unita")
    assert c.get("/admin/").status_code == 200
    # Active a minute ago, but logged in more than SESSION_ABSOLUTE_HOURS ago.
    hours = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
    db.session.execute(update(LoginSession).values(created_at=datetime.now() - hours - timedelta(minutes=1),
                                                   expires_at=datetime.now() - timedelta(minutes=1),
                                                   last_seen_at=datetime.now() - timedelta(minutes=1)))
    db.session.commit()
    r = c.get("/admin/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_activity_keeps_the_session_alive(app, org, auth):
    c = auth.client("unita")
    almost = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] - 1)
    db.session.execute(update(LoginSession).values(last_seen_at=datetime.now() - almost))
    db.session.commit()
    assert c.get("/admin/").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(LoginSession.last_seen_at)) > datetime.now() - timedelta(minutes=1)


def test_the_absolute_lifetime_is_configurable(app, org, auth):
    app.config["SESSION_ABSOLUTE_HOURS"] = 1
    auth.client("unita")
    row = db.session.scalar(select(LoginSession))
    assert timedelta(minutes=59) < row.expires_at - row.created_at <= timedelta(hours=1)
