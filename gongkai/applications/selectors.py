"""Reads of applications that depend on who is asking, the reminders and overdue lists, the public
status lookup and the annual report's section 三 (DOMAIN.md §4 and §6).

Staff reads go through ``applications_visible_to`` (the unit boundary of gongkai.orgs.permissions);
the public reaches one application only with its tracking number and its secret query code.
Working-day arithmetic uses the office's calendar (gongkai.workdays.selectors.calendar); a year the
calendar does not know is never guessed: the value is left out (None) instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from gongkai import clock as statutory
from gongkai.applications import outcomes, services
from gongkai.applications.models import (
    OPEN_STAGES,
    ApplicantType,
    Application,
    ApplicationEvent,
    Consultation,
    ConsultationKind,
    Letter,
    LetterTemplate,
    Routing,
    Stage,
)
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, UnitKind, User
from gongkai.workdays.selectors import calendar

# Units that receive applications (条例第二十七条: 行政机关): not villages, which are not
# administrative organs, and not the office, which acts for the county government.
HANDLING_KINDS = (
    UnitKind.COUNTY,
    UnitKind.DEPARTMENT,
    UnitKind.STATIONED,
    UnitKind.TOWNSHIP,
    UnitKind.COMMUNITY,
)
# Stages whose reply clock is running. While waiting for a supplement the period has not started
# afresh yet (条例第三十条), so such an application is never overdue on its reply.
CLOCK_STAGES = (Stage.REGISTERED, Stage.HANDLING, Stage.FEE_NOTICE)


# ------------------------------------------------------------------------------- staff reads


def applications_visible_to(user: Any) -> QuerySet[Application]:
    """Every application of the units whose work the user may read (all for office and leaders)."""
    ids = permissions.visible_unit_ids(user)
    found = Application.objects.select_related("unit", "handler")
    return found if ids is None else found.filter(unit_id__in=ids)


def county_applications() -> QuerySet[Application]:
    """Every application of the county: for the server's command line (docs/adr/0003)."""
    return Application.objects.select_related("unit", "handler")


def application_detail(user: Any, pk: int) -> Application:
    """One application the user may read, with what its page shows; raises DoesNotExist."""
    return applications_visible_to(user).select_related("unit__parent", "account_unit").get(pk=pk)


def events_of(application: Application) -> QuerySet[ApplicationEvent]:
    """The full history of an application, oldest first, for staff."""
    return application.events.select_related("actor").order_by("at", "pk")


def routings_of(application: Application) -> QuerySet[Routing]:
    """Where the unified intake passed the application, oldest first."""
    return application.routings.select_related("from_unit", "to_unit").order_by("on", "pk")


def consultations_of(application: Application) -> QuerySet[Consultation]:
    return application.consultations.order_by("sent_on", "pk")


def letters_of(application: Application) -> QuerySet[Letter]:
    return application.letters.select_related("actor").order_by("created_at", "pk")


def letter_visible_to(user: Any, pk: int) -> Letter:
    """A generated letter, found through its application so the unit boundary applies."""
    application = applications_visible_to(user).get(letters__pk=pk)
    letter = application.letters.get(pk=pk)
    letter.application = application
    return letter


def consultation_visible_to(user: Any, pk: int) -> Consultation:
    application = applications_visible_to(user).get(consultations__pk=pk)
    consultation = application.consultations.get(pk=pk)
    consultation.application = application
    return consultation


def letter_templates() -> dict[str, LetterTemplate]:
    """The office's own letter templates by kind (a kind without one uses the built-in)."""
    return {t.kind: t for t in LetterTemplate.objects.all()}


def handling_units() -> QuerySet[Unit]:
    """Units an application may be addressed to, in the order of the organisation tree."""
    return (
        Unit.objects.active()
        .filter(kind__in=HANDLING_KINDS)
        .select_related("parent")
        .order_by("sort_order", "code")
    )


def handlers_visible_to(user: Any) -> QuerySet[User]:
    """The staff who handle the applications the user may read (for the list's filter)."""
    handler_ids = (
        applications_visible_to(user)
        .exclude(handler__isnull=True)
        .values_list("handler_id", flat=True)
        .distinct()
    )
    return User.objects.filter(pk__in=handler_ids).order_by("username")


# ------------------------------------------------------------------------------- the public


def public_application(tracking_no: str, code: str) -> Application | None:
    """The application with this tracking number if ``code`` is its query code, else None.

    An unknown number and a wrong code give the same answer, and both compare a code in constant
    time, so the page cannot be used to find out which numbers exist.
    """
    number = tracking_no.strip()
    found = (
        Application.objects.select_related("unit").filter(tracking_no=number)
        if number
        else Application.objects.none()
    )
    application = found.first()
    if application is None:
        services.query_code_matches(Application(query_code_digest="-"), code)
        return None
    return application if services.query_code_matches(application, code) else None


def public_events(application: Application) -> list[ApplicationEvent]:
    """The steps the applicant may see (ApplicationEvent.public), oldest first."""
    return list(application.events.filter(public=True).order_by("at", "pk"))


# ------------------------------------------------------------------------------- due dates


def workdays_left(
    due: dt.date | None, *, on: dt.date, cal: statutory.Calendar | None = None
) -> int | None:
    """Working days from ``on`` to ``due`` (negative when late); None when unknown. Pass
    ``cal`` (gongkai.workdays.selectors.calendar()) when counting for many rows."""
    if due is None:
        return None
    try:
        return statutory.workdays_between(on, due, calendar=cal or calendar())
    except statutory.UnknownYear:
        return None


def reminder_horizon(days: int, *, on: dt.date) -> dt.date | None:
    """The last day of the next ``days`` working days, or None when that reaches an unknown
    year (the office has to import its calendar first)."""
    try:
        return statutory.add_workdays(on, days, calendar=calendar())
    except statutory.UnknownYear:
        return None


# The due-date reads below take a scope: ``applications_visible_to(user)`` for a page,
# ``county_applications()`` for the command line.


def open_applications(scope: QuerySet[Application]) -> QuerySet[Application]:
    return scope.filter(stage__in=OPEN_STAGES)


def overdue(scope: QuerySet[Application], *, on: dt.date) -> QuerySet[Application]:
    """Open applications whose reply was due before ``on`` (条例第三十三条), earliest first."""
    return scope.filter(stage__in=CLOCK_STAGES, due_on__lt=on).order_by("due_on", "pk")


def due_soon(scope: QuerySet[Application], *, on: dt.date, until: dt.date) -> QuerySet[Application]:
    """Open applications whose reply is due from ``on`` to ``until``, earliest first."""
    return scope.filter(stage__in=CLOCK_STAGES, due_on__gte=on, due_on__lte=until).order_by(
        "due_on", "pk"
    )


def pending_reason(application: Application, consultations: Iterable[Consultation]) -> str:
    """Why the reply date cannot be known yet although the application was received: a pause
    whose end is not known (services.OpenPause) — an unanswered consultation of another agency
    (条例第三十三条第三款), a request for opinions the consulted party has not yet received
    (第三十二、三十四条 run from receipt), or a fee notice the applicant has not yet received
    (国办函〔2020〕109号). "" when none applies.
    """
    for consultation in consultations:
        if consultation.answered_on is not None or consultation.reply_due is not None:
            continue
        if consultation.kind == ConsultationKind.OTHER_AGENCY:
            return _("征求其他机关意见中，期限暂停计算，收到意见后计算（条例第三十三条第三款）")
        return _("征求意见中，期限暂停计算：待记录对方收到征求意见书的日期后计算")
    if (
        application.fee_notice_on is not None
        and application.fee_paid_on is None
        and application.fee_due_on is None
    ):
        return _("已发出收费通知，期限暂停计算：待申请人收到收费通知后计算缴费期限")
    return ""


@dataclass(frozen=True)
class Reminder:
    """One date coming up: which application, what falls due, when, and in how many working
    days (0 = today)."""

    application: Application
    what: str
    due: dt.date
    days_left: int | None

    @property
    def days_past(self) -> int:
        """Working days since the date (an online application awaiting confirmation is dated
        from its submission, so it is usually past); 0 when not past or unknown."""
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def reminders(scope: QuerySet[Application], *, on: dt.date, days: int) -> list[Reminder]:
    """Every date falling due within ``days`` working days of ``on`` on the applications of
    ``scope``: the reply (条例第三十三条), the one-time 补正 notice (第三十条), the applicant's
    supplement deadline, a consultation's answer (第三十二、三十四条) and a fee payment; and every
    online application still waiting for the handling unit to confirm receipt with the applicant
    (第三十一条第（三）项: its clock has not started, so nothing else would remind anyone of it),
    dated from its submission. Soonest first. Four queries."""
    until = reminder_horizon(days, on=on)
    if until is None:
        return []
    window = {"gte": on, "lte": until}

    def between(name: str) -> Q:
        return Q(**{f"{name}__{op}": day for op, day in window.items()})

    candidates = scope.filter(
        (Q(stage__in=CLOCK_STAGES) & between("due_on"))
        | (Q(stage=Stage.REGISTERED, supplement_requested_on__isnull=True) & between("supplement_notice_due"))
        | (Q(stage=Stage.SUPPLEMENT) & between("supplement_deadline"))
        | (Q(stage=Stage.FEE_NOTICE) & between("fee_due_on"))
    )  # fmt: skip
    found: list[Reminder] = []
    cal = calendar()

    def add(application: Application, what: str, due: dt.date) -> None:
        try:
            left: int | None = statutory.workdays_between(on, due, calendar=cal)
        except statutory.UnknownYear:
            left = None
        found.append(Reminder(application, what, due, left))

    def inside(day: dt.date | None) -> bool:
        return day is not None and on <= day <= until

    for application in candidates:
        if application.stage in CLOCK_STAGES and inside(application.due_on):
            add(application, _("答复期限"), application.due_on)  # type: ignore[arg-type]
        if (
            application.stage == Stage.REGISTERED
            and application.supplement_requested_on is None
            and inside(application.supplement_notice_due)
        ):
            add(application, _("补正告知期限"), application.supplement_notice_due)  # type: ignore[arg-type]
        if application.stage == Stage.SUPPLEMENT and inside(application.supplement_deadline):
            add(application, _("申请人补正期限"), application.supplement_deadline)  # type: ignore[arg-type]
        if application.stage == Stage.FEE_NOTICE and inside(application.fee_due_on):
            add(application, _("缴费期限"), application.fee_due_on)  # type: ignore[arg-type]
    visible = scope.filter(stage=Stage.HANDLING)
    for consultation in (
        Consultation.objects.filter(
            application__in=visible, answered_on__isnull=True, reply_due__gte=on
        )
        .filter(reply_due__lte=until)
        .select_related("application__unit", "application__handler")
    ):
        add(
            consultation.application,
            _("征求意见期限（%(party)s）") % {"party": consultation.party},
            consultation.reply_due,  # type: ignore[arg-type]
        )
    for application in scope.filter(stage=Stage.AWAITING_RECEIPT).order_by("submitted_on", "pk"):
        add(application, _("确认收到网上申请（提交于该日）"), application.submitted_on)
    found.sort(key=lambda r: (r.due, r.application.pk, r.what))
    return found


@dataclass
class OverdueRow:
    application: Application
    days_late: int | None


@dataclass
class OverdueGroup:
    """The overdue applications of one handler or one unit."""

    label: str
    rows: list[OverdueRow] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass
class OverdueSummary:
    """The overdue lists of ``on``: per handler, per unit, and the county's (or the user's
    units') total."""

    on: dt.date
    rows: list[OverdueRow]
    by_handler: list[OverdueGroup]
    by_unit: list[OverdueGroup]

    @property
    def total(self) -> int:
        return len(self.rows)


def overdue_summary(scope: QuerySet[Application], *, on: dt.date) -> OverdueSummary:
    """The overdue applications of ``scope``, grouped by handler and by unit (one query for the
    applications; the working days late from the cached calendar)."""
    found = overdue(scope, on=on)
    cal = calendar()
    rows: list[OverdueRow] = []
    for application in found:
        try:
            late: int | None = -statutory.workdays_between(
                on,
                application.due_on,  # type: ignore[arg-type]
                calendar=cal,
            )
        except statutory.UnknownYear:
            late = None
        rows.append(OverdueRow(application, late))
    by_handler: dict[int | None, OverdueGroup] = {}
    by_unit: dict[int, OverdueGroup] = {}
    for row in rows:
        app = row.application
        label = str(app.handler) if app.handler is not None else _("未指定承办人")
        by_handler.setdefault(app.handler_id, OverdueGroup(label)).rows.append(row)
        by_unit.setdefault(app.unit_id, OverdueGroup(app.unit.name)).rows.append(row)
    return OverdueSummary(
        on=on,
        rows=rows,
        by_handler=sorted(by_handler.values(), key=lambda g: (-g.count, g.label)),
        by_unit=sorted(by_unit.values(), key=lambda g: (-g.count, g.label)),
    )


# ------------------------------------------------------------------------------- annual report

COLUMNS = [*ApplicantType.labels, "总计"]
_COLUMN_OF = {t.value: t.label for t in ApplicantType}
NEW = "本年新收政府信息公开申请数量"
CARRIED_OVER = "上年结转政府信息公开申请数量"
TOTAL = "总计"
CARRIED_FORWARD = "结转下年度继续办理"
_NUMERALS = "一二三四五六七八"


def _layout() -> list[tuple[str, str, int, bool]]:
    """(name, label as printed, indent level, whether it holds numbers) in the report's order."""
    rows: list[tuple[str, str, int, bool]] = [
        (NEW, f"一、{NEW}", 0, True),
        (CARRIED_OVER, f"二、{CARRIED_OVER}", 0, True),
        ("本年度办理结果", "三、本年度办理结果", 0, False),
    ]
    for number, group in enumerate(outcomes.GROUPS):
        label = f"（{_NUMERALS[number]}）"
        members = [o for o in outcomes.OUTCOMES if (o.group or o.row) == group]
        if not members[0].group:
            rows.append((members[0].row, label + members[0].label, 1, True))
            continue
        rows.append((group, label + group, 1, False))
        labels = list(dict.fromkeys(o.label for o in members))
        rows += [(name, f"{i}.{name}", 2, True) for i, name in enumerate(labels, start=1)]
    rows.append((TOTAL, f"（{_NUMERALS[len(outcomes.GROUPS)]}）{TOTAL}", 1, True))
    rows.append((CARRIED_FORWARD, f"四、{CARRIED_FORWARD}", 0, True))
    return rows


def _by_type(found: QuerySet[Application]) -> dict[str, int]:
    counts = dict.fromkeys(COLUMNS, 0)
    for applicant_type, n in (
        found.order_by()
        .values("applicant_type")
        .annotate(n=Count("pk"))
        .values_list("applicant_type", "n")
    ):
        counts[_COLUMN_OF.get(applicant_type, "其他")] += n
        counts[TOTAL] += n
    return counts


def annual_report_table(year: int, units: Iterable[Unit] | None = None) -> dict[str, Any]:
    """Section 三 of the annual report (国办公开办函〔2021〕30号): applications received and handled
    in ``year``, by applicant type, for ``units`` (default: every unit). Five queries.

    Every count comes from dated facts, so what happens after the year never changes it:
    本年新收 counts applications received (收到申请之日, 条例第三十一条) in the year; 上年结转 those
    received before it and not yet replied at its start; 办理结果 those replied (or closed: lapsed,
    unpaid fee, withdrawn) in the year, by outcome; 结转下年度继续办理 those received by the year's
    end and not replied by then. So, per unit and column, 一 + 二 = （七）总计 + 四, and 结转下年度
    of one year is 上年结转 of the next. An application counts at its account unit
    (Application.account_unit: where it was at the end of the year it was received, or at its
    reply), once, however often the unified intake routed it.

    Returns {"year", "columns": the 7 column labels, "rows": [{"name", "label", "level",
    "values": {column label: count} or None for a group heading}]}; ``name`` is the REFERENCE.md
    row label without its numbering.
    """
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    counted = Application.objects.filter(received_on__isnull=False)
    if units is not None:
        counted = counted.filter(account_unit__in=list(units))
    not_replied_at = {
        "start": Q(replied_on__isnull=True) | Q(replied_on__gte=start),
        "end": Q(replied_on__isnull=True) | Q(replied_on__gt=end),
    }
    values: dict[str, dict[str, int]] = {
        NEW: _by_type(counted.filter(received_on__gte=start, received_on__lte=end)),
        CARRIED_OVER: _by_type(counted.filter(not_replied_at["start"], received_on__lt=start)),
        CARRIED_FORWARD: _by_type(counted.filter(not_replied_at["end"], received_on__lte=end)),
    }
    for name in [*outcomes.ROWS, TOTAL]:
        values[name] = dict.fromkeys(COLUMNS, 0)
    replied = (
        counted.filter(replied_on__gte=start, replied_on__lte=end)
        .order_by()
        .values_list("applicant_type", "outcome")
        .annotate(n=Count("pk"))
    )
    for applicant_type, outcome, n in replied:
        column = _COLUMN_OF.get(applicant_type, "其他")
        info = outcomes.BY_CODE.get(outcome)
        row = values[info.row if info else "其他"]
        for cells in (row, values[TOTAL]):
            cells[column] += n
            cells[TOTAL] += n
    return {
        "year": year,
        "columns": list(COLUMNS),
        "rows": [
            {
                "name": name,
                "label": label,
                "level": level,
                "values": dict(values[name]) if numeric else None,
            }
            for name, label, level, numeric in _layout()
        ],
    }


def report_numbers(table: dict[str, Any]) -> dict[str, dict[str, int]]:
    """{row name: {column: count}} of an ``annual_report_table`` result (its numeric rows)."""
    return {row["name"]: row["values"] for row in table["rows"] if row["values"] is not None}


def registrable_units(user: User) -> list[Unit]:
    """The units whose applications the user may register."""
    return [unit for unit in handling_units() if permissions.can_handle_applications_of(user, unit)]
