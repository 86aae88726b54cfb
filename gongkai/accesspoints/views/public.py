"""The public list of access points (/xxgk/access-points/): where to read government
information offline, by area and kind, with address, hours and phone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from gongkai.accesspoints import selectors
from gongkai.accesspoints.models import AccessPointKind


@require_safe
def access_point_list(request: HttpRequest) -> HttpResponse:
    """All open places, grouped by township and kind; ``?kind=`` narrows to one kind."""
    kind = str(request.GET.get("kind", ""))
    if kind not in AccessPointKind.values:
        kind = ""
    listing = selectors.public_list(kind=kind)
    context = {
        "listing": listing,
        "kind": kind,
        "kind_label": AccessPointKind(kind).label if kind else "",
    }
    return render(request, "accesspoints/list.html", context)
