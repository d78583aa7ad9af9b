"""The database side of blind review (annotations.rules.visibility): which claims and
spans a viewer has voted on, and querysets narrowed or annotated for that viewer.

Every reviewer-facing read goes through here: a surface asks for a Viewer once, then
filters spans and verdicts with `spans_seen` / `verdicts_seen`, or annotates claims with
`with_sight`. Each is a condition or a subquery inside the query the surface already
runs, so blind review costs no query of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from annotations.models import Claim, Label, Span, Verdict
from annotations.roles import is_moderator
from annotations.rules.visibility import Surface, blind

# Attributes claims_annotated() puts on a claim that come from others' verdicts.
DERIVED_FROM_VERDICTS = (
    "reviewer_count",
    "verdict_count",
    "evidenced",
    "last_verdict_at",
    "consensus",
    "is_contested",
    *(f"{prefix}_{label}" for prefix in ("n", "r", "t") for label in Label.values),
    "total_x2",
)


@dataclass(frozen=True)
class Viewer:
    user: object
    # The rule's answer before any vote: True when others' verdicts wait for the viewer's.
    blind: bool
    # A moderator on a moderation surface: also sees hidden verdicts and why they were hidden.
    moderating: bool = False


def viewer_for(user, *, surface: Surface) -> Viewer:
    """The viewer as the rule sees them on this surface. The role is only asked for (one
    query) on moderation surfaces: in the workspace it changes nothing."""
    moderating = surface is Surface.MODERATION and is_moderator(user)
    return Viewer(
        user=user,
        blind=blind(blind_review=settings.BLIND_REVIEW, moderator=moderating, surface=surface),
        moderating=moderating,
    )


def _voted_claims(viewer: Viewer) -> QuerySet:
    return Verdict.objects.filter(reviewer=viewer.user, span__claim__isnull=False).values(
        "span__claim_id"
    )


def _seen(viewer: Viewer, *, span: str, claim: str) -> Q:
    """Condition on rows that reach a span (through `span`, its id, and `claim`, its claim
    id): the viewer voted on the span's claim, or on the span while it has no claim.
    This is rules.visibility.sees_others (voted, or not blind) as SQL."""
    if not viewer.blind:
        return Q()
    voted_on_span = Verdict.objects.filter(reviewer=viewer.user, span_id=OuterRef(span))
    return Q(**{f"{claim}__in": _voted_claims(viewer)}) | (
        Q(**{f"{claim}__isnull": True}) & Q(Exists(voted_on_span))
    )


def spans_seen(viewer: Viewer) -> Q:
    """Spans on which the viewer may see others' verdicts (a condition on Span)."""
    return _seen(viewer, span="pk", claim="claim_id")


def spans_seen_expression(viewer: Viewer):
    """spans_seen as a boolean to annotate a Span queryset with (`others_visible`)."""
    if not viewer.blind:
        return Value(True, output_field=BooleanField())
    return Case(
        When(spans_seen(viewer), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def spans_marked(viewer: Viewer, spans: QuerySet[Span]) -> QuerySet[Span]:
    """Of these spans, those the viewer may see marked, each with their label (my_label):
    the ones they gave a verdict on, and the ones with a visible verdict whose verdicts
    they may see (blind review)."""
    my_verdict = Verdict.objects.filter(span=OuterRef("pk"), reviewer=viewer.user)
    others_visible = Verdict.objects.filter(span=OuterRef("pk"), hidden=False)
    return spans.filter(
        Q(Exists(my_verdict)) | (Q(Exists(others_visible)) & spans_seen(viewer))
    ).annotate(my_label=Subquery(my_verdict.values("label")[:1]))


def verdicts_seen(viewer: Viewer, verdicts: QuerySet[Verdict]) -> QuerySet[Verdict]:
    """Of these verdicts, the viewer's own and the others' they may see. Hidden verdicts
    stay in (a hiding changes what the viewer sees); callers drop them where they must."""
    if not viewer.blind:
        return verdicts
    seen = _seen(viewer, span="span_id", claim="span__claim_id")
    return verdicts.filter(Q(reviewer=viewer.user) | seen)


def claims_seen(viewer: Viewer, claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Of these claims, those whose aggregates the viewer may see."""
    if not viewer.blind:
        return claims
    return claims.filter(pk__in=_voted_claims(viewer))


def with_sight(viewer: Viewer, claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Claims already annotated by claims_annotated(), annotated for this viewer:
    `others_visible`, and `seen_consensus`, `seen_contested`, `seen_reviewer_count`, which
    are the aggregates where the viewer may see them and empty elsewhere. Wherever a
    reviewer sees the result (rows, order, counts, pager), filter and sort on these."""
    if not viewer.blind:
        return claims.annotate(
            others_visible=Value(True, output_field=BooleanField()),
            seen_consensus=F("consensus"),
            seen_contested=F("is_contested"),
            seen_reviewer_count=F("reviewer_count"),
        )
    voted = Exists(Verdict.objects.filter(reviewer=viewer.user, span__claim=OuterRef("pk")))
    claims = claims.annotate(others_visible=voted)
    return claims.annotate(
        seen_consensus=Case(
            When(others_visible=True, then=F("consensus")),
            default=Value(""),
            output_field=CharField(),
        ),
        seen_contested=Case(
            When(others_visible=True, then=F("is_contested")),
            default=Value(False),
            output_field=BooleanField(),
        ),
        seen_reviewer_count=Case(
            When(others_visible=True, then=F("reviewer_count")),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def scrub(claim: Claim) -> Claim:
    """Drop from a claim the viewer may not see everything derived from others' verdicts,
    so that no template can show it by mistake."""
    for name in DERIVED_FROM_VERDICTS:
        if hasattr(claim, name):
            setattr(claim, name, None)
    return claim


def span_of_article(article, start: int, end: int, viewer: Viewer) -> Span | None:
    """The span at [start, end) of the article, annotated `others_visible` for the viewer."""
    return (
        Span.objects.filter(article=article, start=start, end=end)
        .select_related("claim")
        .annotate(others_visible=spans_seen_expression(viewer))
        .first()
    )
