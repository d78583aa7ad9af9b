"""How well the figure rules do beyond the seeds: extraction, measure grouping and judging
on held-out sentence pairs (annotations/rules/eval/figure_pairs.json), each labelled
consistent / update / conflict / undated, or different when the two state two measures.

Measures are grouped three ways, compared side by side: by the word rules alone, by the
sentence model alone (the similarity of the two figures' counted thing and event), and
both (the default at import: the word rules, then the model where they see two measures,
never across contrary wordings). Each way that uses the model is scored at every threshold
and the range that scores best is printed, to tune figures.MEANING_THRESHOLD by."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand

from annotations.rules.figures import (
    MEANING_THRESHOLD,
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
    # the pairs written after the model's threshold was tuned: (right, total)
    after_model: list[int] = field(default_factory=lambda: [0, 0])
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


def judge_pair(
    a,
    b,
    similarity: Callable[[str, str], float] | None = None,
    threshold: float = MEANING_THRESHOLD,
    *,
    by_words: bool = True,
) -> str:
    """The judgement the rules give two sentences ((text, date) each): that of the figures
    of one measure, the closest such pair when there are several; else DIFFERENT. B's
    figure joins A's measure as at import (article_figures_store) or it does not."""
    matches = []
    for _, da, fa in _figures(a[0], a[1]):
        for _, db, fb in _figures(b[0], b[1]):
            if measure_by_meaning(db, [da], similarity, threshold, by_words=by_words) == da.key:
                matches.append((len(da.thing & db.thing), fa, fb))
    if not matches:
        return DIFFERENT
    _, fa, fb = max(matches, key=lambda m: m[0])
    return judge(fa, fb)[0]


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def evaluate(
    path: Path = PAIRS,
    similarity: Callable[[str, str], float] | None = None,
    threshold: float = MEANING_THRESHOLD,
    *,
    by_words: bool = True,
) -> Evaluation:
    data = json.loads(path.read_text())
    result = Evaluation()
    for number, pair in enumerate(data["pairs"], start=1):
        a, b = (pair["a"][0], _date(pair["a"][1])), (pair["b"][0], _date(pair["b"][1]))
        got = judge_pair(a, b, similarity, threshold, by_words=by_words)
        expected = pair["expected"]
        result.total += 1
        result.by_expected[expected] += 1
        if pair.get("written_after_tuning"):
            result.after_tuning[0] += got == expected
            result.after_tuning[1] += 1
        if pair.get("written_after_model"):
            result.after_model[0] += got == expected
            result.after_model[1] += 1
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


GROUPINGS = {
    # name: (uses the model, uses the word rules)
    "words": (False, True),
    "model": (True, False),
    "combined": (True, True),
}
DEFAULT_GROUPING = "combined"  # as article_figures_store groups
# The model alone at its best threshold on the labelled pairs (--tune prints the range);
# only to compare with: it is used nowhere else.
MODEL_ALONE_THRESHOLD = 0.64


def evaluate_grouping(
    grouping: str, threshold: float = MEANING_THRESHOLD, path: Path = PAIRS
) -> Evaluation:
    model, words = GROUPINGS[grouping]
    similarity = None
    if model:
        # Imported here: loading the model takes a second, and only these groupings need it.
        from annotations.matching.embeddings import similarity
    return evaluate(path, similarity, threshold, by_words=words)


def tune(grouping: str, path: Path = PAIRS) -> tuple[float, float, float, int]:
    """(lowest, middle, highest) threshold of the range that judges the most pairs right,
    and that number (the first such range, thresholds 0.30-0.95 by 0.01)."""
    scores = [(t / 100, evaluate_grouping(grouping, t / 100, path).right) for t in range(30, 96)]
    best = max(right for _, right in scores)
    first = next(n for n, (_, right) in enumerate(scores) if right == best)
    last = first
    while last + 1 < len(scores) and scores[last + 1][1] == best:
        last += 1
    low, high = scores[first][0], scores[last][0]
    return low, round((low + high) / 2, 2), high, best


class Command(BaseCommand):
    help = "Judge the held-out figure pairs and print the accuracy and every failed pair."

    def add_arguments(self, parser):
        parser.add_argument(
            "--grouping",
            choices=sorted(GROUPINGS),
            default=DEFAULT_GROUPING,
            help="how measures are grouped for the details printed (default: as at import)",
        )
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help=f"the model's threshold (default {MEANING_THRESHOLD} combined, tuned alone)",
        )
        parser.add_argument(
            "--tune", action="store_true", help="print the best range of thresholds"
        )

    def handle(self, *args, grouping, threshold, tune: bool, **options):
        self.stdout.write(
            "grouping   threshold  right         consistent update conflict undated different"
        )
        tuned = {}
        for name, (model, _) in GROUPINGS.items():
            if tune and model:
                tuned[name] = globals()["tune"](name)
        for name in GROUPINGS:
            used = threshold if (threshold is not None and name == grouping) else None
            if used is None:
                used = MODEL_ALONE_THRESHOLD if name == "model" else MEANING_THRESHOLD
            result = evaluate_grouping(name, used)
            by = result.by_expected
            cells = " ".join(
                f"{result.right_by_expected[e]:>3}/{by[e]:<3}"
                for e in ("consistent", "update", "conflict", "undated", DIFFERENT)
            )
            shown = f"{used:.2f}" if GROUPINGS[name][0] else "-"
            self.stdout.write(
                f"{name:<10} {shown:>9}  {result.right:>3}/{result.total} ({result.accuracy:5.1%})"
                f"  {cells}"
            )
        for name, (low, middle, high, best) in tuned.items():
            self.stdout.write(
                f"{name}: {best} right for thresholds {low:.2f}-{high:.2f} (middle {middle:.2f})"
            )
        used = threshold
        if used is None:
            used = MODEL_ALONE_THRESHOLD if grouping == "model" else MEANING_THRESHOLD
        result = evaluate_grouping(grouping, used)
        self.stdout.write(
            f"\n{grouping}: pairs judged right: {result.right}/{result.total} "
            f"({result.accuracy:.1%})"
        )
        right, total = result.after_tuning
        self.stdout.write(f"  of them written after the rules were tuned: {right}/{total}")
        right, total = result.after_model
        self.stdout.write(f"  of them written after the model's threshold was: {right}/{total}")
        self.stdout.write(
            f"figures read from times, years, dates, ordinals, durations: "
            f"{len(result.false_figures)}"
        )
        for text, figure in result.false_figures:
            self.stdout.write(f"  {figure!r} in {text}")
        for failure in result.failures:
            self.stdout.write(f"  failed {failure}")
