"""Read a task table's 时限要求 into a date: plans write "2020年8月底", "2020年9月底前",
"2020年10月15日前" or "持续推进" (seed 004 annex 1). Pure Python, so the rule is tested alone."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

CONTINUOUS_WORDS = ("持续推进", "长期坚持", "持续开展", "长期", "持续")

_MONTH_END = re.compile(r"^(\d{4})年(\d{1,2})月(?:底|末)?(?:前|以前|之前)?$")
_DAY = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?:前|以前|之前)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YEAR_END = re.compile(r"^(\d{4})年(?:底|末)(?:前|以前|之前)?$")


@dataclass(frozen=True)
class Deadline:
    """A parsed 时限要求: the last day the work is in time, or no date for continuous work."""

    text: str
    date: dt.date | None
    continuous: bool


class DeadlineError(ValueError):
    """The text is no deadline this module can read (the message is Chinese, for the import)."""


def normalise(text: str) -> str:
    """Full-width digits to ASCII and every space removed ("2020 年 8 月底" → "2020年8月底")."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def parse_deadline(text: str) -> Deadline:
    """Parse a 时限要求; "…月底" and "…月底前" both mean the month's last day (the work is in time
    on that day), "…日前" that day, "…年底" 31 December, "持续推进" no date and continuous; an
    empty text no date. Raises DeadlineError for anything else."""
    shown = normalise(text)
    if not shown:
        return Deadline(text="", date=None, continuous=False)
    if any(shown.startswith(word) for word in CONTINUOUS_WORDS):
        return Deadline(text=shown, date=None, continuous=True)
    try:
        if found := _MONTH_END.match(shown):
            year, month = int(found[1]), int(found[2])
            day = calendar.monthrange(year, month)[1]
            return Deadline(text=shown, date=dt.date(year, month, day), continuous=False)
        if found := _DAY.match(shown) or _ISO.match(shown):
            day_date = dt.date(int(found[1]), int(found[2]), int(found[3]))
            return Deadline(text=shown, date=day_date, continuous=False)
        if found := _YEAR_END.match(shown):
            return Deadline(text=shown, date=dt.date(int(found[1]), 12, 31), continuous=False)
    except ValueError:
        raise DeadlineError(f"时限要求“{shown}”不是有效的日期。") from None
    raise DeadlineError(
        f"时限要求“{shown}”无法识别：请写成“2020年8月底”“2020年9月底前”“2020年10月15日前”"
        "或“持续推进”。"
    )
