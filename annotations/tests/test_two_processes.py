"""Two app processes behave as one (issue #11, part 5).

Two gunicorn servers, started as `make run` starts one, on two ports, against one database:
the test's own database on PostgreSQL (committed data: transactional_db), or on SQLite a
file copy of it in WAL mode, which both processes open. One browser-like client per person,
whose cookies, like a browser's, do not care about the port, so a request may reach either
process as it would behind a load balancer. What a process could keep for itself (a
session, a CSRF secret, a login failure count, what a live poll compares against) must live
in the database for this to pass.
"""

from __future__ import annotations

import html
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from annotations import services

PASSWORD = "a-long-test-password-1"  # noqa: S105
WORDING = "12 tanks were destroyed"


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _shared_database_url(tmp_path: Path) -> str:
    """A DATABASE_URL another process can open and that holds what this test committed."""
    if connection.vendor == "sqlite":
        # The test database is in memory: copy it, consistently, to a file both open.
        copy = tmp_path / "shared.sqlite3"
        connection.ensure_connection()
        with closing(sqlite3.connect(copy)) as target:
            connection.connection.backup(target)
        return f"sqlite:///{copy}"
    s = connection.settings_dict
    user = quote(s["USER"] or "", safe="")
    password = f":{quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else ""
    host = s["HOST"] or "127.0.0.1"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{s['NAME']}"


def _stored(database_url: str, sql: str, params: tuple = ()) -> list[tuple]:
    """What the shared database holds, read as a third party (not through either app)."""
    if database_url.startswith("sqlite:///"):
        with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as db:
            return db.execute(sql, params).fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("?", "%s"), params)
        return cursor.fetchall()


@dataclass
class App:
    url: str
    process: subprocess.Popen
    log: Path
    database_url: str


def _environment(database_url: str, tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_TEST_NAME"}
    }
    # The servers read hashed static files, as in production: gathered here for this
    # test, so a fresh clone that never ran collectstatic serves its pages too.
    env.update(DATABASE_URL=database_url, STATIC_ROOT=str(tmp_path / "staticfiles"))
    return env


def _collect_static(database_url: str, tmp_path: Path) -> None:
    subprocess.run(  # noqa: S603 (this interpreter, the project's own command)
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=_environment(database_url, tmp_path),
        check=True,
    )


def _start(database_url: str, tmp_path: Path, name: str) -> App:
    port = _free_port()
    env = _environment(database_url, tmp_path)
    env.update(
        # Every process of one deployment shares the key: sessions and CSRF are signed.
        SECRET_KEY=settings.SECRET_KEY,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        GUNICORN_ACCESS_LOG="",
        # Fewer wrong passwords to show a lockout counted across both processes.
        AXES_FAILURE_LIMIT="2",
    )
    log = tmp_path / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 (this interpreter, the project's own command)
            [sys.executable, "manage.py", "serve"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return App(url=f"http://127.0.0.1:{port}", process=process, log=log, database_url=database_url)


def _wait_healthy(app: App, deadline: float) -> None:
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            pytest.fail(f"{app.url} exited:\n{app.log.read_text()}")
        try:
            if requests.get(f"{app.url}/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    pytest.fail(f"{app.url} never answered /healthz:\n{app.log.read_text()}")


@pytest.fixture
def two_apps(transactional_db, tmp_path, world):
    database_url = _shared_database_url(tmp_path)
    _collect_static(database_url, tmp_path)
    apps = [_start(database_url, tmp_path, name) for name in ("a", "b")]
    try:
        deadline = time.monotonic() + 60
        for app in apps:
            _wait_healthy(app, deadline)
        yield apps
    finally:
        for app in apps:
            app.process.terminate()
        for app in apps:
            try:
                app.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                app.process.kill()
                app.process.wait()


@dataclass
class World:
    article_id: int
    start: int
    end: int


@pytest.fixture
def world(transactional_db, django_user_model, groups):
    reviewers, _ = groups
    # The servers hash with the production hasher, not the tests' fast one.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    for name in ("alice", "bob", "charlie"):
        user = django_user_model.objects.create(username=name, password=hashed)
        user.groups.add(reviewers)
    article, _ = services.article_import(
        title="Tanks", text="Tanks\n\nThe ministry said 12 tanks were destroyed. Nobody denied it."
    )
    start = article.text.index(WORDING)
    return World(article_id=article.pk, start=start, end=start + len(WORDING))


class Browser:
    """One person's browser: one cookie jar for both processes, as for one site."""

    def __init__(self):
        self.session = requests.Session()

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.session.get(url, allow_redirects=False, timeout=30, **kwargs)

    def post(self, url: str, data: dict, headers: dict | None = None) -> requests.Response:
        # As htmx sends it: the token from the cookie in a header, and the page's Origin.
        token = self.session.cookies.get("csrftoken") or ""
        headers = {"X-CSRFToken": token, "Origin": _origin(url), **(headers or {})}
        return self.session.post(
            url, data=data, headers=headers, allow_redirects=False, timeout=30
        )

    def log_in(
        self, form_from: App, post_to: App, username: str, password: str = PASSWORD
    ) -> requests.Response:
        page = self.get(f"{form_from.url}/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self.post(
            f"{post_to.url}/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )


def _origin(url: str) -> str:
    return "/".join(url.split("/", 3)[:3])


def _version(page_html: str) -> str:
    # The live poll's URL in the article page carries the version the page shows.
    return re.search(r'/updates/\?v=([^"]*)"', html.unescape(page_html)).group(1)


def test_it_serves_one_app_from_two_processes(two_apps, world):
    a, b = two_apps
    article = f"/articles/{world.article_id}/"
    span_query = {"start": world.start, "end": world.end}
    alice, bob, charlie = Browser(), Browser(), Browser()

    # Log in through one, with a CSRF token from the other; the session works on both.
    assert alice.log_in(form_from=a, post_to=b, username="alice").status_code == 302
    assert bob.log_in(form_from=b, post_to=a, username="bob").status_code == 302
    for app in (a, b):
        page = alice.get(f"{app.url}/")
        assert page.status_code == 200, f"{app.url}: the session of the other process"
        assert "alice" in page.text

    # Both open the article (bob on A, alice on B) and note the version their poll sends.
    bob_version = _version(bob.get(f"{a.url}{article}").text)
    alice_version = _version(alice.get(f"{b.url}{article}").text)

    # Alice saves a verdict through A, with the CSRF token the other process gave her.
    saved = alice.post(
        f"{a.url}{article}verdict/",
        {
            **span_query,
            "exact": WORDING,
            "label": "disputed",
            "note": "Only nine were counted.",
            "evidence_url": "https://example.org/count",
            "attributed_to": "",
            "claim": "new",
            "claim_text": "The ministry said 12 tanks were destroyed.",
        },
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200, saved.text[:2000]
    verdicts_sql = (
        "SELECT u.username, v.label, s.claim_id FROM annotations_verdict v"
        " JOIN auth_user u ON u.id = v.reviewer_id JOIN annotations_span s ON s.id = v.span_id"
        " ORDER BY u.username"
    )
    [(_, _, claim_id)] = _stored(a.database_url, verdicts_sql)

    # Her own live poll on B brings it in at once.
    poll = alice.get(f"{b.url}{article}updates/", params={"v": alice_version})
    assert poll.status_code == 200
    assert "Only nine were counted." in alice.get(f"{b.url}{article}span/", params=span_query).text
    # Blind review on both: bob's poll says nothing changed, and neither process shows him
    # her label or note before he votes.
    for app in (a, b):
        assert bob.get(f"{app.url}{article}updates/", params={"v": bob_version}).status_code == 204
        panel = bob.get(f"{app.url}{article}span/", params=span_query)
        assert panel.status_code == 200
        assert "Only nine were counted." not in panel.text
        assert "disputed" not in _others(panel.text)

    # Bob votes through B; then both processes show him alice's verdict.
    voted = bob.post(
        f"{b.url}{article}verdict/",
        {
            **span_query,
            "exact": WORDING,
            "label": "verified",
            "note": "",
            "evidence_url": "",
            "attributed_to": "",
            "claim": str(claim_id),
        },
        headers={"HX-Request": "true"},
    )
    assert voted.status_code == 200, voted.text[:2000]
    assert _stored(a.database_url, verdicts_sql) == [
        ("alice", "disputed", claim_id),
        ("bob", "verified", claim_id),
    ]
    for app in (a, b):
        assert bob.get(f"{app.url}{article}updates/", params={"v": bob_version}).status_code == 200
        panel = bob.get(f"{app.url}{article}span/", params=span_query)
        assert "Only nine were counted." in panel.text

    # One login throttle for both: a wrong password through each locks charlie out of both.
    for app, other in ((a, b), (b, a)):
        wrong = charlie.log_in(form_from=other, post_to=app, username="charlie", password="no")
        assert wrong.status_code in {200, 429}, wrong.text[:2000]
    locked = charlie.log_in(form_from=b, post_to=a, username="charlie")
    assert locked.status_code == 429

    # A form token that is not the one this browser was given is refused by both.
    mallory = Browser()
    mallory.get(f"{a.url}/login/")
    for app in (a, b):
        forged = mallory.post(
            f"{app.url}/login/",
            {"username": "alice", "password": PASSWORD},
            headers={"X-CSRFToken": alice.session.cookies.get("csrftoken")},
        )
        assert forged.status_code == 403


def _others(panel_html: str) -> str:
    """The part of the panel that shows other reviewers' verdicts (empty while blind)."""
    found = re.search(r'(?s)id="others".*?</section>', panel_html)
    return found.group(0) if found else ""
