"""The test world: reviewers alice, bob and charlie, moderator maria, and the seeds."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

SEEDS = Path(__file__).parent / "seeds"


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    # The hashed-name manifest only exists after collectstatic; tests read the sources.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # A deliberately slow password hash costs seconds per test world; tests need none.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def groups(db):
    from annotations.roles import groups_ensure

    return groups_ensure()


def _user(django_user_model, groups, username: str, *, moderator: bool = False):
    reviewers, moderators = groups
    user = django_user_model.objects.create_user(
        username=username, password=f"{username}-password", is_staff=moderator
    )
    user.groups.add(moderators if moderator else reviewers)
    return user


@pytest.fixture
def alice(django_user_model, groups):
    return _user(django_user_model, groups, "alice")


@pytest.fixture
def bob(django_user_model, groups):
    return _user(django_user_model, groups, "bob")


@pytest.fixture
def charlie(django_user_model, groups):
    return _user(django_user_model, groups, "charlie")


@pytest.fixture
def maria(django_user_model, groups):
    return _user(django_user_model, groups, "maria", moderator=True)


@pytest.fixture
def seeds(db):
    """The five seed articles, imported as `make run` imports them."""
    from annotations.models import Article

    call_command("import_articles", str(SEEDS), stdout=io.StringIO())
    return list(Article.objects.order_by("source_name"))


@pytest.fixture
def article(db):
    from annotations.services import article_import

    article, _ = article_import(
        title="A test article",
        text="A test article\n\nThe ministry said 12 tanks were destroyed. Nobody denied it.",
    )
    return article


@pytest.fixture
def span(article, alice):
    from annotations.services import span_get_or_create

    start = article.text.index("12 tanks")
    return span_get_or_create(
        article=article, start=start, end=start + 8, exact="12 tanks", created_by=alice
    )


@pytest.fixture
def verdict(span, alice):
    from annotations.services import verdict_set

    return verdict_set(span=span, reviewer=alice, label="disputed", note="Count differs.")


def pytest_sessionfinish(session, exitstatus):
    # No test may be skipped: a skip usually means a missing dependency (a browser, a
    # database driver) and would let CI pass without testing what it claims.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and reporter.stats.get("skipped") and exitstatus == 0:
        reporter.write_line("FAILED: tests were skipped; the suite allows no skips", red=True)
        session.exitstatus = 1
