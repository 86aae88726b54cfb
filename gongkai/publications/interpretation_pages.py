"""The interpretation-rate page (政策解读率, /staff/publications/interpretation/): per unit and for
the county, for any period, with the documents behind every number
(gongkai.publications.interpretation says which count and how).

The office and leaders see every unit; anyone else the units they may see
(gongkai.orgs.selectors.units_visible_to: their own, and a township its villages).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.core import clock
from gongkai.orgs import permissions
from gongkai.orgs.models import UnitKind
from gongkai.orgs.selectors import units_visible_to
from gongkai.orgs.staff_pages import staff_user
from gongkai.publications import interpretation

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The longest period one page reads: a county's policy documents of five years are a few
# hundred rows; more is a report to export, not a page.
MAX_DAYS = 5 * 366


class PeriodForm(forms.Form):
    """The period; empty means 1 January of this year to today (seed 003's 今年以来)."""

    first = forms.DateField(label=gettext_lazy("发布日期自"), required=False, widget=_DATE)
    last = forms.DateField(label=gettext_lazy("至"), required=False, widget=_DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        data = self.cleaned_data if self.is_valid() else {}
        last = data.get("last") or today
        first = data.get("first") or dt.date(last.year, 1, 1)
        if first > last:
            first, last = last, first
        if (last - first).days > MAX_DAYS:
            first = last - dt.timedelta(days=MAX_DAYS)
        return first, last


@login_required
def interpretation_rate(request: HttpRequest) -> HttpResponse:
    """The rate per unit and for the county (or the user's units), and the documents behind it."""
    user = staff_user(request)
    if not permissions.is_staff_member(user):
        raise PermissionDenied(_("只有工作人员可以查看政策解读率。"))
    today = clock.today()
    form = PeriodForm(request.GET or None)
    first, last = form.period(today)
    units = list(units_visible_to(user).order_by("sort_order", "code"))
    all_units = permissions.reads_everything(user)
    workdays = interpretation.window_workdays()
    lines = interpretation.policy_lines(
        first=first,
        last=last,
        unit_ids=None if all_units else [u.pk for u in units],
        today=today,
        workdays=workdays,
    )
    total, rows = interpretation.rate_rows(lines, units)
    context = {
        "form": form,
        "first": first,
        "last": last,
        "today": today,
        "total": total,
        "all_units": all_units,
        # Every unit that has a document; the others are listed once, by name (villages, which
        # issue no policy documents, are left out of that list).
        "rows": [row for row in rows if row.documents],
        "without": [
            row.unit
            for row in rows
            if not row.documents
            and row.unit
            and row.unit.kind not in (UnitKind.VILLAGE, UnitKind.ENTERPRISE)
        ],
        "workdays": workdays,
        # The office sets the window on its site settings page; the page links there for it.
        "may_set_window": permissions.is_office(user),
        "labels": interpretation.STANDING_LABELS,
    }
    return render(request, "staff/publications/interpretation.html", context)
