"""Every step of an application goes through these functions (DOMAIN.md §4).

Each step checks permission, checks that the current stage allows it (Application.ALLOWED) and
that its dates make sense, records an immutable event, recomputes the statutory due dates from the
events (条例第三十、三十一、三十三条) and writes the audit log, all in one transaction.
``actor=None`` is the server's command line (docs/adr/0003-command-line-actor.md).

Dates: every step takes ``on``, the day it happened, which may be earlier than today (staff often
record a step a day late) but never later, and never before the application was received.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils.crypto import constant_time_compare, salted_hmac

from gongkai import clock as statutory
from gongkai.applications import outcomes
from gongkai.applications.models import (
    OPEN_STAGES,
    ApplicantType,
    Application,
    ApplicationEvent,
    Channel,
    ClosedYear,
    Consultation,
    ConsultationKind,
    DeliveryWay,
    EventKind,
    InfoForm,
    Routing,
    Stage,
    TrackingSequence,
)
from gongkai.core import bulk, clock
from gongkai.core.audit import audit, audit_many
from gongkai.core.errors import InvalidTransition, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, UnitKind, User
from gongkai.workdays.selectors import calendar

log = logging.getLogger(__name__)

Actor = User | None

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8
QUERY_CODE_SALT = "gongkai.applications.query-code"
APPLICANT_FIELDS = (
    "applicant_type",
    "applicant_name",
    "id_kind",
    "id_number",
    "contact_name",
    "phone",
    "email",
    "address",
    "postcode",
    "description",
    "info_form",
    "delivery_way",
)
REQUIRED_FIELDS = {
    "applicant_type": "申请人类型",
    "applicant_name": "申请人姓名或名称",
    "id_number": "身份证明号码",
    "description": "所需政府信息的名称、文号或特征性描述",
}
# A consultation still unanswered is assumed to run to its reply deadline when the due date is
# shown; once answered, the days actually spent are used.


# ------------------------------------------------------------------------------- helpers


def _allowed(actor: Actor, allowed: bool, message: str) -> None:
    if actor is not None:
        permissions.require(allowed, message)


def _may_handle(actor: Actor, application: Application) -> None:
    _allowed(
        actor,
        permissions.can_handle_applications_of(actor, application.unit),
        "只有承办单位的承办人或县政务公开办可以办理该申请。",
    )


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("unit", "account_unit")
        .get(pk=application.pk)
    )


STEP_VERBS: dict[str, str] = {
    Stage.REGISTERED: "确认收到或登记",
    Stage.SUPPLEMENT: "告知补正",
    Stage.HANDLING: "进入办理",
    Stage.FEE_NOTICE: "发出收费通知",
    Stage.REPLIED: "答复",
    Stage.DELIVERED: "记录送达",
    Stage.ARCHIVED: "归档",
    Stage.CLOSED: "终止办理",
}


def _begin(actor: Actor, application: Application, on: dt.date, what: str) -> Application:
    """The start of every handling step: lock the row, check the actor may handle the unit's
    applications, and that the step's date ``on`` (called ``what`` in messages) is possible."""
    application = _lock(application)
    _may_handle(actor, application)
    _check_day(application, on, what)
    return application


def _move(application: Application, stage: str) -> None:
    if not application.can_move_to(stage):
        raise InvalidTransition(
            f"申请当前处于“{application.get_stage_display()}”阶段，不能{STEP_VERBS.get(stage, stage)}。",
            log=f"application {application.pk}: {application.stage} -> {stage} not allowed",
        )
    application.stage = stage


def _check_day(application: Application, on: dt.date, what: str) -> None:
    if on > clock.today():
        raise ValidationFailed(f"{what}不能晚于今天。", log=f"{what} in the future: {on}")
    if application.received_on and on < application.received_on:
        raise ValidationFailed(
            f"{what}不能早于收到申请之日（{application.received_on:%Y-%m-%d}）。",
            log=f"{what} before receipt: {on}",
        )


def record_event(
    application: Application,
    kind: str,
    actor: Actor,
    on: dt.date,
    note: str = "",
    *,
    public: bool = True,
    data: Mapping[str, Any] | None = None,
) -> ApplicationEvent:
    """Append an immutable event to the application and the audit log (every step does).

    Every step passes through here with its date, so this is where a step dated into a year
    whose annual report is final is refused (ADR 0007)."""
    refuse_closed_year(on, [application.unit, application.account_unit])
    event = ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        on=on,
        actor=actor,
        note=note,
        public=public,
        data=dict(data or {}),
    )
    audit(
        actor=actor,
        action=f"application.{kind}",
        target=application,
        unit_code=application.unit.code,
        summary=_event_summary(application, kind, note),
    )
    return event


def _event_summary(application: Application, kind: str, note: str) -> str:
    return f"{application.tracking_no} {EventKind(kind).label}" + (f"：{note}" if note else "")


def record_events(events: Sequence[ApplicationEvent]) -> list[ApplicationEvent]:
    """Append many unsaved events of saved applications at once, each with the audit entry
    record_event writes: for bulk imports, two INSERT statements per few hundred events instead
    of two per event. The caller has refused dates in closed years (closed_year_problem) and
    holds the transaction; each event's ``application`` (saved, with its ``unit``) must be set.
    The events get no primary keys (gongkai.core.bulk)."""
    bulk.insert(events)
    entries = []
    for event in events:
        application = event.application
        entries.append(
            AuditEntry(
                actor=event.actor if getattr(event.actor, "is_authenticated", False) else None,
                action=f"application.{event.kind}",
                target_type=Application._meta.label_lower,
                target_id=str(application.pk),
                unit_code=application.unit.code,
                summary=_event_summary(application, event.kind, event.note)[:500],
                data={},
            )
        )
    audit_many(entries)  # chained by hash, unlike a plain bulk insert
    return list(events)


def closed_years(years: Iterable[int]) -> list[ClosedYear]:
    """The final annual reports (county-wide and per unit) of ``years``: one query, for checking
    many dated facts with closed_year_problem."""
    return list(ClosedYear.objects.filter(year__in=set(years)).select_related("unit"))


def closed_year_problem(
    on: dt.date, units: Sequence[Unit | None], closed: Sequence[ClosedYear]
) -> str:
    """Why a fact dated ``on`` may not be recorded: the county's report of that year, or the
    report of one of ``units``, is final (``closed`` from closed_years); "" when it may."""
    ids = {u.pk for u in units if u is not None}
    for year in closed:
        if year.year == on.year and (year.unit_id is None or year.unit_id in ids):
            whose = f"{year.unit.name}的" if year.unit else "全县"
            return (
                f"{whose}{on.year}年政府信息公开工作年度报告已经定稿，不能再登记日期在"
                f"{on.year}年的办理步骤（{on:%Y-%m-%d}）；确需补录的，请公开办先撤销该年度报告的定稿。"
            )
    return ""


def refuse_closed_year(on: dt.date, units: list[Unit | None]) -> None:
    """Refuse a fact dated ``on`` that would change a final annual report: the county's report of
    that year, or the report of one of ``units`` (the unit handling the application and the unit
    whose report counts it)."""
    ids = [u.pk for u in units if u is not None]
    closed = (
        ClosedYear.objects.filter(year=on.year)
        .filter(Q(unit__isnull=True) | Q(unit_id__in=ids))
        .select_related("unit")
        .first()
    )
    if closed is not None:
        raise InvalidTransition(
            closed_year_problem(on, units, [closed]),
            log=f"step dated {on} into closed year {closed}",
        )


def year_close(*, year: int, unit: Unit | None) -> None:
    """Close ``year`` for ``unit`` (None: every unit): called when its annual report is final."""
    ClosedYear.objects.get_or_create(year=year, unit=unit, defaults={"closed_at": clock.now()})


def year_reopen(*, year: int, unit: Unit | None) -> None:
    """Open ``year`` again for ``unit``: called when the office reopens its annual report."""
    ClosedYear.objects.filter(year=year, unit=unit).delete()


class OpenPause(Exception):
    """A pause whose end is not known yet: an unanswered consultation without a statutory
    deadline (or whose request has not reached the consulted party), or a fee notice the
    applicant has not received. The reply date cannot be known until it ends."""


def _consultation_end(consultation: Consultation) -> dt.date | None:
    """The last day a consultation pauses the clock: its answer, or the end of the 15 working
    days of 第三十二、三十四条 if that comes first; None while it is still open-ended."""
    ends = [d for d in (consultation.answered_on, consultation.reply_due) if d is not None]
    return min(ends) if ends else None


def pauses_of(application: Application) -> list[tuple[dt.date, dt.date]]:
    """The periods not counted in the reply period: consultations of third parties and other
    agencies (条例第三十三条第三款) and the time from sending a fee notice to payment
    (国办函〔2020〕109号: 自发出收费通知之日起至申请人缴纳费用之日止). Raises OpenPause when one of
    them has no end yet."""
    periods = []
    consultations = application.consultations.all() if application.pk else []
    for consultation in consultations:
        end = _consultation_end(consultation)
        if end is None:
            raise OpenPause(f"consultation {consultation.pk} open")
        periods.append((consultation.sent_on, end))
    if application.fee_notice_on:
        end = application.fee_paid_on or application.fee_due_on
        if end is None:
            raise OpenPause("fee notice not yet received")
        periods.append((application.fee_notice_on, end))
    return periods


def statutory_due(
    application: Application, *, cal: statutory.Calendar | None = None
) -> dt.date | None:
    """The reply due date by 条例第三十、三十三条 alone (ignoring a 第三十五条 period); None while
    it cannot be known: not received, awaiting a supplement, an open pause, or a year the
    working-day calendar does not know (never guessed). ``cal``: the calendar when the caller
    has it already (bulk imports read it once, not once per row)."""
    if application.received_on is None:
        return None
    if application.supplement_requested_on is not None and application.supplemented_on is None:
        # 条例第三十条: the period runs afresh from the supplement; until it comes there is none.
        return None
    try:
        return statutory.due_date(
            application.received_on,
            supplemented=application.supplemented_on,
            pauses=pauses_of(application),
            extended=application.extended,
            calendar=cal or calendar(),
        )
    except (statutory.UnknownYear, OpenPause):
        return None


def due_before_extension(application: Application) -> dt.date | None:
    """The reply date the extension moved (for the 延期答复告知书): the statutory date without
    the extension; None when not extended or not known."""
    if not application.extended:
        return None
    application.extended = False
    try:
        return statutory_due(application)
    finally:
        application.extended = True


def recompute_due_dates(application: Application, *, cal: statutory.Calendar | None = None) -> None:
    """Recompute the reply due date and the 补正 notice due date from the recorded facts.

    A year the working-day calendar does not know leaves the date empty (never guessed); the
    application then shows 期限待定 until the office imports that year's calendar. A reasonable
    longer period fixed under 条例第三十五条 replaces the statutory one. ``cal`` as for
    statutory_due.
    """
    if application.received_on is None:
        application.due_on = None
        application.supplement_notice_due = None
        return
    cal = cal or calendar()
    try:
        application.supplement_notice_due = statutory.supplement_notice_due(
            application.received_on, calendar=cal
        )
    except statutory.UnknownYear:
        application.supplement_notice_due = None
    application.due_on = application.deferred_until or statutory_due(application, cal=cal)


def _save(application: Application) -> Application:
    recompute_due_dates(application)
    application.save()
    return application


def _query_digest(code: str, *, secret: str | None = None) -> str:
    """The stored form of a query code: an HMAC under the secret key (SECRET_KEY unless
    ``secret`` is given), so a copy of the database alone cannot be searched for the codes (eight
    characters of 32, about 40 bits, too few to resist an unkeyed search)."""
    return salted_hmac(QUERY_CODE_SALT, code.upper(), secret=secret).hexdigest()


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def query_code_matches(application: Application, code: str) -> bool:
    """Whether ``code`` is the application's secret query code (compared in constant time).

    The digest is keyed, so after a key rotation a code issued under an earlier key is checked
    against each key in SECRET_KEY_FALLBACKS too, as Django's signing does (salted_hmac alone
    does not). Every key is always tried, so a wrong code takes as long as a right one. A code
    that matches under an earlier key has its digest stored again under the current key, so it
    keeps working once that key leaves the fallbacks.
    """
    code = code.strip()
    stored = application.query_code_digest
    current = _query_digest(code)
    matched = constant_time_compare(stored, current)
    rekey = False
    for secret in settings.SECRET_KEY_FALLBACKS:
        if constant_time_compare(stored, _query_digest(code, secret=secret)) and not matched:
            matched = rekey = True
    if rekey and application.pk is not None:
        _query_digest_rekey(application, old=stored, new=current)
    return matched


def _query_digest_rekey(application: Application, *, old: str, new: str) -> None:
    """Store the digest of a code just verified under an earlier key under the current key.

    Only the digest changes (the code stays the same for the applicant), and only if no one
    changed it meanwhile; not audited, as nothing a person decided changed.
    """
    Application.objects.filter(pk=application.pk, query_code_digest=old).update(
        query_code_digest=new
    )
    application.query_code_digest = new
    log.info("application %s: query code digest re-keyed to the current secret key", application.pk)


def _next_tracking_no(year: int) -> str:
    sequence, _ = TrackingSequence.objects.select_for_update().get_or_create(year=year)
    sequence.last = F("last") + 1
    sequence.save(update_fields=["last"])
    sequence.refresh_from_db()
    return f"{year}-{sequence.last:05d}"


def _clean_applicant(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(APPLICANT_FIELDS)
    if unknown:
        raise ValidationFailed("申请包含无法识别的内容。", log=f"unknown fields {sorted(unknown)}")
    cleaned = {k: (str(v).strip() if v is not None else "") for k, v in values.items()}
    missing = [label for name, label in REQUIRED_FIELDS.items() if not cleaned.get(name)]
    if not (cleaned.get("phone") or cleaned.get("email") or cleaned.get("address")):
        missing.append("联系方式（电话、电子邮箱或通信地址至少一项）")
    if missing:
        raise ValidationFailed(
            f"申请内容不全，请填写：{'、'.join(missing)}（条例第二十九条）。",
            log=f"application missing {missing}",
        )
    for name, choices in (
        ("applicant_type", ApplicantType.values),
        ("info_form", InfoForm.values),
        ("delivery_way", DeliveryWay.values),
    ):
        if name in cleaned and cleaned[name] not in choices:
            raise ValidationFailed(f"“{cleaned[name]}”不是有效的选项。", log=f"bad {name}")
    return cleaned


def _handling_unit(unit: Unit) -> None:
    if unit.kind == UnitKind.ENTERPRISE:  # not a 行政机关: its own rules apply (docs/adr/0023)
        raise ValidationFailed(
            "公共企事业单位不是政府信息公开申请的受理机关，请按该单位公布的办法向其申请，"
            "或选择其行业主管部门。",
            log="application to an enterprise",
        )
    if unit.kind == UnitKind.VILLAGE or not unit.is_active:
        raise ValidationFailed(
            "村（居）委会不是政府信息公开申请的受理机关，请选择县直部门或乡镇人民政府。",
            log=f"application to unit kind {unit.kind}",
        )


def _create(
    *,
    unit: Unit,
    channel: str,
    values: Mapping[str, Any],
    submitted_on: dt.date,
    received_on: dt.date | None,
    stage: str,
    year: int,
) -> tuple[Application, str]:
    _handling_unit(unit)
    code = new_query_code()
    application = Application(
        tracking_no=_next_tracking_no(year),
        query_code_digest=_query_digest(code),
        unit=unit,
        account_unit=unit,
        channel=channel,
        submitted_on=submitted_on,
        received_on=received_on,
        stage=stage,
        **_clean_applicant(values),
    )
    return _save(application), code


# ------------------------------------------------------------------------------- intake


@transaction.atomic
def application_submit_online(*, unit: Unit, values: Mapping[str, Any]) -> tuple[Application, str]:
    """A citizen applies on the portal. Returns the application and its query code, shown once.

    An online application is received on the day both sides confirm it (条例第三十一条第三项),
    so it waits for the handling unit to confirm receipt before the clock starts.
    """
    today = clock.today()
    application, code = _create(
        unit=unit,
        channel=Channel.ONLINE,
        values=values,
        submitted_on=today,
        received_on=None,
        stage=Stage.AWAITING_RECEIPT,
        year=today.year,
    )
    record_event(application, EventKind.SUBMITTED, None, today, "通过网上平台提交申请")
    return application, code


@transaction.atomic
def application_confirm_receipt(
    *, actor: Actor, application: Application, on: dt.date
) -> Application:
    """Confirm an online application with the applicant: ``on`` becomes the day of receipt."""
    application = _lock(application)
    _may_handle(actor, application)
    if on < application.submitted_on:
        raise ValidationFailed("确认日期不能早于提交日期。", log="confirm before submit")
    _check_day(application, on, "确认日期")
    _move(application, Stage.REGISTERED)
    application.received_on = on
    _save(application)
    record_event(application, EventKind.RECEIPT_CONFIRMED, actor, on, "双方确认，作为收到申请之日")
    return application


def receipt_date(
    channel: str,
    *,
    submitted_on: dt.date,
    signed_for_on: dt.date | None = None,
    confirmed_on: dt.date | None = None,
) -> dt.date:
    """The day of receipt by 条例第三十一条: in person (and an oral application written down by the
    office, 第二十九条第一款), the day handed in; registered post, the day signed for; an ordinary
    letter, the day the office confirmed it with the applicant; online or fax, the day both sides
    confirmed."""
    if channel in (Channel.IN_PERSON, Channel.ORAL):
        return submitted_on
    if channel == Channel.REGISTERED_POST:
        if signed_for_on is None:
            raise ValidationFailed("邮寄申请请填写签收日期。", log="registered post without date")
        return signed_for_on
    if confirmed_on is None:
        raise ValidationFailed(
            "平常信函、互联网和传真提交的申请，请填写与申请人确认的日期。", log="no confirmation"
        )
    return confirmed_on


@transaction.atomic
def application_register(
    *,
    actor: Actor,
    unit: Unit,
    channel: str,
    values: Mapping[str, Any],
    submitted_on: dt.date,
    signed_for_on: dt.date | None = None,
    confirmed_on: dt.date | None = None,
    transcribed_by: str = "",
) -> tuple[Application, str]:
    """Register an application that came in person, orally, by post or by fax (登记).

    An oral application (条例第二十九条第一款: 采用书面形式确有困难的) is written down by the
    office that receives it; ``transcribed_by`` names who did (default: the actor), and the
    record keeps it. Returns the application and its query code, to be given to the applicant.
    """
    _allowed(
        actor,
        permissions.can_handle_applications_of(actor, unit),
        "只有本单位的承办人或县政务公开办可以登记申请。",
    )
    if channel not in Channel.values:
        raise ValidationFailed("请选择提交方式。", log=f"bad channel {channel!r}")
    received = receipt_date(
        channel, submitted_on=submitted_on, signed_for_on=signed_for_on, confirmed_on=confirmed_on
    )
    if received < submitted_on:
        raise ValidationFailed("收到申请之日不能早于提交日期。", log="received before submitted")
    if received > clock.today():
        raise ValidationFailed("收到申请之日不能晚于今天。", log="received in the future")
    application, code = _create(
        unit=unit,
        channel=channel,
        values=values,
        submitted_on=submitted_on,
        received_on=received,
        stage=Stage.REGISTERED,
        year=received.year,
    )
    application.handler = actor
    note = Channel(channel).label
    if channel == Channel.ORAL:
        writer = (transcribed_by or (str(actor) if actor is not None else "")).strip()
        if not writer:
            raise ValidationFailed(
                "口头提出的申请，请填写代为填写申请的工作人员。", log="oral without transcriber"
            )
        application.transcribed_by = writer[:100]
        note = f"申请人口头提出，由{application.transcribed_by}代为填写（条例第二十九条第一款）"
    application.save(update_fields=["handler", "transcribed_by"])
    record_event(application, EventKind.REGISTERED, actor, received, note)
    return application, code


# ------------------------------------------------------------------------------- 补正


@transaction.atomic
def application_request_supplement(
    *, actor: Actor, application: Application, on: dt.date, deadline: dt.date, items: str
) -> Application:
    """Ask, once, for the application to be made clear (条例第三十条): within 7 working days of
    receipt, saying what to supplement and by when. The reply period restarts on the supplement."""
    application = _begin(actor, application, on, "补正告知日期")
    if application.supplement_requested_on is not None:
        raise InvalidTransition("补正只能一次性告知，该申请已告知过补正。", log="second supplement")
    if not items.strip():
        raise ValidationFailed("请写明需要补正的事项。", log="supplement without items")
    if deadline <= on:
        raise ValidationFailed("补正期限应晚于告知日期。", log="supplement deadline not after")
    _move(application, Stage.SUPPLEMENT)
    application.supplement_requested_on = on
    application.supplement_deadline = deadline
    _save(application)
    note = f"需补正：{items.strip()}；补正期限：{deadline:%Y-%m-%d}"
    if application.supplement_notice_due and on > application.supplement_notice_due:
        note += f"（已超过第三十条规定的告知期限{application.supplement_notice_due:%Y-%m-%d}）"
    record_event(
        application,
        EventKind.SUPPLEMENT_REQUESTED,
        actor,
        on,
        note,
        data={"items": items.strip(), "deadline": deadline.isoformat()},
    )
    return application


@transaction.atomic
def application_supplemented(
    *, actor: Actor, application: Application, on: dt.date, note: str = ""
) -> Application:
    """Record the supplemented application; the 20 working days run afresh from ``on``."""
    application = _begin(actor, application, on, "收到补正日期")
    if application.supplement_requested_on and on < application.supplement_requested_on:
        raise ValidationFailed("收到补正日期不能早于补正告知日期。", log="supplement before notice")
    _move(application, Stage.HANDLING)
    application.supplemented_on = on
    _save(application)
    record_event(
        application,
        EventKind.SUPPLEMENTED,
        actor,
        on,
        note.strip() or "答复期限自收到补正之日起重新计算",
    )
    return application


@transaction.atomic
def application_lapse(*, actor: Actor, application: Application, on: dt.date) -> Application:
    """Close an application whose supplement did not come in time, without good reason
    (条例第三十条: 视为放弃申请); counted as 其他处理."""
    application = _begin(actor, application, on, "终止日期")
    deadline = application.supplement_deadline
    if application.stage != Stage.SUPPLEMENT or deadline is None or on <= deadline:
        raise InvalidTransition(
            "只有补正期限届满仍未补正的申请才能视为放弃。", log="lapse before deadline"
        )
    return _close(application, actor, on, outcome="lapsed", kind=EventKind.LAPSED)


def _close(
    application: Application, actor: Actor, on: dt.date, *, outcome: str, kind: str
) -> Application:
    """Stop handling with an outcome of 其他处理 (no reply on the substance is due any more)."""
    _move(application, Stage.CLOSED)
    application.outcome = outcome
    application.replied_on = on
    _save(application)
    info = outcomes.BY_CODE[outcome]
    note = info.choice + (f"：{application.outcome_note}" if outcome == "withdrawn" else "")
    record_event(application, kind, actor, on, note)
    return application


# ------------------------------------------------------------------------------- handling


@transaction.atomic
def application_accept(
    *, actor: Actor, application: Application, on: dt.date | None = None
) -> Application:
    """Start handling a registered application (审核 done, 办理 begins) and take it on."""
    application = _lock(application)
    _may_handle(actor, application)
    on = on or clock.today()
    _check_day(application, on, "受理日期")
    _move(application, Stage.HANDLING)
    if actor is not None:
        application.handler = actor
    _save(application)
    record_event(application, EventKind.ACCEPTED, actor, on, public=True)
    return application


def account_unit_after_routing(
    *, received_on: dt.date | None, routed_on: dt.date, before: Unit, to_unit: Unit
) -> Unit:
    """The unit whose annual report counts an application routed on ``routed_on``: the unit it
    went to when routed within the year it was received in (or before receipt); otherwise it
    stays where the past year's report carried it forward (docs/adr/0007)."""
    if received_on is None or routed_on.year == received_on.year:
        return to_unit
    return before


OPEN_BEFORE_ANSWER = (Stage.AWAITING_RECEIPT, Stage.REGISTERED, Stage.SUPPLEMENT, Stage.HANDLING)


@transaction.atomic
def application_route(
    *, actor: Actor, application: Application, to_unit: Unit, on: dt.date, note: str = ""
) -> Application:
    """Pass an application, inside the county's unified intake (统一受理), to the unit responsible
    for the information, before anyone has answered it.

    This is not a transfer between agencies (the 条例 has none: a unit that is not responsible
    answers under 第三十六条第（五）项 and counts the application itself). It stays one
    application with its number, query code and first receipt date, so the reply period runs on
    from that receipt. It is counted once, in the report of the unit that answers it — unless it
    is routed after the end of the year it was received in: that year's report already carried
    it forward at the routing unit, so it stays in that unit's books (account_unit), and no year
    already reported changes. The office (the intake) or the current unit's handler may route;
    the new unit's handlers take it from there.
    """
    application = _lock(application)
    _allowed(
        actor,
        permissions.can_route_application(actor, application.unit),
        "只有县政务公开办（统一受理）或承办单位的承办人可以转交该申请。",
    )
    _check_day(application, on, "转交日期")
    if application.stage not in OPEN_BEFORE_ANSWER:
        raise InvalidTransition(
            f"申请当前处于“{application.get_stage_display()}”阶段，不能转交；已发出收费通知或"
            "已答复的申请，由本单位继续办理。",
            log=f"route at stage {application.stage}",
        )
    if to_unit.pk == application.unit_id:
        raise ValidationFailed("该申请已由该单位承办，无需转交。", log="route to self")
    last = application.routings.order_by("-on", "-pk").first()
    if last is not None and on < last.on:
        raise ValidationFailed(
            f"转交日期不能早于上一次转交（{last.on:%Y-%m-%d}）。", log="route before last"
        )
    _handling_unit(to_unit)
    # Routing moves the account unit within the year: neither unit's final report may change.
    refuse_closed_year(on, [application.unit, application.account_unit, to_unit])
    from_unit = application.unit
    Routing.objects.create(
        application=application,
        from_unit=from_unit,
        to_unit=to_unit,
        on=on,
        actor=actor,
        note=note.strip(),
    )
    application.account_unit = account_unit_after_routing(
        received_on=application.received_on,
        routed_on=on,
        before=application.account_unit,
        to_unit=to_unit,
    )
    application.unit = to_unit
    application.handler = None
    _save(application)
    record_event(
        application,
        EventKind.ROUTED,
        actor,
        on,
        f"由{from_unit.name}转交{to_unit.name}办理，申请编号、查询码和收到申请之日不变"
        + (f"：{note.strip()}" if note.strip() else ""),
        data={"from": from_unit.code, "to": to_unit.code},
    )
    return application


def _consultation_due(kind: str, delivered: dt.date | None) -> dt.date | None:
    """15 working days from the day the consulted party received the request (第三十二、三十四条);
    none for other agencies, whose opinion simply pauses the clock (第三十三条第三款)."""
    if delivered is None or kind == ConsultationKind.OTHER_AGENCY:
        return None
    try:
        if kind == ConsultationKind.THIRD_PARTY:
            return statutory.third_party_reply_due(delivered, calendar=calendar())
        return statutory.agency_reply_due(delivered, calendar=calendar())
    except statutory.UnknownYear:
        return None


@transaction.atomic
def application_consult(
    *,
    actor: Actor,
    application: Application,
    kind: str,
    party: str,
    sent_on: dt.date,
    delivered_on: dt.date | None = None,
) -> Consultation:
    """Consult a third party (条例第三十二条), the agencies that made the information jointly
    (第三十四条) or another agency (第三十三条第三款). The time is not counted in the reply period.

    The 15 working days of 第三十二、三十四条 run from the day the consulted party receives the
    request: give ``delivered_on`` when known (handed over, signed for), or record it later with
    application_consultation_delivered. Until then the reply date is not known.
    """
    application = _begin(actor, application, sent_on, "征求意见日期")
    if application.stage != Stage.HANDLING:
        raise InvalidTransition("只有办理中的申请可以征求意见。", log="consult outside handling")
    if kind not in ConsultationKind.values or not party.strip():
        raise ValidationFailed("请选择征求意见的类型并填写征求对象。", log="bad consultation")
    if delivered_on is not None:
        _check_delivery(sent_on, delivered_on)
    consultation = Consultation.objects.create(
        application=application,
        kind=kind,
        party=party.strip(),
        sent_on=sent_on,
        delivered_on=delivered_on,
        reply_due=_consultation_due(kind, delivered_on),
    )
    _save(application)
    record_event(
        application,
        EventKind.CONSULTATION_SENT,
        actor,
        sent_on,
        f"{ConsultationKind(kind).label}：{party.strip()}，征求意见期间不计入答复期限",
    )
    return consultation


def _check_delivery(sent: dt.date, delivered: dt.date) -> None:
    if delivered < sent:
        raise ValidationFailed("对方收到日期不能早于发出日期。", log="delivered before sent")
    if delivered > clock.today():
        raise ValidationFailed("对方收到日期不能晚于今天。", log="delivered in the future")


@transaction.atomic
def application_consultation_delivered(
    *, actor: Actor, consultation: Consultation, on: dt.date
) -> Consultation:
    """Record the day the consulted party received the request (its signature, the postal
    receipt, or the day both sides confirmed an electronic one, as 第三十一条 does for
    applications); the 15 working days of 第三十二、三十四条 run from it."""
    application = _begin(actor, consultation.application, on, "对方收到日期")
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.delivered_on is not None:
        raise InvalidTransition("已记录对方收到征求意见书的日期。", log="delivered twice")
    if consultation.answered_on is not None:
        raise InvalidTransition("该征求意见已经记录了答复。", log="delivered after answer")
    _check_delivery(consultation.sent_on, on)
    consultation.delivered_on = on
    consultation.reply_due = _consultation_due(consultation.kind, on)
    consultation.save(update_fields=["delivered_on", "reply_due"])
    _save(application)
    due = f"，应于{consultation.reply_due:%Y-%m-%d}前提出意见" if consultation.reply_due else ""
    record_event(
        application,
        EventKind.CONSULTATION_DELIVERED,
        actor,
        on,
        f"{consultation.party}收到征求意见书{due}",
        public=False,
    )
    return consultation


@transaction.atomic
def application_consultation_answered(
    *, actor: Actor, consultation: Consultation, on: dt.date, answer: str = ""
) -> Consultation:
    """Record the consulted party's answer, or that its 15 working days ran out: a third party's
    silence leaves the decision to the agency (第三十二条), an agency's silence on jointly made
    information counts as consent (第三十四条). Either way the pause ends at the deadline."""
    application = _begin(actor, consultation.application, on, "收到意见日期")
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.answered_on is not None:
        raise InvalidTransition("该征求意见已经记录了答复。", log="consultation answered twice")
    if on < consultation.sent_on:
        raise ValidationFailed("收到意见日期不能早于发出日期。", log="answer before sent")
    text = answer.strip()
    late = consultation.reply_due is not None and on > consultation.reply_due
    if late and not text:
        text = (
            "逾期未提出意见，视为同意公开（条例第三十四条）"
            if consultation.kind == ConsultationKind.AGENCY
            else "逾期未提出意见，由本机关依照条例的规定决定是否公开（条例第三十二条）"
        )
    consultation.answered_on = on
    consultation.answer = text
    consultation.save(update_fields=["answered_on", "answer"])
    _save(application)
    record_event(
        application,
        EventKind.CONSULTATION_ANSWERED,
        actor,
        on,
        f"{consultation.party}：{text}" if late else f"{consultation.party}已回复",
    )
    return consultation


@transaction.atomic
def application_extend(
    *,
    actor: Actor,
    application: Application,
    on: dt.date,
    reason: str,
    approved_by: str = "",
) -> Application:
    """Extend the reply period once, by at most 20 working days, with the consent of the head of
    the handling agency's own 政府信息公开工作机构 (条例第四条, 第三十三条第二款) — the unit's
    reviewer, not the county office (the 主管部门 of 第三条), which still sees every extension —
    and notify the applicant. ``approved_by`` defaults to the actor's name."""
    application = _lock(application)
    _allowed(
        actor,
        permissions.can_approve_extension(actor, application.unit),
        "延期答复须经本机关政府信息公开工作机构负责人同意，请由本单位的审核人批准。",
    )
    _check_day(application, on, "延期日期")
    if application.stage not in (Stage.HANDLING, Stage.REGISTERED):
        raise InvalidTransition("只有办理中的申请可以延期。", log="extend outside handling")
    if application.extended:
        raise InvalidTransition("答复期限只能延长一次。", log="second extension")
    if application.deferred_until is not None:
        raise InvalidTransition(
            "已依条例第三十五条确定了延迟答复的合理期限，无需再延期。", log="extend after defer"
        )
    if application.due_on is not None and on > application.due_on:
        raise InvalidTransition(
            f"答复期限已于{application.due_on:%Y-%m-%d}届满，不能再延期。", log="extend after due"
        )
    approver = (approved_by or (str(actor) if actor is not None else "")).strip()
    if not approver or not reason.strip():
        raise ValidationFailed("请填写批准人和延期理由。", log="extension without approver")
    application.extended = True
    application.extension_approved_by = approver[:100]
    _save(application)
    record_event(
        application,
        EventKind.EXTENDED,
        actor,
        on,
        f"经{approver}同意延期答复：{reason.strip()}；新的答复期限{application.due_on or '待定'}",
        data={"reason": reason.strip(), "approved_by": approver},
    )
    return application


@transaction.atomic
def application_request_reasons(
    *, actor: Actor, application: Application, on: dt.date, note: str
) -> Application:
    """Ask an applicant whose requests clearly exceed a reasonable number or frequency to state
    the reasons (条例第三十五条). Unreasonable reasons are answered 不予处理 (无正当理由大量反复
    申请); reasonable ones that cannot be met in time get a longer period (application_defer)."""
    application = _begin(actor, application, on, "告知日期")
    if application.stage not in (Stage.REGISTERED, Stage.HANDLING):
        raise InvalidTransition(
            "只有办理中的申请可以要求说明理由。", log="reasons outside handling"
        )
    if application.reasons_requested_on is not None:
        raise InvalidTransition("已要求申请人说明理由。", log="reasons twice")
    if not note.strip():
        raise ValidationFailed(
            "请写明申请数量、频次明显超过合理范围的情况。", log="reasons without note"
        )
    application.reasons_requested_on = on
    _save(application)
    record_event(
        application,
        EventKind.REASONS_REQUESTED,
        actor,
        on,
        "申请数量、频次明显超过合理范围，要求申请人说明理由（条例第三十五条）",
        data={"note": note.strip()},
    )
    return application


@transaction.atomic
def application_defer(
    *, actor: Actor, application: Application, on: dt.date, until: dt.date, reason: str
) -> Application:
    """Fix a reasonable longer period for a reply (条例第三十五条): the applicant's reasons for a
    great number or frequency of requests are reasonable, but the reply cannot be made within
    the period of 第三十三条. The new date replaces the statutory one, so the application is not
    overdue before it; the applicant is told (延迟答复告知书)."""
    application = _begin(actor, application, on, "告知日期")
    if application.stage not in (Stage.REGISTERED, Stage.HANDLING):
        raise InvalidTransition("只有办理中的申请可以确定延迟答复期限。", log="defer stage")
    if application.reasons_requested_on is None:
        raise InvalidTransition(
            "确定延迟答复期限前，应先要求申请人说明理由（条例第三十五条）。",
            log="defer w/o reasons",
        )
    if application.deferred_until is not None:
        raise InvalidTransition("已确定延迟答复的期限。", log="defer twice")
    if not reason.strip():
        raise ValidationFailed("请写明延迟答复的理由。", log="defer without reason")
    current = statutory_due(application)
    if current is not None and on > current:
        raise InvalidTransition(
            f"答复期限已于{current:%Y-%m-%d}届满，不能再确定延迟答复期限。", log="defer late"
        )
    if until <= (current or on):
        raise ValidationFailed(
            f"延迟答复的期限应晚于现有答复期限（{(current or on):%Y-%m-%d}）。",
            log="defer not later",
        )
    application.deferred_until = until
    _save(application)
    record_event(
        application,
        EventKind.DEFERRED,
        actor,
        on,
        f"申请理由合理，但无法在规定期限内答复，延迟至{until:%Y-%m-%d}答复（条例第三十五条）：{reason.strip()}",
        data={"reason": reason.strip(), "until": until.isoformat()},
    )
    return application


def _fee_due(received: dt.date | None) -> dt.date | None:
    if received is None:
        return None
    try:
        return statutory.fee_payment_due(received, calendar=calendar())
    except statutory.UnknownYear:
        return None


@transaction.atomic
def application_fee_notice(
    *,
    actor: Actor,
    application: Application,
    on: dt.date,
    amount: Decimal,
    basis: str,
    received_on: dt.date | None = None,
) -> Application:
    """Issue a fee notice when the volume is clearly beyond reason (条例第四十二条第一款), within
    the reply period (国办函〔2020〕109号). The applicant pays within 20 working days from the
    day after receiving it: give ``received_on`` when known (handed over), else record it with
    application_fee_received. The time from sending to payment is not counted in the reply
    period (a pause, not a restart)."""
    application = _begin(actor, application, on, "收费通知日期")
    if amount <= 0:
        raise ValidationFailed("收费金额应大于零；不收费的申请无需发收费通知。", log="fee <= 0")
    if not basis.strip():
        raise ValidationFailed("请写明收费依据（按件或按量计算的情况）。", log="fee without basis")
    if application.due_on is not None and on > application.due_on:
        raise InvalidTransition(
            f"收费通知应在答复期限内发出，答复期限已于{application.due_on:%Y-%m-%d}届满。",
            log="fee notice after due",
        )
    if received_on is not None and received_on < on:
        raise ValidationFailed("申请人收到日期不能早于通知日期。", log="fee received before")
    if received_on is not None and received_on > clock.today():
        raise ValidationFailed("申请人收到日期不能晚于今天。", log="fee received future")
    _move(application, Stage.FEE_NOTICE)
    application.fee_amount = amount
    application.fee_notice_on = on
    application.fee_received_on = received_on
    application.fee_due_on = _fee_due(received_on)
    _save(application)
    due = (
        f"缴费期限{application.fee_due_on}"
        if application.fee_due_on
        else "缴费期限自申请人收到通知次日起20个工作日"
    )
    record_event(
        application,
        EventKind.FEE_NOTICE,
        actor,
        on,
        f"收取信息处理费{amount}元，{due}：{basis.strip()}",
        data={"basis": basis.strip(), "amount": str(amount)},
    )
    return application


@transaction.atomic
def application_fee_received(*, actor: Actor, application: Application, on: dt.date) -> Application:
    """Record the day the applicant received the fee notice; the 20 working days to pay run from
    the next day (国办函〔2020〕109号)."""
    application = _begin(actor, application, on, "申请人收到收费通知日期")
    if application.stage != Stage.FEE_NOTICE:
        raise InvalidTransition("该申请没有待缴的收费通知。", log="fee received w/o notice")
    if application.fee_received_on is not None:
        raise InvalidTransition("已记录申请人收到收费通知的日期。", log="fee received twice")
    if application.fee_notice_on and on < application.fee_notice_on:
        raise ValidationFailed("申请人收到日期不能早于通知日期。", log="fee received before")
    application.fee_received_on = on
    application.fee_due_on = _fee_due(on)
    _save(application)
    record_event(
        application,
        EventKind.FEE_RECEIVED,
        actor,
        on,
        f"申请人收到收费通知，缴费期限{application.fee_due_on or '待定'}",
    )
    return application


@transaction.atomic
def application_fee_paid(*, actor: Actor, application: Application, on: dt.date) -> Application:
    """Record payment; refused after the deadline (the application is then closed as 逾期未按
    收费通知要求缴纳费用) and before the notice was received."""
    application = _begin(actor, application, on, "缴费日期")
    if application.stage == Stage.FEE_NOTICE:
        if application.fee_received_on is not None and on < application.fee_received_on:
            raise ValidationFailed(
                "缴费日期不能早于申请人收到收费通知之日。", log="paid before received"
            )
        if application.fee_due_on is not None and on > application.fee_due_on:
            raise InvalidTransition(
                f"缴费期限已于{application.fee_due_on:%Y-%m-%d}届满，逾期缴费不能再受理；"
                "请按“逾期未缴费”不再处理该申请。",
                log="fee paid after due",
            )
    _move(application, Stage.HANDLING)
    application.fee_paid_on = on
    _save(application)
    record_event(application, EventKind.FEE_PAID, actor, on, f"已缴纳{application.fee_amount}元")
    return application


@transaction.atomic
def application_fee_lapse(*, actor: Actor, application: Application, on: dt.date) -> Application:
    """Close an application whose fee was not paid within 20 working days (其他处理)."""
    application = _begin(actor, application, on, "终止日期")
    if application.fee_due_on is None or on <= application.fee_due_on:
        raise InvalidTransition("缴费期限届满后才能不再处理。", log="fee lapse before due")
    return _close(application, actor, on, outcome="fee_unpaid", kind=EventKind.FEE_LAPSED)


@transaction.atomic
def application_withdraw(
    *, actor: Actor, application: Application, on: dt.date, reason: str
) -> Application:
    """Record that the applicant withdrew the application (by letter, in person or by telephone,
    noted by the handler), with the reason given. Counted under 其他处理 3.其他 in the annual
    report; no reply is due any more."""
    application = _begin(actor, application, on, "撤回日期")
    if not application.is_open:
        raise InvalidTransition(
            f"申请当前处于“{application.get_stage_display()}”阶段，不能撤回。",
            log="withdraw closed",
        )
    if not reason.strip():
        raise ValidationFailed("请写明申请人撤回申请的方式和理由。", log="withdraw without reason")
    application.outcome_note = reason.strip()
    return _close(application, actor, on, outcome="withdrawn", kind=EventKind.WITHDRAWN)


# ------------------------------------------------------------------------------- reply and after


@transaction.atomic
def application_reply(
    *,
    actor: Actor,
    application: Application,
    on: dt.date,
    outcome: str,
    note: str = "",
    responsible_agency: str = "",
    responsible_contact: str = "",
) -> Application:
    """Reply with one outcome of the annual report's taxonomy (条例第三十六条 and the articles
    each outcome names in gongkai.applications.outcomes).

    A registered application may be answered on the spot (当场答复, 第三十三条第一款);
    "补正后申请内容仍不明确" needs a supplement first. Refusals and 不予处理 need reasons; an
    answer that points elsewhere needs the way: where published information is found
    (第三十六条第（一）项), where a publication is obtained (第三十九条第二款). Not this agency's
    to disclose (第三十六条第（五）项) names the responsible agency and its contact when it can be
    determined, and otherwise says why not. Replying after the due date is recorded, never
    refused.
    """
    application = _begin(actor, application, on, "答复日期")
    if outcome not in outcomes.REPLY_CODES:
        raise ValidationFailed("请选择办理结果。", log=f"bad outcome {outcome!r}")
    if outcome == "still_unclear" and application.supplemented_on is None:
        raise ValidationFailed(
            "“补正后申请内容仍不明确”只适用于已经补正过的申请。", log="still_unclear w/o supplement"
        )
    info = outcomes.BY_CODE[outcome]
    if outcome in ("published", "publication") and not note.strip():
        raise ValidationFailed(
            "请在说明中告知获取该信息的方式和途径（如网址、公报期号、查阅地点）。",
            log=f"{outcome} without the way",
        )
    if (info.refuses or info.group == "不予处理") and not note.strip():
        raise ValidationFailed(
            "不予公开、部分公开和不予处理须说明理由。", log="refusal without reason"
        )
    agency, contact = responsible_agency.strip(), responsible_contact.strip()
    if outcome == "not_responsible":
        if agency and not contact:
            raise ValidationFailed(
                "请填写负责公开该信息的行政机关的联系方式（条例第三十六条第（五）项）。",
                log="not_responsible without contact",
            )
        if not agency and not note.strip():
            raise ValidationFailed(
                "请填写负责公开该信息的行政机关及其联系方式；确实无法确定的，请在说明中写明理由。",
                log="not_responsible without agency",
            )
    elif agency or contact:
        agency = contact = ""
    _move(application, Stage.REPLIED)
    application.outcome = outcome
    application.outcome_note = note.strip()
    application.responsible_agency = agency[:200]
    application.responsible_contact = contact[:200]
    application.replied_on = on
    _save(application)
    late = application.due_on is not None and on > application.due_on
    text = info.choice + ("（超过答复期限）" if late else "")
    record_event(
        application, EventKind.REPLIED, actor, on, text, data={"outcome": outcome, "late": late}
    )
    return application


@transaction.atomic
def application_deliver(
    *, actor: Actor, application: Application, on: dt.date, way: str
) -> Application:
    """Record how and when the reply reached the applicant (送达)."""
    application = _begin(actor, application, on, "送达日期")
    if way not in DeliveryWay.values:
        raise ValidationFailed("请选择送达方式。", log=f"bad delivery way {way!r}")
    if application.replied_on and on < application.replied_on:
        raise ValidationFailed("送达日期不能早于答复日期。", log="delivered before reply")
    _move(application, Stage.DELIVERED)
    application.delivered_on = on
    application.delivered_by = way
    _save(application)
    record_event(application, EventKind.DELIVERED, actor, on, DeliveryWay(way).label)
    return application


@transaction.atomic
def application_archive(*, actor: Actor, application: Application, on: dt.date) -> Application:
    """Archive (归档) a finished application; nothing more can happen to it."""
    application = _begin(actor, application, on, "归档日期")
    _move(application, Stage.ARCHIVED)
    application.archived_on = on
    _save(application)
    record_event(application, EventKind.ARCHIVED, actor, on)
    return application


@transaction.atomic
def applicant_details(*, actor: User, application: Application) -> dict[str, str]:
    """The applicant's identity and contact data, for the handling unit and the office only.

    Every look is recorded (an event not shown to the public, and the audit log).
    """
    permissions.require(
        permissions.can_see_applicant_of(actor, application.unit),
        "申请人的身份和联系方式仅承办单位和县政务公开办可以查看。",
    )
    record_event(application, EventKind.PERSONAL_DATA_VIEWED, actor, clock.today(), public=False)
    return {
        name: getattr(application, name)
        for name in (
            "applicant_name",
            "id_kind",
            "id_number",
            "contact_name",
            "phone",
            "email",
            "address",
            "postcode",
        )
    }


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def applications_refresh_due_dates(*, actor: Actor, dry_run: bool = False) -> dict[str, Any]:
    """Recompute the due dates of every open application, e.g. after the office imported a new
    year's working-day calendar (office only). Stages do not change; each changed date is audited.
    """
    _allowed(actor, permissions.can_manage_calendar(actor), "只有县政务公开办可以重新计算期限。")
    checked = undated = 0
    changes: list[dict[str, Any]] = []
    found = (
        Application.objects.filter(stage__in=OPEN_STAGES)
        .select_for_update(of=("self",))
        .select_related("unit")
        .prefetch_related("consultations")
    )
    for application in found:
        checked += 1
        before = (application.due_on, application.supplement_notice_due)
        recompute_due_dates(application)
        after = (application.due_on, application.supplement_notice_due)
        if application.received_on is not None and application.due_on is None:
            undated += 1
        if before == after:
            continue
        changes.append(
            {
                "tracking_no": application.tracking_no,
                "due_on": [_day(before[0]), _day(after[0])],
                "supplement_notice_due": [_day(before[1]), _day(after[1])],
            }
        )
        if dry_run:
            continue
        application.save(update_fields=["due_on", "supplement_notice_due", "updated_at"])
        audit(
            actor=actor,
            action="application.recompute",
            target=application,
            unit_code=application.unit.code,
            summary=f"{application.tracking_no} 重新计算期限：{_day(before[0]) or '待定'} → "
            f"{_day(after[0]) or '待定'}",
        )
    return {
        "checked": checked,
        "changed": len(changes),
        # Still 期限待定: their period reaches a year with no working-day calendar yet.
        "undated": undated,
        "dry_run": dry_run,
        "changes": changes,
    }
