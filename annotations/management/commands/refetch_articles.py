"""Fetch the pages of imported articles again to catch silent edits: each current revision
with an http(s) URL whose last check (or import) is older than INTAKE_REFETCH_HOURS is
queued as a background task (the worker of `make run` or `manage.py db_worker` runs it),
exactly as a pasted URL is imported. A changed page becomes the article's next revision;
an unchanged one, a refusal or a failure stores nothing but the check's time and outcome,
shown in the admin's article list. Run it from cron, e.g. hourly (see the README)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations import selectors, services


def _positive(value: str) -> float:
    number = float(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=_positive,
            metavar="HOURS",
            help="re-check pages last checked more than this many hours ago "
            "(default: INTAKE_REFETCH_HOURS; 0 in the setting turns the schedule off)",
        )
        parser.add_argument(
            "--limit",
            type=int,
            metavar="N",
            help="queue at most N pages, the longest unchecked first (default: "
            "INTAKE_REFETCH_LIMIT)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="list the pages that would be re-checked; queue and change nothing",
        )

    def handle(self, *args, older_than=None, limit=None, dry_run=False, **options):
        if older_than is None:
            if not settings.INTAKE_REFETCH_HOURS:
                self.stdout.write("Re-checking is off (INTAKE_REFETCH_HOURS=0); nothing queued.")
                return
            older_than = settings.INTAKE_REFETCH_HOURS
        limit = settings.INTAKE_REFETCH_LIMIT if limit is None else limit
        if limit < 1:
            raise CommandError("--limit must be at least 1")
        due = list(
            selectors.articles_due_recheck(older_than=timedelta(hours=older_than), limit=limit)
        )
        if dry_run:
            for article in due:
                checked = (
                    article.checked_at.isoformat(timespec="minutes")
                    if article.checked_at
                    else "never"
                )
                self.stdout.write(f"{article.pk}\t{checked}\t{article.url}")
            self.stdout.write(f"Would re-check {len(due)} page(s); nothing queued (dry run).")
            return
        items = services.articles_recheck_queue(articles=due)
        self.stdout.write(f"Queued {len(items)} page(s) for a re-check.")
