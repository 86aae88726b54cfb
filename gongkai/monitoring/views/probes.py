"""The home-page probes (``gongkai monitor probe``, run by cron) and the 站点无法访问 verdict of
the past 7 days; the office and leaders read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from gongkai.core import clock
from gongkai.monitoring import selectors
from gongkai.monitoring.veto import PROBE_FAIL_SHARE, PROBE_TIMEOUT_S, PROBE_WINDOW_DAYS, site_check
from gongkai.orgs.staff_pages import refusing, staff_user


@login_required
@refusing
def probe_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    selectors.require_reader(user)
    check = site_check(clock.today())
    context = {
        "result": next(r for r in check.results if r.rule == "unreachable"),
        "probes": selectors.probes(),
        "window_days": PROBE_WINDOW_DAYS,
        "timeout_s": PROBE_TIMEOUT_S,
        "fail_share": f"{PROBE_FAIL_SHARE:.0%}",
    }
    return render(request, "staff/monitoring/probes.html", context)


urlpatterns: list[URLPattern] = [path("probes/", probe_list, name="probes")]
