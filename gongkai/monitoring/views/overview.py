"""The monitoring overview for the office and county leaders: the single-veto items of the
site, the stale columns, late publication per unit and the new-media accounts flagged, each
finding with a link that turns it into a rectification item (整改)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from gongkai.core import clock
from gongkai.monitoring import new_media, selectors
from gongkai.monitoring.forms import PeriodForm
from gongkai.monitoring.freshness import column_freshness, longest_idle_first
from gongkai.monitoring.lateness import late_by_unit
from gongkai.monitoring.rectification import rectification_url
from gongkai.monitoring.veto import site_check
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, UnitKind
from gongkai.orgs.staff_pages import refusing, staff_user

LATE_ITEMS_SHOWN = 10


def _account_finding(status: new_media.AccountStatus) -> str:
    account = status.account
    if not status.stale:
        return f"{account.described}上周更新少于每周{account.required_per_week}次"
    if status.idle_days is None:
        return f"{account.described}从未更新"
    return f"{account.described}已{status.idle_days}天未更新"


@login_required
@refusing
def overview(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    selectors.require_reader(user)
    form = PeriodForm(request.GET or None)
    start, as_of = form.period(clock.today())
    columns = column_freshness(as_of)
    check = site_check(as_of, columns=columns)
    office = Unit.objects.filter(kind=UnitKind.OFFICE).values_list("code", flat=True).first()
    stale = [
        {
            "column": c,
            "link": rectification_url(
                unit_code=office,
                title=f"栏目“{c.name}”"
                + (f"已{c.idle_days}天未更新" if c.idle_days is not None else "从未更新"),
            ),
        }
        for c in longest_idle_first([c for c in columns if c.stale])
    ]
    late = [
        {
            "row": row,
            "items": row.items,
            "more": row.late - len(row.items),
            "link": rectification_url(
                unit_code=row.unit_code,
                title=f"{start.isoformat()}至{as_of.isoformat()}超期公开{row.late}条"
                f"（共发布{row.published}条）",
            ),
        }
        for row in late_by_unit(start=start, end=as_of, items_per_unit=LATE_ITEMS_SHOWN)
        if row.late
    ]
    statuses = new_media.account_statuses(as_of)
    accounts = [
        {
            "status": s,
            "link": rectification_url(
                unit_code=s.account.unit.code,
                title=_account_finding(s),
            ),
        }
        for s in new_media.sort_stale(statuses)
        if s.stale or s.flagged
    ]
    week = new_media.last_complete_week(as_of)
    context = {
        "form": form,
        "as_of": as_of,
        "start": start,
        "check": check,
        "stale": stale,
        "late": late,
        "accounts": accounts,
        "monitored": len(statuses),
        "week_start": week,
        "week_end": week + dt.timedelta(days=6),
        "can_manage": permissions.can_manage_monitoring(user),
    }
    return render(request, "staff/monitoring/overview.html", context)


urlpatterns: list[URLPattern] = [path("", overview, name="overview")]
