"""The moderation admin. Moderators (staff in the Moderators group, no superuser needed)
see every claim's aggregates, sorted by what needs attention, and rule, reopen, merge and
hide through the services, so every action lands in the history the admin shows."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, When
from django.http import HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from annotations import selectors, services
from annotations.models import Article, Claim, Label, Measure, Quantity, Sentence, Span, Verdict
from annotations.rules.consensus import CONTESTED, INSUFFICIENT
from annotations.text.sanitising import reject_markup


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published", "byline", "sentence_count", "imported_at"]
    list_filter = ["published", "outlet"]
    search_fields = ["title", "outlet", "byline"]
    readonly_fields = ["content_hash", "imported_at", "source_name"]
    date_hierarchy = "published"

    def has_add_permission(self, request) -> bool:
        # Articles come in through import_articles, which splits sentences and hashes.
        return False

    def get_queryset(self, request):
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

    def has_add_permission(self, request) -> bool:
        return False  # computed once at import


@admin.register(Span)
class SpanAdmin(SimpleHistoryAdmin):
    list_display = ["exact_short", "article", "start", "end", "claim", "created_by", "created_at"]
    list_select_related = ["article", "claim", "created_by"]
    search_fields = ["exact"]
    raw_id_fields = ["claim"]
    readonly_fields = ["article", "start", "end", "exact", "prefix", "suffix", "created_by"]

    def has_add_permission(self, request) -> bool:
        return False  # spans are made by highlighting, which checks offsets and quote

    @admin.display(description="quote")
    def exact_short(self, obj: Span) -> str:
        return obj.exact[:80]


# --- claims -------------------------------------------------------------------------------------


class ConsensusFilter(admin.SimpleListFilter):
    title = "consensus"
    parameter_name = "consensus"

    def lookups(self, request, model_admin):
        return [*Label.choices, (CONTESTED, "Contested"), (INSUFFICIENT, "Insufficient")]

    def queryset(self, request, queryset):
        return queryset.filter(consensus=self.value()) if self.value() else queryset


class ContestedFilter(admin.SimpleListFilter):
    title = "contested"
    parameter_name = "contested"

    def lookups(self, request, model_admin):
        return [("yes", "Contested"), ("no", "Not contested")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_contested=self.value() == "yes")
        return queryset


class RuledFilter(admin.SimpleListFilter):
    title = "ruled"
    parameter_name = "ruled"

    def lookups(self, request, model_admin):
        return [("yes", "Ruled"), ("no", "Not ruled")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(ruling="")
        if self.value() == "no":
            return queryset.filter(ruling="")
        return queryset


class FiguresConflictFilter(admin.SimpleListFilter):
    title = "figures"
    parameter_name = "figures"

    def lookups(self, request, model_admin):
        return [("conflict", "Figures conflict")]

    def queryset(self, request, queryset):
        if self.value() == "conflict":
            return queryset.filter(pk__in=selectors.claims_with_conflicting_figures())
        return queryset


class RulingForm(forms.Form):
    ruling = forms.ChoiceField(choices=Label.choices, label="Ruling")
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=2000, validators=[reject_markup]
    )


class HideForm(forms.Form):
    reason = forms.CharField(max_length=500, validators=[reject_markup])


def _bar(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    if not total:
        return mark_safe('<span class="fc-bar fc-bar-empty">no verdicts</span>')  # noqa: S308 (a constant)
    # Widths come from classes in 5% steps: the CSP allows no inline styles.
    pieces = format_html_join(
        "",
        '<span class="fc-bar-seg fc-{} fc-w{}" title="{}: {}"></span>',
        (
            (label, round(count * 20 / total) * 5, label, count)
            for label, count in counts.items()
            if count
        ),
    )
    summary = " ".join(f"{label[0]}{count}" for label, count in counts.items())
    return format_html(
        '<span class="fc-bar" role="img" aria-label="{}">{}</span> <small>{}</small>',
        ", ".join(f"{count} {label}" for label, count in counts.items()),
        pieces,
        summary,
    )


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = [
        "text_short",
        "status",
        "ruling",
        "consensus_display",
        "appearances_display",
        "reviewers_display",
        "label_bar",
        "evidenced_display",
        "alpha_display",
        "origins_display",
        "last_activity",
    ]
    list_filter = [ConsensusFilter, ContestedFilter, "status", RuledFilter, FiguresConflictFilter]
    search_fields = ["text", "origin"]
    readonly_fields = [
        "ruling",
        "ruling_note",
        "status",
        "created_by",
        "created_at",
        "updated_at",
        "ruled_by",
        "ruled_at",
        "appearances_and_verdicts",
    ]
    fields = ["text", "origin", "as_of", *readonly_fields]
    actions = ["publish_ruling", "reopen", "merge", "supersede", "download_csv"]
    list_per_page = 50

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        # Annotate before ordering: the ordering names annotations.
        claims = selectors.claims_annotated(self.model._default_manager.get_queryset())
        return claims.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # "Needs attention": contested first, then the most-reviewed unruled claims.
        return ["-is_contested", "is_ruled", "-reviewer_count", "-updated_at", "pk"]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # Origins and alpha for the whole page in two queries, not two per row.
        for aggregate in selectors.claim_aggregates(list(changelist.result_list)):
            aggregate.claim._aggregate = aggregate
        return changelist

    def _aggregate(self, obj: Claim) -> selectors.ClaimAggregate:
        if not hasattr(obj, "_aggregate"):
            obj._aggregate = selectors.claim_aggregates([obj])[0]
        return obj._aggregate

    @admin.display(description="claim", ordering="text")
    def text_short(self, obj: Claim) -> str:
        return obj.text[:100]

    @admin.display(description="consensus", ordering="consensus")
    def consensus_display(self, obj: Claim) -> str:
        marker = "⚠ " if obj.is_contested else ""
        return f"{marker}{obj.consensus}"

    @admin.display(description="appearances", ordering="appearances")
    def appearances_display(self, obj: Claim) -> str:
        return f"{obj.appearances} in {obj.article_count} article{'s' * (obj.article_count != 1)}"

    @admin.display(description="reviewers", ordering="reviewer_count")
    def reviewers_display(self, obj: Claim) -> int:
        return obj.reviewer_count

    @admin.display(description="verdicts (v/d/a)")
    def label_bar(self, obj: Claim) -> str:
        return _bar(self._aggregate(obj).counts)

    @admin.display(description="evidenced", ordering="evidenced")
    def evidenced_display(self, obj: Claim) -> int:
        return obj.evidenced

    @admin.display(description="α")
    def alpha_display(self, obj: Claim) -> str:
        alpha = self._aggregate(obj).alpha
        return "—" if alpha is None else f"{alpha:.2f}"

    @admin.display(description="origins")
    def origins_display(self, obj: Claim) -> str:
        return "; ".join(self._aggregate(obj).origins) or "—"

    @admin.display(description="last activity", ordering="last_verdict_at")
    def last_activity(self, obj: Claim):
        return self._aggregate(obj).last_activity

    @admin.display(description="appearances and verdicts")
    def appearances_and_verdicts(self, obj: Claim) -> str:
        rows = []
        spans = Span.objects.filter(claim=obj).select_related("article")
        verdicts = Verdict.objects.filter(span__claim=obj).select_related("reviewer")
        by_span: dict[int, list[Verdict]] = {}
        for verdict in verdicts:
            by_span.setdefault(verdict.span_id, []).append(verdict)
        for span in spans:
            verdict_rows = format_html_join(
                "",
                '<li class="{}">{}: <strong>{}</strong>{}{} <a href="{}">{}</a></li>',
                (
                    (
                        "fc-hidden" if v.hidden else "",
                        v.reviewer.get_username(),
                        v.label,
                        f" — to {v.attributed_to}" if v.attributed_to else "",
                        f" (hidden: {v.hidden_reason})" if v.hidden else "",
                        reverse("admin:annotations_verdict_change", args=[v.pk]),
                        "open",
                    )
                    for v in by_span.get(span.pk, [])
                ),
            )
            rows.append(
                format_html(
                    "<li><q>{}</q> — {} ({})<ul>{}</ul></li>",
                    span.exact,
                    span.article.title,
                    span.article.published or "date unknown",
                    verdict_rows,
                )
            )
        return format_html(
            "<ul class='fc-appearances'>{}</ul>", format_html_join("", "{}", ((r,) for r in rows))
        )

    # --- actions ---------------------------------------------------------------------------

    @admin.action(description="Publish a ruling on the selected claim", permissions=["change"])
    def publish_ruling(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one claim to rule on.", messages.ERROR)
            return None
        claim = queryset.get()
        form = RulingForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                services.ruling_publish(
                    claim=claim,
                    moderator=request.user,
                    label=form.cleaned_data["ruling"],
                    rationale=form.cleaned_data["rationale"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            else:
                self.message_user(request, f"Ruling published on “{claim.text[:80]}”.")
                return None
        return _action_page(
            self,
            request,
            "admin/annotations/claim/publish_ruling.html",
            "Publish a ruling",
            status=422 if form.is_bound else 200,
            claim=claim,
            form=form,
        )

    @admin.action(description="Reopen the selected claims", permissions=["change"])
    def reopen(self, request, queryset):
        for claim in queryset:
            services.claim_reopen(claim=claim, moderator=request.user)
        self.message_user(request, f"Reopened {queryset.count()} claim(s).")

    @admin.action(description="Merge the selected claims into one", permissions=["change"])
    def merge(self, request, queryset):
        claims = list(queryset.order_by("pk"))
        if len(claims) < 2:
            self.message_user(request, "Select at least two claims to merge.", messages.ERROR)
            return None
        into_id = request.POST.get("into")
        if "apply" in request.POST and into_id:
            into = next((c for c in claims if str(c.pk) == into_id), None)
            if into is None:
                self.message_user(request, "Choose one of the selected claims.", messages.ERROR)
                return None
            services.claim_merge(claims=claims, into=into, moderator=request.user)
            self.message_user(request, f"Merged {len(claims) - 1} claim(s) into #{into.pk}.")
            return None
        return _action_page(
            self, request, "admin/annotations/claim/merge.html", "Merge claims", claims=claims
        )

    @admin.action(
        description="Mark one selected claim superseded by the other", permissions=["change"]
    )
    def supersede(self, request, queryset):
        claims = list(queryset.order_by("pk"))
        if len(claims) != 2:
            self.message_user(request, "Select exactly two claims.", messages.ERROR)
            return None
        newer_id = request.POST.get("newer")
        if "apply" in request.POST and newer_id:
            newer = next((c for c in claims if str(c.pk) == newer_id), None)
            if newer is None:
                self.message_user(request, "Choose one of the selected claims.", messages.ERROR)
                return None
            older = next(c for c in claims if c.pk != newer.pk)
            try:
                services.claim_supersede(claim=older, by=newer, moderator=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return None
            self.message_user(request, f"#{older.pk} is now superseded by #{newer.pk}.")
            return None
        return _action_page(
            self,
            request,
            "admin/annotations/claim/supersede.html",
            "Supersede a claim",
            claims=claims,
        )

    @admin.action(description="Download the aggregates as CSV", permissions=["view"])
    def download_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="claim-aggregates.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "claim_id",
                "claim",
                "status",
                "ruling",
                "consensus",
                "contested",
                "appearances",
                "articles",
                "outlets",
                "origins",
                "reviewers",
                *[f"verdicts_{label}" for label in Label.values],
                *[f"reviewers_{label}" for label in Label.values],
                "evidenced",
                "alpha",
                "last_activity",
            ]
        )
        claims = list(
            selectors.claims_annotated(queryset.model.objects.filter(pk__in=queryset.values("pk")))
        )
        for aggregate in selectors.claim_aggregates(claims):
            claim = aggregate.claim
            writer.writerow(
                [
                    claim.pk,
                    _csv_safe(claim.text),
                    claim.status,
                    claim.ruling,
                    claim.consensus,
                    claim.is_contested,
                    claim.appearances,
                    claim.article_count,
                    _csv_safe("; ".join(aggregate.outlets)),
                    _csv_safe("; ".join(aggregate.origins)),
                    claim.reviewer_count,
                    *aggregate.counts.values(),
                    *aggregate.reviewer_counts.values(),
                    claim.evidenced,
                    "" if aggregate.alpha is None else f"{aggregate.alpha:.3f}",
                    aggregate.last_activity.isoformat(),
                ]
            )
        return response

    # --- overview ---------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "overview/",
                self.admin_site.admin_view(self.overview_view),
                name="annotations_claim_overview",
            ),
            *super().get_urls(),
        ]

    def overview_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/annotations/claim/overview.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Moderation overview",
                "overview": selectors.moderation_overview(),
            },
        )


def _action_page(model_admin, request, template: str, title: str, status: int = 200, **context):
    """The intermediate page of an admin action (a form, or a choice among the selected)."""
    return render(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": title,
            **context,
        },
        status=status,
    )


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@admin.register(Verdict)
class VerdictAdmin(SimpleHistoryAdmin):
    list_display = [
        "span",
        "reviewer",
        "label",
        "hidden",
        "hidden_reason",
        "has_evidence",
        "updated_at",
    ]
    list_filter = ["label", "hidden"]
    list_select_related = ["span", "reviewer"]
    search_fields = ["note", "attributed_to", "span__exact", "reviewer__username"]
    actions = ["hide", "unhide"]
    # Verdicts belong to their reviewers: moderators may hide one, never rewrite it.
    readonly_fields = [
        "span",
        "reviewer",
        "label",
        "note",
        "evidence_url",
        "attributed_to",
        "hidden",
        "hidden_reason",
        "created_at",
        "updated_at",
    ]

    @admin.display(boolean=True, description="evidence")
    def has_evidence(self, obj: Verdict) -> bool:
        return bool(obj.evidence_url)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Hidden by a moderator, never silently deleted.
        return False

    @admin.action(description="Hide the selected verdicts (with a reason)", permissions=["change"])
    def hide(self, request, queryset):
        form = HideForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for verdict in queryset:
                services.verdict_hide(
                    verdict=verdict, moderator=request.user, reason=form.cleaned_data["reason"]
                )
            self.message_user(request, f"Hid {queryset.count()} verdict(s).")
            return None
        return _action_page(
            self,
            request,
            "admin/annotations/verdict/hide.html",
            "Hide verdicts",
            status=422 if form.is_bound else 200,
            verdicts=queryset,
            form=form,
        )

    @admin.action(description="Unhide the selected verdicts", permissions=["change"])
    def unhide(self, request, queryset):
        for verdict in queryset.filter(hidden=True):
            services.verdict_unhide(verdict=verdict, moderator=request.user)
        self.message_user(request, "Unhid the selected verdicts.")


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    """Measures are found at import; moderators may rename them."""

    list_display = ["name", "judgement", "reasons_display", "figure_count"]
    list_filter = ["judgement"]
    search_fields = ["name", "key"]
    readonly_fields = ["key", "judgement", "reasons"]

    def get_ordering(self, request):
        # The conflicts queue: conflicts first, then undated differences and updates.
        return [
            Case(
                When(judgement=Measure.Judgement.CONFLICT, then=0),
                When(judgement=Measure.Judgement.UNDATED, then=1),
                When(judgement=Measure.Judgement.UPDATE, then=2),
                default=3,
            ),
            "name",
        ]

    actions = ["join"]

    @admin.action(description="Join the selected measures into the first", permissions=["change"])
    def join(self, request, queryset):
        measures = list(queryset.order_by("pk"))
        if len(measures) < 2:
            self.message_user(request, "Select at least two measures.", messages.ERROR)
            return
        services.measures_join(measures=measures, into=measures[0], user=request.user)
        self.message_user(request, f"Joined {len(measures) - 1} measure(s) into “{measures[0]}”.")

    @admin.display(description="why")
    def reasons_display(self, obj: Measure) -> str:
        return format_html_join("", "<div>{}</div>", ((line,) for line in obj.reasons.split("\n")))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_figures=Count("quantities"))

    @admin.display(ordering="_figures", description="figures")
    def figure_count(self, obj: Measure) -> int:
        return obj._figures

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Quantity)
class QuantityAdmin(admin.ModelAdmin):
    list_display = ["__str__", "measure", "as_of", "as_of_stated", "article"]
    list_filter = ["measure"]
    list_select_related = ["measure", "article"]
    raw_id_fields = ["measure"]
    actions = ["split"]
    readonly_fields = [
        "article",
        "sentence",
        "start",
        "end",
        "value",
        "high",
        "qualifier",
        "counted",
        "percent",
        "as_of",
        "as_of_stated",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Move the selected figures to a new measure", permissions=["change"])
    def split(self, request, queryset):
        name = request.POST.get("name", "")
        if "apply" in request.POST:
            try:
                measure = services.measure_split(
                    quantities=list(queryset), name=name, user=request.user
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return None
            self.message_user(request, f"Moved {queryset.count()} figure(s) to “{measure}”.")
            return None
        return _action_page(
            self,
            request,
            "admin/annotations/quantity/split.html",
            "Move figures to a new measure",
            quantities=queryset,
        )
