"""Fixtures of the staff catalog page tests: the department's catalog in each status, and
another department's."""

from __future__ import annotations

import pytest

from gongkai.catalog.models import Catalog, CatalogStatus, Domain
from gongkai.orgs.models import Unit
from tests.factories import CatalogFactory, CatalogItemFactory


@pytest.fixture
def draft(department: Unit, domain: Domain) -> Catalog:
    """The department's complete 2024 draft: two items under 最低生活保障."""
    catalog: Catalog = CatalogFactory(unit=department, version=2024)
    CatalogItemFactory(catalog=catalog, domain=domain, level2="办事指南", sort_order=1)
    CatalogItemFactory(catalog=catalog, domain=domain, level2="审核确认结果", sort_order=2)
    return catalog


@pytest.fixture
def submitted(draft: Catalog) -> Catalog:
    draft.status = CatalogStatus.SUBMITTED
    draft.save()
    return draft


@pytest.fixture
def other_catalog(other_department: Unit, domain: Domain) -> Catalog:
    catalog: Catalog = CatalogFactory(unit=other_department, version=2024)
    CatalogItemFactory(catalog=catalog, domain=domain, level1="保障性住房", level2="分配结果")
    return catalog
