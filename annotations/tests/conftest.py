"""Fixtures for the claim tests: the seed corpus tagged by the test world."""

from __future__ import annotations

import pytest

from annotations import services
from annotations.models import Article
from annotations.tests.test_seeds import CAPTURED_909

GENERAL_STAFF_SPELLINGS = [
    "General Staff of the Armed Forces of Ukraine",
    "the General Staff",
    "Ukraine's General Staff",
    "general staff of the armed forces of Ukraine",
]
# (reviewer, article) -> (label, evidence): three reviewers, four articles, mixed labels.
PLAN = {
    "alice": ["attributed", "attributed", "attributed", "attributed"],
    "bob": ["attributed", "attributed", "verified", "attributed"],
    "charlie": ["disputed", "attributed", "disputed", "attributed"],
}
EVIDENCE = "https://example.org/general-staff-statement"


@pytest.fixture
def claim_909(seeds, alice, bob, charlie):
    """The reviewers tag the "909 captured" sentence in each of the four articles."""
    reviewers = {"alice": alice, "bob": bob, "charlie": charlie}
    claim = None
    for column, (source_name, wording) in enumerate(CAPTURED_909.items()):
        article = Article.objects.get(source_name=source_name)
        start = article.text.index(wording)
        for name, labels in PLAN.items():
            label = labels[column]
            verdict = services.verdict_record(
                article=article,
                start=start,
                end=start + len(wording),
                exact=wording,
                reviewer=reviewers[name],
                label=label,
                attributed_to=GENERAL_STAFF_SPELLINGS[column] if label == "attributed" else "",
                evidence_url=EVIDENCE if label != "attributed" else "",
                claim=claim,
                new_claim_text="Ukraine captured 909 Russian soldiers in the Kursk operation",
            )
            claim = verdict.span.claim
    return claim


# --- the permission matrix and fuzz world ----------------------------------------------------

TANKS = (
    "Tanks near Kursk\n\n"
    "The ministry said 12 tanks were destroyed on Monday. Nobody denied it.\n\n"
    "According to the General Staff, 300 drones were shot down."
)
MORE_TANKS = "More tanks\n\nOfficials said 15 tanks were destroyed by Tuesday."


@pytest.fixture
def world(alice, bob, charlie, maria, django_user_model, groups):
    """One of every kind of object: alice's verdict on an open claim, a published claim with
    charlie's hidden verdict, two measures with their figures, another moderator (mona) and
    a superuser (root), and alice's verdict on an open claim of its own in the other article.
    Bob has no verdict: he is "another reviewer" on alice's objects."""
    import datetime
    from types import SimpleNamespace

    from annotations.models import Measure, OriginName, Quantity
    from annotations.rules.origins import spelling_key

    mona = django_user_model.objects.create_user("mona", password="mona-password", is_staff=True)
    mona.groups.add(groups[1])
    root = django_user_model.objects.create_superuser("root", password="root-password")
    article, _ = services.article_import(
        title="Tanks near Kursk", outlet="Example", text=TANKS, published=datetime.date(2025, 2, 7)
    )
    other_article, _ = services.article_import(
        title="More tanks", outlet="Other", text=MORE_TANKS, published=datetime.date(2025, 2, 8)
    )

    def record(reviewer, wording, **fields):
        start = article.text.index(wording)
        return services.verdict_record(
            article=article,
            start=start,
            end=start + len(wording),
            exact=wording,
            reviewer=reviewer,
            **fields,
        )

    verdict = record(
        alice,
        "12 tanks",
        label="disputed",
        note="Count differs.",
        evidence_url="https://example.org/count",
        new_claim_text="12 tanks were destroyed on Monday",
    )
    drones = record(
        alice,
        "300 drones",
        label="attributed",
        attributed_to="the General Staff",
        new_claim_text="300 drones were shot down",
    )
    hidden = record(charlie, "300 drones", label="disputed", note="Spam.")
    start = other_article.text.index("15 tanks")
    fifteen = services.verdict_record(
        article=other_article,
        start=start,
        end=start + len("15 tanks"),
        exact="15 tanks",
        reviewer=alice,
        label="verified",
        evidence_url="https://example.org/fifteen",
        new_claim_text="15 tanks were destroyed by Tuesday",
    )
    services.verdict_hide(verdict=hidden, moderator=maria, reason="spam")
    ruled = services.ruling_publish(
        claim=drones.span.claim,
        moderator=maria,
        label="attributed",
        rationale="Only the General Staff says so.",
    )
    tanks = Measure.objects.get(key="russian:equipment:tanks")
    return SimpleNamespace(
        alice=alice,
        bob=bob,
        charlie=charlie,
        maria=maria,
        mona=mona,
        root=root,
        article=article,
        other_article=other_article,
        sentence=article.sentences.get(start__lte=verdict.span.start, end__gt=verdict.span.start),
        span=verdict.span,
        claim=verdict.span.claim,
        verdict=verdict,
        drones_span=drones.span,
        ruled=ruled,
        drones_verdict=drones,
        hidden=hidden,
        other=fifteen.span.claim,
        tanks=tanks,
        figure=Quantity.objects.filter(measure=tanks).order_by("pk").first(),
        drones=Measure.objects.get(key="russian:equipment:drones"),
        # The spelling alice typed, as the origins admin records it (one save: a version).
        origin_name=OriginName.objects.create(
            name="the General Staff", key=spelling_key("the General Staff")
        ),
    )


# --- revisions in the matrix and fuzz world ---------------------------------------------------

DRONES_V1 = "Drones over Belgorod\n\nThe governor said 40 drones were downed overnigt."
DRONES_V2 = "Drones over Belgorod\n\nThe governor said 40 drones were downed overnight."


def world_revise(world) -> None:
    """Add to the world an article alice judged and that was then revised (a typo fixed in
    her sentence): `revised`, its current revision, and `flag`, alice's pending "changed
    since you reviewed" flag on it. Bob and maria have none."""
    from annotations.models import RevisionFlag

    url = "https://example.org/belgorod-drones"
    first, _ = services.article_import(title="Drones over Belgorod", text=DRONES_V1, url=url)
    wording = "The governor said 40 drones were downed overnigt."
    start = first.text.index(wording)
    services.verdict_record(
        article=first,
        start=start,
        end=start + len(wording),
        exact=wording,
        reviewer=world.alice,
        label="attributed",
        attributed_to="the governor",
        new_claim_text="40 drones were downed over Belgorod",
    )
    world.revised, _ = services.article_import(
        title="Drones over Belgorod", text=DRONES_V2, url=url
    )
    world.flag = RevisionFlag.objects.get(reviewer=world.alice, revision=world.revised)
