"""Sessions end with the password or the unit; names and buttons stay inside the scope."""
import re
from urllib.parse import unquote

from .. import factories

SUBS = "/admin/sub_accounts/"
UNITS = "/admin/units/"


def _action(client, csrf, url, action, ids):
    return client.post(url + "action/", data={"action": action, "rowid": ids, "csrf_token": csrf(client, url)})


def test_reset_password_ends_the_old_session_and_the_new_password_works(org, auth, csrf):
    stale = auth.client("unita001")
    assert stale.get("/admin/").status_code == 200
    unit = auth.client("unita")
    page = _action(unit, csrf, SUBS, "reset_password", [org["sub_a_full"].id]).get_data(as_text=True)
    otp = re.search(r'<code class="zc-otp">([^<]+)</code>', page).group(1)
    # the session from before the reset is over: it cannot set a password of its own
    assert stale.get("/admin/").status_code == 302
    r = stale.post("/password", data={"new_password": "Hijacked123", "confirm": "Hijacked123",
                                      "csrf_token": csrf(stale, "/login")})
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    fresh = auth.client("unita001", otp)
    assert fresh.get("/admin/").headers["Location"].endswith("/password")


def test_changing_ones_password_keeps_this_session_and_ends_the_others(org, auth, csrf):
    here, there = auth.client("unita"), auth.client("unita")
    r = here.post("/password", data={"old_password": factories.PASSWORD, "new_password": "NewPassw0rd9",
                                     "confirm": "NewPassw0rd9", "csrf_token": csrf(here, "/password")})
    assert r.status_code == 302
    assert here.get("/admin/").status_code == 200
    assert there.get("/admin/").status_code == 302


def test_disabling_a_unit_stops_its_work_accounts_too(org, auth, csrf):
    sub_session = auth.client("unita001")
    admin = auth.client("xihuadmin")
    _action(admin, csrf, UNITS, "disable", [org.unit_a.id])
    assert sub_session.get("/admin/").status_code == 302          # logged out at once
    c = auth.app.test_client()
    r = c.post("/login", data={"username": "unita001", "password": factories.PASSWORD,
                               "csrf_token": csrf(c, "/login")})
    assert r.status_code == 200 and "所属单位已被归口部门禁用" in r.get_data(as_text=True)
    _action(admin, csrf, UNITS, "enable", [org.unit_a.id])
    assert auth.client("unita001").get("/admin/").status_code == 200


def test_export_file_name_never_names_a_project_outside_the_scope(org, auth):
    r = auth.client("unita").get(f"/admin/export/download?project={org.projects['edu_rd'].id}")
    assert r.status_code == 200
    assert "教育局初级认定项目" not in unquote(r.headers["Content-Disposition"])
    r = auth.client("unita").get(f"/admin/export/download?project={org.projects['xihu_junior'].id}")
    assert "西湖区初级初定项目汇总表" in unquote(r.headers["Content-Disposition"])  # its own project is named


def test_project_rows_offer_export_and_print_filtered_to_the_project(org, auth):
    p = org.projects["xihu_junior"].id
    page = auth.client("unita").get("/admin/projects/").get_data(as_text=True)
    assert f'href="/admin/export/?project={p}">导出材料' in page
    assert f'href="/admin/print/?project={p}">进入打印' in page
    # a sub-account without those permissions does not get the buttons
    page = auth.client("unitaonlyfill").get("/admin/projects/").get_data(as_text=True)
    assert "导出材料" not in page and "进入打印" not in page


def test_an_unknown_name_costs_a_password_check_like_a_wrong_password(org, auth, csrf, monkeypatch):
    from zhicheng.accounts import passwords
    seen = []
    real = passwords.verify
    monkeypatch.setattr(passwords, "verify", lambda stored, pw: seen.append(stored) or real(stored, pw))
    c = auth.app.test_client()
    r = c.post("/login", data={"username": "nosuchuser", "password": "whatever1", "csrf_token": csrf(c, "/login")})
    assert "用户名或密码错误" in r.get_data(as_text=True)
    assert seen == [passwords.DUMMY_HASH]
    # costs what a real check costs (tests/accounts/test_login.py compares it with the production parameters)
    assert passwords.DUMMY_HASH.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
