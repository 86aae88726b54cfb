"""The disclosure office's pages for the site's duties, mounted under /staff/site/ with the
namespace "site": the settings of the footer (主办/承办单位, 网站标识码, ICP and 公安 numbers,
联系我们) and the queue of error reports (我为政府网站找错) with its counts. Only the office
(公开办) may open them; everyone else gets the 403 page with its sentence."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.orgs.staff_pages import attempt, flash_form_errors, refusing, staff_user
from gongkai.portal import selectors, services
from gongkai.portal.models import ErrorReport, ReportStatus
from gongkai.portal.paging import Pager
from gongkai.portal.site_forms import HandleForm, QueueFilterForm, SiteSettingsForm

QUEUE_PAGE_SIZE = 30


@login_required
@refusing
@require_http_methods(["GET", "HEAD", "POST"])
def site_settings(request: HttpRequest) -> HttpResponse:
    """The registration and contact data of the site, prefilled with what the footer shows now
    (the defaults from the county's name until the office saves)."""
    user = staff_user(request)
    selectors.require_office(user)
    info = selectors.site_info(request)
    if request.method != "POST":
        initial = {name: getattr(info, name) for name in services.SETTINGS_FIELDS}
        form = SiteSettingsForm(initial=initial)
    else:
        form = SiteSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.site_settings_update(actor=user, values=form.cleaned_data)
            except AccessDenied:
                raise
            except GongkaiError as err:
                form.add_error(None, err.message)
            else:
                messages.success(request, _("网站设置已保存，全站页面底部即时更新。"))
                return redirect("site:settings")
    context = {"form": form, "missing": info.missing, "saved": bool(info.changed)}
    return render(request, "staff/site/settings.html", context, status=400 if form.errors else 200)


@login_required
@refusing
def error_reports(request: HttpRequest) -> HttpResponse:
    """The queue of error reports: 待处理 first (oldest first), with the counts by status."""
    user = staff_user(request)
    counts = selectors.error_report_counts(user)
    filters = QueueFilterForm(request.GET)
    chosen = filters.cleaned_data.get("status") if filters.is_valid() else ""
    status = chosen or ReportStatus.PENDING
    reports = selectors.error_reports(user, status="" if status == "all" else status)
    total = counts[status] if status in counts else sum(counts.values())
    pager = Pager.checked(request.GET, total, QUEUE_PAGE_SIZE)
    context = {
        "reports": list(reports[pager.offset : pager.end]),
        "counts": counts,
        "total": sum(counts.values()),
        "status": status,
        "pager": pager,
    }
    return render(request, "staff/site/reports.html", context)


@login_required
@require_POST
@refusing
def error_report_handle(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one report handled with the office's note, back to the queue."""
    user = staff_user(request)
    try:
        report = selectors.error_report(user, pk)
    except ErrorReport.DoesNotExist as err:
        raise Http404(_("没有这条留言。")) from err
    form = HandleForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("site:error_reports")
    reply = form.cleaned_data["reply"]
    handled = attempt(
        request,
        lambda: services.error_report_handle(actor=user, report=report, reply=reply),
    )
    if handled.ok:
        messages.success(
            request, _("留言%(number)s已处理。") % {"number": handled.value.receipt_no}
        )
    return redirect("site:error_reports")


urlpatterns: list[URLPattern] = [
    path("settings/", site_settings, name="settings"),
    path("reports/", error_reports, name="error_reports"),
    path("reports/<int:pk>/handle/", error_report_handle, name="error_report_handle"),
]
