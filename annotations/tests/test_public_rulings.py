"""Public ruling pages (DESIGN.md, "Published rulings are public") and the claim list as a
triage view: what the public sees of a ruling, and nothing blind or unpublished."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import Article, Claim, Span, Verdict
from annotations.tests import test_visibility as blind_walk
from annotations.tests.conftest import EVIDENCE
from annotations.tests.test_claim_views import _client, _many_claims

# The blind walk's fixtures and its check, so the triage list is held to the same rule.
contested, dora, secrets = blind_walk.contested, blind_walk.dora, blind_walk.secrets

ORIGINAL = "https://news.example.org/kursk-909"
RULED_EVIDENCE = "https://example.org/general-staff-telegram"
HIDDEN_EVIDENCE = "https://example.org/hidden-evidence"
HIDDEN_NOTE = "A note on a hidden verdict"
OTHER_NOTE = "A note on a verified verdict"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def ruled(claim_909, alice, bob, charlie, maria):
    """claim_909 ruled "attributed": one attributed verdict carries evidence, a hidden one
    evidence and a note, a verified one a note; one appearance has its original URL."""
    verdicts = Verdict.objects.filter(span__claim=claim_909)
    first, second = verdicts.filter(label="attributed", reviewer=alice).order_by("pk")[:2]
    Verdict.objects.filter(pk=first.pk).update(evidence_url=RULED_EVIDENCE)
    hidden = verdicts.get(span=second.span, reviewer=charlie)
    Verdict.objects.filter(pk=hidden.pk).update(
        evidence_url=HIDDEN_EVIDENCE, note=HIDDEN_NOTE, hidden=True, hidden_reason="duplicate"
    )
    verdicts.filter(label="verified").update(note=OTHER_NOTE)
    Article.objects.filter(pk=first.span.article_id).update(url=ORIGINAL, outlet="Kursk News")
    return services.ruling_publish(
        claim=claim_909,
        moderator=maria,
        label="attributed",
        rationale="Only the General Staff's statement; no independent count.",
    )


def _public(claim) -> str:
    response = Client().get(reverse("ruling_public", args=[claim.pk]))
    assert response.status_code == 200
    # Random tokens (CSRF, CSP nonce) could spell a username by chance.
    return re.sub(r'"X-CSRFToken":\s*"[^"]*"|\snonce="[^"]*"', "", response.content.decode())


def test_it_shows_a_published_ruling_to_anyone(ruled):
    page = _public(ruled)
    assert ruled.text in page
    assert "Ruling: Attributed" in page
    assert "Only the General Staff&#x27;s statement; no independent count." in page
    assert f'<a href="{RULED_EVIDENCE}"' in page
    assert f'<a href="{ORIGINAL}" rel="noopener noreferrer nofollow">' in page
    assert "Kursk News" in page
    # Four appearances; the three without an original URL are named, not linked.
    assert page.count("<li>", page.index("public-appearances")) == 4
    # Nothing of the ruling leads to the workspace or a login page (the header's own
    # "Sign in" is for the newsroom's staff).
    ruling = page.split('<main id="main"', 1)[1]
    assert "/articles/" not in ruling and "/login/" not in ruling


def test_it_shows_nothing_blind_or_unpublished_on_the_public_page(ruled):
    page = _public(ruled)
    for secret in (HIDDEN_EVIDENCE, HIDDEN_NOTE, OTHER_NOTE, EVIDENCE, "alice", "bob", "charlie"):
        assert secret not in page, secret
    assert "maria" not in page  # nor who ruled


def test_it_shows_the_overrule_note(ruled):
    assert "overruled" not in _public(ruled)
    Claim.objects.filter(pk=ruled.pk).update(ruling_overrules_consensus="contested")
    assert "overruled the reviewers' consensus (contested)" in _public(ruled)


def test_it_is_a_404_for_a_claim_not_ruled_or_reopened(ruled, maria):
    open_claim = Claim.objects.create(text="Not ruled")
    client = Client()
    assert client.get(reverse("ruling_public", args=[open_claim.pk])).status_code == 404
    services.claim_reopen(claim=ruled, moderator=maria)
    assert client.get(reverse("ruling_public", args=[ruled.pk])).status_code == 404
    assert client.get("/rulings/99999999/").status_code == 404


def test_it_embeds_the_claim_review_export_as_json_ld(ruled):
    page = _public(ruled)
    [embedded] = JSON_LD.findall(page)
    export = Client().get(reverse("claim_review", args=[ruled.pk])).json()
    assert json.loads(embedded) == export
    assert export["url"] == f"http://testserver/rulings/{ruled.pk}/"
    urls = [a["url"] for a in export["itemReviewed"]["appearance"]]
    assert ORIGINAL in urls
    # Appearances without an original point at the public page, never at a login page.
    assert set(urls) == {ORIGINAL, export["url"]}


def test_it_escapes_markup_in_the_json_ld(ruled):
    Claim.objects.filter(pk=ruled.pk).update(text="909 </script><script>alert(1)</script> & co")
    page = _public(ruled)
    [embedded] = JSON_LD.findall(page)
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded
    assert json.loads(embedded)["claimReviewed"].startswith("909 </script>")


@pytest.mark.parametrize("count", [1, 30])
def test_it_reads_the_public_page_in_a_fixed_number_of_queries(
    alice, bob, maria, django_assert_num_queries, count
):
    _many_claims(count, alice, bob)
    claim = Claim.objects.order_by("pk").first()
    for span in Span.objects.exclude(claim=claim):
        Span.objects.filter(pk=span.pk).update(claim=claim)
    # alice verified, bob disputed every claim: the ruling overrules "contested".
    services.ruling_publish(
        claim=claim, moderator=maria, label="verified", rationale="Checked.", overrule=True
    )
    # claim, evidence, appearances; the ClaimReview's appearances, figures, outlets, matrix
    with django_assert_num_queries(7):
        assert Client().get(reverse("ruling_public", args=[claim.pk])).status_code == 200


def test_it_lists_published_rulings_only_in_pages(ruled, alice, bob, maria):
    _many_claims(30, alice, bob)
    for claim in Claim.objects.filter(text__startswith="Claim number"):
        services.ruling_publish(
            claim=claim, moderator=maria, label="verified", rationale="Checked.", overrule=True
        )
    Claim.objects.create(text="Never ruled")
    client = Client()
    first = client.get(reverse("ruling_index")).content.decode()
    assert first.count('class="claim-row"') == 25 and "Never ruled" not in first
    assert 'href="?page=2" rel="next"' in first
    second = client.get(reverse("ruling_index"), {"page": 2}).content.decode()
    assert second.count('class="claim-row"') == 6
    assert f'href="/rulings/{ruled.pk}/"' in first + second


def test_it_says_so_when_no_ruling_is_published(db):
    page = Client().get(reverse("ruling_index")).content.decode()
    assert '<p class="empty">No ruling is published yet.</p>' in page and "<ol" not in page


# --- the claim list as a triage view ---------------------------------------------------------


def test_it_shows_each_claim_with_a_tally_bar_consensus_and_evidence(ruled, alice):
    page = _client(alice).get(reverse("claim_list")).content.decode()
    row = page[page.index(ruled.text) :]
    row = row[: row.index("</li>")]
    # Visible verdicts: 9 attributed (one hidden), 1 verified, 2 disputed -> 11 counted.
    assert 'class="fc-bar" role="img" aria-label="1 verified, 2 disputed, 8 attributed"' in row
    assert re.findall(r"fc-w(\d+)", row) == ["10", "15", "75"]
    assert "consensus: <strong>attributed</strong>" in row
    assert "4 with evidence" in row  # the hidden verdict's does not count
    assert "4 articles (Kursk News)" in row
    assert f'href="/rulings/{ruled.pk}/"' in row


def test_it_keeps_every_filter_in_the_pager(alice, bob):
    _many_claims(30, alice, bob)
    page = _client(alice).get(
        reverse("claim_list"), {"q": "Claim number", "show": "open", "current": "1"}
    )
    html = page.content.decode()
    assert 'href="?q=Claim+number&amp;show=open&amp;current=1&amp;page=2" rel="next"' in html


def test_it_says_no_claim_matches_outside_the_list(claim_909, alice):
    html = _client(alice).get(reverse("claim_list"), {"q": "nothing like this"}).content.decode()
    assert '<p class="empty">No claim matches.</p>' in html
    assert "<ol" not in html[html.index('id="results"') :]


def test_it_leaves_merged_away_claims_out_of_the_list(claim_909, contested, alice, maria):
    services.claim_merge(claims=[claim_909, contested], into=contested, moderator=maria)
    html = _client(alice).get(reverse("claim_list")).content.decode()
    assert contested.text in html and claim_909.text not in html
    # Still on its own page, which says where it went.
    detail = _client(alice).get(reverse("claim_detail", args=[claim_909.pk]))
    assert f"Merged into claim #{contested.pk}" in detail.content.decode()


def test_it_shows_a_reviewer_who_has_not_voted_no_bar(claim_909, contested, secrets, dora):
    for params in ({}, {"show": "open"}):
        html = _client(dora).get(reverse("claim_list"), params).content.decode()
        assert "fc-bar" not in html
        blind_walk._assert_blind(html, f"claim list {params}")
