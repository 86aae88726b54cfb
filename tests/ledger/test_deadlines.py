"""时限要求 text → the last day in time (seed 004's forms and a few others plans use)."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.ledger.deadlines import DeadlineError, parse_deadline


@pytest.mark.parametrize(
    ("text", "date", "continuous"),
    [
        ("2020年8月底", dt.date(2020, 8, 31), False),
        ("2020年9月底前", dt.date(2020, 9, 30), False),
        ("2020 年 9 月底\n前", dt.date(2020, 9, 30), False),
        ("2021年2月底", dt.date(2021, 2, 28), False),
        ("2024年2月底", dt.date(2024, 2, 29), False),
        ("2022年11月底", dt.date(2022, 11, 30), False),
        ("２０２０年１０月底", dt.date(2020, 10, 31), False),
        ("2020年10月15日前", dt.date(2020, 10, 15), False),
        ("2020-10-15", dt.date(2020, 10, 15), False),
        ("2023年底", dt.date(2023, 12, 31), False),
        ("持续推进", None, True),
        ("持续\n推进", None, True),
        ("长期坚持", None, True),
        ("", None, False),
    ],
)
def test_parse(text: str, date: dt.date | None, continuous: bool) -> None:
    parsed = parse_deadline(text)
    assert (parsed.date, parsed.continuous) == (date, continuous)


@pytest.mark.parametrize("text", ["尽快", "2020年13月底", "2020年2月30日前", "下半年"])
def test_refused_with_a_chinese_sentence(text: str) -> None:
    with pytest.raises(DeadlineError, match="时限要求"):
        parse_deadline(text)
