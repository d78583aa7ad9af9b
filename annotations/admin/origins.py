"""Origins in the moderation admin: every spelling of an origin in use, the origin it
counts as (the automatic rule of annotations.rules.origins, or a moderator's decision),
and the actions that decide by hand: merge spellings under a name that stands, split
them apart again, or leave them to the rule. Every decision goes through
services.origins, with who and when, and its history is readable here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from annotations.admin.base import ChoiceFilter, HistoryAdmin, ModerationChangeList, action_page
from annotations.models import OriginName
from annotations.rules.origins import spelling_key
from annotations.selectors.origins import origin_claim_counts, origins_overview
from annotations.services.origins import (
    origin_names_record,
    origins_merge,
    origins_split,
    origins_undecide,
)


class DecidedFilter(ChoiceFilter):
    title = "decided"
    parameter_name = "decided"

    def lookups(self, request, model_admin):
        return [("yes", "By a moderator"), ("no", "By the rule")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(stands_for="")
        if self.value() == "no":
            return queryset.filter(stands_for="")
        return queryset


def _overview() -> tuple[dict[str, str], dict[str, int]]:
    """Which origin each spelling counts as across all claims (spelling_key → name), and
    on how many claims it is found."""
    groups = {
        spelling_key(name): group.name for group in origins_overview() for name in group.spellings
    }
    return groups, origin_claim_counts()


class OriginNameChangeList(ModerationChangeList):
    def get_results(self, request):
        super().get_results(request)
        # Grouping is the rule's, in Python: once for the page, not once per row.
        groups, counts = _overview()
        for origin_name in self.result_list:
            origin_name.counts_as = groups.get(origin_name.key, origin_name.name)
            origin_name.claim_count = counts.get(origin_name.key, 0)


@admin.register(OriginName)
class OriginNameAdmin(HistoryAdmin):
    list_display = ["name", "origin_display", "decided_display", "claims_display"]
    list_filter = [DecidedFilter]
    search_fields = ["name", "stands_for"]
    list_select_related = ["decided_by"]
    readonly_fields = ["name", "stands_for", "decided_by", "decided_at"]
    fields = readonly_fields
    actions = ["merge", "split", "undecide"]

    def has_add_permission(self, request) -> bool:
        # Spellings come from claims and verdicts; an origin's name is chosen by a merge.
        return False

    def changelist_view(self, request, extra_context=None):
        # The list offers every spelling in use, including ones typed since the last visit.
        # Recording one decides nothing and writes no history (services.origins).
        if request.method == "GET":
            origin_names_record()
        return super().changelist_view(request, extra_context)

    def get_changelist(self, request, **kwargs):
        return OriginNameChangeList

    @admin.display(description="counts as")
    def origin_display(self, obj: OriginName) -> str:
        return obj.counts_as

    @admin.display(description="decided")
    def decided_display(self, obj: OriginName) -> str:
        if not obj.stands_for:
            return "by the rule"
        return f"by {obj.decided_by} on {obj.decided_at:%Y-%m-%d %H:%M}"

    @admin.display(description="claims")
    def claims_display(self, obj: OriginName) -> int:
        return obj.claim_count

    @admin.action(
        description="Merge the selected spellings into one origin", permissions=["change"]
    )
    def merge(self, request, queryset):
        names = list(queryset.order_by("key"))
        if not names:
            return None
        if "apply" in request.POST:
            stands_for = request.POST.get("stands_for", "")
            if stands_for == "__other__":
                stands_for = request.POST.get("other_name", "")
            try:
                origins_merge(origin_names=names, stands_for=stands_for, moderator=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return None
            self.message_user(
                request, f"Merged {len(names)} spelling(s) as “{' '.join(stands_for.split())}”."
            )
            return None
        groups, _ = _overview()
        suggested = groups.get(names[0].key, names[0].name)
        return action_page(
            self,
            request,
            "admin/annotations/originname/merge.html",
            "Merge spellings into one origin",
            names=names,
            suggested=suggested,
            # The origin they count as now, when it is none of these spellings (a name a
            # moderator chose), is offered as the other name.
            suggested_other="" if any(n.name == suggested for n in names) else suggested,
        )

    @admin.action(
        description="Split the selected spellings off (each its own origin)",
        permissions=["change"],
    )
    def split(self, request, queryset):
        names = origins_split(origin_names=list(queryset), moderator=request.user)
        self.message_user(request, f"{len(names)} spelling(s) now stand on their own.")

    @admin.action(
        description="Leave the selected spellings to the automatic rule", permissions=["change"]
    )
    def undecide(self, request, queryset):
        names = origins_undecide(origin_names=list(queryset), moderator=request.user)
        self.message_user(request, f"{len(names)} spelling(s) are grouped by the rule again.")
