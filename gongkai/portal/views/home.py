"""The county's open-government home page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.catalog import selectors as catalogs
from gongkai.portal.views.disclosure import Feed
from gongkai.publications import selectors as publications

LATEST = 10


def home(request: HttpRequest) -> HttpResponse:
    """Search, the latest information, the disclosure column, the catalog domain by domain, the
    五公开 classes and the normative-document library."""
    published_by_domain = {f.code: f.count for f in publications.public_domain_facets()}
    domains = [
        (domain, published_by_domain.get(domain.code, 0))
        for domain in catalogs.public_domains()
        if getattr(domain, "item_count", 0)
    ]
    context = {
        "latest": publications.public_latest(LATEST),
        "domains": domains,
        "fives": publications.public_five_facets(),
        "feed": Feed(_("最新公开信息"), reverse("portal:feed_latest")),
    }
    return render(request, "portal/home.html", context)
