"""Reads of the assessment that depend on who is asking.

Scores, indicator sets and the dashboard are for the office and leaders (reads_everything); a
unit's staff see their own unit's rectification items (visible_unit_ids), the office and leaders
see every unit's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from gongkai.assessment.models import (
    Indicator,
    IndicatorSet,
    ManualScore,
    Rectification,
    RectificationStatus,
    ScoreSnapshot,
)
from gongkai.core.models import AuditEntry
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, UnitKind

READ_MESSAGE = "考核得分由县政务公开办评定，县领导可以查看。"


def require_reader(user: Any) -> None:
    """Scores, rankings and the dashboard are read by the office and leaders only."""
    permissions.require(permissions.reads_everything(user), READ_MESSAGE, log="assessment read")


def indicator_sets(user: Any) -> QuerySet[IndicatorSet]:
    require_reader(user)
    return IndicatorSet.objects.all()


def indicator_set_detail(user: Any, pk: int) -> IndicatorSet:
    """One indicator set with its indicators; raises DoesNotExist."""
    require_reader(user)
    return IndicatorSet.objects.prefetch_related("indicators").get(pk=pk)


def indicator_detail(user: Any, pk: int) -> Indicator:
    """One indicator with its set; raises DoesNotExist."""
    require_reader(user)
    return Indicator.objects.select_related("indicator_set").get(pk=pk)


def manual_scores_of(indicator: Indicator) -> dict[int, ManualScore]:
    """{unit id: entered score} of a 人工评分 indicator."""
    return {s.unit_id: s for s in ManualScore.objects.filter(indicator=indicator)}


def indicator_set_of_year(year: int) -> IndicatorSet | None:
    return IndicatorSet.objects.filter(year=year).first()


def snapshot_of(indicator_set: IndicatorSet) -> ScoreSnapshot | None:
    return ScoreSnapshot.objects.filter(indicator_set=indicator_set).first()


def rectifications_visible_to(user: Any) -> QuerySet[Rectification]:
    """Every rectification item of the units whose work the user may read."""
    ids = permissions.visible_unit_ids(user)
    found = Rectification.objects.select_related("unit")
    return found if ids is None else found.filter(unit_id__in=ids)


def rectification_detail(user: Any, pk: int) -> Rectification:
    """One rectification item the user may read; raises DoesNotExist."""
    return rectifications_visible_to(user).select_related("reported_by", "closed_by").get(pk=pk)


def overdue_rectifications(
    scope: QuerySet[Rectification], *, on: dt.date
) -> QuerySet[Rectification]:
    """Items still waiting for the unit (待整改) past their deadline, the oldest deadline first."""
    return scope.filter(status=RectificationStatus.OPEN, deadline__lt=on).order_by("deadline", "pk")


def rectification_history(item: Rectification) -> QuerySet[AuditEntry]:
    """The item's steps from the audit log, oldest first."""
    return AuditEntry.objects.filter(
        target_type=Rectification._meta.label_lower, target_id=str(item.pk)
    ).order_by("at", "pk")


def owner_units() -> QuerySet[Unit]:
    """The units a rectification item can be given to: every active unit but villages (their
    township answers for them). The office is one: it runs the county's site, so a stale column
    of the 政府信息公开专栏 found by the monitoring is its item."""
    return Unit.objects.active().exclude(kind=UnitKind.VILLAGE)
