"""The public pages: apply online (/apply/, 条例第二十九条) and follow an application with its
tracking number and query code (/apply/track/). Mounted by the portal under "portal".

The status page is built from ``PublicStatus``, which holds only what the applicant may see on an
open page (the stage, the dates, the public steps, the outcome): never the applicant's personal
data, the handlers' names or the staff's notes. An unknown number and a wrong code get the same
answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from gongkai.applications import selectors, services
from gongkai.applications.forms import ApplicantForm, TrackForm
from gongkai.applications.models import Application, Stage
from gongkai.core.errors import GongkaiError

# The number and code of a just-submitted application, kept in the session until shown once.
SUBMITTED_KEY = "gongkai.applications.submitted"
ANSWERED_STAGES = (Stage.REPLIED, Stage.DELIVERED, Stage.ARCHIVED, Stage.CLOSED)


@dataclass(frozen=True)
class PublicEvent:
    label: str
    on: dt.date


@dataclass(frozen=True)
class PublicStatus:
    """What the status page may show of an application."""

    tracking_no: str
    unit: str
    stage: str
    stage_code: str
    submitted_on: dt.date
    received_on: dt.date | None
    due_on: dt.date | None
    due_note: str
    extended: bool
    outcome: str
    replied_on: dt.date | None
    delivered_on: dt.date | None
    events: list[PublicEvent]
    deferred: bool
    # The unit the county's unified intake passed the application to ("" when never routed).
    routed_to: str


def public_status(application: Application) -> PublicStatus:
    """The applicant's view of an application."""
    stage = application.stage
    due_on = application.due_on
    note = ""
    if stage == Stage.AWAITING_RECEIPT:
        note = _("受理机关与您确认收到申请后开始计算")
    elif stage == Stage.SUPPLEMENT:
        due_on, note = None, _("自收到补正申请之日起重新计算")
    elif due_on is None and application.is_open:
        note = _("期限待定")
        if selectors.pending_reason(application, application.consultations.all()):
            note = _("征求意见或等待缴费期间不计入答复期限，期限待定")
    info = application.outcome_info
    outcome = ""
    if info is not None and stage in ANSWERED_STAGES:
        outcome = f"{info.group}：{info.choice}" if info.group else info.choice
    routed = application.routings.exists()
    return PublicStatus(
        tracking_no=application.tracking_no,
        unit=application.unit.name,
        stage=application.get_stage_display(),
        stage_code=stage,
        submitted_on=application.submitted_on,
        received_on=application.received_on,
        due_on=due_on,
        due_note=note,
        extended=application.extended,
        outcome=outcome,
        replied_on=application.replied_on if outcome else None,
        delivered_on=application.delivered_on,
        events=[
            PublicEvent(e.get_kind_display(), e.on) for e in selectors.public_events(application)
        ],
        deferred=application.deferred_until is not None,
        routed_to=application.unit.name if routed else "",
    )


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """The application form of 条例第二十九条; on success the number and code are shown once."""
    form = ApplicantForm(request.POST or None, units=list(selectors.handling_units()))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                application, code = services.application_submit_online(
                    unit=form.cleaned_data["unit"], values=form.values()
                )
            except GongkaiError as err:
                form.add_error(None, err.message)
            else:
                request.session[SUBMITTED_KEY] = {
                    "tracking_no": application.tracking_no,
                    "code": code,
                    "unit": application.unit.name,
                    "submitted_on": application.submitted_on.isoformat(),
                }
                return redirect("portal:apply_done")
        status = 400
    return render(request, "portal/applications/apply.html", {"form": form}, status=status)


@require_safe
def apply_done(request: HttpRequest) -> HttpResponse:
    """The tracking number and query code of the application just submitted, shown this once."""
    submitted = request.session.pop(SUBMITTED_KEY, None)
    if not submitted:
        return redirect("portal:apply")
    return _no_store(render(request, "portal/applications/done.html", {"submitted": submitted}))


@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Ask for the tracking number and query code (by POST, so the code stays out of addresses
    and logs) and show the application's status."""
    if request.method != "POST":
        return render(request, "portal/applications/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/applications/track.html", {"form": form}, status=400)
    application = selectors.public_application(
        form.cleaned_data["tracking_no"], form.cleaned_data["code"]
    )
    if application is None:
        context = {"form": TrackForm(), "not_found": True}
        return _no_store(render(request, "portal/applications/track.html", context, status=404))
    context = {"status": public_status(application)}
    return _no_store(render(request, "portal/applications/status.html", context))
