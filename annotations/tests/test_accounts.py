from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


def test_demo_accounts_are_created_once_and_kept(db, tmp_path):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    logins = json.loads((tmp_path / "demo-logins.json").read_text())
    assert set(logins) == {"alice", "bob", "charlie", "maria"}
    alice = get_user_model().objects.get(username="alice")
    assert alice.check_password(logins["alice"])
    assert logins["alice"] in out.getvalue()

    call_command("demo_accounts", stdout=io.StringIO())
    assert json.loads((tmp_path / "demo-logins.json").read_text()) == logins
    alice.refresh_from_db()
    assert alice.check_password(logins["alice"]), "a second run keeps the passwords"
    maria = get_user_model().objects.get(username="maria")
    assert maria.is_staff and not maria.is_superuser
    assert maria.groups.filter(name="Moderators").exists()
    assert not alice.is_staff


def test_passwords_differ_between_accounts(db, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("demo_accounts", stdout=io.StringIO())
    logins = json.loads((tmp_path / "demo-logins.json").read_text())
    assert len(set(logins.values())) == 4


# --- login throttling (django-axes) ---------------------------------------------------------


def _sign_in(client: Client, username: str, password: str, *, ip: str = HOME, admin=False):
    """Post the login form as a browser does: fetch it for the CSRF cookie, then submit."""
    url = reverse("admin:login") if admin else reverse("login")
    client.get(url, REMOTE_ADDR=ip)
    token = client.cookies["csrftoken"].value
    return client.post(
        url,
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
        REMOTE_ADDR=ip,
    )


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _lock_out(username: str, *, ip: str = HOME, admin=False):
    client = Client(enforce_csrf_checks=True)
    responses = [
        _sign_in(client, username, "wrong-password", ip=ip, admin=admin)
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    return responses


def test_it_answers_the_first_wrong_passwords_with_the_form(alice):
    responses = _lock_out("alice")
    assert [r.status_code for r in responses[:-1]] == [200] * 4
    assert b"didn't match" in responses[0].content


def test_it_locks_a_username_at_one_address_after_five_wrong_passwords(alice):
    assert settings.AXES_FAILURE_LIMIT == 5
    responses = _lock_out("alice")
    assert responses[-1].status_code == 429

    client = Client(enforce_csrf_checks=True)
    response = _sign_in(client, "alice", "alice-password")
    assert response.status_code == 429
    assert not _signed_in(client), "the right password is refused while locked"
    page = response.content.decode()
    assert "Too many failed sign-ins" in page and "15 minutes" in page
    assert "Traceback" not in page


def test_it_keeps_refusing_after_a_hundred_wrong_passwords(alice):
    client = Client(enforce_csrf_checks=True)
    statuses = {_sign_in(client, "alice", f"guess-{n}").status_code for n in range(100)}
    assert statuses == {200, 429}
    assert _sign_in(client, "alice", "alice-password").status_code == 429
    assert not _signed_in(client)


def test_it_lets_the_same_username_in_from_another_address(alice):
    _lock_out("alice", ip=HOME)
    client = Client(enforce_csrf_checks=True)
    response = _sign_in(client, "alice", "alice-password", ip=ELSEWHERE)
    assert response.status_code == 302 and _signed_in(client)


def test_it_lets_another_username_in_from_the_same_address(alice, bob):
    _lock_out("alice", ip=HOME)
    client = Client(enforce_csrf_checks=True)
    assert _sign_in(client, "bob", "bob-password", ip=HOME).status_code == 302


def test_it_unlocks_after_the_cool_off(alice):
    _lock_out("alice")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    client = Client(enforce_csrf_checks=True)
    assert _sign_in(client, "alice", "alice-password").status_code == 302


def test_it_forgets_earlier_failures_after_a_successful_sign_in(alice):
    client = Client(enforce_csrf_checks=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "alice", "wrong-password")
    assert _sign_in(client, "alice", "alice-password").status_code == 302
    client.logout()
    assert _sign_in(client, "alice", "wrong-password").status_code == 200


def test_it_unlocks_with_the_reset_commands(alice, bob):
    _lock_out("alice")
    _lock_out("bob")
    out = io.StringIO()
    call_command("axes_reset_username", "alice", stdout=out)
    assert "removed" in out.getvalue()
    client = Client(enforce_csrf_checks=True)
    assert _sign_in(client, "alice", "alice-password").status_code == 302

    call_command("axes_reset_ip_username", HOME, "bob", stdout=io.StringIO())
    client = Client(enforce_csrf_checks=True)
    assert _sign_in(client, "bob", "bob-password").status_code == 302


def test_it_throttles_the_admin_login_too(maria):
    responses = _lock_out("maria", admin=True)
    assert [r.status_code for r in responses[:-1]] == [200] * 4
    assert responses[-1].status_code == 429

    client = Client(enforce_csrf_checks=True)
    response = _sign_in(client, "maria", "maria-password", admin=True)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert not _signed_in(client)
    # Failures at either door count together: the reviewer login is locked for her too.
    assert _sign_in(client, "maria", "maria-password").status_code == 429


def test_it_locks_per_client_address_behind_a_proxy_when_told_how_many(alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy at 10.9.9.9 appends the address it received from; the attacker also sends a
    # forged entry of its own, which must not give it fresh tries.
    proxy = "10.9.9.9"
    for n in range(settings.AXES_FAILURE_LIMIT):
        attacker = Client(
            enforce_csrf_checks=True, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7"
        )
        _sign_in(attacker, "alice", "wrong-password", ip=proxy)
    assert _sign_in(attacker, "alice", "alice-password", ip=proxy).status_code == 429

    owner = Client(enforce_csrf_checks=True, HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert _sign_in(owner, "alice", "alice-password", ip=proxy).status_code == 302


def test_it_refuses_a_password_check_without_a_request_rather_than_skip_the_throttle(alice):
    # Anything that checks a password must say where from (tests use force_login).
    with pytest.raises(AxesBackendRequestParameterRequired):
        authenticate(username="alice", password="alice-password")
    with pytest.raises(AxesBackendRequestParameterRequired):
        Client().login(username="alice", password="alice-password")
