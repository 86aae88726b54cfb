"""Rectification items (整改): the list (with the overdue ones first), the office's creation page
(prefilled from GET parameters, so a monitoring finding links straight to it), and an item's page
where its unit reports and the office returns or closes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from gongkai.assessment import selectors, services
from gongkai.assessment.forms import CloseForm, RectificationForm, ReportForm, ReturnForm
from gongkai.assessment.models import Rectification, RectificationSource, RectificationStatus
from gongkai.core import clock
from gongkai.core.errors import AccessDenied
from gongkai.orgs import permissions
from gongkai.orgs.staff_pages import attempt, denied, flash_form_errors, staff_user

DEFAULT_DAYS = 15  # a deadline two weeks or so after the finding, changeable on the form


def _item(request: HttpRequest, pk: int) -> Rectification:
    try:
        return selectors.rectification_detail(staff_user(request), pk)
    except Rectification.DoesNotExist:
        raise Http404("没有这个整改事项。") from None


@login_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    """The items of the units the user may read, by status; overdue ones listed first."""
    user = staff_user(request)
    scope = selectors.rectifications_visible_to(user)
    status = request.GET.get("status", "")
    shown = scope.filter(status=status) if status in RectificationStatus.values else scope
    context = {
        "items": shown.order_by("status", "deadline", "pk"),
        "overdue": selectors.overdue_rectifications(scope, on=clock.today()),
        "statuses": RectificationStatus.choices,
        "status": status,
        "today": clock.today(),
        "can_manage": permissions.can_manage_assessment(user),
    }
    return render(request, "staff/assessment/rectifications.html", context)


@login_required
def rectification_new(request: HttpRequest) -> HttpResponse:
    """Open an item. GET parameters prefill the form: ``unit`` (a unit code), ``title``,
    ``source`` (monitoring, third_party, superior, assessment, other) and ``description``."""
    user = staff_user(request)
    if not permissions.can_manage_assessment(user):
        raise denied(AccessDenied(services.MANAGE_MESSAGE))
    units = selectors.owner_units()
    today = clock.today()
    initial: dict[str, Any] = {
        "found_on": today,
        "deadline": today + dt.timedelta(days=DEFAULT_DAYS),
        "source": RectificationSource.MONITORING,
    }
    for key in ("unit", "title", "description"):
        if request.GET.get(key):
            initial[key] = request.GET[key][:2000]
    if request.GET.get("source") in RectificationSource.values:
        initial["source"] = request.GET["source"]
    form = RectificationForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        created = attempt(
            request, lambda: services.rectification_create(actor=user, **form.cleaned_data)
        )
        if created.ok:
            return redirect(created.value)
    return render(request, "staff/assessment/rectification_form.html", {"form": form})


@login_required
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The item, its history, and the steps the user may take on it now."""
    item = _item(request, pk)
    user = staff_user(request)
    manage = permissions.can_manage_assessment(user)
    context = {
        "item": item,
        "history": selectors.rectification_history(item),
        "is_overdue": item.status == RectificationStatus.OPEN and item.deadline < clock.today(),
        "can_report": item.status == RectificationStatus.OPEN
        and permissions.can_report_rectification_of(user, item.unit),
        "can_decide": item.status == RectificationStatus.REPORTED and manage,
        # Separation of duties: whoever reported it (the office may) cannot close it.
        "self_review_message": permissions.SELF_REVIEW_REPORT_MESSAGE
        if item.status == RectificationStatus.REPORTED
        and manage
        and not permissions.may_sign_off(user, services.writer_ids(item))
        else "",
        "report_form": ReportForm(initial={"text": item.report_text}),
        "return_form": ReturnForm(),
        "close_form": CloseForm(),
    }
    return render(request, "staff/assessment/rectification_detail.html", context)


def _step(request: HttpRequest, pk: int, form_class: type, run: Any) -> HttpResponse:
    item = _item(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(item)
    user = staff_user(request)
    attempt(request, lambda: run(user, item, form.cleaned_data))
    return redirect(item)


@login_required
@require_POST
def rectification_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ReportForm,
        lambda user, item, data: services.rectification_report(
            actor=user, rectification=item, text=data["text"], on=data["on"]
        ),
    )


@login_required
@require_POST
def rectification_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ReturnForm,
        lambda user, item, data: services.rectification_return(
            actor=user, rectification=item, reason=data["reason"]
        ),
    )


@login_required
@require_POST
def rectification_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        CloseForm,
        lambda user, item, data: services.rectification_close(
            actor=user, rectification=item, note=data["note"]
        ),
    )


urlpatterns: list[URLPattern] = [
    path("rectifications/", rectification_list, name="rectifications"),
    path("rectifications/new/", rectification_new, name="rectification_new"),
    path("rectifications/<int:pk>/", rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/report/", rectification_report, name="rectification_report"),
    path("rectifications/<int:pk>/return/", rectification_return, name="rectification_return"),
    path("rectifications/<int:pk>/close/", rectification_close, name="rectification_close"),
]
