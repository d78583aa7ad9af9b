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
