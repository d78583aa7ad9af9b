"""Evaluate claim suggestions on the labelled seed pairs (annotations/matching/eval/) in a
throwaway database, and print precision and recall per matcher (README, "Claim matching")."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import setup_databases, teardown_databases

from annotations.matching import embeddings, evaluation


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--matchers",
            default=",".join(evaluation.MATCHERS),
            help=f"comma-separated, of {', '.join(evaluation.MATCHERS)}",
        )
        parser.add_argument(
            "--stored-thresholds",
            action="store_true",
            help="score with the thresholds in selectors/suggestions.py instead of tuning them",
        )
        parser.add_argument("--misses", action="store_true", help="list every mistake")

    def handle(self, *args, matchers, stored_thresholds, misses, **options):
        chosen = [m.strip() for m in matchers.split(",") if m.strip()]
        unknown = set(chosen) - set(evaluation.MATCHERS)
        if unknown:
            raise CommandError(f"Unknown matcher(s): {', '.join(sorted(unknown))}.")
        missing = {
            m
            for m in chosen
            for part in m.split("+")
            if part in embeddings.MODELS and not embeddings.installed(part)
        }
        for matcher in sorted(missing):
            self.stderr.write(
                f"Skipping {matcher}: its model is not installed (make eval-claims installs it)."
            )
        chosen = [m for m in chosen if m not in missing]
        # Never the database the app uses: a test database, made and dropped here.
        names = setup_databases(verbosity=0, interactive=False)
        try:
            results = evaluation.evaluate(chosen, tuned=not stored_thresholds)
        finally:
            teardown_databases(names, verbosity=0)
        labelled = evaluation.labelled_set()
        self.stdout.write(
            f"{len(labelled.claims)} claims, {len(labelled.queries)} stretches of text "
            f"({sum(bool(q.same) for q in labelled.queries)} with a claim), from "
            f"{evaluation.PAIRS.name}"
        )
        self.stdout.write(evaluation.table(results))
        if misses:
            for matcher, lines in evaluation.misses_by_matcher(results).items():
                self.stdout.write(f"\n{matcher}:")
                for line in lines:
                    self.stdout.write(f"  {line}")
