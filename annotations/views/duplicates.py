"""The moderators' "possible duplicates" queue: pairs of claims the claim matcher rates as
the same fact, both side by side, to merge (the moderator chooses which claim stays) or to
dismiss as not the same claim. Moderators only (roles.moderator_required): the page shows
every tally."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from annotations import services
from annotations.forms import ModelIdChoiceField
from annotations.roles import moderator_required
from annotations.selectors.claims import claims_listed
from annotations.selectors.duplicates import duplicate_pairs, duplicates_open

PAIRS_PER_PAGE = 10


class ClaimPairForm(forms.Form):
    """Two claims of the queue; merged-away claims are no longer a choice."""

    claim = ModelIdChoiceField(queryset=claims_listed(), label="Claim")
    other = ModelIdChoiceField(queryset=claims_listed(), label="Other claim")

    def clean(self):
        data = super().clean()
        if data.get("claim") and data.get("other") and data["claim"].pk == data["other"].pk:
            raise ValidationError("Choose two different claims.")
        return data


class MergeForm(ClaimPairForm):
    keep = forms.IntegerField(
        min_value=1, error_messages={"required": "Choose the claim to keep."}
    )

    def clean(self):
        data = super().clean()
        claims = [data.get("claim"), data.get("other")]
        if None not in claims and data.get("keep") not in {c.pk for c in claims}:
            raise ValidationError("Keep one of the two claims.")
        return data


def _queue(request: HttpRequest, *, status: int = 200, errors: list[str] = ()) -> HttpResponse:
    page = Paginator(duplicates_open(), PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "annotations/duplicate_list.html",
        {"page": page, "pairs": duplicate_pairs(list(page)), "errors": errors},
        status=status,
    )


@moderator_required
@require_GET
def duplicate_list(request: HttpRequest) -> HttpResponse:
    return _queue(request)


def _back(request: HttpRequest) -> HttpResponse:
    page = request.POST.get("page", "")
    url = reverse("duplicate_list")
    return redirect(f"{url}?page={page}" if page.isascii() and page.isdigit() else url)


def _refused(request: HttpRequest, form: forms.Form) -> HttpResponse:
    errors = [e for field_errors in form.errors.values() for e in field_errors]
    return _queue(request, status=422, errors=errors)


@moderator_required
@require_POST
def duplicate_merge(request: HttpRequest) -> HttpResponse:
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _refused(request, form)
    pair = [form.cleaned_data["claim"], form.cleaned_data["other"]]
    keep = next(c for c in pair if c.pk == form.cleaned_data["keep"])
    gone = next(c for c in pair if c.pk != keep.pk)
    try:
        services.claim_merge(claims=pair, into=keep, moderator=request.user)
    except ValidationError as exc:  # a ruled claim takes no part until reopened
        return _queue(request, status=409, errors=exc.messages)
    messages.success(request, f"Merged claim #{gone.pk} into #{keep.pk}; every verdict moved.")
    return _back(request)


@moderator_required
@require_POST
def duplicate_dismiss(request: HttpRequest) -> HttpResponse:
    form = ClaimPairForm(request.POST)
    if not form.is_valid():
        return _refused(request, form)
    claim, other = form.cleaned_data["claim"], form.cleaned_data["other"]
    services.duplicate_dismiss(claim=claim, other=other, moderator=request.user)
    messages.success(request, f"Claims #{other.pk} and #{claim.pk}: not the same claim, noted.")
    return _back(request)
