"""An application's page: metadata, the applicant (masked unless asked for, and then audited),
the due dates in working days (and why one is still pending), the timeline, routings,
consultations, letters, and a form for every step its stage allows; and the step endpoints, one
service call each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.applications import fees, selectors, services
from gongkai.applications.forms import (
    AcceptForm,
    AnsweredForm,
    ConfirmForm,
    ConsultForm,
    DeferForm,
    DeliveredForm,
    DeliverForm,
    ExtendForm,
    FeeCalculatorForm,
    FeeForm,
    FeeReceivedForm,
    OnForm,
    ReasonsForm,
    ReplyForm,
    RouteForm,
    SupplementedForm,
    SupplementForm,
    WithdrawForm,
)
from gongkai.applications.models import (
    Application,
    Consultation,
    ConsultationKind,
    LetterKind,
    Stage,
)
from gongkai.applications.privacy import masked_applicant
from gongkai.applications.views.access import denied, detail_url, visible_application
from gongkai.core import clock
from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.orgs import permissions
from gongkai.orgs.models import User
from gongkai.orgs.staff_pages import flash_error, flash_form_errors, staff_user

APPLICANT_LABELS = [
    ("applicant_name", gettext_lazy("姓名或名称")),
    ("id_kind", gettext_lazy("身份证明类型")),
    ("id_number", gettext_lazy("身份证明号码")),
    ("contact_name", gettext_lazy("联系人")),
    ("phone", gettext_lazy("联系电话")),
    ("email", gettext_lazy("电子邮箱")),
    ("address", gettext_lazy("通信地址")),
    ("postcode", gettext_lazy("邮政编码")),
]
# Stages in which a 第三十五条 step (ask for reasons, fix a longer period) may be taken.
REASONS_STAGES = (Stage.REGISTERED, Stage.HANDLING)
# ------------------------------------------------------------------------------- due dates


@dataclass
class DueRow:
    """A date the application's page shows, with the working days left or late."""

    label: str
    due: dt.date | None
    days_left: int | None = None
    note: str = ""

    @property
    def days_late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def _day(value: dt.date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def _running_pause(application: Application, consultations: Iterable[Consultation]) -> str:
    """A note for a due date computed on the assumption that an open pause runs to its end."""
    if any(c.answered_on is None for c in consultations):
        return _("征求意见中：按意见期限届满计算，收到意见后重新计算")
    if application.stage == Stage.FEE_NOTICE:
        return _("缴费期间不计入答复期限：按缴费期限届满计算，缴费后重新计算")
    return ""


def _join(*notes: str) -> str:
    return "；".join(note for note in notes if note)


def _reply_row(
    application: Application, consultations: list[Consultation], today: dt.date
) -> DueRow:
    stage = application.stage
    deferred = application.deferred_until is not None
    reply = DueRow(
        _("答复期限（条例第三十五条，延迟答复）") if deferred else _("答复期限（条例第三十三条）"),
        application.due_on,
    )
    notes: list[str] = []
    if stage == Stage.AWAITING_RECEIPT:
        notes.append(_("与申请人确认收到后开始计算"))
    elif stage == Stage.SUPPLEMENT:
        reply.due = None
        notes.append(_("收到补正后重新计算（条例第三十条）"))
    elif application.due_on is None and application.is_open:
        notes.append(
            selectors.pending_reason(application, consultations)
            or _("期限待定：尚无相应年度的工作日历，请公开办先导入")
        )
    elif stage in selectors.CLOCK_STAGES:
        reply.days_left = selectors.workdays_left(application.due_on, on=today)
        if not deferred:
            notes.append(_running_pause(application, consultations))
    elif stage == Stage.CLOSED and application.replied_on:
        info = application.outcome_info
        notes.append(
            _("已于%(day)s终止办理：%(why)s")
            % {"day": _day(application.replied_on), "why": info.choice if info else ""}
        )
    elif application.replied_on and application.due_on:
        late = selectors.workdays_left(application.due_on, on=application.replied_on)
        notes.append(
            _("已于%(day)s答复，超过期限%(late)d个工作日")
            % {"day": _day(application.replied_on), "late": -late}
            if late is not None and late < 0
            else _("已于%(day)s按期答复") % {"day": _day(application.replied_on)}
        )
    if deferred:
        statutory = services.statutory_due(application)
        notes.append(
            _("申请人说明的理由合理，但无法在规定期限内答复，确定延迟至该日答复")
            + (
                _("（原答复期限%(day)s）") % {"day": _day(statutory)}
                if statutory is not None
                else ""
            )
        )
    elif application.reasons_requested_on is not None and application.is_open:
        notes.append(
            _("已于%(day)s要求申请人说明理由（条例第三十五条）")
            % {"day": _day(application.reasons_requested_on)}
        )
    if application.extended:
        notes.append(_("已延期（经%(who)s同意）") % {"who": application.extension_approved_by})
    reply.note = _join(*notes)
    return reply


def _fee_row(application: Application, today: dt.date) -> DueRow:
    amount = _("信息处理费%(amount)s元") % {"amount": application.fee_amount}
    if application.fee_due_on is None:
        return DueRow(
            _("缴费期限"),
            None,
            note=_join(
                amount,
                ""
                if application.fee_paid_on
                else _("待申请人收到收费通知后计算缴费期限（自收到次日起20个工作日）"),
                _("已于%(day)s缴费") % {"day": _day(application.fee_paid_on)}
                if application.fee_paid_on
                else "",
            ),
        )
    return DueRow(
        _("缴费期限"),
        application.fee_due_on,
        selectors.workdays_left(application.fee_due_on, on=today)
        if application.stage == Stage.FEE_NOTICE
        else None,
        _join(
            amount,
            _("申请人于%(day)s收到收费通知") % {"day": _day(application.fee_received_on)}
            if application.fee_received_on
            else "",
            _("已于%(day)s缴费") % {"day": _day(application.fee_paid_on)}
            if application.fee_paid_on
            else "",
        ),
    )


def _due_rows(
    application: Application, consultations: list[Consultation], today: dt.date
) -> list[DueRow]:
    stage = application.stage
    rows = [_reply_row(application, consultations, today)]
    if application.supplement_requested_on is None and stage == Stage.REGISTERED:
        rows.append(
            DueRow(
                _("补正告知期限（条例第三十条）"),
                application.supplement_notice_due,
                selectors.workdays_left(application.supplement_notice_due, on=today),
            )
        )
    if application.supplement_deadline:
        rows.append(
            DueRow(
                _("申请人补正期限"),
                application.supplement_deadline,
                note=(
                    _("%(day)s告知补正") % {"day": _day(application.supplement_requested_on)}
                    if application.supplement_requested_on
                    else ""
                ),
            )
        )
    if stage == Stage.HANDLING:
        for consultation in consultations:
            if consultation.answered_on is None and consultation.reply_due is not None:
                rows.append(
                    DueRow(
                        _("征求意见期限（%(party)s）") % {"party": consultation.party},
                        consultation.reply_due,
                        selectors.workdays_left(consultation.reply_due, on=today),
                        _("自对方%(day)s收到征求意见书起15个工作日")
                        % {"day": _day(consultation.delivered_on)},
                    )
                )
    if application.fee_notice_on:
        rows.append(_fee_row(application, today))
    return rows


# ------------------------------------------------------------------------------- the page


def _letter_kinds(application: Application, consultations: list[Consultation]) -> list[Any]:
    """The letters the recorded steps call for (gongkai.applications.letters has the last word)."""
    kinds: list[str] = []
    if application.supplement_requested_on:
        kinds.append(LetterKind.SUPPLEMENT)
    if application.extended:
        kinds.append(LetterKind.EXTENSION)
    if application.reasons_requested_on:
        kinds.append(LetterKind.REASONS)
    if application.deferred_until:
        kinds.append(LetterKind.DEFERRAL)
    if consultations:
        kinds.append(LetterKind.CONSULTATION)
    if application.fee_notice_on:
        kinds.append(LetterKind.FEE)
    info = application.outcome_info
    if info is not None and info.letter in LetterKind.values:
        kinds.append(info.letter)
    return [LetterKind(kind) for kind in kinds]


def _steps(user: User, application: Application) -> dict[str, bool]:
    """Which step forms to show: what the stage allows and the user may do."""
    unit = application.unit
    handles = permissions.can_handle_applications_of(user, unit)
    stage = application.stage
    moves = application.can_move_to
    asked = application.reasons_requested_on is not None
    shown = {
        "confirm": stage == Stage.AWAITING_RECEIPT,
        "accept": stage == Stage.REGISTERED,
        "supplement": moves(Stage.SUPPLEMENT) and application.supplement_requested_on is None,
        "supplemented": stage == Stage.SUPPLEMENT,
        "lapse": stage == Stage.SUPPLEMENT,
        "consult": stage == Stage.HANDLING,
        "reasons": stage in REASONS_STAGES and not asked,
        "defer": stage in REASONS_STAGES and asked and application.deferred_until is None,
        "fee": moves(Stage.FEE_NOTICE),
        "fee_received": stage == Stage.FEE_NOTICE and application.fee_received_on is None,
        "fee_paid": stage == Stage.FEE_NOTICE,
        "fee_lapse": stage == Stage.FEE_NOTICE and application.fee_due_on is not None,
        "reply": moves(Stage.REPLIED),
        "withdraw": application.is_open,
        "deliver": moves(Stage.DELIVERED),
        "archive": moves(Stage.ARCHIVED),
    }
    steps = {name: handles and allowed for name, allowed in shown.items()}
    steps["route"] = (
        permissions.can_route_application(user, unit) and stage in services.OPEN_BEFORE_ANSWER
    )
    steps["extend"] = (
        permissions.can_approve_extension(user, unit)
        and stage in (Stage.REGISTERED, Stage.HANDLING)
        and not application.extended
        and application.deferred_until is None
    )
    steps["answer"] = handles and stage == Stage.HANDLING
    steps["any"] = any(steps.values())
    return steps


@dataclass
class ConsultationRow:
    """A consultation on the page, with its forms (each with its own element ids)."""

    consultation: Consultation
    due_note: str
    can_deliver: bool
    can_answer: bool
    answer_form: AnsweredForm = field(repr=False)
    delivered_form: DeliveredForm = field(repr=False)


def _consultation_rows(
    consultations: list[Consultation], steps: dict[str, bool]
) -> list[ConsultationRow]:
    rows = []
    for c in consultations:
        if c.reply_due is not None:
            note = ""
        elif c.kind == ConsultationKind.OTHER_AGENCY:
            note = _("无15个工作日的期限；收到意见前期限暂停计算")
        elif c.delivered_on is None and c.answered_on is None:
            note = _("待对方收到征求意见书后计算")
        else:
            note = _("期限待定")
        open_ = c.answered_on is None and steps["answer"]
        rows.append(
            ConsultationRow(
                consultation=c,
                due_note=note,
                can_deliver=open_
                and c.delivered_on is None
                and c.kind != ConsultationKind.OTHER_AGENCY,
                can_answer=open_,
                answer_form=AnsweredForm(prefix="answer", auto_id=f"id_consultation{c.pk}_%s"),
                delivered_form=DeliveredForm(prefix="delivered", auto_id=f"id_delivered{c.pk}_%s"),
            )
        )
    return rows


@dataclass
class FeeEstimate:
    method: str
    count: int
    amount: Decimal
    month_total: Decimal | None
    basis: str


def _fee_estimate(request: HttpRequest) -> tuple[FeeCalculatorForm, FeeEstimate | None]:
    """The fee calculator (国办函〔2020〕109号), from the page's GET parameters."""
    if "fee_method" not in request.GET:
        return FeeCalculatorForm(), None
    form = FeeCalculatorForm(request.GET)
    if not form.is_valid():
        return form, None
    method, count = form.cleaned_data["fee_method"], form.cleaned_data["fee_count"]
    if method == "page":
        amount = fees.per_page_fee(count)
        return form, FeeEstimate(
            method, count, amount, None, _("按量计收：共%(n)d页") % {"n": count}
        )
    total = fees.per_request_fee(count)
    this = total - fees.per_request_fee(max(count - 1, 0))
    basis = _("按件计收：申请人本自然月内第%(n)d件申请") % {"n": count}
    return form, FeeEstimate(method, count, this, total, basis)


def _route_units(application: Application) -> Any:
    return selectors.handling_units().exclude(pk=application.unit_id)


def _page(
    request: HttpRequest,
    application: Application,
    *,
    revealed: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = staff_user(request)
    today = clock.today()
    consultations = list(selectors.consultations_of(application))
    applicant = revealed if revealed is not None else masked_applicant(application)
    fee_form, estimate = _fee_estimate(request)
    fee_initial: dict[str, Any] = (
        {"amount": estimate.amount, "basis": estimate.basis} if estimate and estimate.amount else {}
    )
    steps = _steps(user, application)
    context = {
        "application": application,
        "unit": application.unit,
        "account_unit": (
            application.account_unit if application.account_unit_id != application.unit_id else None
        ),
        "applicant": [(label, applicant.get(name, "")) for name, label in APPLICANT_LABELS],
        "revealed": revealed is not None,
        "can_reveal": revealed is None and permissions.can_see_applicant_of(user, application.unit),
        "due_rows": _due_rows(application, consultations, today),
        "events": list(selectors.events_of(application)),
        "routings": list(selectors.routings_of(application).select_related("actor")),
        "consultations": _consultation_rows(consultations, steps),
        "letters": list(selectors.letters_of(application)),
        "letter_kinds": _letter_kinds(application, consultations),
        "can_letters": permissions.can_handle_applications_of(user, application.unit),
        "steps": steps,
        "forms": {
            "confirm": ConfirmForm(prefix="confirm"),
            "route": RouteForm(prefix="route", units=_route_units(application)),
            "supplement": SupplementForm(prefix="supplement"),
            "supplemented": SupplementedForm(prefix="supplemented"),
            "lapse": OnForm(prefix="lapse"),
            "consult": ConsultForm(prefix="consult"),
            "reasons": ReasonsForm(prefix="reasons"),
            "defer": DeferForm(prefix="defer"),
            "extend": ExtendForm(prefix="extend"),
            "fee": FeeForm(prefix="fee", initial=fee_initial),
            "fee_received": FeeReceivedForm(prefix="fee_received"),
            "fee_paid": OnForm(prefix="fee_paid"),
            "fee_lapse": OnForm(prefix="fee_lapse"),
            "reply": ReplyForm(prefix="reply"),
            "withdraw": WithdrawForm(prefix="withdraw"),
            "deliver": DeliverForm(prefix="deliver", initial={"way": application.delivery_way}),
            "archive": OnForm(prefix="archive"),
        },
        "fee_calculator": fee_form,
        "fee_estimate": estimate,
    }
    return render(request, "staff/applications/detail.html", context, status=status)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        application = selectors.application_detail(request.user, pk)
    except Application.DoesNotExist:
        raise Http404(_("没有找到该申请。")) from None
    return _page(request, application)


@login_required
@require_POST
def applicant_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the applicant's identity and contact data unmasked, in this response only; the look
    is recorded (services.applicant_details)."""
    user = staff_user(request)
    try:
        application = selectors.application_detail(user, pk)
    except Application.DoesNotExist:
        raise Http404(_("没有找到该申请。")) from None
    try:
        details = services.applicant_details(actor=user, application=application)
    except AccessDenied as err:
        raise denied(err) from err
    response = _page(request, application, revealed=details)
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------------- steps


def _no_kwargs(application: Application) -> dict[str, Any]:
    return {}


def _nothing(result: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Step:
    """One step: the form it reads (its prefix is the step's name), the service it calls and
    what to say when it is done (``done`` may name what ``details`` takes from the result)."""

    form: type[forms.Form]
    call: Callable[..., Any]
    done: Promise
    form_kwargs: Callable[[Application], dict[str, Any]] = _no_kwargs
    details: Callable[[Any], dict[str, Any]] = _nothing


STEPS: dict[str, Step] = {
    "confirm": Step(
        ConfirmForm,
        services.application_confirm_receipt,
        gettext_lazy("已确认收到申请，答复期限自确认之日起计算。"),
    ),
    "accept": Step(AcceptForm, services.application_accept, gettext_lazy("已受理，开始办理。")),
    "route": Step(
        RouteForm,
        services.application_route,
        gettext_lazy("已转交%(unit)s办理；申请编号、查询码和收到申请之日不变。"),
        form_kwargs=lambda application: {"units": _route_units(application)},
        details=lambda application: {"unit": application.unit.name},
    ),
    "supplement": Step(
        SupplementForm,
        services.application_request_supplement,
        gettext_lazy("已记录补正告知；收到补正后答复期限重新计算。"),
    ),
    "supplemented": Step(
        SupplementedForm,
        services.application_supplemented,
        gettext_lazy("已记录收到补正，答复期限自收到补正之日起重新计算。"),
    ),
    "lapse": Step(
        OnForm,
        services.application_lapse,
        gettext_lazy("申请人逾期未补正，已视为放弃申请，不再处理。"),
    ),
    "consult": Step(
        ConsultForm,
        services.application_consult,
        gettext_lazy("已记录征求意见，征求意见期间不计入答复期限。"),
    ),
    "reasons": Step(
        ReasonsForm,
        services.application_request_reasons,
        gettext_lazy("已记录要求申请人说明理由（条例第三十五条）。"),
    ),
    "defer": Step(
        DeferForm,
        services.application_defer,
        gettext_lazy("已确定延迟答复的期限（条例第三十五条），答复期限已更新。"),
    ),
    "extend": Step(
        ExtendForm, services.application_extend, gettext_lazy("已延期答复，答复期限已更新。")
    ),
    "fee": Step(
        FeeForm,
        services.application_fee_notice,
        gettext_lazy("已记录收费通知，缴费期间不计入答复期限。"),
    ),
    "fee_received": Step(
        FeeReceivedForm,
        services.application_fee_received,
        gettext_lazy("已记录申请人收到收费通知，缴费期限自次日起20个工作日。"),
    ),
    "fee_paid": Step(OnForm, services.application_fee_paid, gettext_lazy("已记录缴费，继续办理。")),
    "fee_lapse": Step(
        OnForm,
        services.application_fee_lapse,
        gettext_lazy("申请人逾期未缴费，已不再处理该申请。"),
    ),
    "reply": Step(ReplyForm, services.application_reply, gettext_lazy("已记录答复。")),
    "withdraw": Step(
        WithdrawForm,
        services.application_withdraw,
        gettext_lazy("已记录申请人撤回申请，不再处理（计入“其他处理”）。"),
    ),
    "deliver": Step(DeliverForm, services.application_deliver, gettext_lazy("已记录送达。")),
    "archive": Step(OnForm, services.application_archive, gettext_lazy("已归档。")),
}


def _back(user: User, application: Application) -> HttpResponse:
    """Back to the application's page, or to the list when the step took the application out of
    the user's units (a routing)."""
    if selectors.applications_visible_to(user).filter(pk=application.pk).exists():
        return redirect(detail_url(application))
    return redirect(reverse("applications:list"))


def _run(request: HttpRequest, application: Application, step: Step, name: str) -> HttpResponse:
    user = staff_user(request)
    form = step.form(request.POST, prefix=name, **step.form_kwargs(application))
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(detail_url(application))
    try:
        result = step.call(actor=user, application=application, **form.cleaned_data)
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
        return redirect(detail_url(application))
    messages.success(request, str(step.done) % step.details(result))
    return _back(user, application)


def _step_view(name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    step = STEPS[name]

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _run(request, visible_application(request, pk), step, name)

    view.__name__ = f"application_{name}"
    view.__doc__ = f"Record the step “{name}” through its service and go back to the page."
    return view


confirm = _step_view("confirm")
accept = _step_view("accept")
route = _step_view("route")
supplement = _step_view("supplement")
supplemented = _step_view("supplemented")
lapse = _step_view("lapse")
consult = _step_view("consult")
request_reasons = _step_view("reasons")
defer = _step_view("defer")
extend = _step_view("extend")
fee_notice = _step_view("fee")
fee_received = _step_view("fee_received")
fee_paid = _step_view("fee_paid")
fee_lapse = _step_view("fee_lapse")
reply = _step_view("reply")
withdraw = _step_view("withdraw")
deliver = _step_view("deliver")
archive = _step_view("archive")


def _consultation_step(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    prefix: str,
    call: Callable[..., Any],
    done: str,
) -> HttpResponse:
    user = staff_user(request)
    try:
        consultation = selectors.consultation_visible_to(user, pk)
    except (Application.DoesNotExist, Consultation.DoesNotExist):
        raise Http404(_("没有找到该征求意见记录。")) from None
    application = consultation.application
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(detail_url(application))
    try:
        call(actor=user, consultation=consultation, **form.cleaned_data)
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
    else:
        messages.success(request, done % {"party": consultation.party})
    return redirect(detail_url(application))


@login_required
@require_POST
def consultation_answered(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a consulted party's answer (or that its time ran out)."""
    return _consultation_step(
        request,
        pk,
        AnsweredForm,
        "answer",
        services.application_consultation_answered,
        _("已记录%(party)s的意见。"),
    )


@login_required
@require_POST
def consultation_delivered(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the day the consulted party received the request for opinions; its 15 working
    days (条例第三十二、三十四条) run from it."""
    return _consultation_step(
        request,
        pk,
        DeliveredForm,
        "delivered",
        services.application_consultation_delivered,
        _("已记录%(party)s收到征求意见书的日期，意见期限已计算。"),
    )
