def test_login_and_home(org, auth):
    c = auth.client("unita")
    r = c.get("/admin/")
    assert r.status_code == 200
    assert "中级初定项目" in r.get_data(as_text=True)
