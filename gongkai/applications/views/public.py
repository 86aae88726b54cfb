"""The public pages: apply online (/apply/, 条例第二十九条), keep a printable receipt
(/apply/done/), follow an application with its tracking number and query code (/apply/track/)
and, once the reply has been delivered, download the letter (/apply/letter/<token>/). Mounted
by the portal under "portal".

The status page is built from ``PublicStatus``, which holds only what the applicant may see on an
open page (the stage, the dates, the public steps, the outcome): never the applicant's personal
data, the handlers' names or the staff's notes. An unknown number and a wrong code get the same
answer. The receipt is shown once, to the browser that applied (its session), and holds only
what the applicant typed and what the office will do with it. The letter's link is signed and
expires (LETTER_LINK_AGE): only a visitor who has just given the number and code gets one.

The form, the tracking page and the letter link are throttled per client address (and the
tracking page per tracking number too) by gongkai.orgs.throttle, in the database so every web
worker counts alike; a refusal is a 429 with a Chinese sentence saying when to try again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from gongkai import clock as statutory
from gongkai.applications import letters, selectors, services
from gongkai.applications.forms import ApplicantForm, TrackForm
from gongkai.applications.models import Application, Channel, Letter, Stage
from gongkai.core import clock
from gongkai.core.downloads import stored_download
from gongkai.core.errors import GongkaiError
from gongkai.orgs import throttle
from gongkai.workdays.selectors import calendar

# The number and code of a just-submitted application, kept in the session until shown once.
SUBMITTED_KEY = "gongkai.applications.submitted"
ANSWERED_STAGES = (Stage.REPLIED, Stage.DELIVERED, Stage.ARCHIVED, Stage.CLOSED)
# The receipt shows this much of what was asked for (the unit has the whole text).
SUMMARY_CHARS = 200
# The letter's download link, signed for the application after its number and code were given.
LETTER_SALT = "gongkai.applications.letter-download"
LETTER_LINK_AGE = 30 * 60

# Throttles. Each online application starts a statutory clock (20 working days, 条例第三十三条)
# on a unit's handlers, so a flood of them is an attack on the handlers, not on the server: an
# address may file 5 an hour and 20 a day (a person rarely has more than a few requests; a
# service hall filing for many people uses the office's registration instead). Tracking counts
# lookups that found nothing: 20 an hour from one address (a shared address of a village or a
# service hall has room to mistype), 5 an hour for one tracking number (its own applicant
# mistyping the code; a guesser of one number's code gets nowhere). The letter's link: 30
# downloads an hour per address and 10 per application.
APPLY_PER_HOUR = throttle.Rule("apply.address", limit=5, window=dt.timedelta(hours=1))
APPLY_PER_DAY = throttle.Rule("apply.address.day", limit=20, window=dt.timedelta(days=1))
TRACK_MISSES_PER_ADDRESS = throttle.Rule("track.address", limit=20, window=dt.timedelta(hours=1))
TRACK_MISSES_PER_NUMBER = throttle.Rule("track.number", limit=5, window=dt.timedelta(hours=1))
LETTERS_PER_ADDRESS = throttle.Rule("letter.address", limit=30, window=dt.timedelta(hours=1))
LETTERS_PER_APPLICATION = throttle.Rule(
    "letter.application", limit=10, window=dt.timedelta(hours=1)
)


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


@dataclass(frozen=True)
class Receipt:
    """The receipt (回执) of an online application: what the applicant typed that identifies the
    request (their name, what they asked for and how they want it), never their identity number
    or contacts; the number and code; and when the reply is due."""

    tracking_no: str
    code: str
    applicant: str
    unit: str
    channel: str
    submitted_on: dt.date
    received_on: dt.date | None
    due_on: dt.date | None
    # While receipt is unconfirmed: the reply date if the unit confirms on the day submitted.
    earliest_due_on: dt.date | None
    summary: str
    info_form: str
    delivery_way: str
    track_url: str


def receipt(application: Application, code: str, *, track_url: str) -> Receipt:
    """The receipt of ``application``. An online application is received on the day both sides
    confirm it (条例第三十一条), so until then its reply date (20 working days, 第三十三条) is
    given as it would be if confirmed on the day it was submitted; the clock's calendar
    counts it, and None when the calendar does not know that year yet."""
    earliest = None
    if application.received_on is None:
        try:
            earliest = statutory.due_date(application.submitted_on, calendar=calendar())
        except statutory.UnknownYear:
            earliest = None
    return Receipt(
        tracking_no=application.tracking_no,
        code=code,
        applicant=application.applicant_name,
        unit=application.unit.name,
        channel=Channel(application.channel).label,
        submitted_on=application.submitted_on,
        received_on=application.received_on,
        due_on=application.due_on,
        earliest_due_on=earliest,
        summary=Truncator(application.description).chars(SUMMARY_CHARS),
        info_form=application.get_info_form_display(),
        delivery_way=application.get_delivery_way_display(),
        track_url=track_url,
    )


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """The application form of 条例第二十九条; on success the number and code are shown once."""
    form = ApplicantForm(request.POST or None, units=list(selectors.handling_units()))
    status = 200
    address = throttle.client_address(request)
    if request.method == "POST":
        until = throttle.first_blocked([(APPLY_PER_HOUR, address), (APPLY_PER_DAY, address)])
        if until is not None:
            form.is_valid()  # what was typed stays on the page, with any other problem
            form.add_error(None, _too_many_applications(until))
            response = render(request, "portal/applications/apply.html", {"form": form}, status=429)
            return _retry_after(response, until)
        if form.is_valid():
            try:
                application, code = services.application_submit_online(
                    unit=form.cleaned_data["unit"], values=form.values()
                )
            except GongkaiError as err:
                form.add_error(None, err.message)
            else:
                throttle.hit(APPLY_PER_HOUR, address)
                throttle.hit(APPLY_PER_DAY, address)
                request.session[SUBMITTED_KEY] = {
                    "tracking_no": application.tracking_no,
                    "code": code,
                }
                return redirect("portal:apply_done")
        status = 400
    return render(request, "portal/applications/apply.html", {"form": form}, status=status)


@require_safe
def apply_done(request: HttpRequest) -> HttpResponse:
    """The receipt of the application just submitted, with its tracking number and query code,
    shown this once to the browser that submitted it (the number and code come from its
    session, and are checked as the tracking page checks them)."""
    submitted = request.session.pop(SUBMITTED_KEY, None)
    if not submitted:
        return redirect("portal:apply")
    application = selectors.public_application(submitted["tracking_no"], submitted["code"])
    if application is None:
        return redirect("portal:apply")
    track_url = request.build_absolute_uri(reverse("portal:apply_track"))
    context = {
        "submitted": submitted,
        "receipt": receipt(application, submitted["code"], track_url=track_url),
    }
    return _no_store(render(request, "portal/applications/done.html", context))


@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Ask for the tracking number and query code (by POST, so the code stays out of addresses
    and logs) and show the application's status."""
    if request.method != "POST":
        return render(request, "portal/applications/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/applications/track.html", {"form": form}, status=400)
    number = form.cleaned_data["tracking_no"]
    address = throttle.client_address(request)
    # Refused before the code is checked, so a right guess during the wait is no use either.
    until = throttle.first_blocked(
        [(TRACK_MISSES_PER_ADDRESS, address), (TRACK_MISSES_PER_NUMBER, number)]
    )
    if until is not None:
        return _track_refused(request, until)
    application = selectors.public_application(number, form.cleaned_data["code"])
    if application is None:
        throttle.hit(TRACK_MISSES_PER_ADDRESS, address)
        throttle.hit(TRACK_MISSES_PER_NUMBER, number)
        context = {"form": TrackForm(), "not_found": True}
        return _no_store(render(request, "portal/applications/track.html", context, status=404))
    context = {"status": public_status(application), **_letter_link(application)}
    return _no_store(render(request, "portal/applications/status.html", context))


def _letter_link(application: Application) -> dict[str, object]:
    """The delivered letter and a signed link to download it, for the status page."""
    letter = letters.delivered_letter(application)
    if letter is None:
        return {"letter": None, "letter_url": ""}
    token = signing.dumps({"a": application.pk, "l": letter.pk}, salt=LETTER_SALT)
    return {
        "letter": letter,
        "letter_url": reverse("portal:apply_letter", args=[token]),
        "letter_minutes": LETTER_LINK_AGE // 60,
    }


def _letter_name(letter: Letter) -> str:
    return f"{letter.application.tracking_no}-{letter.get_kind_display()}.docx"


@require_safe
def reply_letter(request: HttpRequest, token: str) -> HttpResponse | FileResponse:
    """The delivered reply letter as a Word download, through the link the status page signed
    for this application (LETTER_LINK_AGE); an expired link asks for the number and code again.
    Each download is recorded (letters.letter_handed_to_applicant)."""
    try:
        signed = signing.loads(token, salt=LETTER_SALT, max_age=LETTER_LINK_AGE)
    except signing.SignatureExpired:
        context = {"form": TrackForm(), "link_expired": True}
        return _no_store(render(request, "portal/applications/track.html", context, status=410))
    except signing.BadSignature:
        raise Http404(_("没有找到该文书。")) from None
    address = throttle.client_address(request)
    application_key = str(signed["a"])
    until = throttle.first_blocked(
        [(LETTERS_PER_ADDRESS, address), (LETTERS_PER_APPLICATION, application_key)]
    )
    if until is not None:
        return _track_refused(request, until)
    letter = letters.letter_for_applicant(application_id=signed["a"], letter_id=signed["l"])
    if letter is None:
        raise Http404(_("没有找到该文书。"))
    throttle.hit(LETTERS_PER_ADDRESS, address)
    throttle.hit(LETTERS_PER_APPLICATION, application_key)
    response = stored_download(letter.file, name=_letter_name(letter), kind="docx", private=True)
    letters.letter_handed_to_applicant(letter=letter)
    return response


def _retry_after(response: HttpResponse, until: dt.datetime) -> HttpResponse:
    """Say when to come back in the header too (RFC 9110 Retry-After, in seconds)."""
    seconds = max(1, int((until - clock.now()).total_seconds()) + 1)
    response["Retry-After"] = str(seconds)
    return _no_store(response)


def _too_many_applications(until: dt.datetime) -> str:
    return _(
        "您在短时间内提交的申请较多，请于%(time)s后再提交。急需提交的，"
        "也可以通过信函或到受理机关当面提出申请。"
    ) % {"time": throttle.local_time(until)}


def _track_refused(request: HttpRequest, until: dt.datetime) -> HttpResponse:
    """The tracking page again, saying when to try again (429)."""
    message = _(
        "查询过于频繁，为保护申请人的信息，请于%(time)s后再查询。忘记查询码的，请联系受理机关。"
    ) % {"time": throttle.local_time(until)}
    context = {"form": TrackForm(), "throttled": message}
    response = render(request, "portal/applications/track.html", context, status=429)
    return _retry_after(response, until)
