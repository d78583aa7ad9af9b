"""Load test: simulated reviewers against gunicorn, then a check of every verdict.

    make loadtest                                       # 50 reviewers, 60 s, SQLite
    make loadtest LOADTEST_ARGS="--users 20 --duration 30"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make loadtest

1. Builds a throwaway database (a temporary SQLite file in WAL mode, or a `loadtest_`
   database beside the one DATABASE_URL names): migrations, the seed articles, and one
   reviewer account per simulated user, with the production password hasher.
2. Serves it as `make run` does (`manage.py serve`: gunicorn, 2 × cores + 1 workers), with
   bench/loadtest_settings.py, which adds a bare view doing one INSERT and one doing one
   SELECT (never mounted in production).
3. Runs locust headless (bench/locustfile.py): --users reviewers for --duration seconds,
   each signing in, opening articles and panels, thinking, saving, changing,
   double-submitting and withdrawing verdicts, and polling the page.
4. Then, with the same server, the throughput of four requests one after the other, each
   for --flat-seconds with --flat-users clients and no think time: bare INSERT, verdict
   save, bare SELECT, article page.
5. Checks that every acknowledged verdict is stored exactly once, with the label and note
   of the last acknowledged save, and no verdict is stored that was not acknowledged or
   was withdrawn; prints requests/s, p50/p95 per request, errors, and the ratios.

Exits non-zero on any error, lost or duplicated verdict.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "loadtest-only-password"  # noqa: S105 (the load test's own throwaway database)
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build(users: int, workdir: Path) -> Path:
    """Fill the throwaway database; write the plan the simulated users follow."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from annotations.models import Article
    from annotations.roles import groups_ensure

    call_command("migrate", verbosity=0)
    call_command("import_articles", str(ROOT / "seeds"), stdout=open(os.devnull, "w"))  # noqa: SIM115
    reviewers_group, _ = groups_ensure()
    hashed = make_password(PASSWORD)  # once: the production hasher is slow on purpose
    User = get_user_model()
    accounts = []
    for n in range(1, users + 1):
        user = User.objects.create(username=f"loadtest{n:03d}", password=hashed)
        user.groups.add(reviewers_group)
        accounts.append({"username": user.username, "password": PASSWORD})
    key = "BIGSERIAL" if connection.vendor == "postgresql" else "INTEGER"
    auto = "" if connection.vendor == "postgresql" else " AUTOINCREMENT"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE loadtest_bare (id {key} PRIMARY KEY{auto}, note VARCHAR(20))"
        )
    articles = [
        {
            "id": article.pk,
            "sentences": [
                {"start": s.start, "end": s.end, "exact": article.text[s.start : s.end]}
                for s in article.sentences.order_by("index")
                if s.check_worthy
            ],
        }
        for article in Article.objects.prefetch_related("sentences")
    ]
    plan = workdir / "plan.json"
    plan.write_text(json.dumps({"reviewers": accounts, "articles": articles}))
    connection.close()
    return plan


def serve(workdir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.loadtest_settings",
        "BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": "",
    }
    log = (workdir / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 (this interpreter, the project's own command)
        [sys.executable, "manage.py", "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    import requests

    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if server.poll() is not None:
            sys.exit("gunicorn exited:\n" + (workdir / "gunicorn.log").read_text())
        try:
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                return server, url
        except requests.RequestException:
            pass
        time.sleep(0.1)
    server.terminate()
    sys.exit("gunicorn never answered /healthz")


def locust(url: str, plan: Path, workdir: Path, name: str, classes: list[str], users: int,
           seconds: int) -> dict:  # fmt: skip
    """One headless locust run: its figures per request name over the measured window, its
    acknowledged writes and its errors."""
    prefix = workdir / name
    log = workdir / f"{name}.acknowledged.json"
    env = {
        **os.environ,
        "LOADTEST_PLAN": str(plan),
        "LOADTEST_LOG": str(log),
        "LOADTEST_SECONDS": str(seconds),
    }
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless", "--host", url, "--users", str(users),
        "--spawn-rate", str(max(users // 5, 1)),
        # The locustfile stops the run `seconds` after the last sign-in; this is a backstop.
        "--run-time", f"{seconds + 300}s",
        "--stop-timeout", "30", "--csv", str(prefix), "--only-summary",
        "--loglevel", "WARNING", "--exit-code-on-error", "0", *classes,
    ]  # fmt: skip
    result = subprocess.run(  # noqa: S603 (this interpreter, locust, the project's own file)
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0 or not log.exists():
        sys.exit(f"locust failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    with open(f"{prefix}_failures.csv") as failures_file:
        failures = list(csv.DictReader(failures_file))
    for failure in failures:
        print(f"  error: {failure['Method']} {failure['Name']}: {failure['Error']} "
              f"×{failure['Occurrences']}")  # fmt: skip
    run = json.loads(log.read_text())
    # Errors of the whole run, the drain included; times and rates of the measured window.
    run["errors"] = sum(int(failure["Occurrences"]) for failure in failures)
    return run


def check_verdicts(acknowledged: list[dict]) -> tuple[int, int, int, int]:
    """(acknowledged writes, lost, duplicated, unexpected) against the stored verdicts."""
    from django.db.models import F

    from annotations.models import Verdict

    expected: dict[tuple, tuple[str, str]] = {}
    for write in acknowledged:  # each reviewer's writes in the order they were acknowledged
        key = (write["reviewer"], write["article"], write["start"], write["end"])
        if write["action"] == "save":
            expected[key] = (write["label"], write["note"])
        else:
            expected.pop(key, None)
    stored_rows = list(
        Verdict.objects.filter(reviewer__username__startswith="loadtest").values_list(
            "reviewer__username", "span__article_id", "span__start", "span__end", "label",
            "note",
        ).order_by(F("id"))
    )  # fmt: skip
    keys = Counter(row[:4] for row in stored_rows)
    duplicated = sum(n - 1 for n in keys.values() if n > 1)
    stored = {row[:4]: tuple(row[4:]) for row in stored_rows}
    lost = sum(1 for key, value in expected.items() if stored.get(key) != value)
    unexpected = sum(1 for key in stored if key not in expected)
    return len(acknowledged), lost, duplicated, unexpected


def _row(run: dict, name: str) -> dict:
    return run["measured"].get(name) or {"count": 0, "errors": 0, "p50": 0, "p95": 0, "rps": 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated reviewers")
    parser.add_argument("--duration", type=int, default=60, help="seconds of reviewing")
    parser.add_argument("--flat-users", type=int, default=16, help="clients, throughput runs")
    parser.add_argument("--flat-seconds", type=int, default=15, help="seconds of each")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="loadtest-"))
    os.environ.setdefault("SECRET_KEY", "loadtest-only-" + os.urandom(8).hex())
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    url = os.environ.get("DATABASE_URL", "").strip()
    database = f"loadtest_{os.getpid()}"
    if url:
        # Never load the database the app uses: a sibling loadtest_ database.
        import psycopg

        parts = urlsplit(url)
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{database}"))
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'loadtest.sqlite3'}"

    server = None
    try:
        plan = build(max(args.users, args.flat_users), workdir)
        from django.db import connection

        vendor = connection.vendor
        server, app = serve(workdir)
        load_before = os.getloadavg()
        print(f"database: {vendor}; server: gunicorn, {os.cpu_count()} cores; "
              f"load average before: {load_before[0]:.2f}")  # fmt: skip
        print(f"== {args.users} reviewers for {args.duration} s (think time 1-4 s) ==")
        run = locust(app, plan, workdir, "reviewers", ["ReviewerUser"], args.users, args.duration)
        acknowledged = run["acknowledged"]
        print(f"(all {args.users} signed in within {run['sign-in seconds']:.1f} s; measured "
              "from then on)")  # fmt: skip
        load_during = os.getloadavg()[0]
        names = ["article page", "span panel", "verdict save",
                 "verdict save (double)", "withdraw", "live poll"]  # fmt: skip
        print(f"{'request':24} {'count':>7} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'req/s':>7}")  # fmt: skip
        for name in [*names, "Aggregated"]:
            row = _row(run, name)
            print(f"{name:24} {row['count']:>7} {row['errors']:>7} {row['p50']:>8.0f} "
                  f"{row['p95']:>8.0f} {row['rps']:7.1f}")  # fmt: skip
        errors = run["errors"]

        print(f"== throughput: {args.flat_users} clients, no think time, "
              f"{args.flat_seconds} s each ==")  # fmt: skip
        flat = {}
        steps = [
            ("bare INSERT", "BareInsertFlat"),
            ("verdict save", "VerdictSaveFlat"),
            ("bare SELECT", "BareSelectFlat"),
            ("article page", "ArticlePageFlat"),
        ]
        for name, cls in steps:
            run = locust(app, plan, workdir, cls, [cls], args.flat_users, args.flat_seconds)
            acknowledged += run["acknowledged"]
            errors += run["errors"]
            row = _row(run, name)
            flat[name] = row["rps"]
            print(f"{name:24} {row['rps']:7.1f} req/s   p50 {row['p50']:5.0f} ms   "
                  f"p95 {row['p95']:5.0f} ms   ({row['count']} requests)")  # fmt: skip
        print(f"verdict save / bare INSERT: {flat['verdict save'] / flat['bare INSERT']:.1%}")
        print(f"article page / bare SELECT: {flat['article page'] / flat['bare SELECT']:.1%}")

        total, lost, duplicated, unexpected = check_verdicts(acknowledged)
        print(f"== verdicts: {total} acknowledged writes; {lost} lost, {duplicated} "
              f"duplicated, {unexpected} stored but never acknowledged ==")  # fmt: skip
        print(f"errors: {errors}; load average during the reviewers' run: {load_during:.2f}")
        failed = errors or lost or duplicated or unexpected
        if errors:
            # The server's side of the first errors (tracebacks go to gunicorn's log).
            print((workdir / "gunicorn.log").read_text()[-6000:])
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        if url:
            from django.db import connection

            connection.close()
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
