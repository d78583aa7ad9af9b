from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from annotations.roles import groups_ensure

DEMO_REVIEWERS = ["alice", "bob", "charlie"]
DEMO_MODERATOR = "maria"


class Command(BaseCommand):
    help = (
        "Create the Reviewers and Moderators groups and, if missing, three reviewer "
        "accounts and one moderator with generated passwords; print the logins."
    )

    def handle(self, *args, **options):
        logins_file = settings.VAR_DIR / "demo-logins.json"
        known = json.loads(logins_file.read_text()) if logins_file.exists() else {}
        User = get_user_model()
        with transaction.atomic():
            reviewers, moderators = groups_ensure()
            for username in [*DEMO_REVIEWERS, DEMO_MODERATOR]:
                is_moderator = username == DEMO_MODERATOR
                user, created = User.objects.get_or_create(
                    username=username, defaults={"is_staff": is_moderator}
                )
                if created:
                    known[username] = secrets.token_urlsafe(12)
                    user.set_password(known[username])
                    user.save()
                user.groups.add(moderators if is_moderator else reviewers)
        settings.VAR_DIR.mkdir(exist_ok=True)
        logins_file.write_text(json.dumps(known, indent=2))
        logins_file.chmod(0o600)

        self.stdout.write("\nDemo accounts (passwords kept in var/demo-logins.json):")
        for username in [*DEMO_REVIEWERS, DEMO_MODERATOR]:
            role = "moderator" if username == DEMO_MODERATOR else "reviewer"
            password = known.get(username, "(set before; use manage.py changepassword)")
            self.stdout.write(f"  {role:9}  {username:8}  {password}")
