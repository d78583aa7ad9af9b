from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from annotations.models import Article


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Article.objects.all(), 25).get_page(request.GET.get("page"))
    return render(request, "annotations/article_list.html", {"page": page})
