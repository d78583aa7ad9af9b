"""Articles, their sentences and the highlighted spans in the moderation admin. All three
come from import and highlighting, which validate: the admin reads them, fixes an
article's title or outlet, and moves a span to another claim through the service."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format

from annotations import services
from annotations.admin.base import HistoryAdmin, ModerationAdmin
from annotations.models import Article, Claim, Sentence, Span
from annotations.rules.rulings import claim_is_locked, locked_message


class RevisionFilter(admin.SimpleListFilter):
    title = "revision"
    parameter_name = "revision"

    def lookups(self, request, model_admin):
        return [("current", "Current"), ("replaced", "Replaced by a newer revision")]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.filter(next_revision=None)
        if self.value() == "replaced":
            return queryset.exclude(next_revision=None)
        return queryset


@admin.register(Article)
class ArticleAdmin(ModerationAdmin):
    list_display = [
        "title",
        "outlet",
        "published",
        "byline",
        "revision",
        "is_current",
        "sentence_count",
        "imported_at",
        "last_check",
    ]
    list_filter = [RevisionFilter, "check_outcome", "published", "outlet"]
    search_fields = ["title", "outlet", "byline"]
    date_hierarchy = "published"
    # Django 6's default, now (and no deprecation warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request) -> bool:
        # Articles come in through import_articles, which splits sentences and hashes.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # As imported: text, hash and offsets are what spans and figures are anchored to,
        # the date is where the figures' as-of dates came from, and a changed article is
        # a new revision, imported.
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_sentences=Count("sentences"))

    @admin.display(boolean=True, description="current")
    def is_current(self, obj: Article) -> bool:
        return obj.is_current

    @admin.display(ordering="checked_at", description="last re-check")
    def last_check(self, obj: Article) -> str:
        # When, the outcome and its reason (a refusal says why) in one cell, the list
        # being wide already; escaped by the admin.
        if not obj.checked_at:
            return "—"
        when = date_format(timezone.localtime(obj.checked_at), "SHORT_DATETIME_FORMAT")
        outcome = f"{obj.get_check_outcome_display()}, {when}"
        return f"{outcome}: {obj.check_message}" if obj.check_message else outcome

    @admin.display(ordering="_sentences", description="sentences")
    def sentence_count(self, obj: Article) -> int:
        return obj._sentences


@admin.register(Sentence)
class SentenceAdmin(ModerationAdmin):
    list_display = ["article", "index", "paragraph", "start", "end", "check_worthy"]
    list_filter = ["check_worthy"]
    list_select_related = ["article"]

    def has_add_permission(self, request) -> bool:
        return False  # computed once at import

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # offsets into a frozen text


class SpanForm(forms.ModelForm):
    def clean_claim(self) -> Claim:
        claim = self.cleaned_data["claim"]
        if claim.pk == self.instance.claim_id:
            return claim
        # The friendly message for what services.span_move refuses: a ruled claim keeps
        # its appearances, and gets none.
        for side in (self.instance.claim, claim):
            if side is not None and claim_is_locked(ruling=side.ruling):
                raise forms.ValidationError(
                    locked_message(ruling=side.ruling, ruled_at=side.ruled_at)
                )
        return claim


@admin.register(Span)
class SpanAdmin(HistoryAdmin):
    form = SpanForm
    list_display = [
        "exact_short",
        "article",
        "start",
        "end",
        "anchor_status",
        "claim",
        "created_by",
        "created_at",
    ]
    list_select_related = ["article", "claim", "created_by"]
    # How each highlight came through the article's revisions: fuzzy and orphaned ones
    # are found here, never silently.
    list_filter = ["anchor_status"]
    search_fields = ["exact"]
    raw_id_fields = ["claim"]
    readonly_fields = [
        "article",
        "start",
        "end",
        "exact",
        "prefix",
        "suffix",
        "anchor_status",
        "anchor_score",
        "created_by",
    ]

    def has_add_permission(self, request) -> bool:
        return False  # spans are made by highlighting, which checks offsets and quote

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "claim":
            # Not ClaimAdmin's ordering: it names annotations this queryset lacks (a
            # FieldError on every change and history page).
            kwargs["queryset"] = Claim.objects.all()
            # Moved to another claim, not detached: its verdicts stay counted somewhere.
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Only the claim is editable; the service records who moved it.
        services.span_move(span=obj, claim=obj.claim, user=request.user)

    @admin.display(description="quote")
    def exact_short(self, obj: Span) -> str:
        return obj.exact[:80]
