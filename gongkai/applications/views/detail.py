"""An application's page: metadata, the applicant (masked unless asked for, and then audited),
the due dates in working days, the timeline, consultations, letters, and a form for every step
its stage allows; and the step endpoints, one service call each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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
    DeliverForm,
    ExtendForm,
    FeeCalculatorForm,
    FeeForm,
    OnForm,
    ReplyForm,
    SupplementedForm,
    SupplementForm,
    TransferForm,
)
from gongkai.applications.models import (
    Application,
    Consultation,
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


def _due_rows(application: Application, today: dt.date) -> list[DueRow]:
    stage = application.stage
    rows: list[DueRow] = []
    reply = DueRow(_("答复期限（条例第三十三条）"), application.due_on)
    if stage == Stage.AWAITING_RECEIPT:
        reply.note = _("与申请人确认收到后开始计算")
    elif stage == Stage.SUPPLEMENT:
        reply.due = None
        reply.note = _("收到补正后重新计算（条例第三十条）")
    elif application.due_on is None and application.is_open:
        reply.note = _("期限待定：尚无相应年度的工作日历，请公开办先导入")
    elif stage in selectors.CLOCK_STAGES:
        reply.days_left = selectors.workdays_left(application.due_on, on=today)
    elif application.replied_on and application.due_on:
        late = selectors.workdays_left(application.due_on, on=application.replied_on)
        reply.note = (
            _("已于%(day)s答复，超过期限%(late)d个工作日")
            % {"day": f"{application.replied_on:%Y-%m-%d}", "late": -late}
            if late is not None and late < 0
            else _("已于%(day)s按期答复") % {"day": f"{application.replied_on:%Y-%m-%d}"}
        )
    if application.extended:
        reply.note = (reply.note + " " if reply.note else "") + _("已延期（经%(who)s同意）") % {
            "who": application.extension_approved_by
        }
    rows.append(reply)
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
                    _("%(day)s告知补正")
                    % {"day": f"{application.supplement_requested_on:%Y-%m-%d}"}
                    if application.supplement_requested_on
                    else ""
                ),
            )
        )
    if application.fee_due_on:
        rows.append(
            DueRow(
                _("缴费期限"),
                application.fee_due_on,
                selectors.workdays_left(application.fee_due_on, on=today)
                if stage == Stage.FEE_NOTICE
                else None,
                _("信息处理费%(amount)s元") % {"amount": application.fee_amount},
            )
        )
    return rows


# ------------------------------------------------------------------------------- the page


def _letter_kinds(application: Application, consultations: list[Consultation]) -> list[Any]:
    """The letters the recorded steps call for (gongkai.applications.letters has the last word)."""
    kinds: list[str] = []
    if application.supplement_requested_on:
        kinds.append(LetterKind.SUPPLEMENT)
    if application.extended:
        kinds.append(LetterKind.EXTENSION)
    if consultations:
        kinds.append(LetterKind.CONSULTATION)
    if application.transferred_to_id:
        kinds.append(LetterKind.TRANSFER)
    if application.fee_notice_on:
        kinds.append(LetterKind.FEE)
    info = application.outcome_info
    if info is not None and info.letter in LetterKind.values:
        kinds.append(info.letter)
    return [LetterKind(kind) for kind in kinds]


def _steps(user: User, application: Application) -> dict[str, bool]:
    """Which step forms to show: what the stage allows and the user may do."""
    handles = permissions.can_handle_applications_of(user, application.unit)
    stage = application.stage
    moves = application.can_move_to
    shown = {
        "confirm": stage == Stage.AWAITING_RECEIPT,
        "accept": stage == Stage.REGISTERED,
        "supplement": moves(Stage.SUPPLEMENT) and application.supplement_requested_on is None,
        "supplemented": stage == Stage.SUPPLEMENT,
        "lapse": stage == Stage.SUPPLEMENT,
        "transfer": moves(Stage.TRANSFERRED),
        "consult": stage == Stage.HANDLING,
        "fee": moves(Stage.FEE_NOTICE),
        "fee_paid": stage == Stage.FEE_NOTICE,
        "fee_lapse": stage == Stage.FEE_NOTICE,
        "reply": moves(Stage.REPLIED),
        "deliver": moves(Stage.DELIVERED),
        "archive": moves(Stage.ARCHIVED),
    }
    steps = {name: handles and allowed for name, allowed in shown.items()}
    steps["extend"] = (
        permissions.can_approve_extension(user)
        and stage in (Stage.REGISTERED, Stage.HANDLING)
        and not application.extended
    )
    steps["answer"] = handles and stage == Stage.HANDLING
    steps["any"] = any(steps.values())
    return steps


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
    context = {
        "application": application,
        "unit": application.unit,
        "applicant": [(label, applicant.get(name, "")) for name, label in APPLICANT_LABELS],
        "revealed": revealed is not None,
        "can_reveal": revealed is None and permissions.can_see_applicant_of(user, application.unit),
        "due_rows": _due_rows(application, today),
        "events": list(selectors.events_of(application)),
        # One answer form per consultation, each with its own element ids.
        "consultations": [
            (c, AnsweredForm(prefix="answer", auto_id=f"id_consultation{c.pk}_%s"))
            for c in consultations
        ],
        "letters": list(selectors.letters_of(application)),
        "letter_kinds": _letter_kinds(application, consultations),
        "can_letters": permissions.can_handle_applications_of(user, application.unit),
        "steps": _steps(user, application),
        "successors": list(application.transfers.all()),
        "forms": {
            "confirm": ConfirmForm(prefix="confirm"),
            "supplement": SupplementForm(prefix="supplement"),
            "supplemented": SupplementedForm(prefix="supplemented"),
            "lapse": OnForm(prefix="lapse"),
            "transfer": TransferForm(
                prefix="transfer",
                units=selectors.handling_units().exclude(pk=application.unit_id),
            ),
            "consult": ConsultForm(prefix="consult"),
            "extend": ExtendForm(prefix="extend"),
            "fee": FeeForm(prefix="fee", initial=fee_initial),
            "fee_paid": OnForm(prefix="fee_paid"),
            "fee_lapse": OnForm(prefix="fee_lapse"),
            "reply": ReplyForm(prefix="reply"),
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


@dataclass(frozen=True)
class Step:
    """One step: the form it reads (its prefix is the step's name), the service it calls and
    what to say when it is done."""

    form: type[forms.Form]
    call: Callable[..., Any]
    done: Promise


STEPS: dict[str, Step] = {
    "confirm": Step(
        ConfirmForm,
        services.application_confirm_receipt,
        gettext_lazy("已确认收到申请，答复期限自确认之日起计算。"),
    ),
    "accept": Step(AcceptForm, services.application_accept, gettext_lazy("已受理，开始办理。")),
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
    "extend": Step(
        ExtendForm, services.application_extend, gettext_lazy("已延期答复，答复期限已更新。")
    ),
    "fee": Step(
        FeeForm,
        services.application_fee_notice,
        gettext_lazy("已记录收费通知，缴费期间不计入答复期限。"),
    ),
    "fee_paid": Step(OnForm, services.application_fee_paid, gettext_lazy("已记录缴费，继续办理。")),
    "fee_lapse": Step(
        OnForm,
        services.application_fee_lapse,
        gettext_lazy("申请人逾期未缴费，已不再处理该申请。"),
    ),
    "reply": Step(ReplyForm, services.application_reply, gettext_lazy("已记录答复。")),
    "deliver": Step(DeliverForm, services.application_deliver, gettext_lazy("已记录送达。")),
    "archive": Step(OnForm, services.application_archive, gettext_lazy("已归档。")),
}


def _run(request: HttpRequest, application: Application, step: Step, name: str) -> HttpResponse:
    user = staff_user(request)
    form = step.form(request.POST, prefix=name)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(detail_url(application))
    try:
        step.call(actor=user, application=application, **form.cleaned_data)
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
    else:
        messages.success(request, str(step.done))
    return redirect(detail_url(application))


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
supplement = _step_view("supplement")
supplemented = _step_view("supplemented")
lapse = _step_view("lapse")
consult = _step_view("consult")
extend = _step_view("extend")
fee_notice = _step_view("fee")
fee_paid = _step_view("fee_paid")
fee_lapse = _step_view("fee_lapse")
reply = _step_view("reply")
deliver = _step_view("deliver")
archive = _step_view("archive")


@login_required
@require_POST
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Pass the application to the unit that holds the information; the new unit's application
    gets its own number and clock (the applicant keeps the query code)."""
    user = staff_user(request)
    application = visible_application(request, pk)
    form = TransferForm(
        request.POST,
        prefix="transfer",
        units=selectors.handling_units().exclude(pk=application.unit_id),
    )
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(detail_url(application))
    try:
        successor = services.application_transfer(
            actor=user, application=application, **form.cleaned_data
        )
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
    else:
        messages.success(
            request,
            _("已转至%(unit)s办理，新申请编号%(number)s。")
            % {"unit": successor.unit.name, "number": successor.tracking_no},
        )
    return redirect(detail_url(application))


@login_required
@require_POST
def consultation_answered(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a consulted party's answer (or that its time ran out)."""
    user = staff_user(request)
    try:
        consultation = selectors.consultation_visible_to(user, pk)
    except (Application.DoesNotExist, Consultation.DoesNotExist):
        raise Http404(_("没有找到该征求意见记录。")) from None
    application = consultation.application
    form = AnsweredForm(request.POST, prefix="answer")
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(detail_url(application))
    try:
        services.application_consultation_answered(
            actor=user, consultation=consultation, **form.cleaned_data
        )
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
    else:
        messages.success(request, _("已记录%(party)s的意见。") % {"party": consultation.party})
    return redirect(detail_url(application))
