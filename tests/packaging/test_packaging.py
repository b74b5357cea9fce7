"""`pip install .` gives a working system: the wheel carries the templates, migrations and package data.

Slow for a unit test (the wheel is built once for the module, about 15 s): it runs with the suite all
the same, since a deployment from the wheel is only as good as what the wheel holds.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

# The wheel is built once for the module: its tests run in one xdist worker.
pytestmark = pytest.mark.xdist_group("packaging")

ROOT = Path(__file__).resolve().parents[2]
#: What the build reads: the project's metadata, the package and the directories mapped into it.
SOURCES = ("pyproject.toml", "README.md", "zhicheng", "templates", "migrations")


def _run(args, cwd, env=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel `pip wheel .` builds, from a copy of the checkout (the build writes into its source)."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    built = _run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-w", str(dist)], cwd=src)
    assert built.returncode == 0, built.stdout + built.stderr
    (whl,) = dist.glob("zhicheng-*.whl")
    return whl


def test_wheel_carries_templates_migrations_fonts_static_and_translations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("zhicheng/templates/print/form.html", "zhicheng/templates/admin/zc_list.html",
                 "zhicheng/templates/auth/login.html", "zhicheng/migrations/env.py",
                 "zhicheng/migrations/alembic.ini", "zhicheng/migrations/script.py.mako",
                 "zhicheng/fonts/ZhichengSerifSC-Regular.ttf", "zhicheng/fonts/LICENSE-OFL.txt",
                 "zhicheng/static/zhicheng.css", "zhicheng/static/stats.js",
                 "zhicheng/static/vendor/echarts/echarts.min.js", "zhicheng/static/vendor/echarts/LICENSE",
                 "zhicheng/static/vendor/echarts/NOTICE", "zhicheng/static/vendor/echarts/VERSION",
                 "zhicheng/translations/zh_Hans_CN/LC_MESSAGES/admin.mo"):
        assert name in names, f"{name} is not in {wheel.name}"
    templates = {f"zhicheng/templates/{p.relative_to(ROOT / 'templates').as_posix()}"
                 for p in (ROOT / "templates").rglob("*.html")}
    assert templates - names == set()
    versions = {f"zhicheng/migrations/versions/{p.name}" for p in (ROOT / "migrations" / "versions").glob("*.py")}
    assert versions and versions - names == set()
    # Every package of the checkout: pyproject.toml lists them by hand.
    modules = {f"{p.relative_to(ROOT).as_posix()}" for p in (ROOT / "zhicheng").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert modules - names == set()


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel installed alone into a directory; its dependencies come from the test's environment."""
    target = tmp_path_factory.mktemp("site")
    done = _run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile", "--target", str(target),
                 str(wheel)], cwd=target)
    assert done.returncode == 0, done.stdout + done.stderr
    return target


def _env(installed: Path, data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FLASK_", "ZHICHENG_", "TEST_DATABASE")) and k != "DATABASE_URL"}
    env.update(PYTHONPATH=os.pathsep.join([str(installed), sysconfig.get_paths()["purelib"]]),
               DATABASE_URL=f"sqlite:///{data / 'x.sqlite'}", ZHICHENG_INSTANCE=str(data / "instance"),
               PYTHONDONTWRITEBYTECODE="1")
    return env


LOGIN_PAGE = """
import sys
import zhicheng
from zhicheng import create_app

app = create_app()
client = app.test_client()
login = client.get("/login")
css = client.get("/static/zhicheng.css")
print(zhicheng.__file__)
print(app.template_folder)
print(login.status_code, css.status_code)
sys.stdout.write(login.get_data(as_text=True))
"""


def test_installed_wheel_migrates_and_serves_the_login_page_from_any_directory(installed, tmp_path):
    """`flask --app zhicheng db upgrade` and the login page, run from a directory that is not the checkout."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _env(installed, tmp_path)

    upgraded = _run([sys.executable, "-m", "flask", "--app", "zhicheng", "db", "upgrade"], cwd=elsewhere, env=env)
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(ROOT / "migrations")).get_current_head()
    with sqlite3.connect(tmp_path / "x.sqlite") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"user_account", "login_session"} <= tables

    page = _run([sys.executable, "-c", LOGIN_PAGE], cwd=elsewhere, env=env)
    assert page.returncode == 0, page.stdout + page.stderr
    module, templates, statuses, html = page.stdout.split("\n", 3)
    assert Path(module).is_relative_to(installed), module  # the installed copy, not the checkout
    assert Path(templates).is_relative_to(installed), templates
    assert statuses == "200 200"
    assert "用户登录" in html


def test_flask_finds_the_app_in_a_checkout_without_app_option(tmp_path):
    """In the checkout `flask` alone finds app.py (Flask's default), so `flask db upgrade` needs no --app."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite'}", ZHICHENG_INSTANCE=str(tmp_path / "instance"))
    routes = _run([sys.executable, "-m", "flask", "routes"], cwd=ROOT, env=env)
    assert routes.returncode == 0, routes.stdout + routes.stderr
    assert "auth.login" in routes.stdout
