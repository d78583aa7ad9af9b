"""Reads about claims: per-claim aggregates (DESIGN.md, "Aggregation per claim"), claim
pages and appearances.

Counts and consensus are computed by the database in one annotated query; what SQL
cannot do (agreement, grouping origins) runs over one extra query per page, never one
per claim.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import CharField as CharFieldType

from annotations.models import Claim, Label, Measure, Span, Verdict
from annotations.rules.agreement import alpha_nominal
from annotations.rules.consensus import CONTESTED, INSUFFICIENT, MIN_REVIEWERS
from annotations.rules.visibility import origins_counted
from annotations.selectors import visibility
from annotations.selectors.measures import claim_figures, measure_judgements
from annotations.selectors.origins import claims_origins
from annotations.selectors.visibility import Viewer

VISIBLE = Q(spans__verdicts__hidden=False)


def _counted() -> Q:
    """The verdicts the consensus rule counts: visible, and the latest of its reviewer on
    its claim (annotations.rules.consensus), as services.verdicts_count_latest stored it
    with every write. Reading a flag keeps the list one GROUP BY; ranking each reviewer's
    verdicts in the query, repeated in every expression that reads the counts, took
    seconds at 10,000 verdicts on SQLite."""
    return VISIBLE & Q(spans__verdicts__counts_for_claim=True)


def claims_annotated(claims: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """Claims with every countable aggregate, from one GROUP BY query:

    appearances, article_count, reviewer_count, verdict_count, evidenced,
    n_<label> (visible verdicts with the label), r_<label> (reviewers counting with it:
    each reviewer once, with their latest visible label, so they sum to reviewer_count),
    last_verdict_at, consensus (a label, "contested" or "insufficient"), is_ruled.
    Hidden verdicts count nowhere. The rule is annotations.rules.consensus."""
    counted = _counted()
    claims = Claim.objects.all() if claims is None else claims
    per_label = {}
    for label in Label.values:
        holds = Q(spans__verdicts__label=label)
        per_label[f"n_{label}"] = Count("spans__verdicts", filter=VISIBLE & holds)
        per_label[f"r_{label}"] = Count(
            "spans__verdicts__reviewer", filter=counted & holds, distinct=True
        )
    claims = claims.annotate(
        appearances=Count("spans", distinct=True),
        article_count=Count("spans__article", distinct=True),
        reviewer_count=Count("spans__verdicts__reviewer", filter=VISIBLE, distinct=True),
        verdict_count=Count("spans__verdicts", filter=VISIBLE),
        evidenced=Count("spans__verdicts", filter=VISIBLE & ~Q(spans__verdicts__evidence_url="")),
        last_verdict_at=Max("spans__verdicts__updated_at"),
        **per_label,
    )
    # The consensus rule of annotations.rules.consensus, in integers: label * 3 >= total * 2.
    two_thirds_of = {f"t_{label}": F(f"r_{label}") * 3 for label in Label.values}
    claims = claims.annotate(total_x2=F("reviewer_count") * 2, **two_thirds_of)
    enough = Q(reviewer_count__gte=MIN_REVIEWERS)
    return claims.annotate(
        consensus=Case(
            *[
                When(enough & Q(**{f"t_{label}__gte": F("total_x2")}), then=Value(label))
                for label in Label.values
            ],
            When(Q(r_verified__gt=0, r_disputed__gt=0), then=Value(CONTESTED)),
            default=Value(INSUFFICIENT),
            output_field=CharFieldType(),
        ),
        is_contested=Case(
            When(
                Q(r_verified__gt=0, r_disputed__gt=0)
                & ~Q(
                    *[Q(**{f"t_{label}__gte": F("total_x2")}) for label in Label.values],
                    _connector=Q.OR,
                ),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        is_ruled=Case(
            When(ruling="", then=Value(False)), default=Value(True), output_field=BooleanField()
        ),
    )


def claims_for(viewer: Viewer, claims: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """claims_annotated() for one viewer (annotations.selectors.visibility.with_sight):
    every claim, with `others_visible` and the seen_* aggregates to filter and sort on."""
    return visibility.with_sight(viewer, claims_annotated(claims))


def claims_needing_attention_for(
    viewer: Viewer, claims: QuerySet[Claim] | None = None
) -> QuerySet[Claim]:
    """The moderators' order (contested first, then unruled claims with the most
    reviewers, then the rest) over what the viewer may see: a claim the viewer has not
    voted on is neither contested nor reviewed for them, so its place tells nothing."""
    return claims_for(viewer, claims).order_by(
        F("seen_contested").desc(),
        "is_ruled",
        F("seen_reviewer_count").desc(),
        "-updated_at",
        "pk",
    )


@dataclass
class ClaimAggregate:
    claim: Claim
    outlets: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    alpha: float | None = None
    # False while the viewer may not see what others' verdicts tell (blind review).
    others_visible: bool = True

    @property
    def counts(self) -> dict[str, int]:
        if not self.others_visible:
            return {}
        return {label: getattr(self.claim, f"n_{label}") for label in Label.values}

    @property
    def reviewer_counts(self) -> dict[str, int]:
        if not self.others_visible:
            return {}
        return {label: getattr(self.claim, f"r_{label}") for label in Label.values}

    @property
    def origins_counted(self) -> bool:
        return origins_counted(sees_others=self.others_visible)

    @property
    def bar_segments(self) -> list[tuple[str, int, int]]:
        """(label, verdicts, width in %) of the stacked tally bar in the claim list and the
        admin; empty where the viewer is blind (counts is). Widths are classes in 5 % steps,
        since the CSP allows no inline style; cumulative rounding makes them add up to
        exactly 100."""
        counts = self.counts
        total = sum(counts.values())
        segments, done, edge = [], 0, 0
        for label, count in counts.items():
            if not count:
                continue
            done += count
            next_edge = round(done * 20 / total) * 5
            segments.append((label, count, next_edge - edge))
            edge = next_edge
        return segments

    @property
    def last_activity(self) -> datetime.datetime:
        verdict_at = self.claim.last_verdict_at
        return max(self.claim.updated_at, verdict_at) if verdict_at else self.claim.updated_at


def claim_aggregates_for(viewer: Viewer, claims: list[Claim]) -> list[ClaimAggregate]:
    """claim_aggregates() of claims read through claims_for(viewer): where the viewer may
    not see others' verdicts, the aggregate carries none of them and neither does the
    claim (visibility.scrub)."""
    blind_ids = {claim.pk for claim in claims if not claim.others_visible}
    for claim in claims:
        if claim.pk in blind_ids:
            visibility.scrub(claim)
    return claim_aggregates(claims, blind_ids=blind_ids)


def claim_aggregates(
    claims: list[Claim], *, blind_ids: set[int] = frozenset()
) -> list[ClaimAggregate]:
    """Complete aggregates for claims already annotated by claims_annotated(): outlets,
    grouped origins and alpha, with two more queries whatever the number of claims (a
    third when an origin is named: the moderators' decisions, selectors.origins).

    Everything, for moderation surfaces (admin, exports of published rulings); reviewer
    surfaces call claim_aggregates_for, which names in `blind_ids` the claims whose
    verdicts the viewer may not see: their verdicts are not even read."""
    ids = [claim.pk for claim in claims]
    seen_ids = [pk for pk in ids if pk not in blind_ids]
    outlets: dict[int, set[str]] = defaultdict(set)
    for claim_id, outlet in (
        Span.objects.filter(claim_id__in=ids)
        .exclude(article__outlet="")
        .values_list("claim_id", "article__outlet")
        .distinct()
    ):
        outlets[claim_id].add(outlet)
    matrices: dict[int, dict[int, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))
    attributions: dict[int, list[str]] = defaultdict(list)
    # In the order they were given: origins are listed as first named, on any database.
    for claim_id, span_id, reviewer_id, label, attributed_to in (
        Verdict.objects.filter(span__claim_id__in=seen_ids, hidden=False)
        .order_by("pk")
        .values_list("span__claim_id", "span_id", "reviewer_id", "label", "attributed_to")
    ):
        matrices[claim_id][reviewer_id][span_id] = label
        if label == Label.ATTRIBUTED and attributed_to:
            attributions[claim_id].append(attributed_to)
    origins = claims_origins(claims=claims, attributions=attributions, seeing=set(seen_ids))
    return [
        ClaimAggregate(
            claim=claim,
            outlets=sorted(outlets[claim.pk]),
            origins=origins[claim.pk],
            alpha=alpha_nominal(matrices[claim.pk]) if claim.pk in matrices else None,
            others_visible=claim.pk not in blind_ids,
        )
        for claim in claims
    ]


@dataclass
class Appearance:
    span: Span
    before: str
    after: str
    verdicts: list[Verdict]
    hidden_count: int
    mine: Verdict | None


@dataclass
class ClaimPage:
    aggregate: ClaimAggregate
    appearances: list[Appearance]
    measures: list = field(default_factory=list)

    @property
    def tallies_visible(self) -> bool:
        return self.aggregate.others_visible


CONTEXT_CHARS = 120


def claim_page(*, claim_id: int, viewer: Viewer) -> ClaimPage:
    """A claim with every appearance in context and the verdicts the viewer may see: the
    blind rule decides for the claim as a whole (a vote on any appearance shows the
    verdicts on all of them); moderators see all, hidden verdicts too."""
    claim = claims_for(
        viewer, Claim.objects.filter(pk=claim_id).select_related("superseded_by")
    ).get()
    claim.supersedes_list = list(claim.supersedes.all())
    [aggregate] = claim_aggregates_for(viewer, [claim])
    spans = list(
        Span.objects.filter(claim=claim)
        .select_related("article")
        .order_by(F("article__published").asc(nulls_last=True), "article_id", "start")
    )
    verdicts_by_span: dict[int, list[Verdict]] = defaultdict(list)
    verdicts = Verdict.objects.filter(span__claim=claim).select_related("reviewer")
    if not aggregate.others_visible:
        # Only the viewer's own: until they vote there is none, and nothing else is read.
        verdicts = verdicts.filter(reviewer=viewer.user)
    for verdict in verdicts:
        verdicts_by_span[verdict.span_id].append(verdict)
    appearances = []
    for span in spans:
        verdicts = verdicts_by_span[span.pk]
        mine = next((v for v in verdicts if v.reviewer_id == viewer.user.pk), None)
        visible = [v for v in verdicts if not v.hidden or viewer.moderating]
        text = span.article.text
        appearances.append(
            Appearance(
                span=span,
                before=text[max(0, span.start - CONTEXT_CHARS) : span.start],
                after=text[span.end : span.end + CONTEXT_CHARS],
                verdicts=visible,
                hidden_count=sum(1 for v in verdicts if v.hidden) if viewer.moderating else 0,
                mine=mine,
            )
        )

    measures = Measure.objects.filter(
        pk__in=claim_figures(claim_ids=[claim.pk]).values("measure_id")
    )
    return ClaimPage(
        aggregate=aggregate,
        appearances=appearances,
        measures=measure_judgements(measures=measures),
    )


def claims_listed() -> QuerySet[Claim]:
    """The claims a list shows: not those merged away (claim_merge resolves them and moves
    every appearance to the claim they went into), which have nothing left to triage. A
    resolved claim counts as merged away once no appearance is left on it."""
    has_appearance = Exists(Span.objects.filter(claim_id=OuterRef("pk")))
    return Claim.objects.exclude(Q(status=Claim.Status.RESOLVED) & ~has_appearance)


@dataclass
class PublicRuling:
    # Read through claims_annotated(), as the ClaimReview export reads it.
    claim: Claim
    # Distinct evidence URLs, in the order they were given.
    evidence: list[str]
    # Each article the claim appears in, once, earliest first.
    articles: list


def rulings_published() -> QuerySet[Claim]:
    """Claims with a published ruling, newest ruling first: the public index."""
    return (
        Claim.objects.exclude(ruling="")
        .only("text", "ruling", "ruled_at")
        .order_by(F("ruled_at").desc(nulls_last=True), "-pk")
    )


def ruling_public(*, claim_id: int) -> PublicRuling | None:
    """A published ruling as the public sees it, or None when the claim has no ruling
    (never ruled, or reopened). Evidence: the links of visible verdicts with the ruled
    label. This reads others' verdicts without a Viewer on purpose: blind review keeps
    reviewers from being swayed before they vote, and a published ruling has closed the
    vote; hidden verdicts stay out, and nothing names a reviewer or quotes a note."""
    claim = claims_annotated(Claim.objects.exclude(ruling="").filter(pk=claim_id)).first()
    if claim is None:
        return None
    evidence = (
        Verdict.objects.filter(span__claim=claim, label=claim.ruling, hidden=False)
        .exclude(evidence_url="")
        .order_by("created_at", "pk")
        .values_list("evidence_url", flat=True)
    )
    articles = {}
    for span in claim_appearances(claim_ids=[claim.pk]):
        articles.setdefault(span.article_id, span.article)
    return PublicRuling(
        claim=claim, evidence=list(dict.fromkeys(evidence)), articles=list(articles.values())
    )


def claim_appearances(*, claim_ids: list[int]) -> QuerySet[Span]:
    """The spans of these claims with their articles, earliest article first."""
    return (
        Span.objects.filter(claim_id__in=claim_ids)
        .select_related("article")
        .order_by(F("article__published").asc(nulls_last=True), "article_id", "start")
    )
