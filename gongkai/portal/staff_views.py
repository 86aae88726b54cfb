"""The disclosure office's pages for the site's duties, mounted under /staff/site/ with the
namespace "site": the settings of the footer (主办/承办单位, 网站标识码, ICP and 公安 numbers,
联系我们); the old queue of error reports (我为政府网站找错) now leads to the 找错 box of the
messages (gongkai.interaction, issue 13). Only the office
(公开办) may open them; everyone else gets the 403 page with its sentence."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.orgs.staff_pages import refusing, staff_user
from gongkai.portal import selectors, services
from gongkai.portal.site_forms import SiteSettingsForm


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
def error_reports(request: HttpRequest) -> HttpResponse:
    """The old queue of error reports: they are messages in the 找错 box now (issue 13)."""
    return redirect(f"{reverse('interaction:list')}?box=jiucuo")


@login_required
def error_report_handle(request: HttpRequest, pk: int) -> HttpResponse:
    """The old handling step: 找错 reports are answered on the message's page now."""
    return redirect(f"{reverse('interaction:list')}?box=jiucuo")


urlpatterns: list[URLPattern] = [
    path("settings/", site_settings, name="settings"),
    path("reports/", error_reports, name="error_reports"),
    path("reports/<int:pk>/handle/", error_report_handle, name="error_report_handle"),
]
