"""Role × endpoint matrix: every URL the resolver knows and every admin action, as anonymous,
alice (a reviewer, who owns the objects), bob (another reviewer, on alice's objects) and maria
(a moderator). A refused write must leave every stored row as it was.

The tables below are the contract. A new URL or admin action that is not in them fails
test_it_has_a_row_for_every_endpoint / test_it_has_a_row_for_every_admin_action: decide who
may use it and add its row.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from annotations.models import (
    Article,
    Claim,
    DuplicateDismissal,
    OriginName,
    RevisionFlag,
    Sentence,
    Span,
    Verdict,
)
from annotations.rules.origins import spelling_key
from annotations.services.origins import origin_names_record
from annotations.tests.conftest import world_revise
from annotations.tests.snapshots import client_for, db_snapshot, send, snapshot_diff

ANON, ALICE, BOB, MARIA = "anonymous", "alice", "bob", "maria"
ROLES = (ANON, ALICE, BOB, MARIA)

# Outcomes besides a plain status code.
LOGIN = "302 to a login page"  # /login/?next=… or, for the admin, /admin/login/?next=…
DENIED = "403, or 302 to a login page"  # a signed-in user without the right
REDIRECT = "302 elsewhere"  # a success that redirects (saved, or to the canonical page)
UNCHANGED = "refused or ignored: no 5xx"  # a write whose form may drop the field or 403
CLIENT_ERROR = "4xx"  # refused, whichever client error says it best
# An object outside the user's reach: 403, 404, or the admin's "does not exist" redirect to
# its index (the moderator's account list simply leaves other moderators out).
HIDDEN = "403, 404 or 302 to the admin index"

# Outcomes of a write that must leave the database exactly as it was.
REFUSED = {LOGIN, DENIED, UNCHANGED, CLIENT_ERROR, HIDDEN, 400, 403, 404, 405, 422}


# --- the GET matrix --------------------------------------------------------------------------
# Path, then the outcome for anonymous, alice, bob, maria. Paths are str.format templates
# over the `world` fixture ({ann} is /admin/annotations/); each row counts for the endpoint
# its path resolves to (the URL name, or the route of an unnamed pattern).

SPAN_QUERY = "?start={span.start}&end={span.end}"
GET_MATRIX = [
    # Reviewer pages: signed-in users only; moderators use them too.
    ("/", LOGIN, 200, 200, 200),
    ("/articles/{article.pk}/", LOGIN, 200, 200, 200),
    ("/articles/{article.pk}/updates/", LOGIN, 200, 200, 200),
    ("/articles/{article.pk}/span/" + SPAN_QUERY, LOGIN, 200, 200, 200),
    ("/articles/{article.pk}/span/others/" + SPAN_QUERY, LOGIN, 200, 200, 200),
    ("/articles/{article.pk}/span/move/", LOGIN, 405, 405, 405),
    ("/articles/{article.pk}/verdict/", LOGIN, 405, 405, 405),
    ("/articles/{article.pk}/verdict/withdraw/", LOGIN, 405, 405, CLIENT_ERROR),
    # Revisions: article text, readable by all; a flag is answered by its reviewer only.
    ("/articles/{revised.pk}/revisions/", LOGIN, 200, 200, 200),
    ("/articles/{revised.pk}/changes/{flag.pk}/", LOGIN, 405, 405, 405),
    ("/measures/{tanks.pk}/", LOGIN, 200, 200, 200),
    ("/measures/{tanks.pk}/rename/", LOGIN, 405, 405, 405),
    ("/claims/", LOGIN, 200, 200, 200),
    ("/claims/{claim.pk}/", LOGIN, 200, 200, 200),
    # The possible-duplicates queue shows every tally: moderators only.
    ("/claims/duplicates/", LOGIN, DENIED, DENIED, 200),
    ("/claims/duplicates/merge/", LOGIN, DENIED, DENIED, 405),  # POST only
    ("/claims/duplicates/dismiss/", LOGIN, DENIED, DENIED, 405),  # POST only
    # Public exports: published rulings only.
    ("/claims/{ruled.pk}.jsonld", 200, 200, 200, 200),
    ("/claims/{claim.pk}.jsonld", 404, 404, 404, 404),
    ("/claimreviews/", 200, 200, 200, 200),
    # Public ruling pages: published rulings only, to anyone.
    ("/rulings/", 200, 200, 200, 200),
    ("/rulings/{ruled.pk}/", 200, 200, 200, 200),
    ("/rulings/{claim.pk}/", 404, 404, 404, 404),
    # W3C annotations carry every verdict: moderators only (blind review).
    ("/annotations/", LOGIN, DENIED, DENIED, 200),
    ("/annotations/?page=1", LOGIN, DENIED, DENIED, 200),
    ("/annotations/{verdict.pk}", LOGIN, DENIED, DENIED, 200),
    # The import page: moderators, and reviewers given the import permission (not alice).
    ("/import/", LOGIN, DENIED, DENIED, 200),
    ("/import/status/", LOGIN, DENIED, DENIED, 200),
    ("/login/", 200, 200, 200, 200),
    # The load balancer's probe: no login, one query, nothing but "ok" or "unavailable".
    ("/healthz", 200, 200, 200, 200),
    ("/logout/", 405, 405, 405, 405),  # POST only
    # The admin site: moderators only.
    ("/admin/", LOGIN, LOGIN, LOGIN, 200),
    ("/admin/login/", 200, 200, 200, REDIRECT),
    # admin_view sends the signed-out to the index (which asks a login); POST only.
    ("/admin/logout/", REDIRECT, REDIRECT, REDIRECT, 405),
    ("/admin/password_change/", LOGIN, LOGIN, LOGIN, 200),
    ("/admin/password_change/done/", LOGIN, LOGIN, LOGIN, 200),
    ("/admin/autocomplete/", LOGIN, LOGIN, LOGIN, 403),  # no field given
    ("/admin/jsi18n/", LOGIN, LOGIN, LOGIN, 200),
    ("/admin/r/{article_type}/{article.pk}/", LOGIN, LOGIN, LOGIN, 404),
    ("{ann}", LOGIN, LOGIN, LOGIN, 200),
    ("/admin/auth/", LOGIN, LOGIN, LOGIN, 200),
    ("/admin/axes/", LOGIN, LOGIN, LOGIN, 404),  # no axes rights
    ("/admin/no-such-page/", LOGIN, LOGIN, LOGIN, 404),
    # Articles and sentences: read-only; anything with spans carries verdicts: no delete.
    ("{ann}article/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}article/add/", LOGIN, LOGIN, LOGIN, 403),
    ("{ann}article/{article.pk}/change/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}article/{article.pk}/delete/", LOGIN, LOGIN, LOGIN, 403),
    ("{ann}article/{article.pk}/history/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}article/{article.pk}/", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("{ann}sentence/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}sentence/add/", LOGIN, LOGIN, LOGIN, 403),
    ("{ann}sentence/{sentence.pk}/change/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}sentence/{sentence.pk}/delete/", LOGIN, LOGIN, LOGIN, 403),
    ("{ann}sentence/{sentence.pk}/history/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}sentence/{sentence.pk}/", LOGIN, LOGIN, LOGIN, REDIRECT),
    # Spans: made by highlighting only; a moderator may move one to another claim.
    ("{ann}span/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}span/add/", LOGIN, LOGIN, LOGIN, 403),
    ("{ann}span/{span.pk}/change/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}span/{span.pk}/delete/", LOGIN, LOGIN, LOGIN, 403),
    ("{ann}span/{span.pk}/history/", LOGIN, LOGIN, LOGIN, 200),
    # A past version may be viewed; reverting it is refused (see the write matrix).
    ("{ann}span/{span.pk}/history/{span_version}/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}span/{span.pk}/", LOGIN, LOGIN, LOGIN, REDIRECT),
    # Claims: the moderator's main page.
    ("{ann}claim/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}claim/overview/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}claim/add/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}claim/{claim.pk}/change/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}claim/{claim.pk}/delete/", LOGIN, LOGIN, LOGIN, 403),
    ("{ann}claim/{claim.pk}/history/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}claim/{claim.pk}/history/{claim_version}/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}claim/{claim.pk}/", LOGIN, LOGIN, LOGIN, REDIRECT),
    # Verdicts: hidden by a moderator, never added, rewritten or deleted.
    ("{ann}verdict/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}verdict/add/", LOGIN, LOGIN, LOGIN, 403),
    ("{ann}verdict/{verdict.pk}/change/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}verdict/{verdict.pk}/delete/", LOGIN, LOGIN, LOGIN, 403),
    ("{ann}verdict/{verdict.pk}/history/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}verdict/{verdict.pk}/history/{verdict_version}/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}verdict/{verdict.pk}/", LOGIN, LOGIN, LOGIN, REDIRECT),
    # Measures and figures: found at import; renamed and regrouped (joined), never deleted.
    ("{ann}measure/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}measure/add/", LOGIN, LOGIN, LOGIN, 403),
    ("{ann}measure/{tanks.pk}/change/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}measure/{tanks.pk}/delete/", LOGIN, LOGIN, LOGIN, 403),
    ("{ann}measure/{tanks.pk}/history/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}measure/{tanks.pk}/history/{measure_version}/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}measure/{tanks.pk}/", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("{ann}quantity/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}quantity/add/", LOGIN, LOGIN, LOGIN, 403),
    ("{ann}quantity/{figure.pk}/change/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}quantity/{figure.pk}/delete/", LOGIN, LOGIN, LOGIN, 403),
    ("{ann}quantity/{figure.pk}/history/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}quantity/{figure.pk}/history/{figure_version}/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}quantity/{figure.pk}/", LOGIN, LOGIN, LOGIN, REDIRECT),
    # Origins: spellings in use, merged and split by moderators, never added or deleted.
    ("{ann}originname/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}originname/add/", LOGIN, LOGIN, LOGIN, 403),
    ("{ann}originname/{origin_name.pk}/change/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}originname/{origin_name.pk}/delete/", LOGIN, LOGIN, LOGIN, 403),
    ("{ann}originname/{origin_name.pk}/history/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}originname/{origin_name.pk}/history/{origin_version}/", LOGIN, LOGIN, LOGIN, 200),
    ("{ann}originname/{origin_name.pk}/", LOGIN, LOGIN, LOGIN, REDIRECT),
    # Accounts: moderators create and (de)activate reviewers; other moderators, superusers,
    # groups and passwords are out of their reach.
    ("/admin/auth/user/", LOGIN, LOGIN, LOGIN, 200),
    ("/admin/auth/user/add/", LOGIN, LOGIN, LOGIN, 200),
    ("/admin/auth/user/{alice.pk}/change/", LOGIN, LOGIN, LOGIN, 200),
    ("/admin/auth/user/{maria.pk}/change/", LOGIN, LOGIN, LOGIN, HIDDEN),  # a moderator's account
    ("/admin/auth/user/{mona.pk}/change/", LOGIN, LOGIN, LOGIN, HIDDEN),
    ("/admin/auth/user/{root.pk}/change/", LOGIN, LOGIN, LOGIN, HIDDEN),
    ("/admin/auth/user/{alice.pk}/delete/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/auth/user/{alice.pk}/history/", LOGIN, LOGIN, LOGIN, 200),
    ("/admin/auth/user/{alice.pk}/password/", LOGIN, LOGIN, LOGIN, 403),  # the reviewer sets it
    ("/admin/auth/user/{alice.pk}/", LOGIN, LOGIN, LOGIN, REDIRECT),
    # The reviewer's end of the set-password e-mail: no admin login, the token decides.
    ("/admin/auth/user/reset/MQ/bad-token/", 200, 200, 200, 200),
    ("/admin/auth/user/reset/done/", 200, 200, 200, 200),
    # Groups carry the permissions: superusers only.
    ("/admin/auth/group/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/auth/group/add/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/auth/group/{moderators.pk}/change/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/auth/group/{moderators.pk}/delete/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/auth/group/{moderators.pk}/history/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/auth/group/{moderators.pk}/", LOGIN, LOGIN, LOGIN, REDIRECT),
    # Login throttling records: for the superuser (or manage.py axes_reset_*), not moderators.
    ("/admin/axes/accessattempt/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/axes/accessattempt/add/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/axes/accessattempt/{attempt.pk}/change/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/axes/accessattempt/{attempt.pk}/delete/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/axes/accessattempt/{attempt.pk}/history/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/axes/accessattempt/{attempt.pk}/", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("/admin/axes/accesslog/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/axes/accesslog/add/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/axes/accesslog/{access_log.pk}/change/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/axes/accesslog/{access_log.pk}/delete/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/axes/accesslog/{access_log.pk}/history/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/axes/accesslog/{access_log.pk}/", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("/admin/axes/accessfailurelog/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/axes/accessfailurelog/add/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/axes/accessfailurelog/{failure.pk}/change/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/axes/accessfailurelog/{failure.pk}/delete/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/axes/accessfailurelog/{failure.pk}/history/", LOGIN, LOGIN, LOGIN, 403),
    ("/admin/axes/accessfailurelog/{failure.pk}/", LOGIN, LOGIN, LOGIN, REDIRECT),
]


# --- the write matrix ------------------------------------------------------------------------
# Each write: the path it posts to and its form data, built from the world. Outcomes per
# role in WRITE_MATRIX below.


def _verdict_form(w, **fields) -> dict:
    return {
        "start": w.span.start,
        "end": w.span.end,
        "exact": w.span.exact,
        "label": "verified",
        "note": "Counted again.",
        "evidence_url": "https://example.org/recount",
        "attributed_to": "",
        "claim": str(w.claim.pk),
        "claim_text": "",
        # Fields no form has: whoever posts them must still act only as themselves.
        "reviewer": w.alice.pk,
        "verdict": w.verdict.pk,
        "id": w.verdict.pk,
        **fields,
    }


def _user_form(user, **changes) -> dict:
    """The user admin's change form as the browser posts it, with `changes` applied."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [p.pk for p in user.user_permissions.all()],
    }
    for flag in ("is_active", "is_staff", "is_superuser"):
        if getattr(user, flag):
            data[flag] = "on"
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _add_user_form() -> dict:
    # The staff, superuser and group fields are no part of the add form; posted anyway,
    # they must not make the new account anything but a reviewer.
    return {
        "username": "dora",
        "email": "dora@example.org",
        "password1": "a-long-enough-passphrase-9",
        "password2": "a-long-enough-passphrase-9",
        "usable_password": "true",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [Group.objects.get(name="Moderators").pk],
    }


ANN = "/admin/annotations"
WRITES = {
    # Reviewer endpoints.
    "save a verdict on alice's span": lambda w: (
        f"/articles/{w.article.pk}/verdict/",
        _verdict_form(w),
    ),
    "withdraw the verdict on alice's span": lambda w: (
        f"/articles/{w.article.pk}/verdict/withdraw/",
        {"start": w.span.start, "end": w.span.end, "reviewer": w.alice.pk, "id": w.verdict.pk},
    ),
    "move alice's span to another claim": lambda w: (
        f"/articles/{w.article.pk}/span/move/",
        {"start": w.span.start, "end": w.span.end, "claim": w.other.pk},
    ),
    "move alice's span into a ruled (locked) claim": lambda w: (
        f"/articles/{w.article.pk}/span/move/",
        {"start": w.span.start, "end": w.span.end, "claim": w.ruled.pk},
    ),
    "answer alice's changed-since-reviewed flag": lambda w: (
        f"/articles/{w.revised.pk}/changes/{w.flag.pk}/",
        {"status": "holds", "reviewer": w.bob.pk},
    ),
    "rename a measure": lambda w: (f"/measures/{w.tanks.pk}/rename/", {"name": "Tanks lost"}),
    "split a figure into a new measure": lambda w: (
        f"/measures/{w.tanks.pk}/split/",
        {"name": "Tanks lost on Monday", "figures": [w.figure.pk]},
    ),
    "join another measure into this one": lambda w: (
        f"/measures/{w.tanks.pk}/join/",
        {"other": w.drones.pk},
    ),
    "sign out": lambda w: ("/logout/", {}),
    "import an article by URL": lambda w: (
        "/import/",
        {"urls": "https://news.example/story.html"},
    ),
    # Claims.
    "edit a claim's text": lambda w: (
        f"{ANN}/claim/{w.claim.pk}/change/",
        {"text": "12 tanks were destroyed near Kursk", "origin": "the ministry", "as_of": ""},
    ),
    "add a claim": lambda w: (
        f"{ANN}/claim/add/",
        {"text": "North Korean troops withdrew", "origin": "", "as_of": ""},
    ),
    "delete a claim carrying verdicts": lambda w: (
        f"{ANN}/claim/{w.claim.pk}/delete/",
        {"post": "yes"},
    ),
    "revert a claim to an earlier version": lambda w: (
        f"{ANN}/claim/{w.ruled.pk}/history/{w.ruled_version}/",
        {"text": w.ruled.text, "origin": "", "as_of": ""},
    ),
    # Verdicts.
    "rewrite alice's verdict": lambda w: (
        f"{ANN}/verdict/{w.verdict.pk}/change/",
        {"label": "verified", "note": "Rewritten by a moderator.", "hidden": ""},
    ),
    "delete alice's verdict": lambda w: (f"{ANN}/verdict/{w.verdict.pk}/delete/", {"post": "yes"}),
    "revert the hidden verdict to before it was hidden": lambda w: (
        f"{ANN}/verdict/{w.hidden.pk}/history/{w.hidden_version}/",
        {"label": "disputed", "note": "Spam.", "hidden": "", "hidden_reason": ""},
    ),
    # Spans, articles, sentences.
    "move a span to another claim in the admin": lambda w: (
        f"{ANN}/span/{w.span.pk}/change/",
        {"claim": w.other.pk},
    ),
    "delete a span carrying verdicts": lambda w: (
        f"{ANN}/span/{w.span.pk}/delete/",
        {"post": "yes"},
    ),
    "revert a span to an earlier version": lambda w: (
        f"{ANN}/span/{w.span.pk}/history/{w.span_version}/",
        {"claim": ""},
    ),
    "edit an article's title": lambda w: (
        f"{ANN}/article/{w.article.pk}/change/",
        {
            "title": "Retitled",
            "outlet": w.article.outlet,
            "url": "",
            "byline": "",
            "published_0": "2025-02-07",
            "published": "2025-02-07",
            "text": w.article.text,
        },
    ),
    "delete an article": lambda w: (f"{ANN}/article/{w.article.pk}/delete/", {"post": "yes"}),
    "edit a sentence's offsets": lambda w: (
        f"{ANN}/sentence/{w.sentence.pk}/change/",
        {
            "article": w.article.pk,
            "index": w.sentence.index,
            "paragraph": w.sentence.paragraph,
            "start": w.sentence.start + 1,
            "end": w.sentence.end,
            "check_worthy": "on",
        },
    ),
    "delete a sentence": lambda w: (f"{ANN}/sentence/{w.sentence.pk}/delete/", {"post": "yes"}),
    # Measures and figures.
    "rename a measure in the admin": lambda w: (
        f"{ANN}/measure/{w.tanks.pk}/change/",
        {"name": "Tanks lost"},
    ),
    "move a figure to another measure in the admin": lambda w: (
        f"{ANN}/quantity/{w.figure.pk}/change/",
        {"measure": w.drones.pk},
    ),
    "delete a measure": lambda w: (f"{ANN}/measure/{w.drones.pk}/delete/", {"post": "yes"}),
    "delete a figure": lambda w: (f"{ANN}/quantity/{w.figure.pk}/delete/", {"post": "yes"}),
    "merge a pair from the duplicates queue": lambda w: (
        "/claims/duplicates/merge/",
        {"claim": w.other.pk, "other": w.claim.pk, "keep": w.claim.pk},
    ),
    "merge a ruled (locked) claim from the duplicates queue": lambda w: (
        "/claims/duplicates/merge/",
        {"claim": w.other.pk, "other": w.ruled.pk, "keep": w.other.pk},
    ),
    "dismiss a pair as not the same claim": lambda w: (
        "/claims/duplicates/dismiss/",
        {"claim": w.other.pk, "other": w.claim.pk},
    ),
    "merge an open claim into a ruled (locked) one": lambda w: (
        f"{ANN}/claim/",
        {
            "action": "merge",
            "index": "0",
            "_selected_action": [w.other.pk, w.ruled.pk],
            "apply": "1",
            "into": w.ruled.pk,
        },
    ),
    # Accounts.
    "add a reviewer account": lambda w: ("/admin/auth/user/add/", _add_user_form()),
    "deactivate alice": lambda w: (
        f"/admin/auth/user/{w.alice.pk}/change/",
        _user_form(w.alice, is_active=None),
    ),
    "make alice staff": lambda w: (
        f"/admin/auth/user/{w.alice.pk}/change/",
        _user_form(w.alice, is_staff="on"),
    ),
    "make maria superuser": lambda w: (
        f"/admin/auth/user/{w.maria.pk}/change/",
        _user_form(w.maria, is_superuser="on"),
    ),
    "put alice in the Moderators group": lambda w: (
        f"/admin/auth/user/{w.alice.pk}/change/",
        _user_form(w.alice, groups=[w.moderators.pk]),
    ),
    "give alice a permission of her own": lambda w: (
        f"/admin/auth/user/{w.alice.pk}/change/",
        _user_form(w.alice, user_permissions=[w.delete_claim.pk]),
    ),
    "deactivate mona, another moderator": lambda w: (
        f"/admin/auth/user/{w.mona.pk}/change/",
        _user_form(w.mona, is_active=None),
    ),
    "deactivate root, a superuser": lambda w: (
        f"/admin/auth/user/{w.root.pk}/change/",
        _user_form(w.root, is_active=None),
    ),
    "set alice's password": lambda w: (
        f"/admin/auth/user/{w.alice.pk}/password/",
        {"password1": "chosen-by-maria-42", "password2": "chosen-by-maria-42"},
    ),
    "delete alice's account": lambda w: (
        f"/admin/auth/user/{w.alice.pk}/delete/",
        {"post": "yes"},
    ),
    "add a permission to the Moderators group": lambda w: (
        f"/admin/auth/group/{w.moderators.pk}/change/",
        {
            "name": "Moderators",
            "permissions": [
                *w.moderators.permissions.values_list("pk", flat=True),
                w.add_permission.pk,
            ],
        },
    ),
    "add a group": lambda w: ("/admin/auth/group/add/", {"name": "Admins"}),
    "delete the Reviewers group": lambda w: (
        f"/admin/auth/group/{w.reviewers.pk}/delete/",
        {"post": "yes"},
    ),
    "deactivate mona and root with the account action": lambda w: (
        "/admin/auth/user/",
        {"action": "deactivate", "index": "0", "_selected_action": [w.mona.pk, w.root.pk]},
    ),
    "delete a lockout record": lambda w: (
        f"/admin/axes/accessattempt/{w.attempt.pk}/delete/",
        {"post": "yes"},
    ),
}

# Write, then the outcome for anonymous, alice, bob, maria. Any outcome in REFUSED also
# asserts that no stored row changed.
WRITE_MATRIX = [
    ("save a verdict on alice's span", LOGIN, REDIRECT, REDIRECT, REDIRECT),
    ("withdraw the verdict on alice's span", LOGIN, REDIRECT, 404, CLIENT_ERROR),
    # Only the span's sole reviewer or a moderator moves it: bob would re-count alice's
    # verdict elsewhere and see it through a claim he voted on (roles.may_move_span).
    ("move alice's span to another claim", LOGIN, REDIRECT, 403, REDIRECT),
    (
        "move alice's span into a ruled (locked) claim",
        LOGIN,
        CLIENT_ERROR,
        CLIENT_ERROR,
        CLIENT_ERROR,
    ),
    # Flags are personal: another reviewer or a moderator gets a 404, and nothing changes.
    ("answer alice's changed-since-reviewed flag", LOGIN, REDIRECT, 404, 404),
    ("rename a measure", LOGIN, REDIRECT, REDIRECT, REDIRECT),
    ("split a figure into a new measure", LOGIN, REDIRECT, REDIRECT, REDIRECT),
    ("join another measure into this one", LOGIN, REDIRECT, REDIRECT, REDIRECT),
    ("sign out", LOGIN, LOGIN, LOGIN, LOGIN),
    ("import an article by URL", LOGIN, DENIED, DENIED, REDIRECT),
    ("edit a claim's text", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("add a claim", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("delete a claim carrying verdicts", LOGIN, LOGIN, LOGIN, 403),
    ("revert a claim to an earlier version", LOGIN, LOGIN, LOGIN, CLIENT_ERROR),
    ("rewrite alice's verdict", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("delete alice's verdict", LOGIN, LOGIN, LOGIN, 403),
    ("revert the hidden verdict to before it was hidden", LOGIN, LOGIN, LOGIN, CLIENT_ERROR),
    ("move a span to another claim in the admin", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("delete a span carrying verdicts", LOGIN, LOGIN, LOGIN, 403),
    ("revert a span to an earlier version", LOGIN, LOGIN, LOGIN, CLIENT_ERROR),
    ("edit an article's title", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("delete an article", LOGIN, LOGIN, LOGIN, 403),
    ("edit a sentence's offsets", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("delete a sentence", LOGIN, LOGIN, LOGIN, 403),
    ("rename a measure in the admin", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("move a figure to another measure in the admin", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("delete a measure", LOGIN, LOGIN, LOGIN, 403),
    ("delete a figure", LOGIN, LOGIN, LOGIN, 403),
    ("merge a pair from the duplicates queue", LOGIN, DENIED, DENIED, REDIRECT),
    (
        "merge a ruled (locked) claim from the duplicates queue",
        LOGIN,
        DENIED,
        DENIED,
        CLIENT_ERROR,
    ),
    ("dismiss a pair as not the same claim", LOGIN, DENIED, DENIED, REDIRECT),
    ("merge an open claim into a ruled (locked) one", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("add a reviewer account", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("deactivate alice", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("make alice staff", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("make maria superuser", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("put alice in the Moderators group", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("give alice a permission of her own", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("deactivate mona, another moderator", LOGIN, LOGIN, LOGIN, HIDDEN),
    ("deactivate root, a superuser", LOGIN, LOGIN, LOGIN, HIDDEN),
    ("set alice's password", LOGIN, LOGIN, LOGIN, 403),
    ("delete alice's account", LOGIN, LOGIN, LOGIN, 403),
    ("add a permission to the Moderators group", LOGIN, LOGIN, LOGIN, 403),
    ("add a group", LOGIN, LOGIN, LOGIN, 403),
    ("delete the Reviewers group", LOGIN, LOGIN, LOGIN, 403),
    ("deactivate mona and root with the account action", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("delete a lockout record", LOGIN, LOGIN, LOGIN, 403),
]


def _effects(w, write: str, role: str) -> list[str]:
    """What an allowed write must have done (beyond its status)."""
    user = getattr(w, role, None)
    problems = []
    if write == "save a verdict on alice's span":
        mine = Verdict.objects.filter(span=w.span, reviewer=user).first()
        if mine is None or mine.label != "verified":
            problems.append(f"{role} has no verified verdict on the span")
    elif write == "withdraw the verdict on alice's span":
        if Verdict.objects.filter(pk=w.verdict.pk).exists():
            problems.append("alice's verdict is still there")
    elif write == "answer alice's changed-since-reviewed flag":
        if RevisionFlag.objects.get(pk=w.flag.pk).status != RevisionFlag.Status.HOLDS:
            problems.append("alice's flag was not answered")
    elif write == "add a reviewer account":
        dora = w.user_model.objects.filter(username="dora").first()
        if dora is None:
            problems.append("no account was created")
        elif dora.is_staff or dora.is_superuser or dora.groups.filter(name="Moderators").exists():
            problems.append("the new account is staff, superuser or a moderator")
    elif write == "import an article by URL":
        from annotations.models import ImportItem

        if not ImportItem.objects.filter(requested_by=user, status="queued").exists():
            problems.append("no import was queued")
    elif write == "deactivate alice":
        w.alice.refresh_from_db()
        if w.alice.is_active or w.alice.is_staff or w.alice.is_superuser:
            problems.append("alice is still active, or became staff")
    elif write == "edit a claim's text":
        if Claim.objects.get(pk=w.claim.pk).text != "12 tanks were destroyed near Kursk":
            problems.append("the claim text did not change")
    elif write == "merge a pair from the duplicates queue":
        if Span.objects.filter(claim=w.other).exists():
            problems.append("the merged-away claim still has appearances")
    elif write == "dismiss a pair as not the same claim":
        if not DuplicateDismissal.objects.filter(claim=w.other, other=w.claim).exists():
            problems.append("the dismissal was not stored")
    elif (
        write == "move a span to another claim in the admin"
        and Span.objects.get(pk=w.span.pk).claim_id != w.other.pk
    ):
        problems.append("the span did not move")
    return problems


# --- the admin actions matrix ---------------------------------------------------------------
# (model label, action): the changelist form data beyond "action". Outcomes per role below.

ACTIONS = {
    ("annotations.claim", "publish_ruling"): lambda w: {
        "_selected_action": [w.claim.pk],
        "apply": "1",
        "ruling": "attributed",
        "rationale": "Only the ministry says so.",
    },
    ("annotations.claim", "reopen"): lambda w: {"_selected_action": [w.ruled.pk]},
    ("annotations.claim", "merge"): lambda w: {
        "_selected_action": [w.claim.pk, w.other.pk],
        "apply": "1",
        "into": w.claim.pk,
    },
    ("annotations.claim", "supersede"): lambda w: {
        "_selected_action": [w.claim.pk, w.other.pk],
        "apply": "1",
        "newer": w.claim.pk,
    },
    ("annotations.claim", "download_csv"): lambda w: {"_selected_action": [w.claim.pk]},
    ("annotations.claim", "delete_selected"): lambda w: {
        "_selected_action": [w.claim.pk],
        "post": "yes",
    },
    ("annotations.verdict", "hide"): lambda w: {
        "_selected_action": [w.verdict.pk],
        "apply": "1",
        "reason": "abusive",
    },
    ("annotations.verdict", "unhide"): lambda w: {"_selected_action": [w.hidden.pk]},
    ("annotations.verdict", "delete_selected"): lambda w: {
        "_selected_action": [w.verdict.pk],
        "post": "yes",
    },
    ("annotations.span", "delete_selected"): lambda w: {
        "_selected_action": [w.span.pk],
        "post": "yes",
    },
    ("annotations.article", "delete_selected"): lambda w: {
        "_selected_action": [w.article.pk],
        "post": "yes",
    },
    ("annotations.sentence", "delete_selected"): lambda w: {
        "_selected_action": [w.sentence.pk],
        "post": "yes",
    },
    ("annotations.measure", "join"): lambda w: {"_selected_action": [w.tanks.pk, w.drones.pk]},
    ("annotations.measure", "delete_selected"): lambda w: {
        "_selected_action": [w.drones.pk],
        "post": "yes",
    },
    ("annotations.originname", "merge"): lambda w: {
        "_selected_action": [w.origin_name.pk, w.origin_other.pk],
        "apply": "1",
        "stands_for": "the General Staff",
    },
    ("annotations.originname", "split"): lambda w: {"_selected_action": [w.origin_name.pk]},
    ("annotations.originname", "undecide"): lambda w: {"_selected_action": [w.origin_name.pk]},
    ("annotations.originname", "delete_selected"): lambda w: {
        "_selected_action": [w.origin_name.pk],
        "post": "yes",
    },
    ("annotations.quantity", "split"): lambda w: {
        "_selected_action": [w.figure.pk],
        "apply": "1",
        "name": "Tanks lost on Monday",
    },
    ("annotations.quantity", "delete_selected"): lambda w: {
        "_selected_action": [w.figure.pk],
        "post": "yes",
    },
    ("auth.user", "activate"): lambda w: {"_selected_action": [w.charlie.pk]},
    ("auth.user", "deactivate"): lambda w: {"_selected_action": [w.alice.pk]},
    ("auth.user", "send_set_password_email"): lambda w: {"_selected_action": [w.alice.pk]},
    ("auth.user", "delete_selected"): lambda w: {
        "_selected_action": [w.alice.pk],
        "post": "yes",
    },
    ("auth.group", "delete_selected"): lambda w: {
        "_selected_action": [w.reviewers.pk],
        "post": "yes",
    },
    ("axes.accessattempt", "cleanup_expired_attempts"): lambda w: {
        "_selected_action": [w.attempt.pk],
    },
    ("axes.accessattempt", "delete_selected"): lambda w: {
        "_selected_action": [w.attempt.pk],
        "post": "yes",
    },
    ("axes.accesslog", "delete_selected"): lambda w: {
        "_selected_action": [w.access_log.pk],
        "post": "yes",
    },
    ("axes.accessfailurelog", "delete_selected"): lambda w: {
        "_selected_action": [w.failure.pk],
        "post": "yes",
    },
}

# (model label, action), then the outcome for anonymous, alice, bob, maria. Nothing that
# carries verdicts (articles, sentences, spans, claims, verdicts, reviewers) is ever deleted:
# delete_selected must be no action of the moderator's there.
ACTION_MATRIX = [
    ("annotations.claim", "publish_ruling", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("annotations.claim", "reopen", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("annotations.claim", "merge", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("annotations.claim", "supersede", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("annotations.claim", "download_csv", LOGIN, LOGIN, LOGIN, 200),
    ("annotations.claim", "delete_selected", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("annotations.verdict", "hide", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("annotations.verdict", "unhide", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("annotations.verdict", "delete_selected", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("annotations.span", "delete_selected", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("annotations.article", "delete_selected", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("annotations.sentence", "delete_selected", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("annotations.measure", "join", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("annotations.measure", "delete_selected", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("annotations.quantity", "split", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("annotations.originname", "merge", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("annotations.originname", "split", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("annotations.originname", "undecide", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("annotations.originname", "delete_selected", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("annotations.quantity", "delete_selected", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("auth.user", "activate", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("auth.user", "deactivate", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("auth.user", "send_set_password_email", LOGIN, LOGIN, LOGIN, REDIRECT),
    ("auth.user", "delete_selected", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("auth.group", "delete_selected", LOGIN, LOGIN, LOGIN, UNCHANGED),
    ("axes.accessattempt", "cleanup_expired_attempts", LOGIN, LOGIN, LOGIN, 403),
    ("axes.accessattempt", "delete_selected", LOGIN, LOGIN, LOGIN, 403),
    ("axes.accesslog", "delete_selected", LOGIN, LOGIN, LOGIN, 403),
    ("axes.accessfailurelog", "delete_selected", LOGIN, LOGIN, LOGIN, 403),
]
CARRY_VERDICTS = [Article, Sentence, Span, Claim, Verdict]


# --- helpers ---------------------------------------------------------------------------------


def _endpoints() -> set[str]:
    """Every endpoint the resolver knows: its URL name, or its route when unnamed."""
    found = set()

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name and namespace + pattern.name
                found.add(name or prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns)
    return found


def _endpoint_of(path: str) -> str:
    match = resolve(urlsplit(path).path)
    return match.view_name if match.url_name else match.route


def _matches(outcome, expected) -> bool:
    login_pages = (reverse("login"), reverse("admin:login"))
    to_login = outcome.status == 302 and urlsplit(outcome.location).path in login_pages
    if expected == LOGIN:
        return to_login
    if expected == DENIED:
        return to_login or outcome.status == 403
    if expected == REDIRECT:
        return outcome.status == 302 and not to_login
    if expected == UNCHANGED:
        return outcome.status < 500
    if expected == HIDDEN:
        admin_index = outcome.status == 302 and urlsplit(outcome.location).path == "/admin/"
        return outcome.status in (403, 404) or admin_index
    if expected == CLIENT_ERROR:
        return 400 <= outcome.status < 500
    return outcome.status == expected


class _AnyId:
    """Stands for any object of the world when only the shape of a path matters."""

    def __getattr__(self, name):
        return 1

    def __format__(self, spec):
        return "1"


class _AnyIds(dict):
    def __missing__(self, key):
        return "/admin/annotations/" if key == "ann" else _AnyId()


def _alice_verdict(w):
    # Everything alice wrote and every moderation mark; not counts_for_claim, which the
    # consensus rule derives again when a span carrying her verdict moves between claims.
    fields = [f.attname for f in Verdict._meta.concrete_fields if f.name != "counts_for_claim"]
    return list(Verdict.objects.filter(pk=w.verdict.pk).values_list(*fields))


@pytest.fixture
def w(world, django_user_model):
    """The world, plus what the tables name: versions, groups, permissions, lockout records."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    reviewers, moderators = (
        Group.objects.get(name="Reviewers"),
        Group.objects.get(name="Moderators"),
    )
    who = {"username": "alice", "ip_address": "192.0.2.1", "user_agent": "test"}
    http = {"http_accept": "text/html", "path_info": "/login/"}
    extra = {
        "ann": "/admin/annotations/",
        "user_model": django_user_model,
        "reviewers": reviewers,
        "moderators": moderators,
        "article_type": ContentType.objects.get_for_model(Article).pk,
        # The earliest versions: reverting to them is what the admin must refuse.
        "span_version": world.span.history.earliest().history_id,
        "claim_version": world.claim.history.earliest().history_id,
        "ruled_version": world.ruled.history.earliest().history_id,
        "verdict_version": world.verdict.history.earliest().history_id,
        "hidden_version": world.hidden.history.earliest().history_id,
        "delete_claim": Permission.objects.get(codename="delete_claim"),
        "add_permission": Permission.objects.get(codename="add_permission"),
        "attempt": AccessAttempt.objects.create(
            **who, **http, get_data="", post_data="", failures_since_start=1
        ),
        "access_log": AccessLog.objects.create(**who, **http),
        "failure": AccessFailureLog.objects.create(**who, **http),
        # Another spelling besides the world's, to merge with it.
        "origin_other": OriginName.objects.create(
            name="Ukraine's General Staff", key=spelling_key("Ukraine's General Staff")
        ),
    }
    extra["origin_version"] = world.origin_name.history.earliest().history_id
    extra["measure_version"] = world.tanks.history.earliest().history_id
    # Figures are stored in bulk at import, with no history row until one is moved.
    world.figure.save()
    extra["figure_version"] = world.figure.history.earliest().history_id
    for key, value in extra.items():
        setattr(world, key, value)
    world_revise(world)
    # Every spelling in use recorded, as a first visit to the origins admin would: a GET of
    # it then writes nothing.
    origin_names_record()
    # An address for the set-password e-mail, and an inactive reviewer to activate.
    django_user_model.objects.filter(pk=world.alice.pk).update(email="alice@example.org")
    django_user_model.objects.filter(pk=world.charlie.pk).update(is_active=False)
    world.alice.refresh_from_db()
    world.charlie.refresh_from_db()
    return world


def _client(w, role: str):
    return client_for(None if role == ANON else getattr(w, role))


# --- tests -----------------------------------------------------------------------------------


def test_it_has_a_row_for_every_endpoint():
    covered = {_endpoint_of(row[0].format_map(_AnyIds())) for row in GET_MATRIX}
    missing = sorted(_endpoints() - covered)
    assert not missing, f"endpoints missing from GET_MATRIX (add a row each): {missing}"
    stale = sorted(covered - _endpoints())
    assert not stale, f"GET_MATRIX rows for endpoints that no longer exist: {stale}"


def test_it_has_a_row_for_every_admin_action():
    registered = {
        (model._meta.label_lower, name)
        for model, model_admin in admin.site._registry.items()
        for _, name, _ in model_admin._get_base_actions()
    }
    table = {(label, action) for label, action, *_ in ACTION_MATRIX}
    assert registered - table == set(), "admin actions missing from ACTION_MATRIX"
    assert table - registered == set(), "ACTION_MATRIX rows for actions that no longer exist"
    assert table == set(ACTIONS)


def test_it_has_a_row_for_every_write():
    assert [row[0] for row in WRITE_MATRIX] == list(WRITES)


@pytest.mark.parametrize(
    "row", GET_MATRIX, ids=[f"GET {row[0].split('?')[0]}" for row in GET_MATRIX]
)
def test_it_answers_each_role_as_the_matrix_says(w, row):
    template, *expected = row
    path = template.format_map(vars(w))
    clients = {role: _client(w, role) for role in ROLES}
    before = db_snapshot()
    wrong = []
    for role, want in zip(ROLES, expected, strict=True):
        outcome = send(clients[role], "get", path)
        if not _matches(outcome, want):
            wrong.append(f"{role}: GET {path} → {outcome}, expected {want}")
    assert not wrong, "\n".join(wrong)
    assert snapshot_diff(before, db_snapshot()) == [], "a GET changed stored rows"


def _cases(matrix, name):
    """One test for the roles a row refuses (a refused write changes nothing, so they may
    share one world), and one test of its own for each role the row allows."""
    for row in matrix:
        expected = dict(zip(ROLES, row[-4:], strict=True))
        refused = tuple(role for role in ROLES if expected[role] in REFUSED)
        groups = ([refused] if refused else []) + [(r,) for r in ROLES if r not in refused]
        for roles in groups:
            yield pytest.param(row, roles, id=f"{name(row)} as {'+'.join(roles)}")


def _post_as(w, role, path, data, want) -> tuple[list[str], list[str]]:
    """Post as `role`: what went against the matrix (status, or rows a refusal changed),
    and the tables the request changed."""
    client = _client(w, role)
    before, alice_before = db_snapshot(), _alice_verdict(w)
    mail.outbox.clear()
    outcome = send(client, "post", path, data)
    problems = []
    if not _matches(outcome, want):
        problems.append(f"{role}: POST {path} → {outcome}, expected {want}")
    changed = snapshot_diff(before, db_snapshot())
    if want in REFUSED and changed:
        problems.append(f"{role}: refused, yet changed {changed}")
    if (role == BOB or (role == MARIA and not path.startswith("/admin/"))) and (
        _alice_verdict(w) != alice_before
    ):
        problems.append(f"{role} changed alice's verdict")
    return problems, changed


@pytest.mark.parametrize(("row", "roles"), list(_cases(WRITE_MATRIX, lambda row: row[0])))
def test_it_allows_or_refuses_each_write_as_the_matrix_says(w, row, roles):
    write, *expected = row
    want = dict(zip(ROLES, expected, strict=True))
    problems = []
    for role in roles:
        path, data = WRITES[write](w)
        problems += _post_as(w, role, path, data, want[role])[0]
        if want[role] not in REFUSED and not problems:
            problems += _effects(w, write, role)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("row", "roles"), list(_cases(ACTION_MATRIX, lambda row: f"{row[0]}.{row[1]}"))
)
def test_it_allows_or_refuses_each_admin_action_as_the_matrix_says(w, row, roles):
    label, action, *expected = row
    want = dict(zip(ROLES, expected, strict=True))
    app_label, model_name = label.split(".")
    path = reverse(f"admin:{app_label}_{model_name}_changelist")
    problems = []
    for role in roles:
        data = {"action": action, "index": "0", **ACTIONS[(label, action)](w)}
        wrong, changed = _post_as(w, role, path, data, want[role])
        problems += wrong
        if problems or want[role] in REFUSED:
            continue
        if action == "send_set_password_email":
            if [m.to for m in mail.outbox] != [[w.alice.email]]:
                problems.append("no set-password e-mail went to alice")
        elif want[role] == REDIRECT and not changed:
            problems.append(f"{role}: {action} changed nothing")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("model", CARRY_VERDICTS + ["user"], ids=str)
def test_it_offers_moderators_no_delete_of_what_carries_verdicts(w, model):
    model = w.user_model if model == "user" else model
    request = RequestFactory().get("/admin/")
    request.user = w.maria
    model_admin = admin.site._registry[model]
    assert "delete_selected" not in model_admin.get_actions(request)
    assert not model_admin.has_delete_permission(request)
