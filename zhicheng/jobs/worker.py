"""The function an `rq worker` runs: `rq worker --url $JOBS_REDIS_URL zhicheng` (deploy/ has the
systemd unit). The worker process builds the app once, from the same environment as the web servers."""
from __future__ import annotations

_app = None


def run_task(task: str, args: list) -> None:
    global _app
    if _app is None:
        from zhicheng import create_app
        _app = create_app()
    from zhicheng.jobs import run_in_app
    run_in_app(_app, task, args)
