"""Hostile workbooks through every catalog import — the upload page, `gongkai catalog import`,
`gongkai catalog guidelines` and the services under them: each is refused with its Chinese
sentence, in bounded memory, changing nothing (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from gongkai.catalog import excel, services
from gongkai.catalog.models import Catalog, CatalogItem, Domain, GuidelineItem
from gongkai.orgs.models import Unit, User
from tests.factories import CatalogFactory, CatalogItemFactory
from tests.fixtures import bombs

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = sorted(bombs.HOSTILE)


@pytest.fixture(scope="module")
def base() -> bytes:
    """A real county workbook (two domains, merged headers and 一级事项 cells)."""
    return (FIXTURES / "multi_domain.xlsx").read_bytes()


@pytest.fixture
def domains(domain: Domain, second_domain: Domain) -> list[Domain]:
    return [domain, second_domain]


@pytest.fixture
def existing(department: Unit, domains: list[Domain]) -> CatalogItem:
    """An item already in the department's 2024 catalog, which a refused import must keep."""
    catalog = CatalogFactory(unit=department, version=2024)
    item: CatalogItem = CatalogItemFactory(catalog=catalog, domain=domains[0])
    return item


def _unchanged(existing: CatalogItem) -> bool:
    return list(CatalogItem.objects.all()) == [existing] and Catalog.objects.count() == 1


def test_the_base_workbook_imports(department: Unit, domains: list[Domain], base: bytes) -> None:
    summary = services.catalog_import(actor=None, unit=department, version=2024, source=base)
    assert summary.items == 6


@pytest.mark.parametrize("kind", KINDS)
def test_service_refuses_in_bounded_memory(
    kind: str, department: Unit, existing: CatalogItem, base: bytes
) -> None:
    data = bombs.HOSTILE[kind](base)
    caught, peak = bombs.peak_memory(
        lambda: services.catalog_import(actor=None, unit=department, version=2024, source=data)
    )
    assert isinstance(caught, excel.WorkbookRejected), caught
    assert any(bombs.REFUSAL[kind] in p for p in caught.problems), caught.problems
    assert peak < bombs.MEMORY_BOUND
    assert _unchanged(existing)


@pytest.mark.parametrize("kind", KINDS)
def test_upload_page_answers_with_the_forms_chinese_error(
    kind: str, client: Client, editor: User, department: Unit, existing: CatalogItem, base: bytes
) -> None:
    client.force_login(editor)
    upload = SimpleUploadedFile("目录.xlsx", bombs.HOSTILE[kind](base), content_type=XLSX)
    response = client.post(
        reverse("staff:catalog_import"),
        {"unit": department.pk, "version": 2024, "file": upload},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Excel文件有误，未导入任何内容" in html
    assert bombs.REFUSAL[kind] in html
    assert _unchanged(existing)


@pytest.mark.parametrize("kind", KINDS)
def test_cli_import_fails_with_the_chinese_message(
    kind: str, tmp_path: Path, existing: CatalogItem, base: bytes
) -> None:
    path = tmp_path / "目录.xlsx"
    path.write_bytes(bombs.HOSTILE[kind](base))
    with pytest.raises(CommandError) as caught:
        call_command("catalog", "import", str(path), "--unit", "MZJ", "--version", "2024")
    assert bombs.REFUSAL[kind] in str(caught.value)
    assert _unchanged(existing)


@pytest.mark.parametrize("kind", KINDS)
def test_cli_guidelines_fails_with_the_chinese_message(
    kind: str, tmp_path: Path, domains: list[Domain], base: bytes
) -> None:
    call_command("catalog", "guidelines", str(FIXTURES / "multi_domain.xlsx"))
    before = list(GuidelineItem.objects.values_list("pk", flat=True))
    assert before
    path = tmp_path / "指引.xlsx"
    path.write_bytes(bombs.HOSTILE[kind](base))
    with pytest.raises(CommandError) as caught:
        call_command("catalog", "guidelines", str(path))
    assert bombs.REFUSAL[kind] in str(caught.value)
    assert list(GuidelineItem.objects.values_list("pk", flat=True)) == before


def test_a_claimed_whole_grid_costs_nothing(
    department: Unit, domains: list[Domain], base: bytes
) -> None:
    """A sheet that claims A1:XFD1048576 in its stored dimension is read as what it holds."""
    data = bombs.huge_dimension(base)
    summary, peak = bombs.peak_memory(
        lambda: services.catalog_import(actor=None, unit=department, version=2024, source=data)
    )
    assert summary.items == 6, summary
    assert peak < bombs.MEMORY_BOUND
