"""manage.py restore: put a `manage.py backup` file back, into an empty database.

It refuses a database that holds data unless --force, and says what it restored.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from annotations.management.commands.backup import (
    database_vendor,
    postgres_env,
    postgres_tool,
    run_tool,
    sqlite_copy,
    sqlite_path,
)
from annotations.models import Article, Claim, Span, Verdict

# Rows `migrate` writes into a new database by itself: holding only these, it is empty.
FILLED_BY_MIGRATE = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
}


def _counted() -> list[tuple[str, str]]:
    return [
        (Article._meta.db_table, "articles"),
        (Span._meta.db_table, "spans"),
        (Claim._meta.db_table, "claims"),
        (Claim.history.model._meta.db_table, "claim history records"),
        (Verdict._meta.db_table, "verdicts"),
        (Verdict.history.model._meta.db_table, "verdict history records"),
        (get_user_model()._meta.db_table, "user accounts"),
    ]


def tables_with_rows(alias: str) -> list[str]:
    connection = connections[alias]
    found = []
    with connection.cursor() as cursor:
        for table in sorted(set(connection.introspection.table_names(cursor)) - FILLED_BY_MIGRATE):
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                found.append(table)
    return found


def row_counts(alias: str) -> list[tuple[str, int]]:
    connection = connections[alias]
    counts = []
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        for table, label in _counted():
            if table in present:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                counts.append((label, cursor.fetchone()[0]))
    return counts


class Command(BaseCommand):
    help = (
        "Restore a file written by `manage.py backup` into this database. Refuses a "
        "database that holds data unless --force; run `migrate` afterwards if the backup "
        "comes from an older version."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A backup file written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite a database that already holds data (it is lost).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        alias = options["database"]
        vendor = database_vendor(alias)
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"no backup file at {path}")
        held = tables_with_rows(alias)
        if held and not options["force"]:
            shown = ", ".join(held[:5]) + (", ..." if len(held) > 5 else "")
            raise CommandError(
                f"the database is not empty ({len(held)} tables hold rows: {shown}); "
                "restoring would overwrite them. Back it up first, then use --force."
            )
        # The copy replaces the database under this connection: close it first, and the
        # counts below come from a fresh one.
        connections[alias].close()
        if vendor == "sqlite":
            target = sqlite_path(alias)
            sqlite_copy(path, target, source_mode="ro")
            into = str(target)
        else:
            env = postgres_env(alias)
            pg_restore = postgres_tool("pg_restore")
            # --clean --if-exists replaces what the backup holds even in a migrated (or, with
            # --force, a filled) database; one transaction, so a failure changes nothing.
            run_tool(
                [
                    pg_restore,
                    "--no-password",
                    "--no-owner",
                    "--no-privileges",
                    "--clean",
                    "--if-exists",
                    "--single-transaction",
                    "--exit-on-error",
                    f"--dbname={env['PGDATABASE']}",
                    str(path),
                ],
                env,
            )
            into = f"PostgreSQL database {env['PGDATABASE']}"
        connections[alias].close()
        counts = ", ".join(f"{count:,} {label}" for label, count in row_counts(alias))
        self.stdout.write(f"Restored {path} into {into}: {counts}.")
