"""The dashboard of the office and leaders (/staff/assessment/dashboard/): monthly trend per
group, unit ranking and reply timeliness, as server-drawn SVG charts each with its table."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from gongkai.assessment import dashboard as figures
from gongkai.assessment import selectors
from gongkai.assessment.views import pages
from gongkai.core import clock

FIRST_YEAR = 2008  # the 条例 took effect on 1 May 2008


def _year(request: HttpRequest) -> int:
    today = clock.today()
    raw = request.GET.get("year", "")
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= today.year:
        return int(raw)
    return today.year


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The year's dashboard, counted up to today (or to 31 December of a past year)."""
    pages.reader(request)
    year = _year(request)
    today = clock.today()
    as_of = min(today, dt.date(year, 12, 31))
    data = figures.dashboard(
        year=year, as_of=as_of, indicator_set=selectors.indicator_set_of_year(year)
    )
    context = {
        "data": data,
        "year": year,
        "years": list(range(today.year, max(FIRST_YEAR, today.year - 9) - 1, -1)),
        "indicator_set": selectors.indicator_set_of_year(year),
    }
    return render(request, "staff/assessment/dashboard.html", context)


urlpatterns: list[URLPattern] = [
    path("dashboard/", dashboard, name="dashboard"),
]
