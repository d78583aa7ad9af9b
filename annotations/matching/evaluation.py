"""How well claim suggestions do on labelled pairs from the seeds (eval/claim_pairs.json):
precision and recall of the top suggestion and of the preselected default, per model.

The claims of the file are created in the current database (the eval_claims command gives
it a throwaway one), each stretch of text is looked up as the panel looks it up, and the
answers are compared with the labels:
- top suggestion: right when it is a claim the text is labelled "same" for;
- default (preselected): the same, for the suggestion preselected, if any;
- precision = right / answered, recall = right / texts that have a claim.
Also: the target claims' appearances preselected, wrong preselections (must be none),
"update" pairs offered as the same measure, and "different" pairs preselected.
"""

from __future__ import annotations

import datetime
import json
import re
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Q
from rapidfuzz import fuzz, process

from annotations.matching import embeddings, rerank, store
from annotations.matching.rerank import Thresholds
from annotations.models import Claim
from annotations.selectors import suggestions as suggesting

PAIRS = Path(__file__).parent / "eval" / "claim_pairs.json"
BASELINE = "baseline"  # the suggester before issue #9: rapidfuzz + shared figures
MATCHERS = [BASELINE, "lexical", *embeddings.MODELS, "wordllama+lexical", "use+lexical"]


@dataclass
class Query:
    text: str
    source: str
    same: set[str] = field(default_factory=set)
    update: set[str] = field(default_factory=set)
    different: set[str] = field(default_factory=set)


@dataclass
class LabelledSet:
    claims: list[dict]
    queries: list[Query]

    @property
    def targets(self) -> set[str]:
        return {c["key"] for c in self.claims if c["target"]}


def labelled_set(path: Path = PAIRS) -> LabelledSet:
    data = json.loads(path.read_text(encoding="utf-8"))
    queries: dict[tuple[str, str], Query] = {}
    for pair in data["pairs"]:
        query = queries.setdefault(
            (pair["source"], pair["text"]), Query(pair["text"], pair["source"])
        )
        getattr(query, pair["label"]).add(pair["claim"])
    return LabelledSet(data["claims"], list(queries.values()))


def claims_create(labelled: LabelledSet) -> dict[int, str]:
    """The file's claims, created as a reviewer creates one; {claim id: key}."""
    from annotations.services import claim_create

    made = {}
    for entry in labelled.claims:
        claim = claim_create(
            text=entry["text"],
            created_by=None,
            as_of=datetime.date.fromisoformat(entry["as_of"]) if entry["as_of"] else None,
        )
        made[claim.pk] = entry["key"]
    return made


@dataclass
class Answer:
    """What one matcher answered for one query: suggestions as (key, score, similarity,
    shares a figure, same measure with another figure, negation), best first."""

    query: Query
    suggestions: list[tuple[str, float, float, bool, bool, bool, bool]]
    seconds: float


@dataclass
class Scores:
    matcher: str
    thresholds: Thresholds | None
    top_precision: float
    top_recall: float
    default_precision: float
    default_recall: float
    wrong_defaults: int
    targets_preselected: tuple[int, int]
    updates_offered: tuple[int, int]
    different_preselected: int
    p50_ms: float
    misses: list[str] = field(default_factory=list)


def answers(matcher: str, keys: dict[int, str], labelled: LabelledSet) -> list[Answer]:
    for model in set(matcher.split("+")) & set(embeddings.MODELS):
        store.claim_embeddings_store(claims=Claim.objects.all(), model=model)
    suggesting.query_vector.cache_clear()  # time every matcher's own embedding of the text
    result = []
    for query in labelled.queries:
        started = time.perf_counter()
        if matcher == BASELINE:
            found = [
                (
                    keys[s.claim.pk],
                    s.score,
                    s.similarity,
                    bool(s.shared_figures),
                    False,
                    not s.strong,
                    False,
                )
                for s in baseline_suggestions(text=query.text)
            ]
        else:
            found = [
                (
                    keys[s.claim.pk],
                    s.score,
                    s.similarity / 100,
                    bool(s.shared_figures),
                    bool(s.same_measure),
                    s.negation,
                    s.claim_has_figures,
                )
                for s in suggesting.claim_suggestions(text=query.text, matcher=matcher, limit=40)
            ]
        result.append(Answer(query, found, time.perf_counter() - started))
    return result


def scores(
    matcher: str, found: list[Answer], labelled: LabelledSet, thresholds: Thresholds | None
) -> Scores:
    """The metrics of one matcher's answers, preselecting with `thresholds` (None: the
    baseline, whose own rule is kept in the answers)."""
    top_right = top_answered = default_right = default_answered = 0
    with_claim = sum(1 for a in found if a.query.same)
    targets = [0, 0]
    updates = [0, 0]
    different = 0
    misses = []
    for answer in found:
        ranked = _ranked(answer, thresholds)
        shown = [s for s, _ in ranked]
        top = shown[0][0] if shown else None
        default = shown[0][0] if ranked and ranked[0][1] else None
        same = answer.query.same
        if top:
            top_answered += 1
            top_right += top in same
        if default:
            default_answered += 1
            default_right += default in same
            if default not in same:
                misses.append(f"preselected {default} for “{answer.query.text[:70]}”")
        elif same:
            misses.append(
                f"nothing preselected for “{answer.query.text[:70]}” ({', '.join(sorted(same))})"
            )
        if same & labelled.targets:
            targets[1] += 1
            targets[0] += default in same
        for key in answer.query.update:
            updates[1] += 1
            offered = any(s[0] == key and s[4] for s in shown)
            updates[0] += offered
            if not offered:
                misses.append(
                    f"{key} not offered as the same measure for “{answer.query.text[:70]}”"
                )
        different += default in answer.query.different
    timings = [a.seconds * 1000 for a in found]
    return Scores(
        matcher=matcher,
        thresholds=thresholds,
        top_precision=top_right / top_answered if top_answered else 0.0,
        top_recall=top_right / with_claim,
        default_precision=default_right / default_answered if default_answered else 0.0,
        default_recall=default_right / with_claim,
        wrong_defaults=default_answered - default_right,
        targets_preselected=tuple(targets),
        updates_offered=tuple(updates),
        different_preselected=different,
        p50_ms=statistics.median(timings) if timings else 0.0,
        misses=misses,
    )


def _ranked(answer: Answer, thresholds: Thresholds | None) -> list[tuple[tuple, bool]]:
    """The suggestions shown, best first, each with whether it is strong."""
    ranked = []
    for suggestion in answer.suggestions:
        key, score, similarity, shares, same_measure, negation, both = suggestion
        if thresholds is None:
            ranked.append((suggestion, not negation))  # the baseline keeps its rule there
            continue
        if not (shares or same_measure or similarity >= thresholds.show):
            continue
        strong = rerank.is_strong(
            similarity=similarity,
            shares_figure=shares,
            same_measure=same_measure,
            negation=negation,
            claim_has_figures=both,
            thresholds=thresholds,
        )
        ranked.append((suggestion, strong))
    if thresholds is not None:
        ranked.sort(key=lambda s: (-s[1], -s[0][1]))
    return ranked


def tune(matcher: str, found: list[Answer], labelled: LabelledSet) -> Scores:
    """The thresholds that preselect the most right claims with no wrong one, taking the
    middle of the thresholds that do so (the furthest from both kinds of mistake)."""
    show = suggesting.THRESHOLDS[matcher].show
    grid = [round(0.05 * n, 2) for n in range(0, 20)]
    results = {
        (wf, wo): scores(matcher, found, labelled, Thresholds(show, wf, wo))
        for wf in grid
        # Below `show` a claim with no figure in common is not even shown.
        for wo in grid
        if wo >= show
    }
    safe = {k: s for k, s in results.items() if s.wrong_defaults == 0}
    pool = safe or results
    best = max(s.default_recall for s in pool.values())
    chosen = [k for k, s in pool.items() if s.default_recall == best]
    with_figure = statistics.median_low(sorted({wf for wf, _ in chosen}))
    without_figure = statistics.median_low(sorted(wo for wf, wo in chosen if wf == with_figure))
    return results[(with_figure, without_figure)]


# --- the suggester before issue #9, kept as the evaluation's baseline --------------------

_FIGURE = re.compile(r"\d[\d,.\u202f\u00a0]*\d|\d")


@dataclass
class _Former:
    claim: Claim
    score: float
    similarity: float
    shared_figures: list[str]

    @property
    def strong(self) -> bool:
        return bool(self.shared_figures) and self.similarity >= 60


def baseline_suggestions(*, text: str) -> list[_Former]:
    """rapidfuzz token-set similarity on the 500 most recent claims and those containing a
    figure of the text, +25 per shared figure; preselected with a shared figure and 60 %."""
    wanted = suggesting.figures(text)
    by_figure = Q()
    for figure in wanted:
        by_figure |= Q(text__contains=figure)
    recent = Claim.objects.order_by("-updated_at").values("pk")[:500]
    candidates = list(
        Claim.objects.filter(Q(pk__in=recent) | (by_figure if wanted else Q(pk=None)))[:1000]
    )
    texts = {claim.pk: claim.text for claim in candidates}
    similarity = {
        pk: score
        for _, score, pk in process.extract(
            text, texts, scorer=fuzz.token_set_ratio, limit=None, processor=str.lower
        )
    }
    found = []
    for claim in candidates:
        shared = sorted(wanted & suggesting.figures(claim.text))
        score = similarity.get(claim.pk, 0) + 25 * len(shared)
        if (shared or similarity.get(claim.pk, 0) >= 60) and score >= 60:
            found.append(_Former(claim, score, similarity.get(claim.pk, 0), shared))
    found.sort(key=lambda s: (-s.score, s.claim.pk))
    return found[:5]


def evaluate(matchers: list[str], *, tuned: bool = True) -> list[Scores]:
    """Create the labelled claims in the current database and score each matcher."""
    labelled = labelled_set()
    keys = claims_create(labelled)
    result = []
    for matcher in matchers:
        found = answers(matcher, keys, labelled)
        if matcher == BASELINE:
            result.append(scores(matcher, found, labelled, None))
        elif tuned:
            result.append(tune(matcher, found, labelled))
        else:
            result.append(scores(matcher, found, labelled, suggesting.THRESHOLDS[matcher]))
    return result


def table(results: list[Scores]) -> str:
    head = (
        f"{'matcher':10} {'thresholds (fig/none)':>21} {'top P':>6} {'top R':>6} "
        f"{'dflt P':>6} {'dflt R':>6} {'wrong':>5} {'targets':>8} {'updates':>8} "
        f"{'diff':>4} {'p50 ms':>6}"
    )
    lines = [head, "-" * len(head)]
    for s in results:
        limits = (
            f"{s.thresholds.with_figure:.2f} / {s.thresholds.without_figure:.2f}"
            if s.thresholds
            else "shared fig + 60 %"
        )
        lines.append(
            f"{s.matcher:10} {limits:>21} {s.top_precision:6.2f} {s.top_recall:6.2f} "
            f"{s.default_precision:6.2f} {s.default_recall:6.2f} {s.wrong_defaults:5d} "
            f"{s.targets_preselected[0]:>3}/{s.targets_preselected[1]:<4} "
            f"{s.updates_offered[0]:>3}/{s.updates_offered[1]:<4} {s.different_preselected:4d} "
            f"{s.p50_ms:6.1f}"
        )
    return "\n".join(lines)


def misses_by_matcher(results: list[Scores]) -> dict[str, list[str]]:
    grouped = defaultdict(list)
    for s in results:
        grouped[s.matcher].extend(s.misses)
    return dict(grouped)
