import pytest


def test_login_and_home(org, auth):
    c = auth.client("unita")
    r = c.get("/admin/")
    assert r.status_code == 200
    assert "中级初定项目" in r.get_data(as_text=True)


def test_list_page_frame(org, auth):
    """A list page names itself once, offers page sizes in Chinese and keeps Flask-Admin's
    filter, action and search scripts."""
    page = auth.client("unita").get("/admin/materials/").get_data(as_text=True)
    assert page.count(">管理材料</h") == 1
    assert "每页 20 条" in page and "每页 100 条" in page and "items" not in page
    for script in ("bs4_filters.js", "actions.js", "form.js"):
        assert script in page
    assert 'id="action_form"' in page and 'id="filter-groups-data"' in page and 'name="search"' in page


def test_features_the_templates_do_not_draw_are_refused_at_start_up(app):
    from zhicheng.admin import check_frame_features
    admin = app.extensions["admin"][0]
    check_frame_features(admin)  # the application's own views pass
    view = next(v for v in admin._views if hasattr(v, "can_export"))
    view.can_export = True
    try:
        with pytest.raises(RuntimeError, match="can_export"):
            check_frame_features(admin)
    finally:
        view.can_export = False
