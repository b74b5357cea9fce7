"""The pages of the load mix reuse SQLAlchemy's compiled statements: after one request, the next
request of the same page (another account of the same kind, other rows) compiles nothing. A
statement that differs in structure on every request (a new alias, a literal instead of a bound
value) would be compiled anew on every page: a millisecond or more each."""
from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.engine.default import CACHE_HIT

from zhicheng.extensions import db

from .test_frame_cost import MIX, mix_materials


@pytest.mark.parametrize("username,url,pg,sqlite", MIX)
def test_mix_pages_compile_nothing_the_second_time(app, org, auth, username, url, pg, sqlite):
    ids, waiting = mix_materials(org)
    client = auth.client(username)
    with app.app_context():
        assert client.get(url.format(draft=ids[0], waiting=waiting[0])).status_code == 200
    compiled = []

    def after(conn, cursor, statement, parameters, context, executemany):
        if context.cache_hit is not CACHE_HIT:
            compiled.append((str(context.cache_hit), statement[:200]))

    event.listen(db.engine, "after_cursor_execute", after)
    try:
        with app.app_context():
            assert client.get(url.format(draft=ids[1], waiting=waiting[1])).status_code == 200
    finally:
        event.remove(db.engine, "after_cursor_execute", after)
    assert compiled == []
