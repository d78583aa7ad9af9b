"""The measure page: a measure's figures over time, and the forms reviewers and
moderators use to rename it, split figures out of it, or join another measure into it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from annotations import selectors, services
from annotations.forms import ModelIdChoiceField, ModelIdMultipleChoiceField
from annotations.models import Measure, Quantity
from annotations.text.sanitising import reject_markup

MEASURE_NAME_MAX_LENGTH = Measure._meta.get_field("name").max_length
_NAME_ERRORS = {
    "max_length": "A measure name can be at most %(limit_value)d characters "
    "(this one has %(show_value)d)."
}


class RenameForm(forms.Form):
    name = forms.CharField(
        max_length=MEASURE_NAME_MAX_LENGTH,
        validators=[reject_markup],
        error_messages=_NAME_ERRORS,
    )


class SplitForm(forms.Form):
    name = forms.CharField(
        max_length=MEASURE_NAME_MAX_LENGTH,
        validators=[reject_markup],
        label="New measure",
        error_messages=_NAME_ERRORS,
    )
    figures = ModelIdMultipleChoiceField(queryset=Quantity.objects.none())

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figures"].queryset = measure.quantities.all()


class JoinForm(forms.Form):
    other = ModelIdChoiceField(queryset=Measure.objects.none(), label="Join")

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = Measure.objects.exclude(pk=measure.pk)


def _page(request, measure, *, status=200, **forms_):
    [judged] = selectors.measure_judgements(measures=[measure])
    context = {
        "judged": judged,
        "rename_form": RenameForm(initial={"name": measure.name}),
        "split_form": SplitForm(measure=measure),
        "join_form": JoinForm(measure=measure),
        **forms_,
    }
    return render(request, "annotations/measure_detail.html", context, status=status)


@login_required
@require_GET
def measure_detail(request: HttpRequest, measure_id: int) -> HttpResponse:
    return _page(request, get_object_or_404(Measure, pk=measure_id))


@login_required
@permission_required("annotations.change_measure", raise_exception=True)
@require_POST
def measure_change(request: HttpRequest, measure_id: int, change: str) -> HttpResponse:
    measure = get_object_or_404(Measure, pk=measure_id)
    form_classes = {"rename": RenameForm, "split": SplitForm, "join": JoinForm}
    if change not in form_classes:
        raise Http404("No such change.")
    form_class = form_classes[change]
    form = (
        form_class(request.POST)
        if form_class is RenameForm
        else form_class(request.POST, measure=measure)
    )
    if not form.is_valid():
        return _page(request, measure, status=422, **{f"{change}_form": form})
    data = form.cleaned_data
    try:
        if change == "rename":
            services.measure_rename(measure=measure, name=data["name"], user=request.user)
            target = measure
        elif change == "split":
            target = services.measure_split(
                quantities=list(data["figures"]), name=data["name"], user=request.user
            )
        else:
            target = services.measures_join(
                measures=[measure, data["other"]], into=measure, user=request.user
            )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _page(request, measure, status=422, **{f"{change}_form": form})
    messages.success(request, "Saved.")
    return redirect("measure_detail", target.pk)
