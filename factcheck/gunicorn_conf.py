"""How `make run` serves the app in production mode (gunicorn, see the Procfile and
`manage.py serve`). Every value can be changed from the environment without editing this.

The app keeps no state of its own between requests (sessions, login throttling and every
verdict live in the database), so any number of these processes, on one machine or many,
behind any proxy, behave as one app.
"""

from __future__ import annotations

import multiprocessing
import os

# 127.0.0.1:8000 unless BIND says otherwise ("0.0.0.0:8000" to be reached from a proxy on
# another machine; a comma separates several addresses).
bind = [b.strip() for b in os.environ.get("BIND", "127.0.0.1:8000").split(",") if b.strip()]

# Gunicorn's usual rule for synchronous workers, 2 × cores + 1: a worker waits on the
# database or the client about as long as it computes. WEB_CONCURRENCY (gunicorn's and
# most platforms' name for it) overrides.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)

# A save that takes longer than this is stuck (a lock never released), not slow.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 20
# Behind a proxy that keeps connections open to the app.
keepalive = 5
# Recycle a worker now and then: a slow leak in any library cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200

# The heartbeat file on a RAM disk where there is one (a busy disk can stall it and get
# healthy workers killed).
if os.path.isdir("/dev/shm"):  # noqa: S108 (gunicorn's own advice; files are its own)
    worker_tmp_dir = "/dev/shm"  # noqa: S108

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def post_worker_init(worker) -> None:
    # Load the sentence model (about a second) before the worker takes requests, not in
    # the first verdict save it serves: each new worker, and each recycled one, would
    # otherwise make one reviewer wait.
    from annotations.matching import embeddings

    embeddings.embed(["warm up"])
