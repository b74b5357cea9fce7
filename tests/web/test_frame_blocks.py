"""Our page frame and list page (templates/admin/zc_base.html, zc_list.html) are copies of
Flask-Admin's (see their headers for why): they must offer every block Flask-Admin's offer, so
that a page overriding one of them is drawn, and a Flask-Admin upgrade that adds a block is
noticed here rather than by a page that silently loses its content."""
from __future__ import annotations

from pathlib import Path

from jinja2 import nodes

# Flask-Admin's list template draws each row through these blocks; our rows are drawn in
# Python (zhicheng/admin/listing.py: list_rows), so no list page may override them.
ROW_BLOCKS = {"list_row_actions_header", "list_row", "list_row_actions_column", "list_row_actions"}


def _blocks(app, name: str) -> set[str]:
    env = app.jinja_env
    source, _, _ = env.loader.get_source(env, name)
    return {b.name for b in env.parse(source).find_all(nodes.Block)}


def _is_flask_admins(app, name: str) -> bool:
    _, filename, _ = app.jinja_env.loader.get_source(app.jinja_env, name)
    return "flask_admin" in Path(filename).parts


def test_the_page_frame_offers_every_block_of_flask_admins_base(app):
    assert _is_flask_admins(app, "admin/base.html")
    assert app.extensions["admin"][0].theme.base_template == "admin/zc_base.html"
    theirs = _blocks(app, "admin/base.html")
    assert {"head", "body", "tail", "page_body", "main_menu"} <= theirs
    assert theirs <= _blocks(app, "admin/zc_base.html")


def test_the_list_page_offers_every_block_of_flask_admins_list_but_the_row_ones(app):
    assert _is_flask_admins(app, "admin/model/list.html")
    theirs = _blocks(app, "admin/model/list.html")
    assert ROW_BLOCKS <= theirs
    assert theirs - ROW_BLOCKS <= _blocks(app, "admin/zc_list.html")


def test_no_page_overrides_a_row_block_the_list_page_does_not_draw(app):
    env = app.jinja_env
    ours = [n for n in env.list_templates() if n.endswith(".html") and not _is_flask_admins(app, n)]
    assert "admin/zc_list.html" in ours and "admin/materials/list.html" in ours
    for name in ours:
        assert not (_blocks(app, name) & ROW_BLOCKS), name
