"""Serious incidents of the site the office records (严重表述错误, 泄露国家秘密, 互动回应差, other):
each fails its single-veto item for a year; a wrong record is cancelled with a reason, never
deleted. The office records and cancels, leaders read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.monitoring import selectors, services
from gongkai.monitoring.forms import CancelForm, IncidentForm
from gongkai.monitoring.models import Incident
from gongkai.orgs import permissions
from gongkai.orgs.staff_pages import attempt, flash_form_errors, refusing, staff_user


@login_required
@refusing
def incident_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    selectors.require_reader(user)
    can_manage = permissions.can_manage_monitoring(user)
    form = IncidentForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise AccessDenied(services.OFFICE_ONLY)
        if form.is_valid():
            try:
                services.incident_record(actor=user, **form.cleaned_data)
            except AccessDenied:
                raise
            except GongkaiError as err:
                form.add_error(None, err.message)
            else:
                messages.success(request, _("已登记。"))
                return redirect("monitoring:incidents")
    context = {
        "incidents": selectors.incidents(),
        "form": form,
        "cancel_form": CancelForm(),
        "can_manage": can_manage,
    }
    return render(
        request,
        "staff/monitoring/incidents.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@refusing
def incident_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    selectors.require_reader(user)
    try:
        incident = selectors.incident(pk)
    except Incident.DoesNotExist as exc:
        raise Http404(_("没有这条记录。")) from exc
    form = CancelForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("monitoring:incidents")
    reason = form.cleaned_data["reason"]
    cancelled = attempt(
        request,
        lambda: services.incident_cancel(actor=user, incident=incident, reason=reason),
    )
    if cancelled.ok:
        messages.success(request, _("已撤销。"))
    return redirect("monitoring:incidents")


urlpatterns: list[URLPattern] = [
    path("incidents/", incident_list, name="incidents"),
    path("incidents/<int:pk>/cancel/", incident_cancel, name="incident_cancel"),
]
