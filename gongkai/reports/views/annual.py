"""The office's annual report pages (政府信息公开工作年度报告): the reports of a year, one report in
the national layout, its Word file, the form for what the office enters, finalizing and reopening.

The office and leaders see every report; a unit's staff see their own unit's
(permissions.can_view_unit). Writes go through gongkai.reports.annual_services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.applications.selectors import handling_units
from gongkai.core import clock
from gongkai.core.errors import GongkaiError
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, UnitKind, User
from gongkai.orgs.staff_pages import attempt, flash_error, staff_user
from gongkai.reports import annual, annual_docx, annual_html, annual_services
from gongkai.reports.models import AnnualReport, AnnualStatus

COUNTY = "county"  # the scope in URLs of the county's report (unit codes are upper case)


def _year(raw: str) -> int:
    today = clock.today()
    return int(raw) if raw.isdigit() and 2008 <= int(raw) <= today.year else today.year - 1


def _scope(user: User, year: int, scope: str) -> Unit | None:
    """The unit of a report URL (None: the county's), if the user may read its report."""
    if not 2008 <= year <= clock.today().year:
        raise Http404
    if scope == COUNTY:
        if not permissions.reads_everything(user):
            raise PermissionDenied(_("全县年度报告仅公开办和领导可以查看。"))
        return None
    unit = Unit.objects.filter(code=scope).first()
    if unit is None:
        raise Http404
    if not permissions.can_view_unit(user, unit):
        raise PermissionDenied(_("只能查看本单位的年度报告。"))
    return unit


def _code(unit: Unit | None) -> str:
    return unit.code if unit is not None else COUNTY


@login_required
def annual_list(request: HttpRequest) -> HttpResponse:
    """The annual reports of a year: the county's and every unit's that receives applications
    (the user's own units for unit staff), with their state."""
    user = staff_user(request)
    year = _year(request.GET.get("year", ""))
    units = [u for u in handling_units() if u.kind != UnitKind.COUNTY]
    if not permissions.reads_everything(user):
        units = [u for u in units if permissions.can_view_unit(user, u)]
    stored = annual.stored_reports(year)
    entries: list[dict[str, Any]] = []
    if permissions.reads_everything(user):
        county = stored.get(None)
        entries.append(
            {
                "name": _("全县（%(name)s）") % {"name": annual.county_name()},
                "code": COUNTY,
                "final": county is not None and county.status == AnnualStatus.FINAL,
            }
        )
    for unit in units:
        record = stored.get(unit.pk)
        entries.append(
            {
                "name": unit.name,
                "code": unit.code,
                "final": record is not None and record.status == AnnualStatus.FINAL,
            }
        )
    today = clock.today()
    context = {
        "year": year,
        "years": list(range(today.year, max(today.year - 10, 2008) - 1, -1)),
        "entries": entries,
    }
    return render(request, "staff/reports/annual_list.html", context)


@login_required
def annual_report_page(request: HttpRequest, year: int, scope: str) -> HttpResponse:
    """One annual report as the national layout prints it."""
    user = staff_user(request)
    unit = _scope(user, year, scope)
    report = annual.annual_report(year=year, unit=unit)
    can_write = permissions.can_write_annual_report(user, unit)
    final = report["status"] == AnnualStatus.FINAL
    record = annual.stored_report(year, unit)
    published = record.publication if annual_services.is_published(record) else None
    context = {
        **annual_html.body_context(report),
        "year": year,
        "code": _code(unit),
        "final": final,
        "can_edit": can_write and not final,
        "can_finalize": can_write and not final,
        "can_reopen": final and permissions.is_office(user),
        "published": published,
        "can_publish": final and can_write and not published,
    }
    return render(request, "staff/reports/annual.html", context)


@login_required
def annual_docx_download(request: HttpRequest, year: int, scope: str) -> HttpResponse:
    """The annual report as a Word document."""
    user = staff_user(request)
    unit = _scope(user, year, scope)
    report = annual.annual_report(year=year, unit=unit)
    response = HttpResponse(
        annual_docx.render(report),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = f"{report['unit']}{year}年政府信息公开工作年度报告.docx"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


# ------------------------------------------------------------------------------- the form


def _field_name(prefix: str, i: int, j: int) -> str:
    return f"{prefix}_{i}_{j}"


class AnnualForm(forms.Form):
    """The texts of sections 一/五/六, section 二's entered figures and section 四's 15 numbers;
    a figure left blank is computed (section 二) or 0, a blank 总计 the sum of its parts."""

    overview = forms.CharField(label="一、总体情况", required=False, widget=forms.Textarea)
    problems = forms.CharField(
        label="五、存在的主要问题及改进情况", required=False, widget=forms.Textarea
    )
    other_matters = forms.CharField(
        label="六、其他需要报告的事项", required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proactive_cells: list[tuple[str, str, str]] = []
        for i, table in enumerate(annual.PROACTIVE_TABLES):
            for j, (row, column) in enumerate(
                (r, c) for r in table["rows"] for c in table["columns"]
            ):
                name = _field_name(f"p{i}", j, 0)
                self.fields[name] = forms.DecimalField(
                    label=f"{row} · {column}", required=False, min_value=0, decimal_places=4
                )
                self.proactive_cells.append((name, row, column))
        self.review_cells: list[tuple[str, str, str]] = []
        for i, group in enumerate(annual.REVIEW_GROUPS):
            for j, column in enumerate(annual.REVIEW_COLUMNS):
                name = _field_name("r", i, j)
                self.fields[name] = forms.IntegerField(
                    label=f"{group} · {column}", required=False, min_value=0
                )
                self.review_cells.append((name, group, column))

    @classmethod
    def initial_from(cls, record: AnnualReport) -> dict[str, Any]:
        form = cls()
        initial: dict[str, Any] = {
            "overview": record.overview,
            "problems": record.problems,
            "other_matters": record.other_matters,
        }
        for name, row, column in form.proactive_cells:
            initial[name] = (record.proactive.get(row) or {}).get(column)
        for name, group, column in form.review_cells:
            initial[name] = (record.review_litigation.get(group) or {}).get(column)
        return initial

    def proactive(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for name, row, column in self.proactive_cells:
            found.setdefault(row, {})[column] = self.cleaned_data.get(name)
        return found

    def review(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for name, group, column in self.review_cells:
            found.setdefault(group, {})[column] = self.cleaned_data.get(name)
        return found

    def proactive_groups(self) -> list[tuple[str, list[Any]]]:
        """Section 二's fields by item of 第二十条, for the template."""
        groups: list[tuple[str, list[Any]]] = []
        for i, table in enumerate(annual.PROACTIVE_TABLES):
            count = len(table["rows"]) * len(table["columns"])
            groups.append((table["item"], [self[_field_name(f"p{i}", j, 0)] for j in range(count)]))
        return groups

    def review_groups(self) -> list[tuple[str, list[Any]]]:
        return [
            (group, [self[_field_name("r", i, j)] for j in range(len(annual.REVIEW_COLUMNS))])
            for i, group in enumerate(annual.REVIEW_GROUPS)
        ]


@login_required
def annual_edit(request: HttpRequest, year: int, scope: str) -> HttpResponse:
    """Edit what the office enters into a report (refused once it is final)."""
    user = staff_user(request)
    unit = _scope(user, year, scope)
    if not permissions.can_write_annual_report(user, unit):
        raise PermissionDenied(_("只有公开办或本单位审核人可以编辑年度报告。"))
    record = annual.stored_report(year, unit)
    page = reverse("reports:annual_report", args=[year, _code(unit)])
    if record.status == AnnualStatus.FINAL:
        messages.error(request, _("年度报告已定稿，不能再修改；确需修改的，请公开办先撤销定稿。"))
        return redirect(page)
    if request.method == "POST":
        form = AnnualForm(request.POST)
        if form.is_valid():
            try:
                annual_services.annual_save(
                    actor=user,
                    year=year,
                    unit=unit,
                    overview=form.cleaned_data["overview"],
                    problems=form.cleaned_data["problems"],
                    other_matters=form.cleaned_data["other_matters"],
                    proactive=form.proactive(),
                    review_litigation=form.review(),
                )
            except GongkaiError as err:
                flash_error(request, err)
            else:
                messages.success(request, _("已保存。"))
                return redirect(page)
    else:
        form = AnnualForm(initial=AnnualForm.initial_from(record))
    report = annual.annual_report(year=year, unit=unit)
    context = {
        "form": form,
        "report": report,
        "year": year,
        "code": _code(unit),
        "drafts": report["sections"],
    }
    return render(request, "staff/reports/annual_edit.html", context)


@login_required
@require_POST
def annual_finalize(request: HttpRequest, year: int, scope: str) -> HttpResponse:
    user = staff_user(request)
    unit = _scope(user, year, scope)
    if attempt(
        request, lambda: annual_services.annual_finalize(actor=user, year=year, unit=unit)
    ).ok:
        messages.success(request, _("年度报告已定稿。"))
    return redirect("reports:annual_report", year, _code(unit))


@login_required
@require_POST
def annual_publish(request: HttpRequest, year: int, scope: str) -> HttpResponse:
    user = staff_user(request)
    unit = _scope(user, year, scope)
    if attempt(
        request, lambda: annual_services.annual_publish(actor=user, year=year, unit=unit)
    ).ok:
        messages.success(request, _("年度报告已在“政府信息公开年报”栏目发布。"))
    return redirect("reports:annual_report", year, _code(unit))


@login_required
@require_POST
def annual_reopen(request: HttpRequest, year: int, scope: str) -> HttpResponse:
    user = staff_user(request)
    unit = _scope(user, year, scope)
    reason = request.POST.get("reason", "")
    if attempt(
        request,
        lambda: annual_services.annual_reopen(actor=user, year=year, unit=unit, reason=reason),
    ).ok:
        messages.success(request, _("已撤销定稿，报告回到草稿状态。"))
    return redirect("reports:annual_report", year, _code(unit))


urlpatterns: list[URLPattern] = [
    path("annual/", annual_list, name="annual"),
    path("annual/<int:year>/<str:scope>/", annual_report_page, name="annual_report"),
    path("annual/<int:year>/<str:scope>/docx/", annual_docx_download, name="annual_docx"),
    path("annual/<int:year>/<str:scope>/edit/", annual_edit, name="annual_edit"),
    path("annual/<int:year>/<str:scope>/finalize/", annual_finalize, name="annual_finalize"),
    path("annual/<int:year>/<str:scope>/publish/", annual_publish, name="annual_publish"),
    path("annual/<int:year>/<str:scope>/reopen/", annual_reopen, name="annual_reopen"),
]
