"""How well the figure rules do beyond the seeds: extraction, measure grouping and judging
on held-out sentence pairs (annotations/rules/eval/figure_pairs.json), each labelled
consistent / update / conflict / undated, or different when the two state two measures."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand

from annotations.rules.figures import (
    Figure,
    as_of_date,
    describe,
    judge,
    measure_by_meaning,
    measure_key,
)
from annotations.text.quantities import extract_quantities

PAIRS = Path(__file__).resolve().parents[2] / "rules" / "eval" / "figure_pairs.json"
DIFFERENT = "different"


@dataclass
class Evaluation:
    total: int = 0
    right: int = 0
    by_expected: Counter = field(default_factory=Counter)
    right_by_expected: Counter = field(default_factory=Counter)
    # the pairs written after the rules were tuned: (right, total)
    after_tuning: list[int] = field(default_factory=lambda: [0, 0])
    failures: list[str] = field(default_factory=list)
    # (sentence, figure text) read from a clock time, year, date, ordinal or duration
    false_figures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def _figures(text: str, published: datetime.date | None):
    for found in extract_quantities(text):
        measure = measure_key(found, text)
        if measure is None:
            continue
        as_of, _ = as_of_date(text, published)
        figure = Figure(found.value, found.high, found.qualifier, as_of, percent=found.percent)
        yield found, describe(found, text, measure[0]), figure


def judge_pair(a, b, similarity: Callable[[str, str], float] | None = None) -> str:
    """The judgement the rules give two sentences ((text, date) each): that of the figures
    of one measure, the closest such pair when there are several; else DIFFERENT. B's
    figure joins A's measure as at import (article_figures_store) or it does not."""
    matches = []
    for _, da, fa in _figures(a[0], a[1]):
        for _, db, fb in _figures(b[0], b[1]):
            if measure_by_meaning(db, [da], similarity) == da.key:
                matches.append((len(da.thing & db.thing), fa, fb))
    if not matches:
        return DIFFERENT
    _, fa, fb = max(matches, key=lambda m: m[0])
    return judge(fa, fb)[0]


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def evaluate(
    path: Path = PAIRS, similarity: Callable[[str, str], float] | None = None
) -> Evaluation:
    data = json.loads(path.read_text())
    result = Evaluation()
    for number, pair in enumerate(data["pairs"], start=1):
        a, b = (pair["a"][0], _date(pair["a"][1])), (pair["b"][0], _date(pair["b"][1]))
        got = judge_pair(a, b, similarity)
        expected = pair["expected"]
        result.total += 1
        result.by_expected[expected] += 1
        if pair.get("written_after_tuning"):
            result.after_tuning[0] += got == expected
            result.after_tuning[1] += 1
        if got == expected:
            result.right += 1
            result.right_by_expected[expected] += 1
        else:
            result.failures.append(f"#{number} expected {expected}, got {got}: {a[0]} | {b[0]}")
        for text in (a[0], b[0]):
            for found in extract_quantities(text):
                for span in pair.get("not_figures", []):
                    start = text.find(span)
                    if start >= 0 and start < found.end and found.start < start + len(span):
                        result.false_figures.append((text, found.text))
    for text in data["non_figures"]:
        result.false_figures += [(text, found.text) for found in extract_quantities(text)]
    return result


class Command(BaseCommand):
    help = "Judge the held-out figure pairs and print the accuracy and every failed pair."

    def add_arguments(self, parser):
        parser.add_argument(
            "--embeddings",
            action="store_true",
            help="group measures by the sentence model's similarity instead of the word rules",
        )

    def handle(self, *args, **options):
        similarity = None
        if options["embeddings"]:
            # Imported here: loading the model takes seconds, and only this option needs it.
            from annotations.matching.embeddings import similarity
        result = evaluate(similarity=similarity)
        self.stdout.write(
            f"pairs judged right: {result.right}/{result.total} ({result.accuracy:.1%})"
        )
        right, total = result.after_tuning
        self.stdout.write(f"  of them written after the rules were tuned: {right}/{total}")
        for expected, count in sorted(result.by_expected.items()):
            right = result.right_by_expected[expected]
            self.stdout.write(f"  {expected}: {right}/{count}")
        self.stdout.write(
            f"figures read from times, years, dates, ordinals, durations: "
            f"{len(result.false_figures)}"
        )
        for text, figure in result.false_figures:
            self.stdout.write(f"  {figure!r} in {text}")
        for failure in result.failures:
            self.stdout.write(f"  failed {failure}")
