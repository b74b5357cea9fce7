"""gunicorn settings for a profiling run: the checkout's own gunicorn.conf.py, plus cProfile
around each request of a worker, summed per page (method and path, ids left out), written to
$PROFILE_DIR/<pid>-<page>.pstats when the worker exits. One thread per worker (GUNICORN_THREADS=1):
a cProfile profiler follows one thread.

    cd <checkout> && PROFILE_DIR=/tmp/prof GUNICORN_THREADS=1 .venv/bin/gunicorn \
        -c <this checkout>/bench/gunicorn_profile.py app:app
    python bench/profile_split.py /tmp/prof
"""
import cProfile
import os
import re

exec(open(os.path.join(os.getcwd(), "gunicorn.conf.py")).read())  # noqa: S102  (the checkout's settings)
threads = 1
PROFILE_DIR = os.environ["PROFILE_DIR"]
_DIGITS = re.compile(r"/\d+")


class _Profiled:
    def __init__(self, app):
        self.app = app
        self.pages: dict[str, list] = {}

    def __call__(self, environ, start_response):
        page = environ["REQUEST_METHOD"] + " " + _DIGITS.sub("/N", environ.get("PATH_INFO", ""))
        entry = self.pages.setdefault(page, [cProfile.Profile(), 0])
        entry[1] += 1
        entry[0].enable()
        try:
            result = self.app(environ, start_response)
            body = list(result)
            if hasattr(result, "close"):
                result.close()
        finally:
            entry[0].disable()
        return body

    def dump(self, pid):
        os.makedirs(PROFILE_DIR, exist_ok=True)
        for page, (prof, n) in self.pages.items():
            name = re.sub(r"[^A-Za-z0-9]+", "_", page).strip("_")
            prof.dump_stats(os.path.join(PROFILE_DIR, f"{pid}-{n}-{name}.pstats"))


def post_worker_init(worker):
    worker.wsgi = worker._zc_profiled = _Profiled(worker.wsgi)


def worker_exit(server, worker):
    prof = getattr(worker, "_zc_profiled", None)
    if prof is not None:
        prof.dump(worker.pid)
