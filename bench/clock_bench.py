"""How fast the working-day clock is: building the State Council calendar and counting due dates.

Pure Python, no database: `python -m bench.clock_bench` (or from `make bench` once wired in
bench/__main__.py). A province computes hundreds of thousands of due dates for its dashboards, so
a due date must cost microseconds, and the calendar must be cheap enough to rebuild after an
import.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from gongkai import clock
from gongkai.clock import state_council

RESULTS = Path(__file__).resolve().parent / "results"
DUE_DATES = 20_000
REPEATS = 3


def _time(action: Callable[[], object]) -> float:
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _build() -> None:
    state_council.state_council_years.cache_clear()
    clock.state_council_calendar()


def _due_dates(calendar: clock.TableCalendar, *, pauses: bool, extended: bool) -> None:
    first = dt.date(2005, 1, 1)
    spans = [(dt.date(2005, 1, 1), dt.date(2005, 1, 1))]
    for n in range(DUE_DATES):
        received = first + dt.timedelta(days=n % 7800)
        if pauses:
            spans[0] = (received + dt.timedelta(days=5), received + dt.timedelta(days=19))
        clock.due_date(
            received, pauses=spans if pauses else (), extended=extended, calendar=calendar
        )


def main() -> None:
    build_s = _time(_build)
    calendar = clock.state_council_calendar()
    results: dict[str, float] = {"build_calendar_ms": round(build_s * 1000, 2)}
    for label, pauses, extended in [
        ("due_date_us", False, False),
        ("due_date_extended_us", False, True),
        ("due_date_with_pause_us", True, False),
    ]:
        seconds = _time(functools.partial(_due_dates, calendar, pauses=pauses, extended=extended))
        results[label] = round(seconds / DUE_DATES * 1e6, 2)
    print(
        f"clock: build calendar {results['build_calendar_ms']} ms; due date "
        f"{results['due_date_us']} µs, extended {results['due_date_extended_us']} µs, "
        f"with a pause {results['due_date_with_pause_us']} µs"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "clock.json").write_text(
        json.dumps(
            {
                "machine": platform.platform(),
                "python": platform.python_version(),
                "due_dates": DUE_DATES,
                "results": results,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
