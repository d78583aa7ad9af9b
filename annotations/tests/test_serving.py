"""Production serving: /healthz, and how `make run` starts the app (Procfile, gunicorn)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys

from django.conf import settings
from django.db import connection
from django.test import Client


def test_it_answers_healthz_with_ok_when_the_database_answers(db, django_assert_num_queries):
    client = Client()
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}
    # A cached "ok" would hide an outage from the next prober.
    assert "no-store" in response["Cache-Control"]


def test_it_answers_healthz_without_a_login_and_without_setting_cookies(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert not response.cookies


# Asked in a fresh process pointed at a database that is not there, as a prober meets an
# app whose database went away: a real failure of the driver, nothing faked.
_PROBE = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/healthz", HTTP_HOST="127.0.0.1")
print(json.dumps({"status": response.status_code, "body": response.content.decode()}))
"""


def test_it_answers_healthz_with_503_when_the_database_does_not():
    unreachable = (
        "sqlite:////nonexistent-folder/db.sqlite3"
        if connection.vendor == "sqlite"
        else "postgres://postgres@127.0.0.1:1/factcheck"  # a closed port
    )
    env = {
        **os.environ,
        "DATABASE_URL": unreachable,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
    }
    result = subprocess.run(  # noqa: S603 (this interpreter, this test's own script)
        [sys.executable, "-c", _PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert json.loads(answer["body"]) == {"status": "unavailable", "database": "unavailable"}
    # Nothing of the failure leaks: no path, host, port or driver message.
    assert "nonexistent" not in answer["body"] and "127.0.0.1" not in answer["body"]


def test_it_refuses_writes_to_healthz(db):
    assert Client().post("/healthz").status_code == 405


def test_it_answers_healthz_over_plain_http_when_https_is_enforced(db, settings):
    # The load balancer probes the app directly, without the proxy's X-Forwarded-Proto.
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/login/").status_code == 301


def test_it_serves_the_web_process_of_the_procfile_with_manage_py_serve():
    procfile = (settings.BASE_DIR / "Procfile").read_text().splitlines()
    web = [line for line in procfile if line.startswith("web:")]
    assert web == ["web: python manage.py serve"]


def test_it_runs_two_gunicorn_workers_per_core_plus_one_unless_told(monkeypatch):
    from factcheck import gunicorn_conf

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 4)
    assert importlib.reload(gunicorn_conf).workers == 9
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("BIND", "0.0.0.0:8000,[::]:8000")
    reloaded = importlib.reload(gunicorn_conf)
    assert reloaded.workers == 3
    assert reloaded.bind == ["0.0.0.0:8000", "[::]:8000"]
