"""Compute and store the embedding of every claim that has none, or one from another model
or an earlier text (annotations.matching). Suggestions work without: they compute a
missing one on the fly, without storing it; this stores them all."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from annotations.matching import embeddings
from annotations.matching.store import claim_embeddings_store
from annotations.models import Claim


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        stored = 0
        claims = Claim.objects.order_by("pk").only("pk", "text")
        batch = []
        for claim in claims.iterator(chunk_size=2000):
            batch.append(claim)
            if len(batch) == 2000:
                stored += claim_embeddings_store(claims=batch)
                batch = []
        stored += claim_embeddings_store(claims=batch)
        model = embeddings.MODELS[embeddings.DEFAULT].name
        self.stdout.write(f"Stored {stored} claim embedding(s) ({model}).")
