"""The public's message pages (政民互动), mounted under /hudong/ with the namespace "interaction";
the 找错 form keeps its address /jiucuo/ (portal:jiucuo points here).

Writing a message gives a receipt with its number and query code, shown once to the browser that
wrote it; the writer follows it and rates the answer with both (by POST, so the code stays out of
addresses and logs). The public list shows answered messages the writer allowed to publish, with
the masked copies of the texts and never the writer's name or contacts.

Throttled per client address by gongkai.orgs.throttle: 5 messages an hour and 20 a day (each
starts a 3- or 5-working-day clock on a unit), 20 failed lookups an hour per address and 5 per
number; the forms carry CSRF tokens and a honeypot field.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gongkai.core import clock
from gongkai.core.errors import GongkaiError
from gongkai.interaction import selectors, services
from gongkai.interaction.forms import JiucuoForm, MessageForm, RateForm, TrackForm
from gongkai.interaction.models import Box, Message, Status, category_label
from gongkai.orgs import throttle

SUBMITTED_KEY = "gongkai.interaction.submitted"
PAGE_SIZE = 20
SUBMIT_PER_HOUR = throttle.Rule("message.address", limit=5, window=dt.timedelta(hours=1))
SUBMIT_PER_DAY = throttle.Rule("message.address.day", limit=20, window=dt.timedelta(days=1))
TRACK_MISSES_PER_ADDRESS = throttle.Rule(
    "message.track.address", limit=20, window=dt.timedelta(hours=1)
)
TRACK_MISSES_PER_NUMBER = throttle.Rule(
    "message.track.number", limit=5, window=dt.timedelta(hours=1)
)
WRITABLE = {Box.LEADER: Box.LEADER, Box.CONSULT: Box.CONSULT}


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _retry_after(response: HttpResponse, until: dt.datetime) -> HttpResponse:
    response["Retry-After"] = str(max(1, int((until - clock.now()).total_seconds()) + 1))
    return _no_store(response)


def _period_text(box: str) -> int:
    return services.period_for(box, simple=False)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """政民互动: the three boxes, how long an answer takes, and the latest published answers."""
    periods = services.answer_settings()
    context = {
        "boxes": [
            (Box.LEADER, Box.LEADER.label, reverse("interaction:write", args=[Box.LEADER])),
            (Box.CONSULT, Box.CONSULT.label, reverse("interaction:write", args=[Box.CONSULT])),
            (Box.JIUCUO, Box.JIUCUO.label, reverse("portal:jiucuo")),
        ],
        "periods": periods,
        "latest": list(selectors.published_messages()[:10]),
    }
    return render(request, "interaction/index.html", context)


def _submit(
    request: HttpRequest, form: MessageForm | JiucuoForm, template: str, done: str
) -> HttpResponse:
    address = throttle.client_address(request)
    until = throttle.first_blocked([(SUBMIT_PER_HOUR, address), (SUBMIT_PER_DAY, address)])
    if until is not None:
        form.is_valid()
        form.add_error(
            None,
            _("您在短时间内提交的留言较多，请于%(time)s后再提交。")
            % {"time": throttle.local_time(until)},
        )
        return _retry_after(render(request, template, {"form": form}, status=429), until)
    if form.is_valid():
        try:
            message, code = services.message_submit(box=form.box, values=form.values())
        except GongkaiError as err:
            form.add_error(None, err.message)
        else:
            throttle.hit(SUBMIT_PER_HOUR, address)
            throttle.hit(SUBMIT_PER_DAY, address)
            request.session[SUBMITTED_KEY] = {"tracking_no": message.tracking_no, "code": code}
            return redirect(done)
    return _no_store(render(request, template, {"form": form, "box": form.box}, status=400))


@require_http_methods(["GET", "HEAD", "POST"])
def write(request: HttpRequest, box: str) -> HttpResponse:
    """Write to 领导信箱 or 咨询."""
    if box not in WRITABLE:
        raise Http404(_("没有这个信箱。"))
    if request.method != "POST":
        form = MessageForm(box=box)
        context = {"form": form, "box": box, "label": Box(box).label, "days": _period_text(box)}
        return render(request, "interaction/write.html", context)
    form = MessageForm(request.POST, box=box)
    return _submit(request, form, "interaction/write.html", "interaction:done")


def _reported_page(request: HttpRequest) -> str:
    url = request.GET.get("url", "").strip()[:500]
    if url.startswith("/") and not url.startswith("//"):
        return request.build_absolute_uri(url)
    if url.startswith(("http://", "https://")):
        return url
    return ""


@require_http_methods(["GET", "HEAD", "POST"])
def jiucuo(request: HttpRequest) -> HttpResponse:
    """我为政府网站找错 (/jiucuo/): a message in the 找错 box, answered within 3 working days."""
    if request.method != "POST":
        form = JiucuoForm(initial={"page_url": _reported_page(request)})
        context = {"form": form, "days": _period_text(Box.JIUCUO)}
        return render(request, "interaction/jiucuo.html", context)
    return _submit(
        request, JiucuoForm(request.POST), "interaction/jiucuo.html", "portal:jiucuo_done"
    )


@require_safe
def done(request: HttpRequest) -> HttpResponse:
    """The receipt: number, query code and due date, shown this once."""
    submitted = request.session.pop(SUBMITTED_KEY, None)
    if not submitted:
        return redirect("interaction:index")
    message = selectors.public_message(submitted["tracking_no"], submitted["code"])
    if message is None:
        return redirect("interaction:index")
    context = {
        "message": message,
        "code": submitted["code"],
        "box": Box(message.box).label,
        "category": category_label(message.box, message.category),
        "days": services.period_for(message.box, simple=message.simple),
    }
    return _no_store(render(request, "interaction/done.html", context))


def _status_page(
    request: HttpRequest, message: Message, code: str, **extra: object
) -> HttpResponse:
    context = {
        "message": message,
        "code": code,
        "box": Box(message.box).label,
        "category": category_label(message.box, message.category),
        "answered": message.status == Status.REPLIED,
        "rate_form": RateForm(
            initial={
                "tracking_no": message.tracking_no,
                "code": code,
                "rating": message.rating or None,
            }
        ),
        **extra,
    }
    return _no_store(render(request, "interaction/status.html", context))


def _refused(request: HttpRequest, until: dt.datetime) -> HttpResponse:
    message = _("查询过于频繁，请于%(time)s后再查询。") % {"time": throttle.local_time(until)}
    context = {"form": TrackForm(), "throttled": message}
    return _retry_after(render(request, "interaction/track.html", context, status=429), until)


def _lookup(
    request: HttpRequest, number: str, code: str
) -> tuple[Message | None, HttpResponse | None]:
    address = throttle.client_address(request)
    until = throttle.first_blocked(
        [(TRACK_MISSES_PER_ADDRESS, address), (TRACK_MISSES_PER_NUMBER, number.upper())]
    )
    if until is not None:
        return None, _refused(request, until)
    message = selectors.public_message(number, code)
    if message is None:
        throttle.hit(TRACK_MISSES_PER_ADDRESS, address)
        throttle.hit(TRACK_MISSES_PER_NUMBER, number.upper())
        context = {"form": TrackForm(), "not_found": True}
        return None, _no_store(render(request, "interaction/track.html", context, status=404))
    return message, None


@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Follow a message with its number and query code; see the answer and rate it."""
    if request.method != "POST":
        return render(request, "interaction/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "interaction/track.html", {"form": form}, status=400)
    message, refusal = _lookup(request, form.cleaned_data["tracking_no"], form.cleaned_data["code"])
    if refusal is not None or message is None:
        return refusal or HttpResponse(status=404)
    return _status_page(request, message, form.cleaned_data["code"])


@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    """The writer's rating of the answer, with the number and query code (only the writer has
    the code)."""
    form = RateForm(request.POST)
    if not form.is_valid():
        return render(request, "interaction/track.html", {"form": TrackForm()}, status=400)
    number, code = form.cleaned_data["tracking_no"], form.cleaned_data["code"]
    message, refusal = _lookup(request, number, code)
    if refusal is not None or message is None:
        return refusal or HttpResponse(status=404)
    try:
        message = services.message_rate(
            tracking_no=number, code=code, rating=form.cleaned_data["rating"]
        )
    except GongkaiError as err:
        return _status_page(request, message, code, rate_error=err.message)
    return _status_page(request, message, code, rated=True)


@require_safe
def published_list(request: HttpRequest) -> HttpResponse:
    """Answered messages, newest first, by box; 20 a page."""
    box = request.GET.get("box", "")
    if box not in Box.values:
        box = ""
    messages = selectors.published_messages(box=box)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    total = messages.count()
    last = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    if page > last:
        raise Http404(_("没有这一页。"))
    rows = list(messages[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    context = {
        "messages_page": rows,
        "box": box,
        "boxes": Box.choices,
        "page": page,
        "last": last,
        "total": total,
        "previous": page - 1 if page > 1 else None,
        "next": page + 1 if page < last else None,
    }
    return render(request, "interaction/list.html", context)


@require_safe
def published_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One answered message as published: masked texts, the unit and the dates."""
    try:
        message = selectors.published_message(pk)
    except Message.DoesNotExist as err:
        raise Http404(_("没有这条留言，或留言人要求不公开。")) from err
    context = {
        "message": message,
        "box": Box(message.box).label,
        "category": category_label(message.box, message.category),
    }
    return render(request, "interaction/detail.html", context)
