"""What the in-process benchmarks share: signing in with a test client, the median and p95 they
print, the check that the city data is loaded, and the clean-up of a throw-away database.

Imported after a script has put the repository on sys.path and set its environment: nothing of
zhicheng is imported before a function needs it."""
from __future__ import annotations

import re
import statistics

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    return _CSRF.search(client.get(url).get_data(as_text=True)).group(1)


def login(app, username: str, password: str | None = None):
    """A test client signed in as `username` (with the demo data's password unless given)."""
    if password is None:
        from zhicheng.demodata.demo import DEMO_PASSWORD
        password = DEMO_PASSWORD
    c = app.test_client()
    token = csrf_token(c, "/login")
    r = c.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert r.status_code == 302, (username, r.status_code)
    return c


def p95(samples: list[float]) -> float:
    """The sample at 95 % of the sorted samples (nearest rank)."""
    samples = sorted(samples)
    return samples[max(0, round(0.95 * len(samples)) - 1)]


def median_p95(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), p95(samples)


def city_app():
    """The app (create_app, on DATABASE_URL) and its number of materials, counted after VACUUM
    (ANALYZE) on PostgreSQL (the state autovacuum would keep; load runs leave dead rows and it may
    be off); None for the number, said, below the city data's 100k."""
    from sqlalchemy import func, select, text

    from zhicheng import create_app
    from zhicheng.extensions import db
    from zhicheng.models import Material
    app = create_app()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM (ANALYZE)"))
        total = db.session.scalar(select(func.count(Material.id)))
    if total < 100_000:
        print(f"only {total} materials: load the city data first (flask demo-data --scale city)")
        return app, None
    return app, total


def busiest_reviewer():
    """The district department (not the root office) with the most materials waiting for its review,
    and one of its 审核经办 (a username). In the app's context."""
    from sqlalchemy import func, select

    from zhicheng.extensions import db
    from zhicheng.models import Department, Material, MaterialState, User
    busiest = db.session.scalar(
        select(Material.current_department_id)
        .join(Department, Department.id == Material.current_department_id)
        .where(Material.state == MaterialState.IN_REVIEW, Department.parent_id.isnot(None))
        .group_by(Material.current_department_id).order_by(func.count().desc()).limit(1))
    reviewer = db.session.scalar(select(User.username).where(User.department_id == busiest,
                                                             User.role_review.is_(True)).limit(1))
    return db.session.get(Department, busiest), reviewer


def drop_database(database_url: str | None) -> None:
    """After a run on a throw-away database (in the app's context): the session closed, the
    tables dropped when it was one given by --database-url (a temporary SQLite file goes with its
    directory), the connections closed."""
    from zhicheng.extensions import db
    db.session.remove()
    if database_url:
        db.drop_all()
    db.engine.dispose()


def verdict(ok: bool) -> int:
    print("all within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1
