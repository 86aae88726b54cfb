"""Read and write catalogs in the national Excel layout (REFERENCE.md, "Catalog layout")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from gongkai.catalog.models import Domain, ItemElements
from gongkai.core.errors import ValidationFailed


@dataclass(frozen=True)
class CellProblem:
    """Where a workbook is wrong: sheet, Excel row (1-based), column letter, and why (Chinese)."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"工作表“{self.sheet}”"
        if self.row:
            where += f"第{self.row}行"
        if self.column:
            where += f"{self.column}列"
        return f"{where}：{self.message}"


class WorkbookRejected(ValidationFailed):
    """The workbook cannot be imported; ``cells`` says where. Nothing was imported."""

    def __init__(self, cells: Sequence[CellProblem]) -> None:
        self.cells = list(cells)
        super().__init__(
            "Excel文件有误，未导入任何事项。请按以下提示修改后重新导入。",
            log=f"workbook rejected: {len(self.cells)} problems",
            problems=[str(c) for c in self.cells],
        )


@dataclass
class ParsedItem:
    row: int
    elements: dict[str, Any]


@dataclass
class ParsedSheet:
    name: str
    domain: Domain
    items: list[ParsedItem]


def read_catalog_workbook(
    source: bytes | str | Path | IO[bytes], *, domains: Sequence[Domain]
) -> list[ParsedSheet]:
    """Parse every sheet of a catalog workbook; raise WorkbookRejected listing every problem."""
    raise WorkbookRejected([CellProblem("", 0, "", "not implemented yet")])


def write_catalog_workbook(
    sections: Sequence[tuple[Domain, Sequence[ItemElements]]], *, title_prefix: str
) -> bytes:
    """Write items grouped by domain, one sheet per domain, in the national layout."""
    raise WorkbookRejected([CellProblem("", 0, "", "not implemented yet")])
