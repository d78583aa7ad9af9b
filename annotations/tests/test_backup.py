"""Backup and restore: a backup taken while verdicts are being written restores, into an
empty database, every verdict and its history as they stood at one moment.

Everything runs through manage.py in subprocesses against databases of the test's own: a
SQLite file (the test database is in memory, which has nothing to back up), or temporary
PostgreSQL databases beside the one DATABASE_URL names, dropped afterwards.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections

from annotations import services
from annotations.models import Claim, Span, Verdict

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
TEXT = (
    "Kursk figures\n\n"
    "The General Staff said 909 Russian soldiers were captured. "
    "Officials put Russian losses at about 16,100 killed. "
    "Some 12,000 North Korean troops were deployed. "
    "Officials denied that North Korean units had been withdrawn."
)
SENTENCES = [sentence.strip() + "." for sentence in TEXT.split("\n\n")[1].split(".") if sentence]
REVIEWERS = ["alice", "bob", "charlie"]
# Writes already committed when the backup starts, and rounds still written after it ends.
WRITES_BEFORE = 24
ROUNDS_AFTER = 3


# --- run inside the subprocess (python -c), against the database DATABASE_URL names -------


def _snapshot() -> dict[str, list]:
    """Every verdict and every record of the verdict history, comparable across databases."""
    verdicts = Verdict.objects.order_by("pk").values_list(
        "pk", "span_id", "reviewer__username", "label", "note", "hidden"
    )
    history = Verdict.history.order_by("history_id").values_list(
        "history_id", "id", "label", "note", "history_type", "history_user__username"
    )
    return {
        "verdicts": [list(row) for row in verdicts],
        "history": [list(row) for row in history],
        "claims": [[c.pk, c.text] for c in Claim.objects.order_by("pk")],
        "claim_history": Claim.history.count(),
        "spans": Span.objects.count(),
    }


def _print_snapshot() -> None:
    print(json.dumps(_snapshot()))


def _write_verdicts_during_backup(during: str, after: str) -> None:
    """Three reviewers keep re-tagging four sentences in a thread while the main thread
    backs up to `during`; once they stop, a second backup goes to `after`. Prints what was
    written and when, and the final state."""
    users = [get_user_model().objects.create_user(username=name) for name in REVIEWERS]
    article, _ = services.article_import(title="Kursk figures", text=TEXT)
    lock = threading.Lock()
    state = {"writes": 0}
    backed_up = threading.Event()
    enough_before = threading.Event()

    def write() -> None:
        try:
            rounds_after = 0
            for round_number in range(10_000):
                for sentence in SENTENCES:
                    start = article.text.index(sentence)
                    for user in users:
                        # One write per verdict save; the counter moves with the commit, so
                        # the main thread reads how many were committed at that moment.
                        with lock:
                            services.verdict_record(
                                article=article,
                                start=start,
                                end=start + len(sentence),
                                exact=sentence,
                                reviewer=user,
                                label=["verified", "disputed"][
                                    (round_number + len(user.username)) % 2
                                ],
                                note=f"round {round_number}",
                                new_claim_text=sentence,
                            )
                            state["writes"] += 1
                        if state["writes"] >= WRITES_BEFORE:
                            enough_before.set()
                        time.sleep(0.001)
                if backed_up.is_set():
                    rounds_after += 1
                    if rounds_after >= ROUNDS_AFTER:
                        return
        finally:
            enough_before.set()
            connections.close_all()

    writer = threading.Thread(target=write)
    writer.start()
    enough_before.wait(timeout=120)
    with lock:
        at_start = state["writes"]
    call_command("backup", during, stdout=io.StringIO())
    with lock:
        at_end = state["writes"]
    backed_up.set()
    writer.join(timeout=300)
    call_command("backup", after, stdout=io.StringIO())
    print(
        json.dumps(
            {
                "at_start": at_start,
                "at_end": at_end,
                "total": state["writes"],
                "final": _snapshot(),
            }
        )
    )


# --- the test side ----------------------------------------------------------------------


def _manage(database_url: str, *args: str, code: str | None = None):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
    }
    env.pop("DATABASE_TEST_NAME", None)
    command = [sys.executable, "manage.py", *args]
    if code is not None:
        setup = "import django; django.setup(); from annotations.tests import test_backup as t; "
        command = [sys.executable, "-c", setup + code]
    return subprocess.run(  # noqa: S603
        command,
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _postgres_admin() -> psycopg.Connection:
    return psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)


@pytest.fixture(scope="module")
def new_database(tmp_path_factory) -> Callable[[str], str]:
    """A factory of empty databases, as DATABASE_URLs: SQLite files not yet created, or
    fresh PostgreSQL databases named fc_accounts_<name>_<pid>, dropped at the end."""
    folder = tmp_path_factory.mktemp("backup")
    created: list[str] = []

    def make(name: str) -> str:
        if not ON_POSTGRES:
            return f"sqlite:///{folder / name}.sqlite3"
        database = f"fc_accounts_{name}_{os.getpid()}"
        with _postgres_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{database}"')
        created.append(database)
        parts = urlsplit(os.environ["DATABASE_URL"])
        return urlunsplit(parts._replace(path=f"/{database}"))

    yield make
    if created:
        with _postgres_admin() as admin:
            for database in created:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="module")
def backups(new_database, tmp_path_factory) -> dict:
    """A source database written to during one backup and backed up again once quiet."""
    folder = tmp_path_factory.mktemp("backups")
    extension = "dump" if ON_POSTGRES else "sqlite3"
    during, after = folder / f"during.{extension}", folder / f"after.{extension}"
    source = new_database("source")
    _ok(_manage(source, "migrate", "--noinput"))
    out = _ok(
        _manage(source, code=f"t._write_verdicts_during_backup({str(during)!r}, {str(after)!r})")
    )
    run = json.loads(out.strip().splitlines()[-1])
    return {"during": during, "after": after, "run": run}


def _restored(new_database, name: str, backup: Path) -> tuple[str, str, dict]:
    target = new_database(name)
    said = _ok(_manage(target, "restore", str(backup)))
    return target, said, json.loads(_ok(_manage(target, code="t._print_snapshot()")))


def test_it_wrote_verdicts_before_during_and_after_the_backup(backups):
    run = backups["run"]
    assert run["at_start"] >= WRITES_BEFORE
    # The round under way when the backup ended counts as the first one after it.
    per_round = len(SENTENCES) * len(REVIEWERS)
    assert run["total"] - run["at_end"] >= (ROUNDS_AFTER - 1) * per_round


def test_it_restores_every_verdict_and_its_history_into_an_empty_database(backups, new_database):
    final = backups["run"]["final"]
    _, said, restored = _restored(new_database, "restored", backups["after"])
    assert restored == final
    assert len(final["verdicts"]) == len(SENTENCES) * len(REVIEWERS)
    assert len(final["history"]) == backups["run"]["total"]
    assert f"{len(final['verdicts'])} verdicts" in said
    assert f"{len(final['history']):,} verdict history records" in said


def test_it_restores_a_backup_taken_mid_write_as_one_consistent_moment(backups, new_database):
    run, final = backups["run"], backups["run"]["final"]
    _, _, midway = _restored(new_database, "midway", backups["during"])
    # Exactly the writes committed by some moment between the backup's start and end...
    assert run["at_start"] <= len(midway["history"]) <= run["at_end"]
    assert midway["history"] == final["history"][: len(midway["history"])]
    # ...and each verdict as its latest history record says, not half of a later write.
    latest = {record[1]: record for record in midway["history"]}
    assert len(midway["verdicts"]) == len(latest) > 0
    for pk, _span, _reviewer, label, note, _hidden in midway["verdicts"]:
        assert (latest[pk][2], latest[pk][3]) == (label, note)


def test_it_refuses_to_restore_over_data_unless_forced(backups, new_database):
    target, _, before = _restored(new_database, "kept", backups["after"])
    refused = _manage(target, "restore", str(backups["during"]))
    assert refused.returncode == 1
    assert "not empty" in refused.stderr and "--force" in refused.stderr
    assert json.loads(_ok(_manage(target, code="t._print_snapshot()"))) == before

    said = _ok(_manage(target, "restore", "--force", str(backups["during"])))
    assert said.startswith(f"Restored {backups['during']}")
    midway = json.loads(_ok(_manage(target, code="t._print_snapshot()")))
    assert len(midway["history"]) <= backups["run"]["at_end"] < len(before["history"])


def test_it_refuses_a_file_that_is_not_a_backup(new_database, tmp_path):
    target = new_database("not_a_backup")
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database\n" * 100)
    refused = _manage(target, "restore", str(bogus))
    assert refused.returncode == 1 and "CommandError" in refused.stderr
    missing = _manage(target, "restore", str(tmp_path / "nowhere.dump"))
    assert missing.returncode == 1 and "no backup file" in missing.stderr
