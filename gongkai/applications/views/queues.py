"""The queue of applications with its filters and reminders, the overdue lists per handler, unit
and county, and section 三 of the annual report."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gongkai.applications import selectors
from gongkai.applications.forms import ApplicationFilterForm
from gongkai.applications.models import Application, Stage
from gongkai.core import clock
from gongkai.orgs import permissions
from gongkai.orgs.selectors import units_visible_to
from gongkai.orgs.staff_pages import staff_user
from gongkai.workdays.errors import unknown_year_message
from gongkai.workdays.selectors import calendar

PAGE_SIZE = 25


@dataclass
class QueueRow:
    """One application in the queue with its working days left (negative when late)."""

    application: Application
    days_left: int | None

    @property
    def days_late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def _rows(applications: list[Application]) -> list[QueueRow]:
    today = clock.today()
    cal = calendar()
    rows = []
    for application in applications:
        left = (
            selectors.workdays_left(application.due_on, on=today, cal=cal)
            if application.stage in selectors.CLOCK_STAGES
            else None
        )
        rows.append(QueueRow(application, left))
    return rows


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    """The applications the user may see, filtered by stage, unit, handler, extended, overdue or
    due within N working days, 25 a page; above them the reminders of the coming working days
    (which include online applications still waiting for receipt confirmation). The office sees
    every unit's extensions here, though only each unit's reviewer approves them."""
    user = staff_user(request)
    today = clock.today()
    form = ApplicationFilterForm(
        request.GET or None,
        units=selectors.handling_units().filter(pk__in=units_visible_to(user).values("pk")),
        handlers=selectors.handlers_visible_to(user),
    )
    found = selectors.applications_visible_to(user).order_by("-received_on", "-pk")
    horizon_unknown = False
    if form.is_valid():
        data = form.cleaned_data
        if data["stage"]:
            found = found.filter(stage=data["stage"])
        if data["unit"]:
            found = found.filter(unit=data["unit"])
        if data["handler"]:
            found = found.filter(handler=data["handler"])
        if data["extended"]:
            found = found.filter(extended=True)
        if data["overdue"]:
            found = selectors.overdue(found, on=today)
        if data["within"] is not None:
            until = selectors.reminder_horizon(data["within"], on=today)
            if until is None:
                horizon_unknown = True
            else:
                found = selectors.due_soon(found, on=today, until=until)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    days = settings.GONGKAI_REMINDER_WORKDAYS
    visible = selectors.applications_visible_to(user)
    horizon = selectors.reminder_horizon(days, on=today)
    reminders = selectors.reminders(visible, on=today, days=days) if horizon else []
    # Every online application awaiting confirmation is among the reminders (dated from its
    # submission), so they are counted without another query while the calendar is known.
    awaiting_count = (
        sum(1 for r in reminders if r.application.stage == Stage.AWAITING_RECEIPT)
        if horizon
        else visible.filter(stage=Stage.AWAITING_RECEIPT).count()
    )
    context = {
        "form": form,
        "page": page,
        "rows": _rows(list(page.object_list)),
        "query": query.urlencode(),
        "reminders": reminders,
        "reminder_days": days,
        "reminders_unknown": horizon is None,
        "unknown_year_message": unknown_year_message(today.year + 1),
        "horizon_unknown": horizon_unknown,
        "overdue_count": selectors.overdue(visible, on=today).count(),
        "awaiting_count": awaiting_count,
        "can_register": _can_register(user),
        "can_manage_templates": permissions.can_manage_letter_templates(user),
    }
    return render(request, "staff/applications/list.html", context)


def _can_register(user: object) -> bool:
    return any(
        permissions.can_handle_applications_of(user, unit) for unit in selectors.handling_units()
    )


@login_required
def overdue_lists(request: HttpRequest) -> HttpResponse:
    """Overdue applications per handler and per unit, and the total: the county's for the office
    and leaders, the user's units' for everyone else."""
    user = staff_user(request)
    summary = selectors.overdue_summary(selectors.applications_visible_to(user), on=clock.today())
    context = {
        "summary": summary,
        "county_view": permissions.reads_everything(user),
        "scope": _("全县") if permissions.reads_everything(user) else _("本单位"),
    }
    return render(request, "staff/applications/overdue.html", context)


@login_required
def report_table(request: HttpRequest) -> HttpResponse:
    """Section 三 of the annual report for a year: the whole county for the office and leaders,
    the user's units for everyone else."""
    user = staff_user(request)
    today = clock.today()
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2008 <= int(raw) <= today.year else today.year - 1
    units = None if permissions.reads_everything(user) else list(units_visible_to(user))
    table = selectors.annual_report_table(year, units=units)
    context = {
        "table": table,
        "year": year,
        "years": list(range(today.year, max(today.year - 10, 2008) - 1, -1)),
        "county_view": units is None,
        "units": units or [],
    }
    return render(request, "staff/applications/report.html", context)
