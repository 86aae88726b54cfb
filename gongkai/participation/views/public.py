"""The portal's public participation pages (公众参与): open consultations with days left and the
comment form, closed ones with their feedback, the decisions catalog by year (with its Excel
export), the matters open to participation and the executive meetings.

The comment form is guarded without outside services: CSRF, a trap field robots fill, a minimum
time between serving the form and posting it, and throttles per client address and per
consultation and address (gongkai.orgs.throttle, in the database). A robot that filled the trap
is answered as if it succeeded and nothing is stored.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from gongkai.core import clock
from gongkai.core.errors import GongkaiError
from gongkai.orgs import throttle
from gongkai.participation import exports, selectors, services
from gongkai.participation.forms import CommentForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# 10 comments an hour from one address (a village office or a service hall shares one), and 3 a
# day on one consultation from one address: enough for a person, no use for a flood.
COMMENTS_PER_ADDRESS = throttle.Rule("comment.address", limit=10, window=dt.timedelta(hours=1))
COMMENTS_PER_CONSULTATION = throttle.Rule(
    "comment.consultation", limit=3, window=dt.timedelta(days=1)
)
THANKS = "您的意见已提交，经审核后公开。感谢您的参与！"


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """公众参与: open consultations first (with days left), then the rest of the column."""
    years = selectors.decision_years()
    context = {
        "groups": selectors.consultation_rows(),
        "years": years,
        "matters": selectors.matters(),
        "meetings": selectors.meetings()[:5],
    }
    return render(request, "participation/index.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def consultation(request: HttpRequest, pk: int) -> HttpResponse:
    """A consultation's draft, its published comments and, once published, its feedback; while
    open, the comment form."""
    item = selectors.public_consultation(pk)
    today = clock.today()
    status = 200
    form = CommentForm(request.POST or None, consultation_pk=item.pk)
    if request.method == "POST":
        address = throttle.client_address(request)
        per_consultation = f"{item.pk}:{address}"
        if form.is_robot():
            messages.success(request, THANKS)
            return redirect("participation:consultation", pk=item.pk)
        until = throttle.first_blocked(
            [(COMMENTS_PER_ADDRESS, address), (COMMENTS_PER_CONSULTATION, per_consultation)]
        )
        if until is not None:
            form.is_valid()
            form.add_error(
                None,
                _("您提交意见过于频繁，请在%(time)s之后再试。")
                % {"time": throttle.local_time(until)},
            )
            status = 429
        elif form.is_valid():
            try:
                services.comment_submit(
                    consultation=item,
                    text=form.cleaned_data["text"],
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"],
                )
            except GongkaiError as err:
                form.add_error(None, err.message)
                status = 400
            else:
                throttle.hit(COMMENTS_PER_ADDRESS, address)
                throttle.hit(COMMENTS_PER_CONSULTATION, per_consultation)
                messages.success(request, THANKS)
                return redirect("participation:consultation", pk=item.pk)
        else:
            status = 400
    current = selectors.row(item, today)
    context = {
        "item": item,
        "row": current,
        "form": form if current.phase == "open" else None,
        "comments": selectors.published_comments(item),
        "feedback": selectors.feedback(item) if current.phase == "feedback" else None,
    }
    return render(request, "participation/consultation.html", context, status=status)


@require_safe
def decisions(request: HttpRequest, year: int) -> HttpResponse:
    """A year's catalog of major administrative decisions, with each row's last update."""
    years = selectors.decision_years()
    rows = list(selectors.decisions_of(year))
    if not rows and year not in years and year != clock.today().year:
        raise Http404
    context = {"year": year, "years": years, "rows": rows}
    return render(request, "participation/decisions.html", context)


@require_safe
def decisions_export(request: HttpRequest, year: int) -> HttpResponse:
    if year not in selectors.decision_years():
        raise Http404
    response = HttpResponse(exports.decisions_xlsx(year), content_type=XLSX)
    filename = f"decisions-{year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def meetings(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/meetings.html", {"meetings": selectors.meetings()})


@require_safe
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "participation/meeting.html", {"meeting": selectors.meeting(pk)})
