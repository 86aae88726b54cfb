"""The village-list check compares with what the township publishes, never its drafts."""

from __future__ import annotations

from gongkai.catalog.consistency import village_consistency
from gongkai.catalog.models import CatalogStatus, Domain
from gongkai.orgs.models import Unit
from tests.factories import CatalogFactory, CatalogItemFactory


def test_differences_and_missing_items(township: Unit, village: Unit, domain: Domain) -> None:
    town = CatalogFactory(unit=township, version=2024, status=CatalogStatus.APPROVED)
    shared = CatalogItemFactory(catalog=town, domain=domain, level1="低保", level2="结果")
    CatalogItemFactory(
        catalog=town, domain=domain, level1="临时救助", level2="结果", level_village=True
    )
    CatalogItemFactory(
        catalog=town, domain=domain, level1="特困", level2="结果", level_village=False
    )
    own = CatalogFactory(unit=village, version=2024)
    CatalogItemFactory(
        catalog=own,
        domain=domain,
        level1=" 低保 ",
        level2="结果",
        content=shared.content + "（村里另加）",
        channels=shared.channels.replace("\n", " \n"),
    )
    report = village_consistency(own)
    assert report.township_catalog == town
    # White space in names and channels does not make a difference; the extra content does.
    assert [(d.township_item.level1, d.fields) for d in report.differences] == [
        ("低保", ["公开内容（要素）"])
    ]
    assert [i.level1 for i in report.missing] == ["临时救助"]
    assert not report.is_consistent


def test_a_township_draft_is_not_compared(township: Unit, village: Unit, domain: Domain) -> None:
    draft = CatalogFactory(unit=township, version=2024, status=CatalogStatus.DRAFT)
    CatalogItemFactory(catalog=draft, domain=domain, level_village=True)
    older = CatalogFactory(unit=township, version=2023, status=CatalogStatus.REPORTED)
    own = CatalogFactory(unit=village, version=2024)
    report = village_consistency(own)
    assert report.township_catalog == older
    draft.delete()
    older.delete()
    assert village_consistency(own).township_catalog is None
