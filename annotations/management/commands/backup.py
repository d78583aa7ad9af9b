"""manage.py backup: a consistent copy of the database, taken while the app keeps running.

SQLite: the online backup API copies one snapshot (in WAL mode writers carry on meanwhile)
into a single self-contained file. PostgreSQL: `pg_dump --format=custom`, which reads one
snapshot too; `manage.py restore` takes either back.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

POSTGRES_CLIENT_HINT = (
    "install the PostgreSQL client tools of the server's major version or newer "
    "(Debian: apt-get install postgresql-client)"
)


def database_vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise CommandError(f"backup and restore support SQLite and PostgreSQL, not {vendor}")
    return vendor


def sqlite_path(alias: str) -> Path:
    name = str(connections[alias].settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        raise CommandError("the database is in memory; only a database file can be backed up")
    return Path(name)


def postgres_env(alias: str) -> dict[str, str]:
    """The connection as libpq variables, so the password never shows in a process list."""
    params = connections[alias].settings_dict
    env = dict(os.environ)
    for variable, key in [
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ]:
        if params.get(key):
            env[variable] = str(params[key])
    if params.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = params["OPTIONS"]["sslmode"]
    return env


def postgres_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} was not found on PATH: {POSTGRES_CLIENT_HINT}")
    return path


def run_tool(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")


def sqlite_copy(source: Path, target: Path, *, source_mode: str = "rw") -> None:
    """Copy the database at `source` into `target` through SQLite's online backup API: one
    step, so the copy is a single consistent snapshot even while others write."""
    try:
        # mode=rw/ro: a missing file is an error rather than a new empty database.
        origin = sqlite3.connect(f"{source.resolve().as_uri()}?mode={source_mode}", uri=True)
    except sqlite3.OperationalError as error:
        raise CommandError(f"cannot open {source}: {error}") from None
    copy = sqlite3.connect(target)
    try:
        origin.backup(copy)
    except sqlite3.DatabaseError as error:
        raise CommandError(f"cannot copy {source}: {error}") from None
    finally:
        copy.close()
        origin.close()


class Command(BaseCommand):
    help = (
        "Back up the database to a file, consistently, while the app keeps running "
        "(SQLite: online backup API; PostgreSQL: pg_dump --format=custom)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="Where to write the backup (default: var/backups/factcheck-<UTC time>.<ext>).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        alias = options["database"]
        vendor = database_vendor(alias)
        if options["path"]:
            path = Path(options["path"])
        else:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            extension = "sqlite3" if vendor == "sqlite" else "dump"
            path = settings.VAR_DIR / "backups" / f"factcheck-{stamp}.{extension}"
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed when complete: a failed or interrupted
        # backup never leaves a truncated file under the backup's name.
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            if vendor == "sqlite":
                source = sqlite_path(alias)
                sqlite_copy(source, partial)
                # A backup is one self-contained file, not a WAL database needing its -wal.
                with closing(sqlite3.connect(partial)) as copy:
                    copy.execute("PRAGMA journal_mode=DELETE")
                what = str(source)
            else:
                env = postgres_env(alias)
                pg_dump = postgres_tool("pg_dump")
                run_tool([pg_dump, "--format=custom", "--no-password", f"--file={partial}"], env)
                what = f"PostgreSQL database {env.get('PGDATABASE', '')}"
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        size = path.stat().st_size
        self.stdout.write(f"Backed up {what} to {path} ({size:,} bytes).")
