"""Requests refused before any view or the admin sees them."""

from __future__ import annotations

from contextlib import suppress

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, UnreadablePostError

NUL = "\x00"


def _contains_nul(request: HttpRequest) -> bool:
    if NUL in request.path_info or NUL in request.META.get("QUERY_STRING", ""):
        return True
    # Parsed, so %00 counts as well as a raw NUL, in names as in values. The CSRF check
    # parses the same body next, so reading it here costs nothing more.
    forms = [request.GET]
    if request.method == "POST":
        # UnreadablePostError: the client went away; the CSRF check answers it as ever.
        with suppress(UnreadablePostError):
            forms.append(request.POST)
    return any(
        NUL in name or any(NUL in value for value in values)
        for form in forms
        for name, values in form.lists()
    )


class RefuseNulMiddleware:
    """A NUL character in the path, the query string or a posted form field is a 400.

    PostgreSQL refuses NUL in any text value with an error (a 500), while SQLite stores
    it silently; no field of this app can mean one, so it is refused the same way on both
    databases, once, here. Uploaded files are not looked at: their bytes are the
    importer's to judge."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _contains_nul(request):
            return HttpResponseBadRequest(
                "Bad request: the address or the form contains a NUL character.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
