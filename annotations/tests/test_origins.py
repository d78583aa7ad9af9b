"""Origins: which names of an origin count as one (the rule, shown on the seeds), the
moderators' merges and splits that win over it, and every surface naming the same origins."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from annotations import roles, selectors, services
from annotations.models import Claim, OriginName, Span
from annotations.rules.origins import origin_groups, origins_grouped, spelling_key
from annotations.services.origins import (
    origin_names_record,
    origins_merge,
    origins_split,
    origins_undecide,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# Every origin the five seed articles name, worded as the article words it (a reviewer
# types "attributed to" from the text), and the origin the rule counts it as.
GENERAL_STAFF = "General Staff of the Armed Forces of Ukraine"
ZELENSKY = "Ukrainian President Volodymyr Zelensky"
PUTIN = "Russian President Vladimir Putin"
SEED_ORIGINS = {
    "the General Staff of the Armed Forces of Ukraine": GENERAL_STAFF,
    "the General Staff of the Armed Forces of Ukraine (AFU)": GENERAL_STAFF,
    "the General Staff of the Ukrainian Armed Forces": GENERAL_STAFF,
    "Ukraine’s General Staff": GENERAL_STAFF,
    "the General Staff": GENERAL_STAFF,
    "Ukrainian President Volodymyr Zelensky": ZELENSKY,
    "President Volodymyr Zelenskyy": ZELENSKY,
    "Russian President Vladimir Putin": PUTIN,
    "Putin": PUTIN,
    # Other bodies, each its own origin: the command is not the General Staff, officials
    # are not the president, and the Russian ministry is not Ukraine's anything.
    "Ukrainian command": "Ukrainian command",
    "the Ukrainian command": "Ukrainian command",
    "Ukrainian officials": "Ukrainian officials",
    "the Defense Ministry": "Defense Ministry",
    "the Kremlin": "Kremlin",
    "Bloomberg": "Bloomberg",
    "The Kyiv Independent": "The Kyiv Independent",
    "Chatham House": "Chatham House",
    # One person under two names: nothing in the words says so, a moderator merges them.
    "The commander-in-chief of the Ukrainian army": "The commander-in-chief of the Ukrainian army",
    "Oleksandr Syrsky": "Oleksandr Syrsky",
}


def _seed_text() -> str:
    return " ".join(
        " ".join(path.read_text(encoding="utf-8").split()) for path in sorted(SEEDS.glob("*.txt"))
    )


def test_it_takes_every_seed_origin_from_the_seed_text():
    text = _seed_text()
    missing = [name for name in SEED_ORIGINS if name not in text]
    assert missing == []


def test_it_groups_the_seed_origins_as_listed():
    groups = origin_groups(list(SEED_ORIGINS))
    collapsed = {spelling: group.name for group in groups for spelling in group.spellings}
    assert collapsed == SEED_ORIGINS
    assert len(groups) == len(set(SEED_ORIGINS.values())) == 12


@pytest.mark.parametrize(
    "names",
    [
        ["Russian Ministry of Defence", "Ministry of Defence of Ukraine"],
        ["Russia’s Defense Ministry", "Ukraine's Defence Ministry"],
        ["General Staff of the Armed Forces of Ukraine", "Russian General Staff"],
        ["Ukrainian General Staff", "Ukrainian command"],
        ["Ukrainian General Staff", "Ukraine"],
        ["Volodymyr Zelensky", "Olena Zelenska"],
        ["the ministry", "Ministry of Defence of Ukraine"],
        ["The Kyiv Independent", "Kyiv Post"],
    ],
)
def test_it_never_merges_different_bodies(names):
    assert len(origins_grouped(names)) == 2


def test_it_leaves_a_name_on_its_own_when_it_could_be_either_of_two():
    grouped = origins_grouped(
        ["Russian Ministry of Defence", "Ministry of Defence of Ukraine", "the Defence Ministry"]
    )
    assert len(grouped) == 3
    # With one ministry in sight, the short name is that one.
    assert origins_grouped(["Russian Ministry of Defence", "the Defense Ministry"]) == [
        "Russian Ministry of Defence"
    ]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("General Staff of the Armed Forces of Ukraine", "Ukrainian General Staff"),
        ("Ukraine’s General Staff", "Ukraine's  general staff"),
        ("Oleksandr Syrskyi", "Oleksandr Syrsky"),
        ("Ministry of Defense of Ukraine", "Ukraine's Defence Ministry"),
        ("the Armed Forces of Ukraine (AFU)", "Armed Forces of Ukraine"),
    ],
)
def test_it_merges_spellings_of_one_body(a, b):
    assert len(origins_grouped([a, b])) == 1


def test_a_moderators_decision_wins_over_the_rule():
    names = list(SEED_ORIGINS)
    decisions = {
        spelling_key("Oleksandr Syrsky"): "Oleksandr Syrsky",
        spelling_key("The commander-in-chief of the Ukrainian army"): "Oleksandr Syrsky",
        # Split off what the rule would put with the General Staff.
        spelling_key("the General Staff"): "the General Staff",
    }
    groups = {g.name: g for g in origin_groups(names, decisions)}
    assert groups["Oleksandr Syrsky"].spellings == [
        "The commander-in-chief of the Ukrainian army",
        "Oleksandr Syrsky",
    ]
    assert groups["Oleksandr Syrsky"].decided
    assert groups["the General Staff"].spellings == ["the General Staff"]
    assert "the General Staff" not in groups[GENERAL_STAFF].spellings
    # A spelling nobody decided on still joins a decided origin the rule says it is.
    decided = {spelling_key(n): "AFU General Staff" for n in list(SEED_ORIGINS)[:4]}
    assert origins_grouped(["Ukrainian General Staff", *list(SEED_ORIGINS)[:4]], decided) == [
        "AFU General Staff"
    ]


# --- moderators' decisions ---------------------------------------------------------------


@pytest.fixture
def spellings(db, alice):
    for name in ["Oleksandr Syrsky", "The commander-in-chief of the Ukrainian army", "Putin"]:
        services.claim_create(text=f"Something {name} said", created_by=alice, origin=name)
    assert origin_names_record() == 3
    assert origin_names_record() == 0, "recording twice records nothing twice"
    return {n.name: n for n in OriginName.objects.all()}


def test_a_merge_is_stored_with_who_and_when_and_undone_by_a_split(spellings, maria):
    syrsky, chief = (
        spellings["Oleksandr Syrsky"],
        spellings["The commander-in-chief of the Ukrainian army"],
    )
    origins_merge(origin_names=[syrsky, chief], stands_for="Oleksandr Syrsky", moderator=maria)
    for name in (syrsky, chief):
        name.refresh_from_db()
        assert (name.stands_for, name.decided_by, name.decided_at is not None) == (
            "Oleksandr Syrsky",
            maria,
            True,
        )
        assert name.history.first().history_user == maria
        assert name.history.first().history_change_reason == "merged as Oleksandr Syrsky"
    claims = Claim.objects.filter(origin__in=[syrsky.name, chief.name])
    assert {c.pk: _origins_of(c) for c in claims} == {c.pk: ["Oleksandr Syrsky"] for c in claims}

    origins_split(origin_names=[chief], moderator=maria)
    chief.refresh_from_db()
    assert chief.stands_for == chief.name and chief.history.count() == 2
    claim = Claim.objects.get(origin=chief.name)
    assert _origins_of(claim) == [chief.name]

    origins_undecide(origin_names=[syrsky, chief], moderator=maria)
    assert not OriginName.objects.exclude(stands_for="").exists()


def test_merging_part_of_a_merged_origin_takes_all_of_it(spellings, maria):
    syrsky, chief, putin = spellings.values()
    origins_merge(origin_names=[syrsky, chief], stands_for="Syrsky", moderator=maria)
    origins_merge(origin_names=[chief, putin], stands_for="Commanders", moderator=maria)
    stands = set(OriginName.objects.values_list("stands_for", flat=True))
    assert stands == {"Commanders"}


@pytest.mark.parametrize("stands_for", ["", "   ", "x" * 301, "<b>General</b> Staff"])
def test_a_bad_merge_changes_nothing(spellings, maria, stands_for):
    with pytest.raises(ValidationError):
        origins_merge(
            origin_names=list(spellings.values()), stands_for=stands_for, moderator=maria
        )
    assert not OriginName.objects.exclude(stands_for="").exists()


def test_reviewers_cannot_merge_or_split(spellings, alice):
    for action in (origins_split, origins_undecide):
        with pytest.raises(PermissionDenied):
            action(origin_names=list(spellings.values()), moderator=alice)
    with pytest.raises(PermissionDenied):
        origins_merge(origin_names=list(spellings.values()), stands_for="X", moderator=alice)
    assert not OriginName.objects.exclude(stands_for="").exists()


def _origins_of(claim: Claim) -> list[str]:
    annotated = selectors.claims_annotated(Claim.objects.filter(pk=claim.pk)).get()
    return selectors.claim_aggregates([annotated])[0].origins


# --- every surface names the same origins -------------------------------------------------


def _client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get(reverse("login"))
    client.csrf = client.cookies["csrftoken"].value
    return client


def _surfaces(claim: Claim, maria) -> dict[str, str]:
    """What each surface says of the claim's origins, as text."""
    client = _client(maria)
    span = Span.objects.filter(claim=claim).select_related("article").first()
    admin_list = client.get(reverse("admin:annotations_claim_changelist")).content.decode()
    export = client.post(
        reverse("admin:annotations_claim_changelist"),
        {"action": "download_csv", "_selected_action": [claim.pk]},
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    [row] = list(csv.DictReader(io.StringIO(export.content.decode())))
    review = json.loads(Client().get(reverse("claim_review", args=[claim.pk])).content)
    author = review["itemReviewed"]["author"]
    panel = client.get(
        reverse("span_panel", args=[span.article_id]),
        {"start": span.start, "end": span.end},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    claim_page = client.get(reverse("claim_detail", args=[claim.pk])).content.decode()
    public = Client().get(reverse("ruling_public", args=[claim.pk])).content.decode()
    return {
        # The part of each page that names origins (the rest quotes the articles).
        "claim list": _between(client.get(reverse("claim_list")).content.decode(), r"\d+ origin"),
        "claim page": _between(claim_page, '<p class="summary">'),
        "admin list": _between(admin_list, 'class="field-origins_display"'),
        "csv": row["origins"],
        "claimreview author": "; ".join(a["name"] for a in author)
        if isinstance(author, list)
        else author["name"],
        "public page": _between(public, "Claimed by"),
        "panel": _between(panel, "<small>— "),
    }


def _between(html: str, start: str) -> str:
    """From `start` (a regular expression) to the end of its element's text."""
    found = re.search(start, html).start()
    return html[found : html.index("<", found + 2)]


def test_every_surface_names_the_merged_origin(claim_909, maria):
    # The claim's own origin, as a moderator typed it, and the reviewers' four spellings.
    Claim.objects.filter(pk=claim_909.pk).update(origin="Ukraine’s General Staff")
    services.ruling_publish(
        claim=claim_909, moderator=maria, label="attributed", rationale="Only the statement."
    )
    said = _surfaces(claim_909, maria)
    # The panel names the claim's own origin only (maria, in the workspace, has not voted).
    assert said.pop("panel") == "<small>— Ukraine’s General Staff"
    for name, text in said.items():
        assert "General Staff of the Armed Forces of Ukraine" in text, name
        assert "Ukrainian General Staff (merged)" not in text, name

    _client(maria).get(reverse("admin:annotations_originname_changelist"))
    every = list(OriginName.objects.all())
    # Five names, three spellings: two differ only in case, two only in the apostrophe.
    assert len(every) == 3
    origins_merge(
        origin_names=every, stands_for="Ukrainian General Staff (merged)", moderator=maria
    )
    for name, said in _surfaces(claim_909, maria).items():
        assert "Ukrainian General Staff (merged)" in said, name
        assert "General Staff of the Armed Forces of Ukraine" not in said, name
        if name in {"claim list", "claim page"}:
            assert "1 origin: Ukrainian General Staff (merged)" in said, name

    # Split one spelling off again: two origins everywhere that lists them all.
    origins_split(
        origin_names=[OriginName.objects.get(key=spelling_key("the General Staff"))],
        moderator=maria,
    )
    said = _surfaces(claim_909, maria)
    assert "2 origins: " in said["claim list"] and "2 origins: " in said["claim page"]
    for name in ("csv", "claimreview author"):
        assert sorted(said[name].split("; ")) == [
            "Ukrainian General Staff (merged)",
            "the General Staff",
        ], name
    assert "Claimed by Ukrainian General Staff (merged); the General Staff" in said["public page"]


def test_the_origins_admin_lists_spellings_and_merges_through_the_action(claim_909, maria):
    client = _client(maria)
    url = reverse("admin:annotations_originname_changelist")
    page = client.get(url).content.decode()
    assert "General Staff of the Armed Forces of Ukraine" in page and "by the rule" in page
    ids = [str(pk) for pk in OriginName.objects.values_list("pk", flat=True)]
    confirm = client.post(
        url, {"action": "merge", "_selected_action": ids}, HTTP_X_CSRFTOKEN=client.csrf
    )
    assert confirm.status_code == 200 and "The name that stands" in confirm.content.decode()
    assert not OriginName.objects.exclude(stands_for="").exists(), "nothing until confirmed"
    done = client.post(
        url,
        {
            "action": "merge",
            "apply": "1",
            "stands_for": "__other__",
            "other_name": "  Ukraine's   General Staff ",
            "_selected_action": ids,
        },
        HTTP_X_CSRFTOKEN=client.csrf,
    )
    assert done.status_code == 302
    assert set(OriginName.objects.values_list("stands_for", flat=True)) == {
        "Ukraine's General Staff"
    }
    page = client.get(url).content.decode()
    assert "by maria on" in page
    name = OriginName.objects.first()
    history = client.get(reverse("admin:annotations_originname_history", args=[name.pk]))
    assert history.status_code == 200 and "merged as Ukraine" in history.content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_the_origins_admin_reads_in_a_fixed_number_of_queries(
    alice, maria, django_assert_num_queries, count
):
    for n in range(count):
        services.claim_create(text=f"Claim {n}", created_by=alice, origin=f"Agency number {n}")
    client = _client(maria)
    url = reverse("admin:annotations_originname_changelist")
    client.get(url)
    # The same at 1 and 30 spellings: session, user, permissions, recording the spellings
    # (known, in use: 3), the page and its count, the overview (spellings, decisions).
    with django_assert_num_queries(16):
        assert client.get(url).status_code == 200


# --- the claim list's origin filter -------------------------------------------------------


def _listed(client: Client, origin: str, **headers) -> str:
    return client.get(reverse("claim_list"), {"origin": origin}, **headers).content.decode()


def test_the_claim_list_filters_by_any_name_of_an_origin(claim_909, maria):
    client = _client(maria)
    for name in ("Ukrainian General Staff", "the general staff", "AFU General Staff"):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            assert claim_909.text in _listed(client, name, **headers), name
    assert claim_909.text not in _listed(client, "Russian General Staff")
    assert 'value="Russian General Staff"' in _listed(client, "Russian General Staff")
    # A moderator's merge counts: under the name she chose, and no longer under a split one.
    origins_merge(
        origin_names=[OriginName.objects.create(name="the GS", key=spelling_key("the GS"))],
        stands_for="General Staff of the Armed Forces of Ukraine",
        moderator=maria,
    )
    assert claim_909.text in _listed(client, "the GS")


def test_the_origin_filter_tells_a_blind_reviewer_nothing_of_others_attributions(
    claim_909, alice, django_user_model
):
    dora = django_user_model.objects.create_user("dora", password="dora-password")
    roles.make_reviewer(dora)
    assert claim_909.text not in _listed(_client(dora), "General Staff")
    assert claim_909.text in _listed(_client(alice), "General Staff"), "alice voted"
    # The claim's own origin is part of the claim: found by anyone.
    Claim.objects.filter(pk=claim_909.pk).update(origin="Ukraine's General Staff")
    assert claim_909.text in _listed(_client(dora), "General Staff")


@pytest.mark.parametrize("count", [1, 30])
def test_the_origin_filter_reads_in_a_fixed_number_of_queries(
    alice, maria, django_assert_num_queries, count
):
    for n in range(count):
        services.claim_create(text=f"Claim {n}", created_by=alice, origin="Ukrainian command")
    client = _client(maria)
    # The same at 1 and 30 claims: the list's own, and the filter's spellings (claims'
    # origins, attributions) and the moderators' decisions about them.
    with django_assert_num_queries(11):
        page = _listed(client, "the Ukrainian command")
    assert page.count('class="claim-row"') == min(count, 25)
