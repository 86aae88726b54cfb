"""The demo county's service guides (A, issue 14): every township and the main departments have
published guides that pass the checks, linked to their own catalogs; some are left unfinished."""

from __future__ import annotations

import pytest

from gongkai.orgs.models import Unit, UnitKind
from gongkai.serviceguides import excel, services, validation
from gongkai.serviceguides.models import LifeEvent, ServiceItem, ServiceStatus

pytestmark = pytest.mark.django_db


def test_every_township_and_the_departments_publish_guides(demo: str) -> None:
    published = ServiceItem.objects.published()
    townships = Unit.objects.filter(kind__in=[UnitKind.TOWNSHIP, UnitKind.COMMUNITY])
    assert townships.count() == 12
    for township in townships:
        assert published.filter(unit=township).count() >= 3, township.name
    for code in ("MZJ", "RSJ", "JYJ", "SBJ", "WJW", "JKTJ", "SCJGJ", "SHUIWJ", "GAJ"):
        assert published.filter(unit__code=code).exists(), code
    used = set(published.values_list("life_events__code", flat=True))
    assert used == set(LifeEvent.objects.values_list("code", flat=True))


def test_published_demo_guides_pass_the_checks(demo: str) -> None:
    for guide in ServiceItem.objects.published().select_related("catalog_item__catalog__unit"):
        assert validation.check_guide(guide).problems == [], guide.name
        assert guide.catalog_item is not None
        assert guide.catalog_item.catalog.unit_id == guide.unit_id
        assert guide.version == 1


def test_some_guides_are_left_unfinished(demo: str) -> None:
    drafts = ServiceItem.objects.filter(status=ServiceStatus.DRAFT)
    assert drafts.filter(unit__code="YLBZJ").count() == 2
    assert ServiceItem.objects.filter(status=ServiceStatus.SUBMITTED).exists()
    withdrawn = ServiceItem.objects.get(status=ServiceStatus.WITHDRAWN)
    assert withdrawn.withdrawal_reason


def test_a_departments_export_imports_back_unchanged(demo: str) -> None:
    unit = Unit.objects.get(code="MZJ")
    items = ServiceItem.objects.filter(unit=unit).prefetch_related(
        "materials", "questions", "life_events"
    )
    data = excel.write_service_workbook(list(items), title="县民政局办事指南")
    summary = services.service_guides_import(actor=None, unit=unit, source=data)
    assert (summary.rows, summary.unchanged) == (3, 3)
