"""Cell values and real .xlsx files for the importer properties: what people type into Excel.

Values are what a cell can hold: text in any script (with the control characters an .xlsx cannot
hold removed, as Excel does), empty cells, numbers, dates, booleans, very long text and text that
looks like a formula (written as text, as Excel does when one types ``'=1``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from gongkai.core.errors import GongkaiError

CJK = re.compile("[\u4e00-\u9fff]")

texts = st.text(st.characters(codec="utf-8"), max_size=60).map(
    lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)
)
formula_like = st.sampled_from(
    [
        "=1+1",
        '=HYPERLINK("http://evil.example","点击")',
        "+86 797",
        "-",
        "@SUM(A1)",
        "=cmd|' /C calc'!A0",
        "#N/A",
        "'=1",
    ]
)
_MARKS = "√ ✓ × 是 否 0 1 注：本表 合计 NaN nan Infinity -5 1e400 0x10 １２０ 1_000"
marks = st.sampled_from(
    [*_MARKS.split(" "), "2024-02-30", "9999-12-31", "0001-01-01", " ", "\u3000", "\n"]
)
long_text = st.integers(min_value=200, max_value=40_000).map(lambda n: ("长文本" * n)[:n])
cell_values: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    texts,
    formula_like,
    marks,
    long_text,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.booleans(),
)


def xlsx(rows: Sequence[Sequence[Any]], *, title: str = "Sheet1") -> bytes:
    """A real workbook of one sheet holding ``rows``; text is always written as text."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # "=1" stays the text "=1", never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def assert_chinese_refusal(error: GongkaiError) -> None:
    """A refusal people can act on: a Chinese sentence, and each listed problem in Chinese."""
    assert CJK.search(error.message), error.message
    for problem in getattr(error, "problems", []):
        assert CJK.search(problem), problem


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one Hypothesis example in a savepoint that is always rolled back, so every example
    starts from the test's own data (pytest-django's transaction stays open around them)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
