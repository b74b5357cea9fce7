"""Production server settings (`gunicorn app:app` reads this file from the working directory).

Workers and threads come from the environment; the app (with its CJK font) is loaded once in
the master and shared by the forked workers.
"""
import os
import shutil
import tempfile

# Prometheus metrics summed over every worker (zhicheng.system.observability): each process writes
# its numbers to files in this directory, emptied when the server starts.
_metrics_dir = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR",
                                     os.path.join(tempfile.gettempdir(), f"zhicheng-metrics-{os.getpid()}"))
shutil.rmtree(_metrics_dir, ignore_errors=True)
os.makedirs(_metrics_dir, exist_ok=True)

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# gunicorn 25+'s control socket is one per user by default: two servers on one machine (or a
# server and a worker's tooling) would take it from each other, so it is named by the bind.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or os.path.join(
    tempfile.gettempdir(), "zhicheng-gunicorn-" + "".join(c if c.isalnum() else "_" for c in bind) + ".ctl")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Threads let a worker run Python while another request of it waits on PostgreSQL, or while a
# long one (an export of up to 20,000 rows, a PDF) runs. Two would do for the pages alone (a page
# waits on PostgreSQL for about a sixth of its time; saturation run 263 → 275 req/s with two),
# but then two exports at once would stop a worker for seconds.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
preload_app = True
# Seconds an idle connection is kept: longer than people look at a page (a few seconds), so
# their next click does not race the server closing the connection it is sent on.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = 60
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"


def pre_fork(server, worker):
    # Everything the preloaded app created (modules, templates, the font's tables) moves to the
    # collector's permanent generation: a worker's full collections then walk only what it
    # allocated itself rather than the whole app, and the pages shared with the master stay shared.
    import gc
    gc.freeze()


def child_exit(server, worker):
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    shutil.rmtree(_metrics_dir, ignore_errors=True)
