"""The catalog workflow: who may do what, in which status, and what is recorded."""

from __future__ import annotations

import pytest
import time_machine

from gongkai.catalog import services
from gongkai.catalog.models import Catalog, CatalogAction, CatalogStatus, Domain, GuidelineItem
from gongkai.core.errors import AccessDenied, InvalidTransition, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from tests.factories import (
    COMPLETE_ELEMENTS,
    CatalogFactory,
    CatalogItemFactory,
    GuidelineItemFactory,
)


@pytest.fixture
def draft(department: Unit, domain: Domain) -> Catalog:
    catalog = CatalogFactory(unit=department, version=2024)
    CatalogItemFactory(catalog=catalog, domain=domain)
    CatalogItemFactory(catalog=catalog, domain=domain)
    return catalog


def _submitted(catalog: Catalog, actor: User) -> Catalog:
    return services.catalog_submit(actor=actor, catalog=catalog)


def test_full_workflow_records_who_did_what_and_when(
    draft: Catalog, editor: User, office: User
) -> None:
    with time_machine.travel("2024-03-01 09:00 +0800", tick=False):
        services.catalog_submit(actor=editor, catalog=draft)
    with time_machine.travel("2024-03-05 10:00 +0800", tick=False):
        services.catalog_return(actor=office, catalog=draft, comment="公开依据请写明条款")
    services.catalog_submit(actor=editor, catalog=draft)
    services.catalog_approve(actor=office, catalog=draft)
    services.catalog_report(actor=office, catalog=draft)
    draft.refresh_from_db()
    assert draft.status == CatalogStatus.REPORTED
    events = list(draft.events.values_list("action", "actor__username", "status_after", "comment"))
    assert events == [
        (CatalogAction.SUBMITTED, "mzj_editor", CatalogStatus.SUBMITTED, ""),
        (CatalogAction.RETURNED, "office", CatalogStatus.RETURNED, "公开依据请写明条款"),
        (CatalogAction.SUBMITTED, "mzj_editor", CatalogStatus.SUBMITTED, ""),
        (CatalogAction.APPROVED, "office", CatalogStatus.APPROVED, ""),
        (CatalogAction.REPORTED, "office", CatalogStatus.REPORTED, ""),
    ]
    first = draft.events.first()
    assert first is not None
    assert first.at.isoformat() == "2024-03-01T01:00:00+00:00"
    assert (
        AuditEntry.objects.filter(action="catalog.approved", target_id=str(draft.pk)).count() == 1
    )


def test_editor_cannot_approve(draft: Catalog, editor: User) -> None:
    _submitted(draft, editor)
    with pytest.raises(AccessDenied):
        services.catalog_approve(actor=editor, catalog=draft)
    draft.refresh_from_db()
    assert draft.status == CatalogStatus.SUBMITTED


def test_unit_reviewer_cannot_approve_either(draft: Catalog, reviewer: User) -> None:
    services.catalog_submit(actor=reviewer, catalog=draft)
    with pytest.raises(AccessDenied):
        services.catalog_approve(actor=reviewer, catalog=draft)


def test_other_unit_cannot_touch_the_catalog(draft: Catalog, other_editor: User) -> None:
    item = draft.items.first()
    assert item is not None
    with pytest.raises(AccessDenied):
        services.catalog_submit(actor=other_editor, catalog=draft)
    with pytest.raises(AccessDenied):
        services.catalog_item_update(actor=other_editor, item=item, elements={"content": "改"})
    with pytest.raises(AccessDenied):
        services.catalog_item_delete(actor=other_editor, item=item)
    with pytest.raises(AccessDenied):
        services.catalog_item_add(
            actor=other_editor, catalog=draft, domain=item.domain, elements=COMPLETE_ELEMENTS
        )
    item.refresh_from_db()
    assert item.content != "改"
    assert draft.items.count() == 2


def test_leader_reads_but_cannot_change(draft: Catalog, leader: User) -> None:
    with pytest.raises(AccessDenied):
        services.catalog_submit(actor=leader, catalog=draft)
    with pytest.raises(AccessDenied):
        services.catalog_approve(actor=leader, catalog=draft)


def test_return_needs_a_comment(draft: Catalog, editor: User, office: User) -> None:
    _submitted(draft, editor)
    with pytest.raises(ValidationFailed):
        services.catalog_return(actor=office, catalog=draft, comment="  ")
    draft.refresh_from_db()
    assert draft.status == CatalogStatus.SUBMITTED


@pytest.mark.parametrize(
    ("field", "value", "missing"),
    [
        ("basis", "", "公开依据"),
        ("channels", "  \n ", "公开渠道和载体"),
        ("audience_public", False, "公开对象"),
    ],
)
def test_incomplete_item_blocks_submission(
    draft: Catalog, editor: User, field: str, value: object, missing: str
) -> None:
    item = draft.items.first()
    assert item is not None
    services.catalog_item_update(actor=editor, item=item, elements={field: value})
    with pytest.raises(ValidationFailed) as caught:
        services.catalog_submit(actor=editor, catalog=draft)
    assert any(missing in p for p in caught.value.problems)
    draft.refresh_from_db()
    assert draft.status == CatalogStatus.DRAFT


def test_nothing_ticked_in_mode_or_level_blocks_approval(
    draft: Catalog, editor: User, office: User
) -> None:
    _submitted(draft, editor)
    # An item changed behind the workflow's back (e.g. by an old import) is still caught.
    draft.items.update(level_county=False, level_township=False, level_village=False)
    with pytest.raises(ValidationFailed) as caught:
        services.catalog_approve(actor=office, catalog=draft)
    assert any("公开层级" in p for p in caught.value.problems)


def test_empty_catalog_cannot_be_submitted(department: Unit, editor: User) -> None:
    catalog = CatalogFactory(unit=department, version=2024)
    with pytest.raises(ValidationFailed):
        services.catalog_submit(actor=editor, catalog=catalog)


def test_submitted_catalog_cannot_be_edited(draft: Catalog, editor: User) -> None:
    _submitted(draft, editor)
    item = draft.items.first()
    assert item is not None
    with pytest.raises(InvalidTransition):
        services.catalog_item_update(actor=editor, item=item, elements={"content": "改"})


def test_transitions_out_of_order_are_refused(draft: Catalog, editor: User, office: User) -> None:
    with pytest.raises(InvalidTransition):
        services.catalog_approve(actor=office, catalog=draft)
    with pytest.raises(InvalidTransition):
        services.catalog_report(actor=office, catalog=draft)
    _submitted(draft, editor)
    with pytest.raises(InvalidTransition):
        services.catalog_submit(actor=editor, catalog=draft)


def test_create_from_templates_takes_the_units_level_and_domains(
    department: Unit, township: Unit, editor: User, township_editor: User, domain: Domain
) -> None:
    domain.lead_units.add(department)
    GuidelineItemFactory(domain=domain, level_county=True, level_township=False)
    GuidelineItemFactory(domain=domain, level_county=True, level_township=True)
    GuidelineItemFactory(domain=domain, level_county=False, level_township=True)
    county_catalog = services.catalog_create(actor=editor, unit=department, version=2024)
    township_catalog = services.catalog_create(actor=township_editor, unit=township, version=2024)
    assert county_catalog.items.count() == 2
    assert township_catalog.items.count() == 2
    assert all(i.guideline_id for i in county_catalog.items.all())
    assert GuidelineItem.objects.count() == 3


def test_next_version_carries_items_and_lineage(draft: Catalog, editor: User) -> None:
    newer = services.catalog_create(actor=editor, unit=draft.unit, version=2025)
    assert sorted(newer.items.values_list("lineage", flat=True)) == sorted(
        draft.items.values_list("lineage", flat=True)
    )
    with pytest.raises(ValidationFailed):
        services.catalog_create(actor=editor, unit=draft.unit, version=2025)
    with pytest.raises(ValidationFailed):
        services.catalog_create(actor=editor, unit=draft.unit, version=1999)


def test_editor_cannot_create_another_units_catalog(other_editor: User, department: Unit) -> None:
    with pytest.raises(AccessDenied):
        services.catalog_create(actor=other_editor, unit=department, version=2024)


def test_item_text_keeps_line_breaks_and_rejects_unknown_fields(
    draft: Catalog, editor: User, domain: Domain
) -> None:
    item = services.catalog_item_add(
        actor=editor,
        catalog=draft,
        domain=domain,
        elements={**COMPLETE_ELEMENTS, "basis": "  《条例》\r\n  《办法》  "},
    )
    assert item.basis == "《条例》\n《办法》"
    with pytest.raises(ValidationFailed):
        services.catalog_item_add(
            actor=editor, catalog=draft, domain=domain, elements={"level1": "x", "hack": 1}
        )
