"""The moderators' "possible duplicates" queue (issue #9, part 3): pairs the claim matcher
rates as one fact, kept by the writes and equal to a rebuild, shown side by side, merged
(every verdict and its history kept, the moderator's choice of survivor) or dismissed for
good."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotations import selectors, services
from annotations.models import Article, Claim, DuplicateDismissal, PossibleDuplicate, Span, Verdict
from annotations.tests.snapshots import client_for, db_snapshot, send, snapshot_diff
from annotations.tests.test_seeds import CAPTURED_909

SOURCES = list(CAPTURED_909)


def _tag(reviewer, column: int, label: str, *, claim=None, new_claim_text: str = ""):
    """`reviewer` tags the 909 sentence of the column-th seed article."""
    source = SOURCES[column]
    article = Article.objects.get(source_name=source)
    wording = CAPTURED_909[source]
    start = article.text.index(wording)
    return services.verdict_record(
        article=article,
        start=start,
        end=start + len(wording),
        exact=wording,
        reviewer=reviewer,
        label=label,
        evidence_url="https://example.org/general-staff" if label != "attributed" else "",
        attributed_to="the General Staff" if label == "attributed" else "",
        claim=claim,
        new_claim_text=new_claim_text,
    )


@pytest.fixture
def twins(seeds, alice, bob, charlie):
    """The same fact made into two claims: alice and bob on the first article's claim,
    charlie on the second article's, made later with the "new claim" default overridden."""
    first = _tag(alice, 0, "verified").span.claim
    _tag(bob, 0, "verified", claim=first)
    second = _tag(charlie, 1, "disputed").span.claim
    _tag(alice, 2, "attributed", claim=second)
    assert first.pk < second.pk
    return first, second


def _pairs() -> set[tuple[int, int, int]]:
    return set(PossibleDuplicate.objects.values_list("claim_id", "other_id", "similarity"))


# --- finding the pairs ---------------------------------------------------------------------


def test_it_pairs_a_new_claim_with_the_older_claim_the_matcher_would_preselect(twins):
    first, second = twins
    pair = PossibleDuplicate.objects.get()
    assert (pair.claim_id, pair.other_id) == (second.pk, first.pk)
    # The very suggestion the panel makes for the newer claim's text: one rule, one place.
    [top, *_] = selectors.claim_suggestions(text=second.text, exclude=second)
    assert top.claim == first and top.strong
    assert pair.reasons == top.reasons and pair.similarity == top.similarity
    assert "shares 909" in pair.reasons


def test_it_does_not_pair_the_same_measure_with_another_figure(seeds, alice):
    older = services.claim_create(
        text="Ukrainian forces have captured 717 Russian soldiers", created_by=alice
    )
    newer = services.claim_create(
        text="Ukrainian forces have captured 909 Russian soldiers", created_by=alice
    )
    suggestion = selectors.claim_suggestions(text=newer.text, exclude=newer)[0]
    assert suggestion.claim == older and suggestion.same_measure  # maybe an update ...
    assert not PossibleDuplicate.objects.exists()  # ... so not the same claim


def test_it_does_not_pair_different_claims_that_share_words(seeds, alice):
    services.claim_create(text="Russia massed 45,000 soldiers near Kursk", created_by=alice)
    services.claim_create(
        text="Ukrainian forces have captured 909 Russian soldiers", created_by=alice
    )
    assert not PossibleDuplicate.objects.exists()


def test_it_keeps_the_pairs_equal_to_a_rebuild_through_create_edit_and_merge(twins, alice, maria):
    first, second = twins
    third = services.claim_create(
        text="Ukraine's forces captured 909 Russian soldiers in Kursk", created_by=alice
    )
    kept = _pairs()
    assert {(c, o) for c, o, _ in kept} >= {(second.pk, first.pk), (third.pk, first.pk)}
    assert services.duplicates_rebuild() == len(kept) and _pairs() == kept

    # An edit in the admin that makes the older claim another fact drops its pairs.
    client = client_for(maria)
    response = send(
        client,
        "post",
        reverse("admin:annotations_claim_change", args=[first.pk]),
        {"text": "North Korea sent 12,000 troops to Kursk", "origin": "", "as_of": ""},
    )
    assert response.status == 302
    after_edit = _pairs()
    assert not any(first.pk in (c, o) for c, o, _ in after_edit)
    assert services.duplicates_rebuild() == len(after_edit) and _pairs() == after_edit

    services.claim_merge(claims=[second, third], into=third, moderator=maria)
    after_merge = _pairs()
    assert not any(second.pk in (c, o) for c, o, _ in after_merge)
    services.duplicates_rebuild()
    assert _pairs() == after_merge


# --- the queue -----------------------------------------------------------------------------


def test_it_shows_both_claims_side_by_side_with_tallies_appearances_and_reasons(twins, maria):
    first, second = twins
    response = client_for(maria).get(reverse("duplicate_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Possible duplicates" in html and "1 pair" in html
    for claim in (first, second):
        assert f"#{claim.pk}" in html
    for source in SOURCES[:3]:
        assert Article.objects.get(source_name=source).title in html
    assert "shares 909" in html and "similar meaning" in html
    # Moderators see every tally: first has two verified reviewers, second a disputed and
    # an attributed one.
    assert "Consensus: <strong>verified</strong>" in html
    assert "2 reviewers" in html and "with evidence" in html
    assert f'name="keep" value="{first.pk}"' in html and f'name="keep" value="{second.pk}"' in html


def test_it_is_reachable_from_the_moderators_navigation_and_the_admin(maria, alice):
    assert (
        reverse("duplicate_list") in client_for(maria).get(reverse("claim_list")).content.decode()
    )
    admin_list = client_for(maria).get(reverse("admin:annotations_claim_changelist"))
    assert reverse("duplicate_list") in admin_list.content.decode()
    assert reverse("duplicate_list") not in client_for(alice).get("/").content.decode()


def test_it_refuses_reviewers_and_sends_the_signed_out_to_log_in(twins, alice):
    assert client_for(alice).get(reverse("duplicate_list")).status_code == 403
    response = client_for(None).get(reverse("duplicate_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    first, second = twins
    client = client_for(alice)
    before = db_snapshot()
    data = {"claim": second.pk, "other": first.pk, "keep": first.pk}
    assert send(client, "post", reverse("duplicate_merge"), data).status == 403
    assert send(client, "post", reverse("duplicate_dismiss"), data).status == 403
    assert snapshot_diff(before, db_snapshot()) == []


def _more_pairs(count: int, user) -> None:
    """`count` pairs of claims, each a distinct figure worded twice."""
    for n in range(count):
        figure = f"{1213 + 2003 * n:,}"
        services.claim_create(
            text=f"Ukrainian forces destroyed {figure} Russian armoured vehicles", created_by=user
        )
        services.claim_create(
            text=f"Ukraine's army has destroyed {figure} Russian armoured vehicles",
            created_by=user,
        )


@pytest.mark.parametrize("count", [1, 12])
def test_the_queue_query_count_is_fixed(seeds, alice, maria, django_assert_num_queries, count):
    _more_pairs(count, alice)
    assert PossibleDuplicate.objects.count() >= count
    client = client_for(maria)
    # session, user, moderator group, count, page of pairs, claims' aggregates, outlets,
    # verdict matrix, appearances
    with django_assert_num_queries(9):
        response = client.get(reverse("duplicate_list"))
    assert response.status_code == 200


def test_it_pages_the_queue(seeds, alice, maria):
    _more_pairs(11, alice)
    client = client_for(maria)
    first = client.get(reverse("duplicate_list")).content.decode()
    assert first.count('class="dup-pair"') == 10 and "Page 1 of 2" in first
    second = client.get(reverse("duplicate_list") + "?page=2").content.decode()
    assert second.count('class="dup-pair"') == 1


# --- merging -------------------------------------------------------------------------------


@pytest.mark.parametrize("keep_newer", [False, True], ids=["keep older", "keep newer"])
def test_it_merges_a_pair_keeping_every_verdict_and_the_history(twins, maria, keep_newer):
    first, second = twins
    keep, gone = (second, first) if keep_newer else (first, second)
    verdicts = set(Verdict.objects.values_list("pk", "label", "reviewer_id", "span_id"))
    client = client_for(maria)
    response = send(
        client,
        "post",
        reverse("duplicate_merge"),
        {"claim": second.pk, "other": first.pk, "keep": keep.pk, "page": "1"},
    )
    assert response.status == 302 and response.location == reverse("duplicate_list") + "?page=1"
    assert set(Verdict.objects.values_list("pk", "label", "reviewer_id", "span_id")) == verdicts
    assert set(Span.objects.values_list("claim_id", flat=True)) == {keep.pk}
    gone.refresh_from_db()
    assert gone.status == Claim.Status.RESOLVED and f"#{keep.pk}" in gone.ruling_note
    assert gone.history.first().history_user == maria
    assert Span.history.filter(history_change_reason=f"claim merged into #{keep.pk}").exists()
    # The verdicts now count on one claim, each reviewer once with their latest label:
    # alice's attributed (given after her verified one), bob's verified, charlie's disputed.
    tally = selectors.claim_tally(claim_id=keep.pk)
    assert dict(tally.reviewers_per_label) == {"verified": 1, "disputed": 1, "attributed": 1}
    assert tally.consensus == "contested"
    assert not selectors.duplicates_open().exists()
    page = client.get(reverse("duplicate_list")).content.decode()
    assert f"Merged claim #{gone.pk} into #{keep.pk}" in page and "No possible duplicates" in page


def test_it_refuses_to_merge_a_ruled_claim_and_says_so(twins, maria):
    first, second = twins
    services.ruling_publish(
        claim=first, moderator=maria, label="verified", rationale="Two sources confirm it."
    )
    page = client_for(maria).get(reverse("duplicate_list")).content.decode()
    assert f"Claim #{first.pk} is ruled (verified) and locked" in page
    assert 'name="keep"' not in page and "Not the same claim" in page
    client = client_for(maria)
    before = db_snapshot()
    response = send(
        client,
        "post",
        reverse("duplicate_merge"),
        {"claim": second.pk, "other": first.pk, "keep": second.pk},
    )
    assert response.status == 409
    assert snapshot_diff(before, db_snapshot()) == []


@pytest.mark.parametrize(
    "data",
    [
        {"claim": "{second}", "other": "{first}", "keep": "{third}"},  # not one of the pair
        {"claim": "{second}", "other": "{second}", "keep": "{second}"},  # the same claim
        {"claim": "{second}", "other": "{first}"},  # no choice of survivor
        {"claim": "{second}", "other": "99999999999999999999", "keep": "{second}"},
        {"claim": "x", "other": "{first}", "keep": "{first}"},
    ],
)
def test_it_refuses_a_bad_merge_with_a_4xx_and_changes_nothing(twins, alice, maria, data):
    first, second = twins
    third = services.claim_create(text="North Korea sent 12,000 troops", created_by=alice)
    ids = {"first": first.pk, "second": second.pk, "third": third.pk}
    form = {key: value.format(**ids) for key, value in data.items()}
    client = client_for(maria)
    before = db_snapshot()
    response = send(client, "post", reverse("duplicate_merge"), form)
    assert response.status == 422
    assert snapshot_diff(before, db_snapshot()) == []


def test_it_refuses_to_merge_a_claim_already_merged_away(twins, maria):
    first, second = twins
    services.claim_merge(claims=[first, second], into=first, moderator=maria)
    client = client_for(maria)
    before = db_snapshot()
    response = send(
        client,
        "post",
        reverse("duplicate_merge"),
        {"claim": second.pk, "other": first.pk, "keep": second.pk},
    )
    assert response.status == 422
    assert snapshot_diff(before, db_snapshot()) == []


# --- not the same claim ---------------------------------------------------------------------


def test_it_dismisses_a_pair_for_good_with_who_and_when(twins, maria):
    first, second = twins
    client = client_for(maria)
    data = {"claim": second.pk, "other": first.pk, "page": "1"}
    assert send(client, "post", reverse("duplicate_dismiss"), data).status == 302
    dismissal = DuplicateDismissal.objects.get()
    assert (dismissal.claim_id, dismissal.other_id) == (second.pk, first.pk)
    assert dismissal.dismissed_by == maria and dismissal.dismissed_at is not None
    assert "No possible duplicates" in client.get(reverse("duplicate_list")).content.decode()
    # A second click, the pair named the other way round, a rebuild: it never comes back.
    swapped = {"claim": first.pk, "other": second.pk}
    assert send(client, "post", reverse("duplicate_dismiss"), swapped).status == 302
    assert DuplicateDismissal.objects.count() == 1
    services.duplicates_rebuild()
    services.duplicates_refresh(claims=[second])
    assert PossibleDuplicate.objects.exists() and not selectors.duplicates_open().exists()


def test_it_refuses_a_bad_dismissal_with_a_4xx(twins, maria):
    first, _ = twins
    client = client_for(maria)
    before = db_snapshot()
    for data in ({"claim": first.pk, "other": first.pk}, {"claim": first.pk}, {}):
        assert send(client, "post", reverse("duplicate_dismiss"), data).status == 422
    assert snapshot_diff(before, db_snapshot()) == []


def test_it_shows_eight_appearances_of_a_claim_and_says_how_many_more(twins, alice, maria):
    first, _ = twins
    article = Article.objects.get(source_name=SOURCES[3])
    for sentence in article.sentences.filter(check_worthy=True).order_by("index")[:9]:
        span = services.span_get_or_create(
            article=article,
            start=sentence.start,
            end=sentence.end,
            exact=article.text[sentence.start : sentence.end],
            created_by=alice,
        )
        if span.claim_id is None:
            services.span_link_claim(span=span, claim=first, user=alice)
    count = Span.objects.filter(claim=first).count()
    assert count > 8
    html = client_for(maria).get(reverse("duplicate_list")).content.decode()
    side = html.split('class="fc-side"')[1]
    assert side.count('<q class="fc-quote">') == 8
    assert f"… and {count - 8} more" in side


def test_the_pairs_kept_as_claims_are_made_equal_a_rebuild_on_the_seeds(twins, alice, charlie):
    # Every article's first check-worthy sentences made into claims, one after another:
    # the 909, 40,000 and Sumy/Kharkiv sentences repeat across articles, so later claims
    # find several older ones, and newer claims compete with them in each lookup.
    for text in (
        "Russian forces have suffered approximately 39,900 casualties in Kursk Oblast",
        "Russian forces have suffered nearly 40,000 casualties, including 16,000 killed",
    ):
        services.claim_create(text=text, created_by=alice)
    for article in Article.objects.all():
        for sentence in list(article.sentences.filter(check_worthy=True).order_by("index"))[:4]:
            wording = article.text[sentence.start : sentence.end]
            services.verdict_record(
                article=article,
                start=sentence.start,
                end=sentence.end,
                exact=wording,
                reviewer=charlie,
                label="attributed",
                attributed_to="the General Staff",
            )
    kept = _pairs()
    assert len(kept) > 10
    services.duplicates_rebuild()
    assert _pairs() == kept
