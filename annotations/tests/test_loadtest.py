"""`make loadtest`'s own parts that can be wrong without a load: where the bare views are
mounted, and the check that every acknowledged verdict is stored exactly once."""

from __future__ import annotations

import pytest
from django.urls import Resolver404, resolve

from annotations import services
from bench.loadtest import check_verdicts


def test_it_mounts_the_bare_views_only_in_the_load_test_urlconf():
    for path in ("/bare/insert/", "/bare/select/1/"):
        with pytest.raises(Resolver404):
            resolve(path)  # factcheck.urls: what every deployment serves
        assert resolve(path, urlconf="bench.loadtest_urls").url_name.startswith("bare_")
    # The app itself is all there too.
    assert resolve("/articles/1/verdict/", urlconf="bench.loadtest_urls").url_name == (
        "verdict_save"
    )


def _write(reviewer, article, start, end, action, label="", note=""):
    return {
        "reviewer": reviewer.username,
        "action": action,
        "article": article.pk,
        "start": start,
        "end": end,
        "label": label,
        "note": note,
    }


def test_it_finds_lost_changed_and_unacknowledged_verdicts(article, django_user_model, groups):
    reviewers, _ = groups
    one, two = (django_user_model.objects.create_user(username=f"loadtest00{n}") for n in (1, 2))
    for user in (one, two):
        user.groups.add(reviewers)
    tanks = article.text.index("12 tanks")
    denied = article.text.index("Nobody denied it.")
    where = {"tanks": (tanks, tanks + 8, "12 tanks"), "denied": (denied, denied + 17, "")}

    def save(user, place, label, note):
        start, end, exact = where[place]
        services.verdict_record(
            article=article, start=start, end=end, exact=exact or article.text[start:end],
            reviewer=user, label=label, note=note,
        )  # fmt: skip
        return _write(user, article, start, end, "save", label, note)

    log = [
        save(one, "tanks", "verified", "first"),
        save(one, "tanks", "disputed", "second"),  # a change: the last one counts
        save(two, "tanks", "verified", "two's"),
        save(one, "denied", "verified", "withdrawn later"),
    ]
    one_denied = one.verdicts.get(note="withdrawn later")
    services.verdict_withdraw(verdict=one_denied, reviewer=one)
    log.append(_write(one, article, *where["denied"][:2], "withdraw"))
    assert check_verdicts(log) == (5, 0, 0, 0)

    # A change the app acknowledged but did not store is lost.
    changed = [*log[:2], {**log[2], "note": "something else"}, *log[3:]]
    assert check_verdicts(changed) == (5, 1, 0, 0)
    # A verdict stored that no acknowledged write explains (or that was withdrawn).
    assert check_verdicts([w for w in log if w["reviewer"] != "loadtest002"]) == (4, 0, 0, 1)
    assert check_verdicts(log[:-1]) == (4, 1, 0, 0)
