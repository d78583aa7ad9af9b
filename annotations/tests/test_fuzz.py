"""Bounded fuzzing of every write endpoint and every search or filter parameter: hostile
values (DESIGN.md, "Bad input") and generated ones, through the test client with CSRF
checks on. No answer may be a 5xx, and afterwards the stored invariants hold: every span's
quote is the text at its offsets, one verdict per span and reviewer, articles' text and
hash unchanged, no markup stored.

Each surface gets a tour (the worst hostile values in each fuzzed parameter, one parameter
at a time, so the known-bad inputs are always tried), then a fixed budget of Hypothesis
examples mixing hostile values, generated text, htmx requests and duplicate submissions.
The seed is fixed (derandomize) so CI sees the same examples every run.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from annotations.models import Article, Claim, Measure, OriginName, Span, Verdict
from annotations.tests.conftest import world_revise
from annotations.tests.snapshots import client_for, send
from annotations.text.sanitising import reject_markup

HUGE = "100000000000000000000"  # beyond 64 bits
# 199 characters: within the 200 of names and the 500 of reasons, beyond what is derived
# from them (a measure key adds a prefix; a history change reason holds 100).
LONG = ("long " * 40)[:199]
HOSTILE = [
    "\x00",
    "a\x00b",
    HUGE,
    "-" + HUGE,
    "-1",
    "1.5",
    "abc",
    "NaN",
    "Infinity",
    "³",
    "٣",  # an Arabic-Indic digit: int() accepts it
    "javascript:alert(1)",
    "HTTPS://EXAMPLE.ORG/evidence",
    "<script>alert(1)</script>",
    "<b>bold</b>",
    "x" * 5000,
    "😀" * 50,
    "\u202egnp.exe",  # right-to-left override
    "",
    " ",
    LONG,
]
# The tour: in each fuzzed parameter, one at a time, the hostile values that matter for
# its kind: numbers and ids get the number-parsing ones, text the stored-text ones.
TOUR = ["\x00", HUGE, "1.5", LONG, "HTTPS://EXAMPLE.ORG/evidence", "<script>x</script>"]
NUMBER_TOUR = ["\x00", HUGE, "1.5", "-1"]
TEXT_TOUR = ["\x00", LONG, "HTTPS://EXAMPLE.ORG/evidence", "<script>x</script>"]
NUMBERS = {
    "page", "p", "start", "end", "index", "as_of", "claim", "_selected_action", "into",
    "newer", "other", "figures", "keep", "measure", "measure__id__exact", "select_across",
    "current", "published__year", "old", "new",
}  # fmt: skip
EXAMPLES = 3  # Hypothesis examples per surface, after the tour
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # No shrinking: values come from HOSTILE or are short, so a failure reads as it is,
    # and shrinking a failure would cost far more than the budget.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ANON, ALICE, BOB, MARIA = "anonymous", "alice", "bob", "maria"

# --- the surfaces --------------------------------------------------------------------------
# name: (who, method, path, valid base data, fuzzed parameters). Paths and base values are
# str.format templates over the world; a list value is posted as several values.

CHANGELIST = "/admin/{app}/{model}/"
SURFACES = {
    # Searches and filters.
    "article search": (ALICE, "get", "/", {}, ["q", "page"]),
    "claim list": (
        ALICE,
        "get",
        "/claims/",
        {},
        ["q", "show", "consensus", "origin", "current", "page"],
    ),
    "public rulings": (ANON, "get", "/rulings/", {}, ["page"]),
    "possible duplicates": (MARIA, "get", "/claims/duplicates/", {}, ["page"]),
    "claim list as moderator": (
        MARIA,
        "get",
        "/claims/",
        {},
        ["q", "show", "consensus", "origin", "current", "page"],
    ),
    "admin claims": (
        MARIA,
        "get",
        "/admin/annotations/claim/",
        {},
        ["consensus", "contested", "ruled", "figures", "status__exact", "q", "o", "p"],
    ),
    "admin verdicts": (
        MARIA,
        "get",
        "/admin/annotations/verdict/",
        {},
        ["label__exact", "hidden__exact", "q", "o", "p"],
    ),
    "admin spans": (MARIA, "get", "/admin/annotations/span/", {}, ["q", "o", "p"]),
    "admin articles": (
        MARIA,
        "get",
        "/admin/annotations/article/",
        {},
        ["q", "outlet", "published__year", "o", "p"],
    ),
    "admin sentences": (
        MARIA,
        "get",
        "/admin/annotations/sentence/",
        {},
        ["check_worthy__exact", "o", "p"],
    ),
    "admin measures": (
        MARIA,
        "get",
        "/admin/annotations/measure/",
        {},
        ["judgement__exact", "q", "o", "p"],
    ),
    "admin figures": (
        MARIA,
        "get",
        "/admin/annotations/quantity/",
        {},
        ["measure__id__exact", "o", "p"],
    ),
    "admin accounts": (MARIA, "get", "/admin/auth/user/", {}, ["is_active__exact", "q", "o", "p"]),
    "admin origins": (
        MARIA,
        "get",
        "/admin/annotations/originname/",
        {},
        ["decided", "q", "o", "p"],
    ),
    "annotation pages": (MARIA, "get", "/annotations/", {}, ["page"]),
    "claimreview feed": (ANON, "get", "/claimreviews/", {}, ["page"]),
    "panel": (
        ALICE,
        "get",
        "/articles/{article.pk}/span/",
        {"start": "{span.start}", "end": "{span.end}"},
        ["start", "end", "exact"],
    ),
    "others poll": (
        BOB,
        "get",
        "/articles/{article.pk}/span/others/",
        {"start": "{span.start}", "end": "{span.end}"},
        ["start", "end", "exact", "v"],
    ),
    "live poll": (ALICE, "get", "/articles/{article.pk}/updates/", {}, ["v"]),
    "import status": (MARIA, "get", "/import/status/", {}, ["batch"]),
    "import page": (MARIA, "get", "/import/", {}, ["batch"]),
    # Queued only: the test database's task backend stores the task; no worker runs it.
    "import urls": (MARIA, "post", "/import/", {"urls": "https://news.example/a"}, ["urls"]),
    "article revisions": (ALICE, "get", "/articles/{revised.pk}/revisions/", {}, ["old", "new"]),
    # Writes.
    "verdict save": (
        BOB,
        "post",
        "/articles/{article.pk}/verdict/",
        {
            "start": "{span.start}",
            "end": "{span.end}",
            "exact": "{span.exact}",
            "label": "disputed",
            "note": "",
            "evidence_url": "https://example.org/b",
            "attributed_to": "",
            "claim": "{claim.pk}",
            "claim_text": "",
            "confirm_new": "",
        },
        [
            "start",
            "end",
            "exact",
            "label",
            "note",
            "evidence_url",
            "attributed_to",
            "claim",
            "claim_text",
            "confirm_new",
        ],
    ),  # fmt: skip
    "verdict withdraw": (
        ALICE,
        "post",
        "/articles/{article.pk}/verdict/withdraw/",
        {"start": "{span.start}", "end": "{span.end}"},
        ["start", "end", "exact"],
    ),
    "answer a changed-since-reviewed flag": (
        ALICE,
        "post",
        "/articles/{revised.pk}/changes/{flag.pk}/",
        {"status": "holds"},
        ["status"],
    ),
    "span move": (
        ALICE,
        "post",
        "/articles/{article.pk}/span/move/",
        {"start": "{span.start}", "end": "{span.end}", "claim": "{other.pk}"},
        ["start", "end", "exact", "claim"],
    ),
    "measure rename": (ALICE, "post", "/measures/{tanks.pk}/rename/", {"name": "T"}, ["name"]),
    "measure split": (
        ALICE,
        "post",
        "/measures/{tanks.pk}/split/",
        {"name": "Tanks on Monday", "figures": "{figure.pk}"},
        ["name", "figures"],
    ),
    "measure join": (
        ALICE,
        "post",
        "/measures/{tanks.pk}/join/",
        {"other": "{drones.pk}"},
        ["other"],
    ),
    "hide action": (
        MARIA,
        "post",
        "/admin/annotations/verdict/",
        {
            "action": "hide",
            "index": "0",
            "_selected_action": "{verdict.pk}",
            "apply": "1",
            "reason": "spam",
        },
        ["reason", "_selected_action", "index"],
    ),  # fmt: skip
    "ruling action": (
        MARIA,
        "post",
        "/admin/annotations/claim/",
        {
            "action": "publish_ruling",
            "index": "0",
            "_selected_action": "{claim.pk}",
            "apply": "1",
            "ruling": "attributed",
            "rationale": "The ministry says so.",
        },
        ["ruling", "rationale", "_selected_action"],
    ),  # fmt: skip
    "merge action": (
        MARIA,
        "post",
        "/admin/annotations/claim/",
        {
            "action": "merge",
            "index": "0",
            "_selected_action": ["{claim.pk}", "{other.pk}"],
            "apply": "1",
            "into": "{claim.pk}",
        },
        ["into", "_selected_action"],
    ),  # fmt: skip
    "supersede action": (
        MARIA,
        "post",
        "/admin/annotations/claim/",
        {
            "action": "supersede",
            "index": "0",
            "_selected_action": ["{claim.pk}", "{other.pk}"],
            "apply": "1",
            "newer": "{claim.pk}",
        },
        ["newer", "action"],
    ),  # fmt: skip
    "figure split action": (
        MARIA,
        "post",
        "/admin/annotations/quantity/",
        {
            "action": "split",
            "index": "0",
            "_selected_action": "{figure.pk}",
            "apply": "1",
            "name": "Tanks on Monday",
        },
        ["name", "_selected_action"],
    ),  # fmt: skip
    "origin merge action": (
        MARIA,
        "post",
        "/admin/annotations/originname/",
        {
            "action": "merge",
            "index": "0",
            "_selected_action": "{origin_name.pk}",
            "apply": "1",
            "stands_for": "__other__",
            "other_name": "Ukraine's General Staff",
        },
        ["stands_for", "other_name", "_selected_action"],
    ),  # fmt: skip
    "origin split action": (
        MARIA,
        "post",
        "/admin/annotations/originname/",
        {"action": "split", "index": "0", "_selected_action": "{origin_name.pk}"},
        ["_selected_action", "action"],
    ),
    "measure join action": (
        MARIA,
        "post",
        "/admin/annotations/measure/",
        {"action": "join", "index": "0", "_selected_action": ["{tanks.pk}", "{drones.pk}"]},
        ["_selected_action", "select_across"],
    ),
    "account action": (
        MARIA,
        "post",
        "/admin/auth/user/",
        {"action": "deactivate", "index": "0", "_selected_action": "{charlie.pk}"},
        ["_selected_action", "action"],
    ),
    "reopen action": (
        MARIA,
        "post",
        "/admin/annotations/claim/",
        {"action": "reopen", "index": "0", "_selected_action": "{ruled.pk}"},
        ["_selected_action"],
    ),
    "unhide action": (
        MARIA,
        "post",
        "/admin/annotations/verdict/",
        {"action": "unhide", "index": "0", "_selected_action": "{hidden.pk}"},
        ["_selected_action"],
    ),
    "csv action": (
        MARIA,
        "post",
        "/admin/annotations/claim/",
        {"action": "download_csv", "index": "0", "_selected_action": "{claim.pk}"},
        ["_selected_action"],
    ),
    "duplicate merge": (
        MARIA,
        "post",
        "/claims/duplicates/merge/",
        {"claim": "{other.pk}", "other": "{claim.pk}", "keep": "{claim.pk}", "page": "1"},
        ["claim", "other", "keep", "page"],
    ),
    "duplicate dismiss": (
        MARIA,
        "post",
        "/claims/duplicates/dismiss/",
        {"claim": "{other.pk}", "other": "{claim.pk}", "page": "1"},
        ["claim", "other", "page"],
    ),
    "claim add": (
        MARIA,
        "post",
        "/admin/annotations/claim/add/",
        {"text": "North Korean troops withdrew", "origin": "", "as_of": ""},
        ["text", "as_of"],
    ),
    "span edit": (
        MARIA,
        "post",
        "/admin/annotations/span/{span.pk}/change/",
        {"claim": "{other.pk}"},
        ["claim"],
    ),
    "figure edit": (
        MARIA,
        "post",
        "/admin/annotations/quantity/{figure.pk}/change/",
        {"measure": "{drones.pk}"},
        ["measure"],
    ),
    "account edit": (
        MARIA,
        "post",
        "/admin/auth/user/{alice.pk}/change/",
        {"username": "alice", "is_active": "on"},
        ["is_active", "username", "is_superuser"],
    ),
    "claim edit": (
        MARIA,
        "post",
        "/admin/annotations/claim/{claim.pk}/change/",
        {"text": "12 tanks were destroyed", "origin": "", "as_of": ""},
        ["text", "origin", "as_of"],
    ),
    "measure edit": (
        MARIA,
        "post",
        "/admin/annotations/measure/{tanks.pk}/change/",
        {"name": "Tanks"},
        ["name"],
    ),
    "account add": (
        MARIA,
        "post",
        "/admin/auth/user/add/",
        {"username": "dora", "email": "dora@example.org", "first_name": "", "last_name": ""},
        ["username", "email"],
    ),
    "admin sign in": (
        ANON,
        "post",
        "/admin/login/",
        {"username": "maria", "password": "x"},
        ["username", "password"],
    ),  # fmt: skip
    "sign in": (
        ANON,
        "post",
        "/login/",
        {"username": "alice", "password": "x"},
        ["username", "password"],
    ),  # fmt: skip
}

# Paths whose ids come from the URL: digits for <int:…>, anything for the admin's <path:…>.
INT_PATHS = [
    "/articles/{}/",
    "/articles/{}/updates/",
    "/articles/{}/span/",
    "/articles/{}/verdict/",
    "/articles/{}/revisions/",
    "/articles/{}/changes/{}/",
    "/claims/{}/",
    "/claims/{}.jsonld",
    "/rulings/{}/",
    "/measures/{}/",
    "/measures/{}/rename/",
    "/annotations/{}",
]
ADMIN_PATHS = [
    "/admin/annotations/claim/{}/change/",
    "/admin/annotations/claim/{}/history/",
    "/admin/annotations/claim/{}/history/{}/",
    "/admin/annotations/verdict/{}/change/",
    "/admin/annotations/span/{}/change/",
    "/admin/annotations/article/{}/change/",
    "/admin/annotations/measure/{}/change/",
    "/admin/auth/user/{}/change/",
    "/admin/auth/user/{}/history/",
    "/admin/annotations/originname/{}/change/",
    "/admin/annotations/originname/{}/history/",
]
IDS = [HUGE, "9223372036854775808", "0", "99999999"]


@pytest.fixture
def fz(world):
    """The world, with a client per role and the articles as they were imported."""
    world.clients = {
        ANON: client_for(None),
        ALICE: client_for(world.alice),
        BOB: client_for(world.bob),
        MARIA: client_for(world.maria),
    }
    world_revise(world)
    world.articles = {a.pk: (a.text, a.content_hash) for a in Article.objects.all()}
    return world


def _invariants(w) -> list[str]:
    """What must hold whatever was posted."""
    broken = []
    for span in Span.objects.select_related("article"):
        if span.exact != span.article.text[span.start : span.end]:
            broken.append(f"span {span.pk}: quote differs from the text at its offsets")
    duplicated = Verdict.objects.values("span", "reviewer").annotate(n=Count("pk")).filter(n__gt=1)
    if duplicated:
        broken.append(f"more than one verdict per span and reviewer: {list(duplicated)}")
    articles = {a.pk: (a.text, a.content_hash) for a in Article.objects.all()}
    if articles != w.articles:
        broken.append("an article's text or hash changed")
    for text, digest in articles.values():
        if hashlib.sha256(text.encode()).hexdigest() != digest:
            broken.append("an article's hash is not its text's")
    plain = [
        *Verdict.objects.values_list("note", "attributed_to", "hidden_reason"),
        *Claim.objects.values_list("text", "origin", "ruling_note"),
        *Measure.objects.values_list("name"),
        *OriginName.objects.values_list("name", "stands_for"),
    ]
    for value in (v for row in plain for v in row):
        try:
            reject_markup(value)
        except ValidationError:
            broken.append(f"markup stored: {value[:60]!r}")
    for url in Verdict.objects.values_list("evidence_url", flat=True):
        if url and not url.startswith(("http://", "https://")):
            broken.append(f"evidence stored with another scheme: {url[:60]!r}")
    return broken


def _fill(template, w):
    if isinstance(template, list):
        return [_fill(t, w) for t in template]
    return template.format_map(vars(w))


def _request(w, surface: str, values: dict, *, htmx=False, twice=False) -> list[str]:
    """Send the surface's request with `values` over its valid base; what went wrong."""
    who, method, path, base, _ = SURFACES[surface]
    data = {key: _fill(value, w) for key, value in base.items()}
    data.update(values)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    problems = []
    # Each request starts from the world as built and is rolled back afterwards, so a
    # success (a join deletes a measure, a withdrawal a verdict) never turns the valid base
    # of the next request into a refusal that stops before the code under test.
    with transaction.atomic():
        for _ in range(2 if twice else 1):
            outcome = send(w.clients[who], method, _fill(path, w), data, **headers)
            if outcome.status >= 500:
                shown = {k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v)
                         for k, v in values.items()}  # fmt: skip
                problems.append(f"{method.upper()} {surface} {shown!r} → {outcome}")
        if method == "post":
            problems += [f"after {surface} {values!r:.120}: {b}" for b in _invariants(w)]
        transaction.set_rollback(True)
    return problems


ID_PARAMETERS = {"claim", "_selected_action", "into", "newer", "other", "figures", "keep"}


def _world_ids(w) -> list[int]:
    return [
        w.claim.pk, w.ruled.pk, w.other.pk, w.verdict.pk, w.hidden.pk, w.span.pk,
        w.figure.pk, w.tanks.pk, w.drones.pk, w.alice.pk, w.maria.pk, w.mona.pk, w.root.pk,
        w.origin_name.pk,
    ]  # fmt: skip


hostile = st.sampled_from(HOSTILE)
generated = st.one_of(st.text(max_size=30), st.integers().map(str))
value = st.one_of(hostile, generated)


def _fuzzer(w, surface: str):
    fuzzed = SURFACES[surface][4]

    # Ids of what exists (a ruled claim, a hidden verdict, a superuser...) besides the rest.
    ids = st.sampled_from([str(pk) for pk in _world_ids(w)])
    any_value = st.one_of(value, ids)

    @FUZZ_SETTINGS
    @given(data=st.data())
    def fuzz(data):
        values = {}
        for name in fuzzed:
            # Most parameters keep their valid base value, so that one bad value reaches
            # past the form's first refusal often enough.
            if data.draw(st.integers(0, 3)) == 0:
                values[name] = data.draw(st.one_of(any_value, st.lists(any_value, max_size=3)))
        htmx = data.draw(st.booleans())
        twice = data.draw(st.booleans())  # a double-click, or two tabs
        found = _request(w, surface, values, htmx=htmx, twice=twice)
        assert not found, "\n".join(found)

    return fuzz


def _survey(w, surfaces) -> list[str]:
    """The tour, then the Hypothesis examples, of each surface; every problem found."""
    problems = []
    for surface in surfaces:
        _, method, _, _, fuzzed = SURFACES[surface]
        # One parameter at a time: a refused value in one field must not hide another's.
        for name in fuzzed:
            for bad in NUMBER_TOUR if name in NUMBERS else TEXT_TOUR:
                problems += _request(w, surface, {name: bad})
            if name in ID_PARAMETERS:
                # Real ids the form accepts but the rules may refuse: a ruled (locked)
                # claim, a hidden verdict.
                for pk in (w.ruled.pk, w.hidden.pk):
                    problems += _request(w, surface, {name: str(pk)})

        try:
            _fuzzer(w, surface)()
        except AssertionError as exc:
            problems.append(str(exc))
    problems += _invariants(w)
    return list(dict.fromkeys(problems))


def _surfaces(method: str, admin: bool) -> list[str]:
    return [
        name
        for name, (_, verb, path, _, _) in SURFACES.items()
        if verb == method and path.startswith("/admin/") == admin
    ]


def test_it_never_answers_5xx_to_searches_and_filters(fz):
    problems = _survey(fz, _surfaces("get", admin=False) + _surfaces("get", admin=True))
    assert not problems, "\n".join(problems)


def test_it_never_answers_5xx_to_reviewer_writes_and_keeps_the_invariants(fz):
    problems = _survey(fz, _surfaces("post", admin=False))
    assert not problems, "\n".join(problems)


def test_it_never_answers_5xx_to_moderator_writes_and_keeps_the_invariants(fz):
    problems = _survey(fz, _surfaces("post", admin=True))
    assert not problems, "\n".join(problems)


def test_it_never_answers_5xx_to_any_id_in_the_path(fz):
    problems = []
    for path in INT_PATHS + ADMIN_PATHS:
        admin = path.startswith("/admin/")
        ids = IDS + ([quote(v, safe="") or "%20" for v in TOUR] if admin else [])
        for object_id in ids:
            url = path.format(object_id, object_id)
            outcome = send(fz.clients[MARIA if admin else ALICE], "get", url)
            if outcome.status >= 500:
                problems.append(f"GET {url[:120]} → {outcome}")
    # The measure change is a path segment too.
    for change in TOUR:
        url = f"/measures/{fz.tanks.pk}/{quote(change, safe='') or '%20'}/"
        outcome = send(fz.clients[ALICE], "post", url, {"name": "Tanks"})
        if outcome.status >= 500:
            problems.append(f"POST {url[:120]} → {outcome}")
    assert not problems, "\n".join(problems)
