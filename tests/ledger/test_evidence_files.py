"""Evidence files are stored, not parsed, but a macro workbook renamed .xlsx is still refused:
the inspectors who download evidence open it in Excel (issue 12)."""

from __future__ import annotations

import io

import pytest

from gongkai.ledger.evidence import EvidenceRefused, check_evidence
from tests.fixtures import bombs


def test_a_plain_workbook_is_accepted() -> None:
    data = bombs.simple_workbook([["事项", "完成"]])
    checked = check_evidence("佐证.xlsx", io.BytesIO(data), max_bytes=10 * 1024 * 1024)
    assert checked.kind == "xlsx" and checked.size == len(data)


def test_a_macro_workbook_renamed_xlsx_is_refused() -> None:
    data = bombs.macros(bombs.simple_workbook([["事项", "完成"]]))
    with pytest.raises(EvidenceRefused) as caught:
        check_evidence("佐证.xlsx", io.BytesIO(data), max_bytes=10 * 1024 * 1024)
    assert "启用宏" in str(caught.value)
