"""Django admin for moderators. Every model is registered with useful columns; history
of verdicts, claims and spans is browsable through simple-history's admin."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from annotations.models import Article, Claim, Sentence, Span, Verdict
from annotations.selectors import claim_label_counts


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published", "byline", "sentence_count", "imported_at"]
    list_filter = ["published", "outlet"]
    search_fields = ["title", "text", "outlet", "byline"]
    readonly_fields = ["content_hash", "imported_at", "source_name"]
    date_hierarchy = "published"

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_sentences=Count("sentences"))

    @admin.display(ordering="_sentences", description="sentences")
    def sentence_count(self, obj: Article) -> int:
        return obj._sentences

    def get_readonly_fields(self, request, obj=None):
        # Text is frozen once anything is anchored to it (the database refuses too).
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.text_is_anchored():
            fields.append("text")
        return fields


@admin.register(Sentence)
class SentenceAdmin(admin.ModelAdmin):
    list_display = ["article", "index", "paragraph", "start", "end", "check_worthy"]
    list_filter = ["check_worthy"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]


@admin.register(Span)
class SpanAdmin(SimpleHistoryAdmin):
    list_display = ["exact_short", "article", "start", "end", "claim", "created_by", "created_at"]
    list_select_related = ["article", "claim", "created_by"]
    search_fields = ["exact"]
    raw_id_fields = ["article", "claim"]
    readonly_fields = ["article", "start", "end", "exact", "prefix", "suffix", "created_by"]

    @admin.display(description="quote")
    def exact_short(self, obj: Span) -> str:
        return obj.exact[:80]


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["text", "origin", "status", "ruling", "verified", "disputed", "attributed"]
    list_filter = ["status", "ruling"]
    search_fields = ["text", "origin"]
    readonly_fields = ["created_by", "created_at", "updated_at", "ruled_by", "ruled_at"]

    def get_queryset(self, request):
        return claim_label_counts(claims=super().get_queryset(request))

    @admin.display(ordering="verified")
    def verified(self, obj: Claim) -> int:
        return obj.verified

    @admin.display(ordering="disputed")
    def disputed(self, obj: Claim) -> int:
        return obj.disputed

    @admin.display(ordering="attributed")
    def attributed(self, obj: Claim) -> int:
        return obj.attributed


@admin.register(Verdict)
class VerdictAdmin(SimpleHistoryAdmin):
    list_display = ["span", "reviewer", "label", "hidden", "has_evidence", "updated_at"]
    list_filter = ["label", "hidden"]
    list_select_related = ["span", "reviewer"]
    search_fields = ["note", "attributed_to", "span__exact"]
    # Verdicts belong to their reviewers: moderators may hide one, never rewrite it.
    readonly_fields = [
        "span",
        "reviewer",
        "label",
        "note",
        "evidence_url",
        "attributed_to",
        "created_at",
        "updated_at",
    ]

    @admin.display(boolean=True, description="evidence")
    def has_evidence(self, obj: Verdict) -> bool:
        return bool(obj.evidence_url)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Hidden by a moderator, never silently deleted.
        return False
