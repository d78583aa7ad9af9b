"""Serve the app: gunicorn in production mode, Django's reloading dev server with DEBUG.

The `web:` line of the Procfile runs this, so `make run` (honcho) starts the web server
and, beside it, every other process the Procfile names.
"""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve on BIND (default 127.0.0.1:8000): gunicorn with 2 × cores + 1 workers "
        "(WEB_CONCURRENCY overrides; factcheck/gunicorn_conf.py), or, when DEBUG is on, "
        "runserver, which reloads on every code change."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))

    def handle(self, *args, bind: str, **options):
        if settings.DEBUG:
            # runserver's reloader restarts this very command on a change, so DEBUG keeps
            # its reload here as with `manage.py runserver`.
            call_command("runserver", bind)
            return
        os.environ["BIND"] = bind
        # Replace this process: gunicorn's master gets the signals honcho (or systemd, or
        # a container runtime) sends, and no idle Python stays around beside it.
        argv = [sys.executable, "-m", "gunicorn", "-c", "python:factcheck.gunicorn_conf"]
        os.execv(sys.executable, [*argv, "factcheck.wsgi:application"])  # noqa: S606
