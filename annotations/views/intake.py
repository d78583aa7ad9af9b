"""The import page: moderators (and reviewers given the permission) paste URLs or upload
.html and .txt files; each becomes a background import whose status and progress the page
polls (htmx) until every item has finished."""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from annotations import selectors, services
from annotations.importing import ARTICLE_SUFFIXES, PAGE_SUFFIXES
from annotations.roles import import_permission_required
from annotations.views.workspace import is_fragment_request

TEMPLATE = "annotations/import.html"
URL_MAX_LENGTH = 2000
_url_validator = URLValidator(schemes=["http", "https"])


class TooLarge(ValidationError):
    """Refused for its size: answered 413."""


class ImportForm(forms.Form):
    urls = forms.CharField(
        required=False,
        widget=forms.Textarea,
        label="Web addresses, one a line",
    )

    def __init__(self, *args, files_given=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.files_given = list(files_given)

    def clean_urls(self) -> list[str]:
        urls, problems, seen = [], [], set()
        lines = self.cleaned_data["urls"].splitlines()
        cap = settings.INTAKE_BATCH_MAX_ITEMS
        # A list too long for one batch is refused by its count, as too many files are,
        # before any line is read (the request itself is capped by Django's upload limit).
        given = sum(1 for line in lines if line.strip())
        if given > cap or len(self.cleaned_data["urls"]) > URL_MAX_LENGTH * cap:
            raise TooLarge(f"{given} addresses: at most {cap} at once; split the list")
        for number, line in enumerate(lines, start=1):
            url = line.strip()
            if not url:
                continue
            if len(url) > URL_MAX_LENGTH:
                problems.append(f"line {number}: longer than {URL_MAX_LENGTH} characters")
                continue
            try:
                _url_validator(url)
            except ValidationError:
                problems.append(
                    f"line {number}: not a web address (http or https, then a host name "
                    "or a full IP address)"
                )
                continue
            if url in seen:
                continue  # pasted twice: imported once
            seen.add(url)
            urls.append(url)
        if problems:
            raise ValidationError("; ".join(problems))
        return urls

    def clean(self):
        cleaned = super().clean()
        files = []
        page_cap = settings.INTAKE_PAGE_MAX_BYTES
        text_cap = settings.ARTICLE_MAX_BYTES
        for upload in self.files_given:
            name = Path(upload.name or "").name[:300]
            suffix = Path(name).suffix.lower()
            if suffix not in ARTICLE_SUFFIXES:
                raise ValidationError(f"{name or 'a file'}: only .html, .htm and .txt files")
            cap = page_cap if suffix in PAGE_SUFFIXES else text_cap
            if upload.size > cap:
                raise TooLarge(f"{name}: {upload.size:,} bytes is over the {cap:,}-byte limit")
            raw = upload.read(cap + 1)
            if len(raw) > cap:
                raise TooLarge(f"{name}: over the {cap:,}-byte limit")
            if not raw.strip():
                raise ValidationError(f"{name}: empty file")
            if b"\x00" in raw:
                raise ValidationError(f"{name}: binary file (contains NUL bytes)")
            files.append((name, raw))
        cleaned["files"] = files
        urls = cleaned.get("urls") or []
        if "urls" in self.errors:
            return cleaned
        count = len(urls) + len(files)
        if not count:
            raise ValidationError("Paste at least one web address or choose a file.")
        if count > settings.INTAKE_BATCH_MAX_ITEMS:
            raise TooLarge(
                f"{count} items: at most {settings.INTAKE_BATCH_MAX_ITEMS} at once; split the list"
            )
        return cleaned


def _batch(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.GET.get("batch", "")[:64])
    except ValueError:
        return None


def _context(request: HttpRequest, form: ImportForm, batch: uuid.UUID | None) -> dict:
    items = list(selectors.import_items(user=request.user, batch=batch))
    return {
        "form": form,
        "batch": batch,
        "items": items,
        "running": any(not item.finished for item in items),
    }


@import_permission_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ImportForm(request.POST, files_given=request.FILES.getlist("files"))
        if form.is_valid():
            batch, _ = services.import_batch_submit(
                user=request.user,
                urls=form.cleaned_data["urls"],
                files=form.cleaned_data["files"],
            )
            return redirect(f"{reverse('import_page')}?batch={batch}")
        # Nothing was stored: the form keeps what was typed, and says what is wrong.
        too_large = any(
            isinstance(error, TooLarge)
            for errors in form.errors.as_data().values()
            for error in errors
        )
        context = _context(request, form, None)
        return render(request, TEMPLATE, context, status=413 if too_large else 400)
    return render(request, TEMPLATE, _context(request, ImportForm(), _batch(request)))


@import_permission_required
@require_GET
def import_status(request: HttpRequest) -> HttpResponse:
    """The items' status table, polled by the page while an item is unfinished."""
    template = TEMPLATE
    if is_fragment_request(request):
        template += "#status"
    return render(request, template, _context(request, ImportForm(), _batch(request)))
