"""The service guide models: seeded life events, the transitions table, the constraints and the
derived values the pages and the Excel layout show."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from gongkai.orgs.models import Unit
from gongkai.serviceguides.excel import material_line
from gongkai.serviceguides.models import (
    LifeEvent,
    Material,
    ServiceItem,
    ServiceStatus,
)

pytestmark = pytest.mark.django_db


def test_life_events_are_seeded_in_order_other_last() -> None:
    # The data migration's rows; seeded again here because a flush (tests/demo) removes them.
    seeding = importlib.import_module("gongkai.serviceguides.migrations.0002_life_events")
    seeding.seed(apps, None)
    names = list(LifeEvent.objects.order_by("sort_order").values_list("name", flat=True))
    assert names == ["生育", "上学", "就业", "创业", "养老", "医疗", "纳税", "其他"]


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        (ServiceStatus.DRAFT, ServiceStatus.SUBMITTED, True),
        (ServiceStatus.DRAFT, ServiceStatus.PUBLISHED, True),
        (ServiceStatus.DRAFT, ServiceStatus.WITHDRAWN, False),
        (ServiceStatus.SUBMITTED, ServiceStatus.PUBLISHED, True),
        (ServiceStatus.SUBMITTED, ServiceStatus.DRAFT, True),
        (ServiceStatus.PUBLISHED, ServiceStatus.WITHDRAWN, True),
        (ServiceStatus.PUBLISHED, ServiceStatus.DRAFT, True),
        (ServiceStatus.PUBLISHED, ServiceStatus.SUBMITTED, False),
        (ServiceStatus.WITHDRAWN, ServiceStatus.DRAFT, True),
        (ServiceStatus.WITHDRAWN, ServiceStatus.PUBLISHED, False),
    ],
)
def test_transitions_table(start: str, to: str, allowed: bool) -> None:
    assert ServiceItem(status=start).can_move_to(to) is allowed


def test_code_is_unique_per_unit_when_given(department: Unit, other_department: Unit) -> None:
    ServiceItem.objects.create(unit=department, name="甲", code="X-1")
    ServiceItem.objects.create(unit=other_department, name="甲", code="X-1")
    ServiceItem.objects.create(unit=department, name="乙", code="")
    ServiceItem.objects.create(unit=department, name="丙", code="")
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.create(unit=department, name="丁", code="X-1")


def test_published_and_of_unit(department: Unit, other_department: Unit) -> None:
    shown = ServiceItem.objects.create(unit=department, name="甲", status=ServiceStatus.PUBLISHED)
    ServiceItem.objects.create(unit=department, name="乙")
    ServiceItem.objects.create(unit=other_department, name="丙", status=ServiceStatus.PUBLISHED)
    assert list(ServiceItem.objects.published().of_unit(department)) == [shown]


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        ({"legal_days": 20, "promised_days": 10}, "法定20个工作日，承诺10个工作日"),
        ({"time_limit_note": "即办"}, "即办"),
        (
            {"legal_days": 3, "time_limit_note": "材料齐全当场办结"},
            "法定3个工作日（材料齐全当场办结）",
        ),
        ({}, ""),
    ],
)
def test_time_limit_display(values: dict[str, Any], shown: str) -> None:
    assert ServiceItem(name="x", **values).time_limit_display == shown


def test_process_steps_and_material_summary(department: Unit) -> None:
    item = ServiceItem.objects.create(unit=department, name="甲", process="申请\n\n 审核 \n")
    assert item.process_steps == ["申请", "审核"]
    material = Material(service=item, name="居民身份证", form="both", copies=2, required=False)
    assert material.summary == "居民身份证（原件和复印件，2份，非必需）"
    assert material_line(material) == "居民身份证（原件和复印件，2份，非必需）"
    assert item.get_absolute_url() == f"/banshi/{item.pk}/"
