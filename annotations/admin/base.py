"""What every moderation admin shares: the intermediate page of an action, refusal of
hostile ids and filter values with a 4xx instead of a 500, no deletion, and history that
can be read but never reverted (roles decides; this module only asks)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from annotations import roles

# Primary keys are BigAutoField: 1 … 2**63 - 1. Anything else selects nothing.
_MAX_ID = 2**63 - 1


def is_id(value: str) -> bool:
    """A primary key as it may arrive in a form: ASCII digits only (isdigit() alone takes
    "³", which int() refuses; int() alone takes " 1", "1_0" and "٣"), within the column's
    range."""
    return value.isascii() and value.isdigit() and 0 < int(value) <= _MAX_ID


def action_page(model_admin, request, template: str, title: str, status: int = 200, **context):
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


def bad_request(model_admin, request, message: str):
    return TemplateResponse(
        request,
        "admin/annotations/bad_request.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": "Bad request",
            "message": message,
        },
        status=400,
    )


class ChoiceFilter(admin.SimpleListFilter):
    """A list filter that applies only the values it offers: anything else in the query
    string (a typo, a NUL byte, a probe) shows the unfiltered list instead of reaching
    the database."""

    def value(self):
        value = super().value()
        return value if value in {str(key) for key, _ in self.lookup_choices} else None


class ModerationChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        # PostgreSQL refuses NUL in any text parameter with an error, so a field filter or
        # a search with one would answer 500; the admin's answer to a bad lookup instead.
        values = [self.query, *(v for vs in self.filter_params.values() for v in vs)]
        if any("\x00" in value for value in values):
            raise IncorrectLookupParameters("NUL in the query string")
        try:
            return super().get_queryset(request, exclude_parameters)
        except OverflowError as exc:
            # The date hierarchy's ?published__year=99999999999999999999 (Django lets
            # only ValueError through as a bad lookup).
            raise IncorrectLookupParameters(exc) from exc


class ModerationAdmin(admin.ModelAdmin):
    """Base of every admin here."""

    def get_changelist(self, request, **kwargs):
        return ModerationChangeList

    def has_delete_permission(self, request, obj=None) -> bool:
        return roles.may_delete_in_admin(request.user, obj)

    def response_action(self, request, queryset):
        # Django filters pk__in with the raw values; "1.5", "abc" or 2**64 would raise
        # in the database layer (a 500) instead of selecting nothing.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_id(value) for value in selected):
            return bad_request(self, request, "The selected items must be given by their ids.")
        try:
            # All or nothing: a service refusing the third of five claims undoes the first two.
            with transaction.atomic():
                return super().response_action(request, queryset)
        except (ValidationError, PermissionDenied) as exc:
            reasons = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            for reason in reasons:
                self.message_user(request, reason or "Not allowed.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class HistoryAdmin(ModerationAdmin, SimpleHistoryAdmin):
    """History pages to read, never to revert from (SIMPLE_HISTORY_REVERT_DISABLED only
    hides the button: the form view would still save a POST)."""

    def revert_disabled(self, request, obj=None) -> bool:
        return not roles.may_revert_history(request.user)

    def history_view(self, request, object_id, extra_context=None):
        if not is_id(object_id):
            raise Http404("No such record.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET" and not roles.may_revert_history(request.user):
            return HttpResponseNotAllowed(["GET"])
        if not (is_id(object_id) and is_id(version_id)):
            raise Http404("No such record.")
        request.history_version_id = int(version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_form_view_title(self, request, obj):
        # Each version is its own page: "View <object>" alone named them all alike.
        title = super().history_form_view_title(request, obj)
        version = (
            self.model.history.filter(history_id=request.history_version_id)
            .values_list("history_date", flat=True)
            .first()
        )
        return f"{title}, version {request.history_version_id}" + (
            f" of {timezone.localtime(version):%Y-%m-%d %H:%M:%S}" if version else ""
        )
