"""Shared helpers of the assessment tests: items and applications written straight to the tables
(the measures only read status, unit, 发布日期, is_late, findings and the reply dates), and a
county with two departments and two townships."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count
from typing import Any

import pytest

from gongkai.applications.models import Application, Stage
from gongkai.assessment import services
from gongkai.assessment.models import IndicatorSet, Measure
from gongkai.orgs.models import Unit, UnitKind
from gongkai.publications.models import (
    Column,
    FiveClass,
    Publication,
    PublicationStatus,
    TopicCategory,
)
from tests.factories import UnitFactory

CST = dt.timezone(dt.timedelta(hours=8))
BLOCKING = [{"where": "正文", "kind": "id_number", "severity": "block", "text": "3607**"}]
WARNING = [{"where": "正文", "kind": "wrong_word", "severity": "warn", "text": "必竟"}]
_numbers = count(1)


def at(text: str) -> dt.datetime:
    """A moment in Beijing time: ``at("2024-10-31 23:30")``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=CST)


def put(unit: Unit, when: str, *, n: int = 1, **extra: Any) -> None:
    """``n`` published items of ``unit`` at ``when`` (Beijing time)."""
    moment = at(when)
    status = extra.pop("status", PublicationStatus.PUBLISHED)
    for _ in range(n):
        Publication.objects.create(
            unit=unit,
            issuer=unit.name,
            title="工作动态",
            written_on=moment.date(),
            published_at=moment,
            topic=TopicCategory.objects.get(code="0100"),
            five_class=FiveClass.RESULT,
            column=Column.objects.get(code="news"),
            status=status,
            **extra,
        )


def apply(
    unit: Unit, *, due: str, replied: str | None = None, outcome: str = "", **extra: Any
) -> Application:
    """An application of ``unit`` due on ``due``, replied on ``replied`` (or not)."""
    due_on = dt.date.fromisoformat(due)
    received = due_on - dt.timedelta(days=28)
    stage = Stage.HANDLING if replied is None else Stage.REPLIED
    return Application.objects.create(
        tracking_no=f"T{next(_numbers):06d}",
        query_code_digest="",
        unit=unit,
        account_unit=unit,
        channel="in_person",
        applicant_type="natural",
        applicant_name="某",
        description="某信息",
        submitted_on=received,
        received_on=received,
        due_on=due_on,
        replied_on=dt.date.fromisoformat(replied) if replied else None,
        outcome=outcome or ("grant" if replied else ""),
        stage=extra.pop("stage", stage),
        **extra,
    )


@pytest.fixture
def units(
    county: Unit, office_unit: Unit, department: Unit, other_department: Unit, township: Unit
) -> dict[str, Unit]:
    """The county, the office, 县民政局, 县住建局, 琴江镇 (with a village) and 高田镇."""
    second = UnitFactory(code="GTZ", name="高田镇", kind=UnitKind.TOWNSHIP, parent=county)
    village = UnitFactory(code="QJZ01", name="琴江镇古樟村", kind=UnitKind.VILLAGE, parent=township)
    return {
        "county": county,
        "office": office_unit,
        "mzj": department,
        "zjj": other_department,
        "qjz": township,
        "gtz": second,
        "village": village,
    }


def make_set(year: int = 2024, **weights: Any) -> IndicatorSet:
    """An indicator set with one indicator of each measure (weights by measure name)."""
    made = services.indicator_set_create(actor=None, year=year, name=f"{year}年度政务公开工作考核")
    plan = [
        ("发布数量", Measure.VOLUME, {"targets": {"department": 120, "township": 240}}),
        ("更新及时", Measure.FRESHNESS, {}),
        ("公开及时", Measure.TIMELY_PUBLICATION, {}),
        ("依申请按时答复", Measure.TIMELY_REPLY, {}),
        ("检查发现", Measure.FINDINGS, {"zero_at": 4}),
        ("政策解读", Measure.MANUAL, {}),
    ]
    for name, measure, extra in plan:
        weight = weights.get(measure.value, Decimal(10))
        services.indicator_add(
            actor=None,
            indicator_set=made,
            values={"name": name, "weight": weight, "measure": measure, **extra},
        )
    return made
