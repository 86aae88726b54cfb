"""The office's monthly report pages (政务公开月报, seed 003): a month chooser, the report of a month
as a page, its Word document, and the form for the editor-written parts. Office only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from gongkai.core import clock
from gongkai.core.errors import GongkaiError
from gongkai.orgs import permissions
from gongkai.orgs.models import User
from gongkai.orgs.staff_pages import flash_error, staff_user
from gongkai.reports import monthly, monthly_docx, services
from gongkai.reports.models import MonthlyReport

FIRST_YEAR = 2008  # the 条例 took effect on 1 May 2008
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class MonthlyReportForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = MonthlyReport
        fields = list(services.MONTHLY_FIELDS)
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "instructions": forms.Textarea(attrs={"rows": 3}),
            "highlights": forms.Textarea(attrs={"rows": 6}),
            "problems_note": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "highlights": "每段一行，印成“●”段落。",
            "problems_note": "系统发现的问题自动列出；此处补充其他问题，每段一行。",
            "next_steps": "每段一行，印成“●”段落。",
        }


def _office(request: HttpRequest) -> User:
    user = staff_user(request)
    if not permissions.is_office(user):
        raise PermissionDenied(_("只有县政务公开办可以编辑政务公开月报。"))
    return user


def _reader(request: HttpRequest) -> User:
    """The office writes the report; county leaders read it too (DOMAIN.md §1)."""
    user = staff_user(request)
    if not permissions.reads_everything(user):
        raise PermissionDenied(_("政务公开月报由县政务公开办编发，县领导可以查看。"))
    return user


def _check_month(year: int, month: int) -> None:
    if not (FIRST_YEAR <= year <= clock.today().year and 1 <= month <= 12):
        raise Http404(_("没有这个月份的月报。"))


def _previous_month() -> tuple[int, int]:
    today = clock.today()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Choose a month; the reports whose editor parts were saved are listed."""
    user = _reader(request)
    year, month = _previous_month()
    raw_year, raw_month = request.GET.get("year", ""), request.GET.get("month", "")
    if raw_year.isdigit() and raw_month.isdigit():
        year, month = int(raw_year), int(raw_month)
        _check_month(year, month)
        return redirect("reports:monthly_report", year=year, month=month)
    context = {
        "year": year,
        "month": month,
        "years": list(range(clock.today().year, FIRST_YEAR - 1, -1)),
        "months": list(range(1, 13)),
        "saved": MonthlyReport.objects.all()[:24],
        "can_edit": permissions.is_office(user),
    }
    return render(request, "staff/reports/monthly_index.html", context)


@login_required
def report(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The month's report in seed 003's structure, with its tables."""
    user = _reader(request)
    _check_month(year, month)
    data = monthly.monthly_report(year=year, month=month)
    context: dict[str, Any] = {
        "report": data,
        "text": monthly.paragraphs(data),
        "issued_on": monthly.issued_on(data),
        "editor_note": monthly.EDITOR_NOTE.format(county=data["county"], year=year),
        "table_note": monthly.TABLE_NOTE,
        "can_edit": permissions.is_office(user),
        "tables": [
            (
                _("县直部门政府信息公开情况"),
                [r for r in data["units"] if r["group"] == "departments"],
            ),
            (
                _("各乡（镇）政府信息公开情况"),
                [r for r in data["units"] if r["group"] == "townships"],
            ),
        ],
    }
    return render(request, "staff/reports/monthly_report.html", context)


@login_required
def report_docx(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The month's report as a Word document."""
    _reader(request)
    _check_month(year, month)
    data = monthly_docx.render(monthly.monthly_report(year=year, month=month))
    response = HttpResponse(data, content_type=DOCX)
    name = f"monthly-report-{year}-{month:02d}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def edit(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """Edit the editor-written parts: 期数, date, 领导批示, highlights, problems, next steps."""
    user = _office(request)
    _check_month(year, month)
    saved = MonthlyReport.objects.filter(year=year, month=month).first()
    form = MonthlyReportForm(
        request.POST or None, instance=saved or MonthlyReport(year=year, month=month)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.monthly_report_save(
                actor=user, year=year, month=month, values=form.cleaned_data
            )
        except GongkaiError as err:
            flash_error(request, err)
        else:
            return redirect("reports:monthly_report", year=year, month=month)
    context = {"form": form, "year": year, "month": month}
    return render(request, "staff/reports/monthly_edit.html", context)


urlpatterns: list[URLPattern] = [
    path("monthly/", index, name="monthly"),
    path("monthly/<int:year>/<int:month>/", report, name="monthly_report"),
    path("monthly/<int:year>/<int:month>/docx/", report_docx, name="monthly_docx"),
    path("monthly/<int:year>/<int:month>/edit/", edit, name="monthly_edit"),
]
