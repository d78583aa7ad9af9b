"""Settings of the app `make loadtest` serves: production's, plus the bare views to compare
against (bench/loadtest_urls.py). Never used by `make run` or any deployment."""

from __future__ import annotations

from factcheck.settings import *  # noqa: F403

ROOT_URLCONF = "bench.loadtest_urls"
# Pages are measured, not static files: no collectstatic needed for the throwaway database.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
