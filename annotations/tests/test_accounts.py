from __future__ import annotations

import io
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command


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
