"""Helpers of the permission matrix and the fuzz test: a digest of every stored row (so a
test can assert that a refused write changed nothing), and requests that report a 500
instead of raising."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client


def _snapshot_models() -> list:
    # Every model of the domain, including the simple-history tables, plus the accounts and
    # the many-to-many tables that carry roles (user groups, user and group permissions).
    user = get_user_model()
    return [
        *apps.get_app_config("annotations").get_models(),
        user,
        Group,
        user.groups.through,
        user.user_permissions.through,
        Group.permissions.through,
    ]


def db_snapshot() -> dict[str, tuple[int, str]]:
    """Per table: the row count and a digest of all rows in primary-key order."""
    snapshot = {}
    for model in _snapshot_models():
        rows = list(model._base_manager.order_by("pk").values_list())
        digest = hashlib.sha256(repr(rows).encode("utf-8", "surrogatepass")).hexdigest()
        snapshot[model._meta.label] = (len(rows), digest)
    return snapshot


def snapshot_diff(before: dict, after: dict) -> list[str]:
    """The tables whose rows differ, e.g. ["annotations.Verdict: 3 rows → 3 rows, changed"]."""
    return [
        f"{table}: {before[table][0]} rows → {after[table][0]} rows"
        + (", changed" if before[table][0] == after[table][0] else "")
        for table in before
        if before[table] != after.get(table)
    ]


def client_for(user=None) -> Client:
    """A client with CSRF checks on (as a browser), signed in as `user`, holding a token."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get("/login/")
    client.csrf = client.cookies["csrftoken"].value
    return client


@dataclass
class Outcome:
    status: int
    location: str = ""
    error: str = ""

    def __str__(self) -> str:
        if self.error:
            return f"500 ({self.error})"
        return f"{self.status} → {self.location}" if self.location else str(self.status)


def send(client: Client, method: str, path: str, data=None, **headers) -> Outcome:
    """One request; an exception in the view is a 500, not an error of the test. The
    savepoint keeps the test's transaction usable after a database error (PostgreSQL
    refuses every later query in an aborted transaction)."""
    call = getattr(client, method.lower())
    try:
        with transaction.atomic():
            response = call(path, data or {}, HTTP_X_CSRFTOKEN=client.csrf, **headers)
    except Exception as exc:  # noqa: BLE001 (any exception is what the test reports)
        return Outcome(500, error=f"{type(exc).__name__}: {str(exc)[:200]}")
    return Outcome(response.status_code, response.get("Location", ""))
