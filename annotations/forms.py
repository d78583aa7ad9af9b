"""Forms parse and give friendly messages; the services decide and the database enforces."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from annotations.converters import MAX_ID, is_id
from annotations.models import NOTE_MAX_LENGTH, Claim, Label, Span, http_url_validator
from annotations.selectors.suggestions import claim_suggestions
from annotations.text.sanitising import (
    normalise_url,
    reject_markup,
    reject_markup_not_in,
    reject_unsafe_url,
)

NEW_CLAIM = "new"


class ModelIdChoiceField(forms.ModelChoiceField):
    """A row chosen by id. What no row can have as id ("1.5", "٣", beyond 64 bits) is an
    invalid choice here instead of an error in the database (a 500)."""

    def to_python(self, value):
        if isinstance(value, self.queryset.model) or value in self.empty_values:
            return super().to_python(value)
        if not is_id(str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelIdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Rows chosen by id, with the same rule as ModelIdChoiceField for each of them."""

    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            if not is_id(str(pk)):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class RangeForm(forms.Form):
    """A stretch of the article: code-point offsets, and the quote when the client sent one."""

    # The article's length bounds both in clean(); max_value keeps a 64-bit overflow a
    # field error whatever clean() becomes.
    start = forms.IntegerField(min_value=0, max_value=MAX_ID)
    end = forms.IntegerField(min_value=1, max_value=MAX_ID)
    exact = forms.CharField(required=False, strip=False, max_length=100_000)

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            return data
        if end > len(self.article.text):
            raise forms.ValidationError("That stretch runs past the end of the article.")
        if start >= end:
            raise forms.ValidationError("A highlight must end after it starts.")
        exact = data.get("exact")
        if exact and exact != self.article.text[start:end]:
            raise forms.ValidationError(
                "The selected text does not match the article; reload the page and try again."
            )
        data["exact"] = self.article.text[start:end]
        return data


class VerdictForm(RangeForm):
    label = forms.ChoiceField(
        choices=Label.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose verified, disputed or attributed."},
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
        validators=[MaxLengthValidator(NOTE_MAX_LENGTH), reject_markup],
    )
    evidence_url = forms.CharField(
        required=False,
        max_length=2000,
        validators=[http_url_validator],
        error_messages={"invalid": "Evidence must be an http:// or https:// link."},
        widget=forms.URLInput(attrs={"placeholder": "https://…", "inputmode": "url"}),
    )
    attributed_to = forms.CharField(required=False, max_length=300, validators=[reject_markup])
    claim = forms.CharField(required=False, max_length=20)
    # Prefilled with the sentence, which may quote markup (an article about web security):
    # checked in clean_claim_text against the article, not refused as HTML outright.
    claim_text = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # "New claim" while a strong match exists is refused once with this box to tick, so a
    # duplicate claim is a deliberate choice, with or without JavaScript.
    confirm_new = forms.BooleanField(required=False)
    # The strong match a "new claim" was refused for; the panel offers it by name.
    strong_match = None

    def clean_evidence_url(self):
        # The service normalises too; here so that the form shows what will be stored.
        url = normalise_url(self.cleaned_data["evidence_url"])
        if url:
            http_url_validator(url)
            reject_unsafe_url(url)
        return url

    def clean_claim_text(self):
        text = self.cleaned_data["claim_text"]
        reject_markup_not_in(self.article.text)(text)
        return text

    def clean_claim(self):
        value = self.cleaned_data["claim"].strip()
        if not value or value == NEW_CLAIM:
            return None
        claim = Claim.objects.filter(pk=int(value)).first() if is_id(value) else None
        if claim is None:
            raise forms.ValidationError("That claim does not exist.")
        return claim

    def clean(self):
        data = super().clean()
        if data.get("label") == Label.ATTRIBUTED and not data.get("attributed_to", "").strip():
            self.add_error("attributed_to", "Say who the article attributes this to.")
        elif data.get("label") in (Label.VERIFIED, Label.DISPUTED):
            # The panel prefills it from "according to X"; only attributed verdicts carry it.
            data["attributed_to"] = ""
        if "claim" in data and data["claim"] is None and not data.get("confirm_new"):
            self._ask_before_a_new_claim(data)
        return data

    def _ask_before_a_new_claim(self, data):
        # Only a valid stretch has anything to be asked about (bad offsets have their error).
        if not {"start", "end", "exact"} <= data.keys():
            return
        # A stretch already under a claim keeps it (the panel posts that claim's id).
        if Span.objects.filter(
            article=self.article, start=data["start"], end=data["end"], claim__isnull=False
        ).exists():
            return
        suggestions = claim_suggestions(text=data["exact"])
        top = suggestions[0] if suggestions else None
        # A ruled claim is locked: a new claim is then the only way, so nothing to confirm.
        if top and top.strong and not top.claim.is_locked:
            self.strong_match = top.claim
            self.add_error(
                "claim",
                "A claim very like this one already exists. Choose it above, or tick "
                "“create a new claim anyway”.",
            )


class SpanMoveForm(RangeForm):
    claim = ModelIdChoiceField(
        queryset=Claim.objects.all(),
        error_messages={"invalid_choice": "That claim does not exist."},
    )


class RevisionFlagForm(forms.Form):
    """The reviewer's answer to "changed since you reviewed"."""

    status = forms.ChoiceField(
        choices=[("holds", "Still holds"), ("recheck", "Re-check")],
        error_messages={"invalid_choice": "Answer “still holds” or “re-check”."},
    )


class RevisionDiffForm(forms.Form):
    """Which two revisions to compare (numbers; empty: the last change)."""

    old = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)
    new = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)
