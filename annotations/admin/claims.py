"""Claims in the moderation admin: every claim's aggregates sorted by what needs attention,
rulings, reopening, merging, superseding, the overview and the CSV download. Every change
goes through a service, so it lands in the history the admin shows."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import date_format
from django.utils.timezone import localtime

from annotations import selectors, services
from annotations.admin.base import ChoiceFilter, HistoryAdmin, action_page
from annotations.models import Claim, Label, Span, Verdict
from annotations.rules.consensus import CONTESTED, INSUFFICIENT
from annotations.rules.rulings import claim_is_locked, goes_against_consensus
from annotations.text.sanitising import reject_markup


class ConsensusFilter(ChoiceFilter):
    title = "consensus"
    parameter_name = "consensus"

    def lookups(self, request, model_admin):
        return [*Label.choices, (CONTESTED, "Contested"), (INSUFFICIENT, "Insufficient")]

    def queryset(self, request, queryset):
        return queryset.filter(consensus=self.value()) if self.value() else queryset


class ContestedFilter(ChoiceFilter):
    title = "contested"
    parameter_name = "contested"

    def lookups(self, request, model_admin):
        return [("yes", "Contested"), ("no", "Not contested")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(is_contested=self.value() == "yes")
        return queryset


class RuledFilter(ChoiceFilter):
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


class FiguresConflictFilter(ChoiceFilter):
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
    overrule = forms.BooleanField(
        required=False,
        label="Overrule the consensus",
        help_text="Rule against the reviewers' consensus; the ruling says so publicly.",
    )


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@admin.register(Claim)
class ClaimAdmin(HistoryAdmin):
    # Seven columns, so the claim's text gets the width at 1,440 px: reviewers, evidence
    # and agreement sit under the consensus they explain, status and ruling share one.
    list_display = [
        "text_short",
        "state_display",
        "consensus_display",
        "label_bar",
        "appearances_display",
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
        css = {"all": ["css/bars.css", "css/admin.css"]}

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and claim_is_locked(ruling=obj.ruling):
            # The published ruling was made on this wording: reopen the claim to edit it.
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or "text" in form.changed_data:
            # Another wording may make it another claim's duplicate, or no longer one.
            services.duplicates_refresh(claims=[obj], created=not change)

    def get_queryset(self, request):
        # Annotate before ordering: the ordering names annotations.
        claims = selectors.claims_annotated(self.model._default_manager.get_queryset())
        return claims.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # "Needs attention": contested first, then the most-reviewed unruled claims.
        # Admins with a foreign key to Claim must not order their choices by this (the
        # plain Claim queryset has no such annotations); see SpanAdmin.
        return ["-is_contested", "is_ruled", "-reviewer_count", "-updated_at", "pk"]

    def changelist_view(self, request, extra_context=None):
        # The app list beside the claims takes a fifth of the screen the claims need; the
        # breadcrumbs and the header lead everywhere it does.
        return super().changelist_view(
            request, {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        )

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
        return obj.text if len(obj.text) <= 240 else obj.text[:239] + "…"

    @admin.display(description="status", ordering="ruling")
    def state_display(self, obj: Claim) -> str:
        if obj.ruling:
            return f"ruled {obj.ruling}"
        return obj.get_status_display().lower()

    @admin.display(description="consensus", ordering="consensus")
    def consensus_display(self, obj: Claim) -> str:
        return render_to_string(
            "admin/annotations/claim/consensus_cell.html",
            {"claim": obj, "alpha": self._aggregate(obj).alpha},
        )

    @admin.display(description="appearances", ordering="appearances")
    def appearances_display(self, obj: Claim) -> str:
        return f"{obj.appearances} in {obj.article_count} article{'s' * (obj.article_count != 1)}"

    @admin.display(description="verdicts (v/d/a)")
    def label_bar(self, obj: Claim) -> str:
        aggregate = self._aggregate(obj)
        counts, segments = aggregate.counts, aggregate.bar_segments
        total = sum(counts.values())
        return render_to_string(
            "admin/annotations/claim/label_bar.html",
            {"counts": counts, "segments": segments, "total": total},
        )

    @admin.display(description="origins")
    def origins_display(self, obj: Claim) -> str:
        return "; ".join(self._aggregate(obj).origins) or "—"

    @admin.display(description="last activity", ordering="last_verdict_at")
    def last_activity(self, obj: Claim) -> str:
        # ISO and local time, in a third of the width of "Nov. 23, 2026, 5:01 a.m.".
        return date_format(localtime(self._aggregate(obj).last_activity), "Y-m-d H:i")

    @admin.display(description="appearances and verdicts")
    def appearances_and_verdicts(self, obj: Claim) -> str:
        spans = list(Span.objects.filter(claim=obj).select_related("article"))
        by_span: dict[int, list[Verdict]] = {span.pk: [] for span in spans}
        for verdict in Verdict.objects.filter(span__claim=obj).select_related("reviewer"):
            by_span[verdict.span_id].append(verdict)
        return render_to_string(
            "admin/annotations/claim/appearances.html",
            {"appearances": [(span, by_span[span.pk]) for span in spans]},
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
                    overrule=form.cleaned_data["overrule"],
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
        tally = selectors.claim_tally(claim_id=claim.pk)
        chosen = form.data.get("ruling") if form.is_bound else None
        return action_page(
            self,
            request,
            "admin/annotations/claim/publish_ruling.html",
            "Publish a ruling",
            status=422 if form.is_bound else 200,
            claim=claim,
            form=form,
            tally=tally,
            side=selectors.claim_sides(claim_ids=[claim.pk])[claim.pk],
            # Which rulings would overrule the reviewers (rules.rulings), said before the
            # moderator picks one, and again for the one picked.
            against_labels=[
                label
                for label in Label.values
                if goes_against_consensus(label=label, consensus=tally.consensus)
            ],
            chosen_against=chosen in Label.values
            and goes_against_consensus(label=chosen, consensus=tally.consensus),
            chosen=chosen,
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
            try:
                services.claim_merge(claims=claims, into=into, moderator=request.user)
            except ValidationError as exc:  # a ruled claim takes no part until reopened
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return None
            self.message_user(request, f"Merged {len(claims) - 1} claim(s) into #{into.pk}.")
            return None
        sides = selectors.claim_sides(claim_ids=[c.pk for c in claims])
        return action_page(
            self,
            request,
            "admin/annotations/claim/merge.html",
            "Merge claims",
            claims=claims,
            sides=[sides[c.pk] for c in claims if c.pk in sides],
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
        return action_page(
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
