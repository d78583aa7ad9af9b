"""Verdicts in the moderation admin. A verdict is its reviewer's: a moderator hides it
with a reason and unhides it, never rewrites, restores or deletes it."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from annotations import roles, services
from annotations.admin.base import HistoryAdmin, action_page
from annotations.models import Verdict
from annotations.text.sanitising import reject_markup


class HideForm(forms.Form):
    reason = forms.CharField(max_length=500, validators=[reject_markup])


@admin.register(Verdict)
class VerdictAdmin(HistoryAdmin):
    list_display = [
        "span",
        "reviewer",
        "label",
        "hidden",
        "hidden_reason",
        "has_evidence",
        "anchor",
        "updated_at",
    ]
    list_filter = ["label", "hidden", "span__anchor_status"]
    list_select_related = ["span", "reviewer"]
    search_fields = ["note", "attributed_to", "span__exact", "reviewer__username"]
    actions = ["hide", "unhide"]
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

    @admin.display(description="anchor", ordering="span__anchor_status")
    def anchor(self, obj: Verdict) -> str:
        # How its span came through the article's revisions: exact, approximate, orphaned.
        return obj.span.get_anchor_status_display()

    @admin.display(boolean=True, description="evidence")
    def has_evidence(self, obj: Verdict) -> bool:
        return bool(obj.evidence_url)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Read-only pages: even an empty save would touch updated_at and the history.
        return False

    def has_moderate_permission(self, request) -> bool:
        return roles.is_moderator(request.user)

    @admin.action(
        description="Hide the selected verdicts (with a reason)", permissions=["moderate"]
    )
    def hide(self, request, queryset):
        form = HideForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for verdict in queryset:
                services.verdict_hide(
                    verdict=verdict, moderator=request.user, reason=form.cleaned_data["reason"]
                )
            self.message_user(request, f"Hid {queryset.count()} verdict(s).")
            return None
        return action_page(
            self,
            request,
            "admin/annotations/verdict/hide.html",
            "Hide verdicts",
            status=422 if form.is_bound else 200,
            verdicts=queryset,
            form=form,
        )

    @admin.action(description="Unhide the selected verdicts", permissions=["moderate"])
    def unhide(self, request, queryset):
        for verdict in queryset.filter(hidden=True):
            services.verdict_unhide(verdict=verdict, moderator=request.user)
        self.message_user(request, "Unhid the selected verdicts.")
