"""Figures in the moderation admin: measures (what a figure counts) and the quantities
found at import. Measures are renamed, joined and split through the services, which judge
them again; nothing here is deleted."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, When
from django.utils.html import format_html_join

from annotations import services
from annotations.admin.base import HistoryAdmin, action_page
from annotations.models import Measure, Quantity


@admin.register(Measure)
class MeasureAdmin(HistoryAdmin):
    list_display = ["name", "judgement", "reasons_display", "figure_count"]
    list_filter = ["judgement"]
    search_fields = ["name", "key"]
    readonly_fields = ["key", "judgement", "reasons"]
    actions = ["join"]

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

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_figures=Count("quantities"))

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        services.measure_rename(measure=obj, name=obj.name, user=request.user)

    @admin.display(ordering="_figures", description="figures")
    def figure_count(self, obj: Measure) -> int:
        return obj._figures

    @admin.display(description="why")
    def reasons_display(self, obj: Measure) -> str:
        return format_html_join("", "<div>{}</div>", ((line,) for line in obj.reasons.split("\n")))

    @admin.action(description="Join the selected measures into the first", permissions=["change"])
    def join(self, request, queryset):
        measures = list(queryset.order_by("pk"))
        if len(measures) < 2:
            self.message_user(request, "Select at least two measures.", messages.ERROR)
            return
        services.measures_join(measures=measures, into=measures[0], user=request.user)
        self.message_user(request, f"Joined {len(measures) - 1} measure(s) into “{measures[0]}”.")


@admin.register(Quantity)
class QuantityAdmin(HistoryAdmin):
    list_display = ["__str__", "measure", "as_of", "as_of_stated", "article"]
    list_filter = ["measure"]
    list_select_related = ["measure", "article"]
    actions = ["split"]
    # A figure changes measure through "split" (or its measure is joined), so that both
    # measures are judged again; everything else was read from the text at import.
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
        "measure",
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
        return action_page(
            self,
            request,
            "admin/annotations/quantity/split.html",
            "Move figures to a new measure",
            quantities=queryset,
        )
