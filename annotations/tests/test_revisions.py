"""Revisions: a changed text of an article re-anchors every span on it (exact, fuzzy and
marked, or orphaned), its verdicts move with it, the reviewers of a changed sentence are
flagged, and the replaced text is kept read-only."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from annotations import services
from annotations.models import AnchorStatus, Article, RevisionFlag, Span, Verdict
from annotations.tests.snapshots import client_for
from annotations.tests.test_claim_views import ANNOTATION_SCHEMA, _w3c_must_validators
from annotations.text.anchoring import (
    FUZZY,
    ORPHAN,
    POSITION,
    QUOTE,
    Quote,
    anchor_quote,
    word_diff,
)

TYPO = "The General Staff said 909 Russian soldiers were captured, acording to the statement."
FIXED = "The General Staff said 909 Russian soldiers were captured, according to the statement."
DENIED = "Officials denied that North Korean units had been withdrawn."
TROOPS = "About 12,000 North Korean troops were deployed in the region."
INSERTED = "Fighting resumed overnight near Sudzha, local officials said."
URL = "https://news.example.org/kursk-update"


def _text(*paragraphs: str) -> str:
    return "\n\n".join(["Kursk update", *paragraphs, "More fighting is expected."])


def _import(text: str) -> Article:
    article, _ = services.article_import(title="Kursk update", text=text, url=URL)
    return article


def _tag(article: Article, wording: str, reviewer, label: str = "attributed") -> Verdict:
    start = article.text.index(wording)
    return services.verdict_record(
        article=article,
        start=start,
        end=start + len(wording),
        exact=wording,
        reviewer=reviewer,
        label=label,
        attributed_to="the General Staff" if label == "attributed" else "",
        evidence_url="" if label == "attributed" else "https://example.org/evidence",
    )


@pytest.fixture
def tagged(db, alice, bob, charlie):
    """The test article, with alice and bob on the sentence with a typo, alice on the
    denial, and charlie on the troops sentence."""
    article = _import(_text(TYPO, DENIED, TROOPS))
    return {
        "article": article,
        "typo_alice": _tag(article, TYPO, alice),
        "typo_bob": _tag(article, TYPO, bob, "verified"),
        "denied": _tag(article, DENIED, alice),
        "troops": _tag(article, TROOPS, charlie, "disputed"),
    }


def _verdicts(tagged: dict) -> list[Verdict]:
    return [tagged[name] for name in ("typo_alice", "typo_bob", "denied", "troops")]


def _span(verdict: Verdict) -> Span:
    return Span.objects.get(pk=verdict.span_id)


def _annotation(client, verdict: Verdict) -> dict:
    response = client.get(f"/annotations/{verdict.pk}")
    assert response.status_code == 200
    return json.loads(response.content)


def test_it_keeps_every_verdict_anchored_through_three_revisions(tagged, alice, bob, charlie):
    first = tagged["article"]

    # 1. A typo fixed in a tagged sentence: fuzzy, marked, flagged to both its reviewers.
    second = _import(_text(FIXED, DENIED, TROOPS))
    assert (second.revision, second.first_revision_id) == (2, first.pk)
    typo = _span(tagged["typo_alice"])
    assert typo.article_id == second.pk
    assert typo.exact == FIXED == second.text[typo.start : typo.end]
    assert typo.anchor_status == AnchorStatus.FUZZY and typo.anchor_score >= 90
    denied, troops = _span(tagged["denied"]), _span(tagged["troops"])
    assert (denied.article_id, denied.anchor_status) == (second.pk, AnchorStatus.EXACT)
    assert (troops.article_id, troops.anchor_status) == (second.pk, AnchorStatus.EXACT)
    flags = RevisionFlag.objects.filter(status=RevisionFlag.Status.OPEN)
    assert sorted(flags.values_list("reviewer__username", flat=True)) == ["alice", "bob"]
    assert {(f.old_text, f.new_text) for f in flags} == {(TYPO, FIXED)}

    # 2. A paragraph inserted before the tagged spans: exact, nothing flagged.
    third = _import(_text(INSERTED, FIXED, DENIED, TROOPS))
    for verdict in _verdicts(tagged):
        span = _span(verdict)
        assert span.article_id == third.pk
        assert span.exact == third.text[span.start : span.end]
        assert span.start > third.text.index(INSERTED)
    assert _span(tagged["typo_alice"]).anchor_status == AnchorStatus.FUZZY  # still the old words
    assert _span(tagged["denied"]).anchor_status == AnchorStatus.EXACT
    assert flags.count() == 2

    # 3. A tagged sentence deleted: its span stays on the revision that had it, orphaned.
    fourth = _import(_text(INSERTED, FIXED, DENIED))
    troops = _span(tagged["troops"])
    assert troops.article_id == third.pk and troops.anchor_status == AnchorStatus.ORPHAN
    assert troops.exact == TROOPS == third.text[troops.start : troops.end]
    for name in ("typo_alice", "typo_bob", "denied"):
        assert _span(tagged[name]).article_id == fourth.pk
    removed = RevisionFlag.objects.get(reviewer=charlie)
    assert (removed.old_text, removed.new_text, removed.revision_id) == (TROOPS, "", fourth.pk)

    # Every verdict survived, unchanged, on the span it was given on.
    assert Verdict.objects.count() == 4
    for verdict in _verdicts(tagged):
        stored = Verdict.objects.get(pk=verdict.pk)
        assert (stored.span_id, stored.label, stored.reviewer_id) == (
            verdict.span_id,
            verdict.label,
            verdict.reviewer_id,
        )
    # Only the current revision is listed; every revision's text is kept as it was.
    assert list(Article.objects.filter(next_revision=None)) == [fourth]
    texts = list(Article.objects.order_by("revision").values_list("text", flat=True))
    assert texts == [
        _text(TYPO, DENIED, TROOPS),
        _text(FIXED, DENIED, TROOPS),
        _text(INSERTED, FIXED, DENIED, TROOPS),
        _text(INSERTED, FIXED, DENIED),
    ]


def test_it_exports_the_current_revisions_selectors(tagged, maria):
    _import(_text(INSERTED, FIXED, DENIED, TROOPS))
    current = Article.objects.get(next_revision=None)
    client = client_for(maria)
    for verdict in (tagged["typo_bob"], tagged["denied"]):
        span = _span(verdict)
        quote, position = _annotation(client, verdict)["target"]["selector"]
        assert (position["start"], position["end"]) == (span.start, span.end)
        assert quote["exact"] == current.text[span.start : span.end]
        assert quote["prefix"] == current.text[max(0, span.start - 32) : span.start]
        assert quote["suffix"] == current.text[span.end : span.end + 32]
    assert (
        "General Staff said 909"
        in _annotation(client, tagged["typo_bob"])["target"]["selector"][0]["exact"]
    )


def test_it_records_each_move_in_the_span_history(tagged):
    _import(_text(INSERTED, FIXED, DENIED, TROOPS))
    history = _span(tagged["denied"]).history.order_by("history_date")
    where = [h.article_id for h in history]
    assert where[0] == tagged["article"].pk and where[-1] == Article.objects.get(revision=2).pk
    assert "re-anchored on revision 2 (exact)" in history.last().history_change_reason


def test_it_makes_no_revision_of_the_same_text(tagged):
    again, created = services.article_import(
        title="Kursk update", text=tagged["article"].text, url=URL
    )
    assert (again, created) == (tagged["article"], False)
    assert Article.objects.count() == 1


def test_it_keeps_a_replaced_revisions_text_frozen(tagged):
    _import(_text(FIXED, DENIED, TROOPS))
    first = Article.objects.get(revision=1)
    assert not first.spans.exists()  # every span moved: the database still refuses
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=first.pk).update(text="Rewritten history.")
    assert Article.objects.get(pk=first.pk).text == _text(TYPO, DENIED, TROOPS)


def test_it_refuses_a_new_highlight_on_a_replaced_revision(tagged, alice):
    _import(_text(FIXED, DENIED, TROOPS))
    first = Article.objects.get(revision=1)
    start = first.text.index("More fighting")
    with pytest.raises(ValidationError, match="earlier revision"):
        services.span_get_or_create(
            article=first, start=start, end=start + 13, exact="More fighting", created_by=alice
        )


def test_it_takes_a_reverted_edit_as_a_new_revision(tagged):
    _import(_text(FIXED, DENIED, TROOPS))
    reverted = _import(_text(TYPO, DENIED, TROOPS))
    assert reverted.revision == 3
    assert reverted.content_hash == Article.objects.get(revision=1).content_hash
    assert _span(tagged["typo_alice"]).exact == TYPO


def test_it_answers_a_flag_for_its_reviewer_only(tagged, alice, bob):
    _import(_text(FIXED, DENIED, TROOPS))
    flag = RevisionFlag.objects.get(reviewer=alice)
    with pytest.raises(PermissionDenied):
        services.revision_flag_resolve(flag=flag, reviewer=bob, status="holds")
    with pytest.raises(ValidationError):
        services.revision_flag_resolve(flag=flag, reviewer=alice, status="maybe")
    services.revision_flag_resolve(flag=flag, reviewer=alice, status="holds")
    flag.refresh_from_db()
    assert flag.status == RevisionFlag.Status.HOLDS and flag.resolved_at is not None
    assert flag.history.first().history_user == alice
    with pytest.raises(ValidationError, match="already"):
        services.revision_flag_resolve(flag=flag, reviewer=alice, status="recheck")


def test_it_closes_a_recheck_when_the_reviewer_saves_a_verdict_again(tagged, bob):
    second = _import(_text(FIXED, DENIED, TROOPS))
    flag = RevisionFlag.objects.get(reviewer=bob)
    services.revision_flag_resolve(flag=flag, reviewer=bob, status="recheck")
    flag.refresh_from_db()
    assert flag.status == RevisionFlag.Status.RECHECK and flag.resolved_at is None
    _tag(second, FIXED, bob, "disputed")
    flag.refresh_from_db()
    assert flag.status == RevisionFlag.Status.RECHECKED and flag.resolved_at is not None


def test_it_keeps_what_was_judged_when_a_flag_is_revised_again(tagged, alice):
    _import(_text(FIXED, DENIED, TROOPS))
    again = FIXED.replace("909", "nine hundred and nine")
    _import(_text(again, DENIED, TROOPS))
    flag = RevisionFlag.objects.get(reviewer=alice)
    assert (flag.old_text, flag.new_text, flag.revision.revision) == (TYPO, again, 3)


def test_it_imports_a_changed_file_as_a_revision(db, tmp_path, alice):
    path = tmp_path / "kursk.txt"
    path.write_text(_text(TYPO, DENIED, TROOPS), encoding="utf-8")
    call_command("import_articles", str(path), stdout=io.StringIO())
    _tag(Article.objects.get(), DENIED, alice)
    path.write_text(_text(INSERTED, TYPO, DENIED, TROOPS), encoding="utf-8")
    out = io.StringIO()
    call_command("import_articles", str(path), stdout=out)
    assert "changed since imported: revision 2 of article" in out.getvalue()
    assert "1 highlight re-anchored (1 exact, 0 approximate), 0 orphaned" in out.getvalue()
    assert "0 imported, 1 revised, 0 already there" in out.getvalue()
    out = io.StringIO()
    call_command("import_articles", str(path), stdout=out)
    assert "already imported" in out.getvalue()
    assert Article.objects.count() == 2


# --- the anchoring rule (pure) ------------------------------------------------------------


def _quote(text: str, start: int, end: int) -> Quote:
    return Quote(
        start, end, text[start:end], text[max(0, start - 32) : start], text[end : end + 32]
    )


def test_it_tells_repeated_quotes_apart_by_their_context():
    text = "Kyiv said 909 were captured. Moscow said 909 were killed."
    quote = _quote(text, text.index("909", 20), text.index("909", 20) + 3)
    new = "Update. " + text
    anchor = anchor_quote(new, quote)
    assert anchor.method == QUOTE
    assert new[anchor.start - 12 : anchor.end] == "Moscow said 909"


def test_it_orphans_a_quote_whose_sentence_was_rewritten():
    text = "The General Staff said 909 Russian soldiers were captured."
    quote = _quote(text, 0, len(text))
    new = "Moscow rejected every figure published by Kyiv this week."
    assert anchor_quote(new, quote).method == ORPHAN


def test_it_shows_a_changed_word_as_removed_and_added():
    pieces = word_diff("909 soldiers were captured", "910 soldiers were captured")
    assert [(p.kind, p.text) for p in pieces] == [
        ("removed", "909"),
        ("added", "910"),
        ("same", " soldiers were captured"),
    ]


WORDS = st.text(alphabet="abcdefghij ,.\n", min_size=0, max_size=80)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    before=WORDS,
    span_text=st.text(alphabet="klmnopqrstuvwxyz ", min_size=1, max_size=40).filter(
        lambda s: s.strip()
    ),
    after=WORDS,
    edits=st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete"]), st.booleans(), st.integers(0, 200), WORDS
        ),
        max_size=5,
    ),
)
def test_it_re_anchors_a_span_exactly_after_edits_elsewhere(before, span_text, after, edits):
    """Random insertions and deletions before and after a span, never inside it: the span
    is found again exactly, on its own words (which occur nowhere else: other letters)."""
    text = before + span_text + after
    quote = _quote(text, len(before), len(before) + len(span_text))
    for kind, in_front, at, words in edits:
        if in_front:
            at = at % (len(before) + 1)
            before = (
                before[:at] + words + before[at:]
                if kind == "insert"
                else before[:at] + before[at + len(words) :]
            )
        else:
            at = at % (len(after) + 1)
            after = (
                after[:at] + words + after[at:]
                if kind == "insert"
                else after[:at] + after[at + len(words) :]
            )
    new = before + span_text + after
    anchor = anchor_quote(new, quote)
    assert anchor.method in (POSITION, QUOTE)
    assert (anchor.start, anchor.end) == (len(before), len(before) + len(span_text))


def test_it_finds_an_edited_quote_approximately():
    text = "Officials said 12,000 North Korean troops were deployd in Kursk."
    quote = _quote(text, 0, len(text))
    new = "Intro.\n\nOfficials said 12,000 North Korean troops were deployed in Kursk."
    anchor = anchor_quote(new, quote)
    assert anchor.method == FUZZY and anchor.score > 95
    assert new[anchor.start : anchor.end] == new[8:]


def test_it_exports_an_orphan_with_the_state_its_selectors_hold_for(tagged, maria):
    _import(_text(FIXED, DENIED))
    orphan = _span(tagged["troops"])
    annotation = _annotation(client_for(maria), tagged["troops"])
    assert annotation["target"]["state"] == {
        "type": "TimeState",
        "sourceDate": orphan.article.imported_at.isoformat(),
    }
    assert annotation["target"]["selector"][0]["exact"] == TROOPS
    Draft4Validator(ANNOTATION_SCHEMA).validate(annotation)
    for name, validator in _w3c_must_validators():
        errors = list(validator.iter_errors(annotation))
        assert not errors, f"{name}: {errors[0].message}"
