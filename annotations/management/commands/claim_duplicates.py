"""Find every pair of possible duplicate claims again, from scratch, with the claim matcher
(services.duplicates_rebuild): after an upgrade, a bulk load of claims that went around the
services, or a change of the matcher's thresholds. Moderators' "not the same claim"
decisions are kept."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from annotations.services import duplicates_rebuild


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        pairs = duplicates_rebuild()
        self.stdout.write(f"Found {pairs} pair(s) of possible duplicate claims.")
