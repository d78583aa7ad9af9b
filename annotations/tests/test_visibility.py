"""Blind review on every surface (DESIGN.md, "Visibility"): a reviewer who has not voted
on a claim sees its text, appearances and figures, and nothing of the others' verdicts;
after voting on any appearance, everything; a moderator is a reviewer in the workspace
and sees everything where she moderates."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import Article, Claim, Measure, Span, Verdict
from annotations.rules.visibility import Surface, blind, origins_shown, sees_others
from annotations.tests.test_seeds import CAPTURED_909

HTMX = {"HTTP_HX_REQUEST": "true"}
NOTE = "Private reasoning of"
ATTRIBUTED_TO = "Ministry of Secrets"
EVIDENCE = "https://example.org/secret-evidence"
CASUALTIES = "nearly 40,000 casualties"


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("article_list"))  # sets the CSRF cookie
    client.csrf = client.cookies["csrftoken"].value
    return client


def _save(client, article, start, end, **fields):
    data = {
        "start": start,
        "end": end,
        "exact": article.text[start:end],
        "label": "verified",
        "claim": "new",
        "claim_text": article.text[start:end],
        **fields,
    }
    response = client.post(
        reverse("verdict_save", args=[article.pk]), data, HTTP_X_CSRFTOKEN=client.csrf, **HTMX
    )
    assert response.status_code == 200, response.content.decode()[:500]
    return response


@pytest.fixture
def dora(django_user_model, groups):
    """A reviewer who has voted on nothing."""
    user = django_user_model.objects.create_user("dora", password="x")
    user.groups.add(groups[0])
    return user


@pytest.fixture
def contested(seeds, alice, bob):
    """The 40,000 casualties sentence: alice verified it, bob disputed it (contested)."""
    article = Article.objects.get(source_name="002_b7b6b312993bfb6a.txt")
    start = article.text.index(CASUALTIES)
    end = start + len(CASUALTIES)
    verdict = services.verdict_record(
        article=article,
        start=start,
        end=end,
        exact=CASUALTIES,
        reviewer=alice,
        label="verified",
        evidence_url=EVIDENCE,
        new_claim_text="Russia has suffered nearly 40,000 casualties in Kursk",
    )
    services.verdict_set(span=verdict.span, reviewer=bob, label="disputed")
    return verdict.span.claim


@pytest.fixture
def secrets(claim_909, contested):
    """Every verdict of the others carries a note, and every attributed one the same
    attribution, so that a leak of either is easy to find."""
    # update(), not save(): each reviewer's latest verdict, which counts, stays the latest.
    for reviewer_id, username in Verdict.objects.values_list(
        "reviewer_id", "reviewer__username"
    ).distinct():
        Verdict.objects.filter(reviewer_id=reviewer_id).update(note=f"{NOTE} {username}")
    Verdict.objects.filter(label="attributed").update(attributed_to=ATTRIBUTED_TO)
    return claim_909, contested


# --- the walk --------------------------------------------------------------------------------

# What a page may carry for a viewer who has voted on nothing, once the forms (verdict
# buttons, filters), the keyboard help and the quoted article text are set aside.
LEAKS = [
    NOTE,
    ATTRIBUTED_TO,
    EVIDENCE,
    "example.org/general-staff-statement",  # claim_909's evidence
    "alice",
    "bob",
    "charlie",
    "verified",
    "disputed",
    "attributed",
    "contested",
    "insufficient",
    "consensus",
    "⚠",
    "tagged this",
    "agreement",
    "hl-",
    "<mark",
]
COUNTED_REVIEWERS = re.compile(r"\d+\s+(other\s+)?reviewers?", re.I)
SET_ASIDE = re.compile(
    r"<form\b.*?</form>|<dialog\b.*?</dialog>|<blockquote\b.*?</blockquote>|<thead>.*?</thead>"
    # Column names repeated on phone cards, like the header row they stand for.
    r'|\sdata-label="[^"]*"'
    # Random tokens (CSRF, CSP nonce) can spell "bob" by chance.
    r'|"X-CSRFToken":\s*"[^"]*"|\snonce="[^"]*"',
    re.S,
)


def _assert_blind(html: str, where: str) -> None:
    rest = SET_ASIDE.sub("", html)
    # The article list's column is named "Contested claims" (in its header, and in each
    # phone card's data-label); its figure must be 0.
    for leak in LEAKS:
        assert leak.lower() not in rest.lower(), f"{where} shows {leak!r}"
    counted = COUNTED_REVIEWERS.search(rest)
    assert not counted, f"{where} counts reviewers: {counted and counted.group()!r}"


def _workspace_pages(client, claims):
    """Every workspace page and fragment, for the articles and spans of these claims."""
    yield "article list", client.get(reverse("article_list"))
    yield "article list fragment", client.get(reverse("article_list"), {"q": "Kursk"}, **HTMX)
    spans = Span.objects.filter(claim__in=claims).select_related("article")
    for span in spans:
        article = span.article
        yield "article page", client.get(reverse("article_detail", args=[article.pk]))
        yield (
            "article poll",
            client.get(reverse("article_updates", args=[article.pk]), {"v": "stale"}, **HTMX),
        )
        params = {"start": span.start, "end": span.end}
        panel_url = reverse("span_panel", args=[article.pk])
        yield "panel page", client.get(panel_url, params)
        yield "panel fragment", client.get(panel_url, params, **HTMX)
        yield (
            "others poll",
            client.get(
                reverse("span_others", args=[article.pk]), {**params, "v": "stale"}, **HTMX
            ),
        )


def _claim_pages(client, claims):
    yield "claim list", client.get(reverse("claim_list"))
    yield "claim list fragment", client.get(reverse("claim_list"), {"q": ""}, **HTMX)
    for show in ["contested", "open", "resolved"]:
        yield f"claim list show={show}", client.get(reverse("claim_list"), {"show": show}, **HTMX)
    for consensus in ["verified", "disputed", "attributed", "contested", "insufficient"]:
        yield (
            f"claim list consensus={consensus}",
            client.get(reverse("claim_list"), {"consensus": consensus}, **HTMX),
        )
    for claim in claims:
        yield "claim page", client.get(reverse("claim_detail", args=[claim.pk]))
    for measure in Measure.objects.all():
        yield "measure page", client.get(reverse("measure_detail", args=[measure.pk]))


def test_it_shows_a_reviewer_who_has_not_voted_nothing_of_the_others(secrets, dora):
    client = _client(dora)
    pages = [*_workspace_pages(client, secrets), *_claim_pages(client, secrets)]
    assert len(pages) > 40
    for where, response in pages:
        assert response.status_code == 200, where
        _assert_blind(response.content.decode(), where)
    # The exports of verdicts are the moderators'; the unruled claims have no ClaimReview.
    for name, args in [("annotation_collection", []), ("annotation_detail", [1])]:
        assert client.get(reverse(name, args=args)).status_code in (302, 403)
    for claim in secrets:
        assert client.get(reverse("claim_review", args=[claim.pk])).status_code == 404


def test_it_shows_a_moderator_who_has_not_voted_nothing_of_the_others_in_the_workspace(
    secrets, maria
):
    client = _client(maria)
    for where, response in _workspace_pages(client, secrets):
        assert response.status_code == 200, where
        _assert_blind(response.content.decode(), f"{where} (moderator)")


def test_it_shows_what_a_non_voter_may_see(secrets, dora):
    claim_909, _ = secrets
    client = _client(dora)
    page = client.get(reverse("claim_detail", args=[claim_909.pk])).content.decode()
    assert claim_909.text in page and "4 articles" in page
    assert page.count('<blockquote class="context">') == 4  # the appearances, in context
    assert "717 on 2024-11-06 → 909 on 2025-02-07" in page  # the figures
    assert "Tallies show once you have given a verdict" in page
    listed = client.get(reverse("claim_list"), **HTMX).content.decode()
    assert claim_909.text in listed and "2 claims" in listed


# --- one regression test per leak ---------------------------------------------------------------


def test_it_filters_by_consensus_only_over_claims_the_viewer_voted_on(secrets, dora):
    claim_909, contested = secrets
    client = _client(dora)
    for consensus in ["attributed", "contested"]:
        html = client.get(reverse("claim_list"), {"consensus": consensus}, **HTMX)
        html = html.content.decode()
        assert "0 claims" in html and "No claim matches." in html, consensus
    # Once dora votes on the 909 claim, the filter finds it for her, and only it.
    article = Article.objects.get(source_name="001_454f1f5ab894978e.txt")
    wording = CAPTURED_909["001_454f1f5ab894978e.txt"]
    start = article.text.index(wording)
    _save(client, article, start, start + len(wording), claim=str(claim_909.pk))
    html = client.get(reverse("claim_list"), {"consensus": "attributed"}, **HTMX)
    assert "1 claim," in html.content.decode() and claim_909.text in html.content.decode()
    html = client.get(reverse("claim_list"), {"consensus": "contested"}, **HTMX)
    assert contested.text not in html.content.decode()


def test_it_hides_contested_claims_from_show_contested_until_the_viewer_voted(secrets, dora):
    _, contested = secrets
    client = _client(dora)
    html = client.get(reverse("claim_list"), {"show": "contested"}, **HTMX).content.decode()
    assert contested.text not in html and "0 claims" in html
    span = Span.objects.get(claim=contested)
    # A third label keeps it contested: verified and disputed meet, none holds two thirds.
    _save(client, span.article, span.start, span.end, label="attributed", attributed_to="Kyiv")
    html = client.get(reverse("claim_list"), {"show": "contested"}, **HTMX).content.decode()
    assert contested.text in html and "⚠ contested" in html


def test_it_shows_no_contested_badge_or_reviewer_count_in_the_claim_list(secrets, dora, alice):
    html = _client(dora).get(reverse("claim_list"), **HTMX).content.decode()
    assert "⚠ contested" not in html and "badge-contested" not in html
    assert "3 reviewers" not in html and "2 reviewers" not in html
    voter = _client(alice).get(reverse("claim_list"), **HTMX).content.decode()
    assert "⚠ contested" in voter and "3 reviewers" in voter and "2 reviewers" in voter


def test_it_does_not_sort_the_claim_list_by_what_the_viewer_may_not_see(secrets, dora, alice):
    claim_909, contested = secrets
    # The contested claim is the older one: for the moderators' order it comes first.
    Claim.objects.filter(pk=contested.pk).update(
        updated_at=claim_909.updated_at.replace(year=2001)
    )
    first = re.compile(r'class="claim-text">([^<]*)<')
    voter = first.findall(_client(alice).get(reverse("claim_list"), **HTMX).content.decode())
    assert voter[0] == contested.text
    blind_list = _client(dora).get(reverse("claim_list"), **HTMX).content.decode()
    assert first.findall(blind_list) == [claim_909.text, contested.text]


def test_it_counts_on_the_article_list_only_contested_claims_the_viewer_voted_on(
    secrets, dora, alice
):
    _, contested = secrets
    article = Span.objects.get(claim=contested).article

    def contested_cell(client):
        html = client.get(reverse("article_list")).content.decode()
        return html.split(f'href="/articles/{article.pk}/"')[1].split("</tr>")[0]

    assert "badge-contested" not in contested_cell(_client(dora))
    assert '<span class="badge badge-contested">⚠ 1</span>' in contested_cell(_client(alice))


def test_it_shows_others_attributions_as_origins_only_after_voting(secrets, dora, alice):
    claim_909, _ = secrets
    dora_client = _client(dora)
    listed = dora_client.get(reverse("claim_list"), **HTMX).content.decode()
    page = dora_client.get(reverse("claim_detail", args=[claim_909.pk])).content.decode()
    for html in (listed, page):
        # No count either: "0 origins" would say nobody named who said it.
        assert ATTRIBUTED_TO not in html and not re.search(r"\d+ origins?\b|origin:", html)
    # The claim's own origin is a moderator's, part of the claim: shown to everyone, but
    # not counted, since the reviewers' attributions are not among it yet.
    Claim.objects.filter(pk=claim_909.pk).update(origin="Ukraine's General Staff")
    for url in (reverse("claim_detail", args=[claim_909.pk]), reverse("claim_list")):
        page = dora_client.get(url).content.decode()
        assert "origin: Ukraine&#x27;s General Staff" in page and ATTRIBUTED_TO not in page
        assert "1 origin" not in page
    voter = _client(alice).get(reverse("claim_detail", args=[claim_909.pk])).content.decode()
    assert ATTRIBUTED_TO in voter


def test_it_does_not_say_in_the_panel_how_many_others_tagged_it(secrets, dora):
    claim_909, _ = secrets
    span = Span.objects.filter(claim=claim_909).select_related("article").first()
    html = (
        _client(dora)
        .get(
            reverse("span_panel", args=[span.article.pk]),
            {"start": span.start, "end": span.end},
            **HTMX,
        )
        .content.decode()
    )
    assert "tagged this" not in html and not COUNTED_REVIEWERS.search(html)
    assert "show once you have saved yours" in html


def test_it_keeps_the_article_poll_at_204_when_only_unseen_verdicts_change(seeds, alice, dora):
    article = Article.objects.get(source_name="001_454f1f5ab894978e.txt")
    client = _client(dora)
    page = client.get(reverse("article_detail", args=[article.pk])).content.decode()
    poll_url = page.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    wording = CAPTURED_909["001_454f1f5ab894978e.txt"]
    start = article.text.index(wording)
    _save(_client(alice), article, start, start + len(wording), note="Alice was here")
    assert client.get(poll_url, **HTMX).status_code == 204, "alice's vote is not dora's news"
    # Dora votes on the claim: now the poll brings in what her vote unblinds.
    _save(client, article, start, start + len(wording), claim=str(Claim.objects.get().pk))
    changed = client.get(poll_url, **HTMX)
    assert changed.status_code == 200 and b"cons-" in changed.content


def test_it_keeps_the_others_poll_at_204_when_only_unseen_verdicts_change(seeds, alice, dora):
    article = Article.objects.get(source_name="001_454f1f5ab894978e.txt")
    wording = CAPTURED_909["001_454f1f5ab894978e.txt"]
    start = article.text.index(wording)
    _save(_client(alice), article, start, start + len(wording))
    client = _client(dora)
    panel = client.get(
        reverse("span_panel", args=[article.pk]),
        {"start": start, "end": start + len(wording)},
        **HTMX,
    ).content.decode()
    others_url = panel.split('id="others"')[1].split('hx-get="')[1].split('"')[0]
    others_url = others_url.replace("&amp;", "&")
    assert client.get(others_url, **HTMX).status_code == 204
    verdict = Verdict.objects.get()
    services.verdict_set(span=verdict.span, reviewer=alice, label="disputed", note="Changed")
    assert client.get(others_url, **HTMX).status_code == 204, "alice's change is not dora's news"


# --- after voting, and moderators --------------------------------------------------------------


def test_it_shows_everything_of_a_claim_after_a_vote_on_any_appearance(secrets, dora):
    claim_909, _ = secrets
    spans = list(Span.objects.filter(claim=claim_909).select_related("article"))
    client = _client(dora)
    _save(client, spans[0].article, spans[0].start, spans[0].end, claim=str(claim_909.pk))
    other = spans[1]
    panel = client.get(
        reverse("span_panel", args=[other.article.pk]),
        {"start": other.start, "end": other.end},
        **HTMX,
    ).content.decode()
    assert "<strong>alice</strong>" in panel and f"{NOTE} bob" in panel
    article_page = client.get(reverse("article_detail", args=[other.article.pk])).content.decode()
    assert "hl-other cons-" in article_page  # the others' highlight, with its consensus
    claim_page = client.get(reverse("claim_detail", args=[claim_909.pk])).content.decode()
    assert "Consensus: <strong>" in claim_page and claim_page.count("<strong>alice</strong>") == 4


def test_it_makes_a_moderator_blind_in_the_workspace_until_she_votes(secrets, maria):
    claim_909, _ = secrets
    span = Span.objects.filter(claim=claim_909).select_related("article").first()
    client = _client(maria)
    params = {"start": span.start, "end": span.end}
    panel_url = reverse("span_panel", args=[span.article.pk])
    before = client.get(panel_url, params, **HTMX).content.decode()
    assert "<strong>alice</strong>" not in before and NOTE not in before
    # Where she moderates, she sees everything: claim pages, the list and its filters.
    page = client.get(reverse("claim_detail", args=[claim_909.pk])).content.decode()
    assert "<strong>alice</strong>" in page and "Consensus:" in page
    listed = client.get(reverse("claim_list"), {"show": "contested"}, **HTMX).content.decode()
    assert "1 claim," in listed and "⚠ contested" in listed
    _save(client, span.article, span.start, span.end, claim=str(claim_909.pk))
    after = client.get(panel_url, params, **HTMX).content.decode()
    assert "<strong>alice</strong>" in after and NOTE in after


def test_it_shows_everything_with_blind_review_off(secrets, dora, settings):
    settings.BLIND_REVIEW = False
    claim_909, contested = secrets
    client = _client(dora)
    listed = client.get(reverse("claim_list"), {"show": "contested"}, **HTMX).content.decode()
    assert contested.text in listed and "⚠ contested" in listed
    page = client.get(reverse("claim_detail", args=[claim_909.pk])).content.decode()
    assert "Consensus: <strong>" in page and ATTRIBUTED_TO in page


def test_it_shows_a_published_ruling_to_everyone(secrets, dora, maria):
    claim_909, _ = secrets
    services.ruling_publish(
        claim=claim_909, moderator=maria, label="attributed", rationale="Only their statement."
    )
    client = _client(dora)
    page = client.get(reverse("claim_detail", args=[claim_909.pk])).content.decode()
    assert "Ruling: Attributed" in page and "Only their statement." in page
    assert "Consensus:" not in page and NOTE not in page
    listed = client.get(reverse("claim_list"), **HTMX).content.decode()
    assert "ruled attributed" in listed


# --- query counts for a reviewer who has not voted ---------------------------------------------


def _claims_tagged_by_others(count, alice, bob):
    article, _ = services.article_import(
        title="Many", text="Many\n\n" + "Claim text here. " * count
    )
    for n in range(count):
        start = 6 + 17 * n
        verdict = services.verdict_record(
            article=article,
            start=start,
            end=start + 15,
            exact=article.text[start : start + 15],
            reviewer=alice,
            label="verified",
            note="Alice's note",
            new_claim_text=f"Claim number {n}",
        )
        services.verdict_set(span=verdict.span, reviewer=bob, label="disputed")
    return article


@pytest.mark.parametrize("count", [1, 50])
def test_it_keeps_query_counts_fixed_for_a_non_voter(
    alice, bob, dora, django_assert_num_queries, count
):
    article = _claims_tagged_by_others(count, alice, bob)
    span = Span.objects.filter(article=article).first()
    client = _client(dora)
    panel = {"start": span.start, "end": span.end}
    # The same queries as a voter's, less the ones that would read others' verdicts:
    # session, user, group, count, page, outlets (no verdict matrix: none may be seen)
    pages = [
        (6, reverse("claim_list"), {}),
        # session, user, group, existence, claim, outlets, spans, my verdicts, supersedes,
        # measures (no verdict matrix)
        (10, reverse("claim_detail", args=[span.claim_id]), {}),
        # session, user, article, sentences, highlights (none: no consensus), version,
        # figures
        (7, reverse("article_detail", args=[article.pk]), {}),
        # session, user, the one aggregate query
        (3, reverse("article_updates", args=[article.pk]), {"v": "stale"}),
    ]
    for queries, url, params in pages:
        if params.get("v") == "stale":  # the poll with the version the page gave
            page = client.get(reverse("article_detail", args=[article.pk])).content.decode()
            params = {"v": unquote(page.split('hx-get="')[1].split("?v=")[1].split('"')[0])}
        with django_assert_num_queries(queries):
            response = client.get(url, params, **HTMX)
        assert response.status_code == (204 if "v" in params else 200), url
        assert b"Alice" not in response.content
    assert client.get(reverse("span_panel", args=[article.pk]), panel, **HTMX).status_code == 200


# --- the rule itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("blind_review", "moderator", "surface", "expected"),
    [
        (True, False, Surface.WORKSPACE, True),
        (True, False, Surface.MODERATION, True),
        (True, True, Surface.WORKSPACE, True),
        (True, True, Surface.MODERATION, False),
        (False, False, Surface.WORKSPACE, False),
        (False, True, Surface.WORKSPACE, False),
    ],
)
def test_it_decides_who_is_blind_where(blind_review, moderator, surface, expected):
    assert blind(blind_review=blind_review, moderator=moderator, surface=surface) is expected


def test_it_unblinds_on_a_vote():
    assert sees_others(blind=True, voted=True) and not sees_others(blind=True, voted=False)
    assert sees_others(blind=False, voted=False)


def test_it_shows_the_claims_own_origin_but_others_attributions_only_after_voting():
    names = {"sees_others": False, "claim_origin": "", "attributions": ["the General Staff"]}
    assert origins_shown(**names) == []
    assert origins_shown(**{**names, "claim_origin": "Ukraine's General Staff"}) == [
        "Ukraine's General Staff"
    ]
    assert origins_shown(**{**names, "sees_others": True}) == ["General Staff"]
