"""The claims admin a moderator decides in (issue #9, part 7): a changelist whose claim text
gets the width, and ruling and merge pages that show the tallies and appearances to decide
by and warn before a ruling against the reviewers' consensus (rules.rulings)."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from annotations.rules.consensus import CONTESTED, INSUFFICIENT
from annotations.rules.rulings import goes_against_consensus, ruling_refusals
from annotations.tests.snapshots import client_for, send
from annotations.tests.test_duplicates import SOURCES, _tag

CHANGELIST = "/admin/annotations/claim/"


@pytest.fixture
def attributed_909(seeds, alice, bob, charlie):
    """The 909 claim in two articles: alice and bob hold attributed (the consensus), charlie
    disputed with evidence."""
    claim = _tag(alice, 0, "attributed").span.claim
    _tag(bob, 1, "attributed", claim=claim)
    _tag(charlie, 1, "disputed", claim=claim)
    return claim


@pytest.mark.parametrize(
    ("label", "consensus", "against"),
    [
        ("disputed", "attributed", True),
        ("verified", "attributed", True),
        ("attributed", "attributed", False),
        ("verified", CONTESTED, False),
        ("disputed", INSUFFICIENT, False),
    ],
)
def test_it_says_which_rulings_go_against_the_consensus(label, consensus, against):
    assert goes_against_consensus(label=label, consensus=consensus) is against
    # The same rule the refusal applies: against the consensus needs an overrule.
    refusals = ruling_refusals(
        label=label,
        reviewers_per_label={label: 2},
        evidenced_per_label={label: 1},
        consensus=consensus,
        overrule=False,
    )
    assert any("overrules it" in r for r in refusals) is against


def _action(client, action: str, ids: list[int], **data):
    return send(
        client,
        "post",
        CHANGELIST,
        {"action": action, "index": "0", "_selected_action": ids, **data},
    )


def test_the_ruling_page_shows_the_tallies_and_appearances_and_warns_before_an_overrule(
    attributed_909, maria
):
    client = client_for(maria)
    response = client.post(
        CHANGELIST,
        {"action": "publish_ruling", "index": "0", "_selected_action": [attributed_909.pk]},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "To decide by" in html and 'class="fc-tally"' in html
    assert "Consensus: <strong>attributed</strong>" in html and "3 reviewers" in html
    for source in SOURCES[:2]:
        assert attributed_909.spans.filter(article__source_name=source).exists()
    for span in attributed_909.spans.select_related("article"):
        assert span.article.title in html and span.exact[:60] in html
    # Before choosing: which labels would overrule the reviewers.
    assert "a verified or a disputed ruling would overrule the reviewers (attributed)" in html
    assert 'role="alert"' not in html


def test_it_warns_when_the_chosen_ruling_goes_against_the_consensus(attributed_909, maria):
    client = client_for(maria)
    response = client.post(
        CHANGELIST,
        {
            "action": "publish_ruling",
            "index": "0",
            "_selected_action": [attributed_909.pk],
            "apply": "1",
            "ruling": "disputed",
            "rationale": "The count is not established.",
        },
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "A disputed ruling goes against the reviewers' consensus (attributed)" in html
    assert "The count is not established." in html  # what was typed stays
    attributed_909.refresh_from_db()
    assert attributed_909.ruling == ""
    # With the consensus: no warning, and it publishes.
    response = _action(
        client,
        "publish_ruling",
        [attributed_909.pk],
        apply="1",
        ruling="attributed",
        rationale="Only the General Staff says so.",
    )
    assert response.status == 302
    attributed_909.refresh_from_db()
    assert attributed_909.ruling == "attributed"


def test_it_does_not_warn_when_the_reviewers_have_no_consensus(seeds, alice, bob, maria):
    claim = _tag(alice, 0, "verified").span.claim
    _tag(bob, 0, "disputed", claim=claim)  # contested
    client = client_for(maria)
    html = client.post(
        CHANGELIST,
        {"action": "publish_ruling", "index": "0", "_selected_action": [claim.pk]},
        HTTP_X_CSRFTOKEN=client.csrf,
    ).content.decode()
    assert "Consensus: <strong>⚠ contested</strong>" in html
    assert "would overrule" not in html and "goes against" not in html


def test_the_merge_page_shows_each_claim_with_its_tallies_and_appearances(
    seeds, alice, bob, charlie, maria
):
    first = _tag(alice, 0, "verified").span.claim
    _tag(bob, 0, "verified", claim=first)
    second = _tag(charlie, 1, "disputed").span.claim
    client = client_for(maria)
    response = client.post(
        CHANGELIST,
        {"action": "merge", "index": "0", "_selected_action": [first.pk, second.pk]},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="fc-side"') == 2
    assert "Consensus: <strong>verified</strong>" in html
    assert "Consensus: <strong>insufficient</strong>" in html
    for claim in (first, second):
        span = claim.spans.select_related("article").get()
        assert span.article.title in html and span.exact[:60] in html
    assert f'name="into" value="{first.pk}"' in html


def test_the_changelist_gives_the_claim_text_the_width(seeds, alice, bob, maria):
    claim = _tag(alice, 1, "verified").span.claim
    _tag(bob, 2, "verified", claim=claim)
    long = _tag(alice, 0, "attributed").span.claim
    html = client_for(maria).get(CHANGELIST).content.decode()
    # Seven columns beside the checkbox; no app list beside them.
    table = html.split('id="result_list"')[1].split("</thead>")[0]
    assert table.count('<th scope="col"') == 8
    assert 'id="nav-sidebar"' not in html
    # The whole claim text, not the first 100 characters.
    assert escape(claim.text) in html and len(claim.text) > 100
    # A very long one is cut at 240 characters, visibly.
    assert len(long.text) > 240 and escape(long.text[:239]) + "…" in html
    assert "2 reviewers · 2 evidenced · α" in html
    assert "ruled" not in html.split('id="result_list"')[1].split("</table>")[0]
