"""The staff's message pages under /staff/messages/ (namespace "interaction"): the list with its
counts (待分办, 办理中, 已超期, 超过3个月未答复), one message with its steps, and the office's
settings of the answer periods. Views parse the form and call one service; the selectors decide
what a user may read (another unit's message is a 403, the writer's data masked outside the
handling unit)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core import clock
from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.interaction import selectors, services
from gongkai.interaction.forms import (
    AssignForm,
    ListFilterForm,
    ReasonForm,
    ReplyForm,
    ReviewForm,
    SettingsForm,
    SimpleForm,
    TransferForm,
)
from gongkai.interaction.models import Message
from gongkai.orgs import permissions
from gongkai.orgs.staff_pages import attempt, flash_form_errors, refusing, staff_user

PAGE_SIZE = 30


@login_required
@refusing
def message_list(request: HttpRequest) -> HttpResponse:
    """The messages the user may read, with the counts; filters by box, status, overdue and
    the 3-month flag."""
    user = staff_user(request)
    permissions.require(permissions.is_staff_member(user), _("您没有查看留言的权限。"))
    today = clock.today()
    visible = selectors.messages_visible_to(user)
    form = ListFilterForm(request.GET)
    chosen: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    rows = selectors.filtered(
        visible,
        box=chosen.get("box", ""),
        status=chosen.get("status", ""),
        overdue=bool(chosen.get("overdue")),
        stale=bool(chosen.get("stale")),
        today=today,
    )
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    # One row more than the page shows tells whether there is a next page, without a count.
    shown = list(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "counts": selectors.counts(visible, today=today),
        "rows": shown[:PAGE_SIZE],
        "query": query.urlencode(),
        "previous": page - 1 if page > 1 else None,
        "next": page + 1 if len(shown) > PAGE_SIZE else None,
        "today": today,
        "page": page,
        "is_office": permissions.can_manage_messages(user),
    }
    return render(request, "interaction/staff/list.html", context)


def _message(request: HttpRequest, pk: int) -> Message:
    try:
        return selectors.message_for(staff_user(request), pk)
    except Message.DoesNotExist as err:
        raise Http404(_("没有这条留言。")) from err


@login_required
@refusing
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One message: the writer (masked outside the handling unit), the clock, and the steps the
    user may take."""
    user = staff_user(request)
    message = _message(request, pk)
    office = permissions.can_manage_messages(user)
    handles = permissions.can_handle_messages_of(user, message.unit)
    today = clock.today()
    context = {
        "message": message,
        "writer": selectors.writer_of(user, message),
        "is_office": office,
        "can_reply": message.is_open and (office or handles),
        "can_transfer": message.is_open and (office or (message.unit is not None and handles)),
        "overdue": message.is_open and message.due_on is not None and message.due_on < today,
        "assign_form": AssignForm(),
        "transfer_form": TransferForm(),
        "reply_form": ReplyForm(),
        "review_form": ReviewForm(),
        "reason_form": ReasonForm(),
        "periods": services.answer_settings(),
    }
    return render(request, "interaction/staff/detail.html", context)


def _step(request: HttpRequest, pk: int, form_class: Any, step: Any, done: str) -> HttpResponse:
    user = staff_user(request)
    message = _message(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("interaction:detail", pk)
    result = attempt(request, lambda: step(user, message, form.cleaned_data))
    if result.ok:
        flash.success(request, done)
    return redirect("interaction:detail", pk)


@login_required
@require_POST
@refusing
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        AssignForm,
        lambda u, m, d: services.message_assign(actor=u, message=m, unit=d["unit"]),
        _("已分办。"),
    )


@login_required
@require_POST
@refusing
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    response = _step(
        request,
        pk,
        TransferForm,
        lambda u, m, d: services.message_transfer(
            actor=u, message=m, unit=d["unit"], reason=d["reason"]
        ),
        _("已转办，答复期限不变。"),
    )
    # A unit that passed a message on can no longer open it: back to its list.
    try:
        selectors.message_for(user, pk)
    except AccessDenied:
        return redirect("interaction:list")
    return response


@login_required
@require_POST
@refusing
def mark_simple(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        SimpleForm,
        lambda u, m, d: services.message_mark_simple(actor=u, message=m, simple=d["simple"]),
        _("已重新计算答复期限。"),
    )


@login_required
@require_POST
@refusing
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ReplyForm,
        lambda u, m, d: services.message_reply(actor=u, message=m, reply=d["reply"]),
        _("已答复。"),
    )


@login_required
@require_POST
@refusing
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ReviewForm,
        lambda u, m, d: services.message_review(
            actor=u,
            message=m,
            approve=d["decision"] != "return",
            withhold=d["decision"] == "withhold",
            note=d["note"],
        ),
        _("已审核。"),
    )


@login_required
@require_POST
@refusing
def mark_invalid(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        ReasonForm,
        lambda u, m, d: services.message_mark_invalid(actor=u, message=m, reason=d["reason"]),
        _("已认定为无效留言。"),
    )


@login_required
@refusing
@require_http_methods(["GET", "HEAD", "POST"])
def answer_settings(request: HttpRequest) -> HttpResponse:
    """The office's answer periods (the county's rule, seed 001 item 13: 5 working days, simple
    questions 3; 找错 3)."""
    user = staff_user(request)
    permissions.require(
        permissions.can_manage_messages(user), _("只有县政务公开办可以修改留言办理期限。")
    )
    current = services.answer_settings()
    initial = {name: getattr(current, name) for name in services.SETTINGS_FIELDS}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.SETTINGS_FIELDS}
        try:
            services.settings_update(actor=user, values=values)
        except GongkaiError as err:
            form.add_error(None, err.message)
        else:
            flash.success(request, _("留言办理期限已保存，新收到的留言按新期限计算。"))
            return redirect("interaction:settings")
    status = 400 if form.errors else 200
    return render(request, "interaction/staff/settings.html", {"form": form}, status=status)
