"""Whether each policy document was interpreted in time (政策解读同步发布), and the rate.

Which documents count: rules, normative documents and other policy documents (POLICY_KINDS)
that are published now (a withdrawn one does not count) and whose 发布日期, read as a date in the
county's time zone, falls in the period. Which interpretations count: published items linked to
the document (Publication.interprets); the earliest one decides.

"Synchronous" has no statutory number (REFERENCE.md, "Other periods": the seeds ask for 同步起草、
同步审签、同步发布 and 谁起草、谁解读, seed 001 for a rate of at least 90%). The county's rule is an
office setting (网站设置 → 政策解读期限, SiteSettings.interpretation_workdays, default 3): the
interpretation is in time when it is published no later than that many working days after the document, counted on the office
calendar as application periods are (gongkai.workdays.selectors.calendar; the publication day is
not counted). A year the calendar does not know gives no deadline: 期限待定, never a guess.

Each document stands as one of:

- 按时解读 (in time): its first interpretation came on or before the deadline;
- 逾期解读 (late): its first interpretation came after the deadline;
- 逾期未解读 (missing): none yet, and the deadline has passed: on its unit's to-do list;
- 解读期限未到 (pending): none yet, the deadline is today or later: on the to-do list too;
- 期限待定 (undetermined): the deadline cannot be counted (an undeclared year).

The rate is 按时解读 ÷ (按时解读 + 逾期解读 + 逾期未解读), an integer percent rounded half up
(seed 003: 10 of 65 → 15%). Documents pending or undetermined are listed but not in the rate:
their outcome is not known yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.apps import apps
from django.utils import timezone

from gongkai import clock as statutory
from gongkai.core import clock
from gongkai.orgs.models import Unit
from gongkai.publications.models import Publication, PublicationStatus
from gongkai.publications.services import POLICY_KINDS
from gongkai.workdays.selectors import calendar

IN_TIME = "in_time"
LATE = "late"
MISSING = "missing"
PENDING = "pending"
UNDETERMINED = "undetermined"
STANDING_LABELS = {
    IN_TIME: "按时解读",
    LATE: "逾期解读",
    MISSING: "逾期未解读",
    PENDING: "解读期限未到",
    UNDETERMINED: "期限待定",
}
# The standings the rate counts; the others are not known yet.
COUNTED = (IN_TIME, LATE, MISSING)
NO_RATE = "无"


def window_workdays() -> int:
    """The county's number of working days for a synchronous interpretation: the office's
    setting on its site settings page (one query). The row is read through the app registry
    because no app imports the portal, which composes them (tools/check_architecture.py); until
    the office first saves, the field's default (3, REFERENCE.md "Other periods")."""
    site_settings = apps.get_model("portal", "SiteSettings")
    found = (
        site_settings.objects.filter(pk=site_settings.SINGLETON_ID)
        .values_list("interpretation_workdays", flat=True)
        .first()
    )
    if found is None:
        found = site_settings._meta.get_field("interpretation_workdays").default
    return int(found)


def interpretation_due(
    published_on: dt.date, *, workdays: int, cal: statutory.Calendar
) -> dt.date | None:
    """The last day an interpretation of a document published on ``published_on`` is in time:
    ``workdays`` working days later, the publication day not counted (the county's rule, not a
    statute). None when the calendar does not know a year the count reaches."""
    try:
        return statutory.add_workdays(published_on, workdays, calendar=cal)
    except statutory.UnknownYear:
        return None


def standing(
    *,
    published_on: dt.date,
    interpreted_on: dt.date | None,
    due: dt.date | None,
    today: dt.date,
) -> str:
    """How one document stands (see the module docstring); an interpretation on the document's
    own day is in time whatever the calendar knows."""
    if interpreted_on is not None and interpreted_on <= published_on:
        return IN_TIME
    if due is None:
        return UNDETERMINED
    if interpreted_on is not None:
        return IN_TIME if interpreted_on <= due else LATE
    return MISSING if today > due else PENDING


def percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as an integer percent rounded half up ("15%"); 无 when nothing
    counts."""
    if whole <= 0:
        return NO_RATE
    return f"{(200 * part + whole) // (2 * whole)}%"


@dataclass
class PolicyLine:
    """One document behind the figures: its first interpretation and how it stands."""

    policy: Publication
    published_on: dt.date
    due: dt.date | None
    interpretation: Publication | None
    interpreted_on: dt.date | None
    standing: str

    @property
    def standing_label(self) -> str:
        return STANDING_LABELS[self.standing]

    @property
    def needs_interpretation(self) -> bool:
        return self.interpretation is None


@dataclass
class RateRow:
    """The figures of one unit (or of the county, ``unit`` None) and the documents behind them."""

    unit: Unit | None
    lines: list[PolicyLine] = field(default_factory=list)

    def of(self, standing_: str) -> list[PolicyLine]:
        return [line for line in self.lines if line.standing == standing_]

    @property
    def documents(self) -> int:
        return len(self.lines)

    @property
    def in_time(self) -> int:
        return len(self.of(IN_TIME))

    @property
    def late(self) -> int:
        return len(self.of(LATE))

    @property
    def missing(self) -> int:
        return len(self.of(MISSING))

    @property
    def pending(self) -> int:
        return len(self.of(PENDING))

    @property
    def undetermined(self) -> int:
        return len(self.of(UNDETERMINED))

    @property
    def counted(self) -> int:
        return self.in_time + self.late + self.missing

    @property
    def interpreted(self) -> int:
        """Documents with an interpretation at all, in time or late (seed 003's 完成政策解读)."""
        return self.in_time + self.late

    @property
    def rate(self) -> str:
        return percent(self.in_time, self.counted)

    @property
    def below_target(self) -> bool:
        """Under seed 001's 90% target (only when something counts)."""
        return self.counted > 0 and self.in_time * 10 < self.counted * 9


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def policy_lines(
    *,
    first: dt.date,
    last: dt.date,
    unit_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
    workdays: int | None = None,
) -> list[PolicyLine]:
    """The documents that count in ``first``..``last`` (``unit_ids`` None: every unit), oldest
    first, each with its first published interpretation and standing. Two queries; the caller
    decides which units the user may see."""
    start, end = _bounds(first, last)
    policies = (
        Publication.objects.filter(
            status=PublicationStatus.PUBLISHED,
            doc_kind__in=POLICY_KINDS,
            published_at__gte=start,
            published_at__lt=end,
        )
        .select_related("unit")
        .defer("body", "body_text", "findings")
        .order_by("published_at", "pk")
    )
    if unit_ids is not None:
        policies = policies.filter(unit_id__in=list(unit_ids))
    found = list(policies)
    readings: dict[int, Publication] = {}
    for found_reading in (
        Publication.objects.published()
        .filter(interprets_id__in=[p.pk for p in found])
        .only("pk", "title", "published_at", "interprets_id", "interpretation_form")
        .order_by("published_at", "pk")
    ):
        assert found_reading.interprets_id is not None
        readings.setdefault(found_reading.interprets_id, found_reading)
    today = today or clock.today()
    days = window_workdays() if workdays is None else workdays
    cal = calendar()
    lines = []
    for policy in found:
        assert policy.published_at is not None
        published_on = clock.localdate(policy.published_at)
        reading = readings.get(policy.pk)
        interpreted_on = (
            clock.localdate(reading.published_at) if reading and reading.published_at else None
        )
        due = interpretation_due(published_on, workdays=days, cal=cal)
        lines.append(
            PolicyLine(
                policy=policy,
                published_on=published_on,
                due=due,
                interpretation=reading,
                interpreted_on=interpreted_on,
                standing=standing(
                    published_on=published_on, interpreted_on=interpreted_on, due=due, today=today
                ),
            )
        )
    return lines


def rate_rows(lines: Sequence[PolicyLine], units: Sequence[Unit]) -> tuple[RateRow, list[RateRow]]:
    """The county's row and one row per unit of ``units`` (in their order), units without a
    document included with 无."""
    by_unit = {unit.pk: RateRow(unit=unit) for unit in units}
    county = RateRow(unit=None)
    for line in lines:
        row = by_unit.get(line.policy.unit_id)
        if row is not None:
            row.lines.append(line)
            county.lines.append(line)
    return county, list(by_unit.values())


def to_do(unit_ids: Iterable[int], *, today: dt.date | None = None) -> RateRow:
    """The units' documents of this year still waiting for their interpretation (逾期未解读
    and 解读期限未到): the workbench's to-do figures. A county's units publish tens of policy
    documents a year, so reading the year's is cheap."""
    today = today or clock.today()
    lines = policy_lines(
        first=dt.date(today.year, 1, 1), last=today, unit_ids=unit_ids, today=today
    )
    return RateRow(unit=None, lines=[line for line in lines if line.standing in (MISSING, PENDING)])
