"""Formula injection (issue 12): text from people is written as text in every .xlsx we write.

Each writer gets the payloads below in the fields people fill in; the sheet XML must hold no
``<f>`` element, openpyxl must read back the very same strings, and a catalog export imports back
unchanged.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from gongkai.assessment import score_xlsx, scoring
from gongkai.catalog import excel, services
from gongkai.catalog.models import Catalog, Domain
from gongkai.catalog.selectors import catalog_sections
from gongkai.core import xlsx
from gongkai.orgs.models import Unit
from gongkai.publications import interchange
from gongkai.publications.models import Publication, PublicationStatus
from tests.factories import CatalogFactory, CatalogItemFactory
from tests.publications.factories import PublicationFactory

PAYLOADS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]
# What a catalog or publication import keeps as it is (it trims leading whitespace, as it should).
KEPT_BY_IMPORT = PAYLOADS[:4]


def sheet_xml(data: bytes) -> list[bytes]:
    """The XML of every worksheet in the workbook ``data``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            archive.read(name)
            for name in archive.namelist()
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)
        ]


def assert_no_formula(data: bytes) -> None:
    sheets = sheet_xml(data)
    assert sheets
    for xml in sheets:
        assert b"<f>" not in xml and b"<f " not in xml, xml[:500]


def all_values(data: bytes) -> set[Any]:
    book = load_workbook(io.BytesIO(data))
    return {
        v for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
    }


@pytest.mark.parametrize("write_only", [False, True])
def test_write_row_keeps_text_as_text_and_reads_back_unchanged(write_only: bool) -> None:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s")
    xlsx.write_row(sheet, [*PAYLOADS, 42, 3.5, None, "普通文字"])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    assert_no_formula(data)
    read = load_workbook(io.BytesIO(data))["s"]
    assert [c.value for c in read[1]] == [*PAYLOADS, 42, 3.5, None, "普通文字"]
    for cell in read[1][: len(PAYLOADS)]:
        assert cell.data_type == "s" and cell.quotePrefix  # stays text when edited in Excel
    assert read.cell(row=1, column=len(PAYLOADS) + 1).data_type == "n"  # numbers stay numbers
    assert not read.cell(row=1, column=len(PAYLOADS) + 4).quotePrefix


def test_protect_and_text_cell_make_text_cells() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    cell = sheet.cell(row=1, column=1, value="=1+1")
    assert cell.data_type == "f"  # what openpyxl does on its own
    xlsx.protect(cell)
    assert cell.data_type == "s" and cell.quotePrefix and cell.value == "=1+1"
    made = xlsx.text_cell(sheet, "@x\x07")
    assert made.value == "@x" and made.data_type == "s" and made.quotePrefix


def test_catalog_export_writes_text_and_round_trips(department: Unit, domain: Domain) -> None:
    catalog = CatalogFactory(unit=department, version=2024)
    for n, payload in enumerate(PAYLOADS):
        CatalogItemFactory(
            catalog=catalog,
            domain=domain,
            level1=f"事项{n}",
            level2=payload,
            content=payload,
            basis=payload,
            subject=payload,
            remark=payload,
        )
    sections = [(s.domain, s.items) for s in catalog_sections(catalog)]
    data = excel.write_catalog_workbook(sections, title_prefix="=A1")
    assert_no_formula(data)
    values = all_values(data)
    assert set(PAYLOADS) <= values and f"=A1{domain.name}领域基层政务公开标准目录" in values
    services.catalog_import(actor=None, unit=department, version=2025, source=data)
    again = Catalog.objects.get(unit=department, version=2025)
    by_level1 = {i.level1: i for s in catalog_sections(again) for i in s.items}
    for n, payload in enumerate(KEPT_BY_IMPORT):
        item = by_level1[f"事项{n}"]
        assert (item.level2, item.content, item.basis, item.remark) == (payload,) * 4


def test_publications_export_writes_text_and_round_trips(department: Unit) -> None:
    for payload in PAYLOADS:
        PublicationFactory(
            unit=department,
            title=payload,
            issuer=payload,
            doc_number=payload,
            status=PublicationStatus.PUBLISHED,
        )
    data = interchange.export(Publication.objects.order_by("pk"), "xlsx")
    assert_no_formula(data)
    assert set(PAYLOADS) <= all_values(data)
    parsed = interchange.read(data, "export.xlsx")
    assert not parsed.problems
    titles = [row[interchange.TITLE] for row in parsed.rows]
    assert [t for t in titles if t in KEPT_BY_IMPORT] == KEPT_BY_IMPORT


def test_score_table_writes_text() -> None:
    group = scoring.ASSESSED_GROUPS[0]
    indicator = {"id": 1, "name": PAYLOADS[0], "weight": 10.0}
    table = {
        "set": {"name": "+考核"},
        "as_of": "2024-12-31",
        "frozen": False,
        "indicators": [indicator],
        "total_weight": 10.0,
        "rows": [
            {
                "group": group,
                "rank": 1,
                "unit": payload,
                "scores": [{"indicator": 1, "points": 5.0, "detail": payload}],
                "total": 5.0,
            }
            for payload in PAYLOADS
        ],
    }
    data = score_xlsx.render(table)
    assert_no_formula(data)
    values = all_values(data)
    assert set(PAYLOADS) <= values and 5.0 in values  # points stay numbers
