"""Every figure issue 10 sets a target for, read from bench/results, with its ratio to the baseline.

The benchmarks write their figures to bench/results/NAME.json; this prints one table of the
targets (the issue's wording), the measured figure, whether it is met, and the ratio to the
baseline the issue measured (or the "before" run kept in bench/results), so that a reviewer
checks one table instead of ten files. Run with ``python -m bench.targets`` (``make bench`` runs
it last); ``BENCH_PORTAL`` names the portal results to read (default ``portal_1m``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
PAGE_P95_MS = 100.0
# The issue's p50 at 200,000 items before the work (ms), where it gives one.
ISSUE_BASELINE_MS = {
    "home": 1300.0,
    "xxgk": 3000.0,
    "column_statutory": 1700.0,
    "column_statutory_p500": 3100.0,
    "search_one_char": 3500.0,
    "search_doc_number": 2900.0,
    "feed_latest": 700.0,
    "api_publications": 700.0,
}
SEARCH_LIMIT_MS = {
    "rare": 50.0,
    "doc_number": 50.0,
    "one_char_rare": 50.0,
    "number_mixed": 50.0,
    "road": 50.0,
    "one_char": 100.0,
    "two_char": 100.0,
    "two_char_b": 100.0,
    "common": 100.0,
    "year_mixed": 100.0,
}
SEARCH_BASELINE_MS = {"rare": 144.0, "doc_number": 148.0, "one_char": 948.0, "year_mixed": 736.0}


def load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@dataclass
class Row:
    target: str
    measured: str
    met: bool | None  # None: not measured
    ratio: str = ""


def _ratio(before: float | None, after: float) -> str:
    if not before or not after:
        return ""
    return f"{before / after:.1f}×"


def portal_rows(name: str) -> list[Row]:
    data = load(name)
    if data is None:
        return [Row(f"public pages and search ({name})", "not measured", None)]
    before = load(os.environ.get("BENCH_PORTAL_BEFORE", "portal_before_200k")) or {}
    size = data.get("size", "?")
    rows = []
    for page, figures in data.get("pages", {}).items():
        baseline = before.get("pages", {}).get(page, {}).get("p50") or ISSUE_BASELINE_MS.get(page)
        rows.append(
            Row(
                f"page {page} p95 < {PAGE_P95_MS:.0f} ms at {size}",
                f"{figures['p50']} / {figures['p95']} ms",
                figures["p95"] < PAGE_P95_MS,
                _ratio(baseline, figures["p50"]),
            )
        )
    for query, figures in data.get("search_core", {}).items():
        limit = SEARCH_LIMIT_MS.get(query, 100.0)
        timing = figures["search"]
        baseline = SEARCH_BASELINE_MS.get(query)
        rows.append(
            Row(
                f"search {query} {figures['query']} p95 < {limit:.0f} ms, ≥ 50× LIKE",
                f"{timing['p50']} / {timing['p95']} ms, {figures['faster_p50']}× LIKE",
                timing["p95"] < limit and figures["faster_p50"] >= 50,
                _ratio(baseline, timing["p50"]),
            )
        )
    exact = data.get("exactness", {})
    wrong = {q: f for q, f in exact.items() if f["missing"] or f["extra"]}
    rows.append(
        Row(
            "search exact: result set = items containing the query",
            f"{len(exact) - len(wrong)} of {len(exact)} queries equal"
            + (f" (wrong: {', '.join(wrong)})" if wrong else ""),
            bool(exact) and not wrong,
        )
    )
    sizes = data.get("sizes", {})
    if sizes.get("text_mb"):
        times = sizes["database_mb"] / sizes["text_mb"]
        rows.append(
            Row(
                "database ≤ ~3× its text",
                f"{sizes['database_mb']} MB for {sizes['text_mb']} MB of text ({times:.1f}×)",
                times <= 3.2,
            )
        )
    return rows


def _simple(
    name: str, target: str, pick: Callable[[dict[str, Any]], float | None], limit: float, unit: str
) -> Row:
    """A row for one figure that must stay under ``limit`` (``unit`` is how it prints)."""
    data = load(name)
    value = pick(data) if data else None
    if value is None:
        return Row(target, "not measured", None)
    return Row(target, f"{value:g} {unit}", value < limit)


def _get(*path: str) -> Callable[[dict[str, Any]], float | None]:
    def pick(data: dict[str, Any]) -> float | None:
        node: Any = data
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        return float(node) if isinstance(node, int | float) else None

    return pick


def serve_rows() -> list[Row]:
    data = load("serve")
    if data is None:
        return [Row("detail pages ≥ 300 req/s at 32 clients, p99 < 250 ms", "not measured", None)]
    figures = data.get("run", data.get("results", data))
    rate, p99 = figures.get("requests_per_s"), figures.get("p99_ms")
    if rate is None or p99 is None:
        return [Row("detail pages ≥ 300 req/s at 32 clients, p99 < 250 ms", "not measured", None)]
    return [
        Row(
            "detail pages ≥ 300 req/s at 32 clients, p99 < 250 ms (gongkai serve)",
            f"{rate:g} req/s, p99 {p99:g} ms",
            rate >= 300 and p99 < 250,
        )
    ]


def rows() -> list[Row]:
    out = portal_rows(os.environ.get("BENCH_PORTAL", "portal_1m"))
    out += serve_rows()
    out.append(
        _simple("annual_report", "annual report over 100,000 applications < 1 s",
                _get("results", "annual_report_all_ms"), 1000, "ms")
    )  # fmt: skip
    out.append(
        _simple("monthly_report", "monthly report over 1,000,000 publications < 5 s",
                _get("results", "december_ms"), 5000, "ms")
    )  # fmt: skip
    out.append(
        _simple("catalog_import", "5,000-row catalog import < 5 s",
                _get("results", "import_5000_s"), 5, "s")
    )  # fmt: skip
    out.append(
        _simple("register_import", "5,000-row register import < 2 s",
                _get("results", "import_5000_s"), 2, "s")
    )  # fmt: skip
    out.append(
        _simple("publications_import", "bulk import of 1,000,000 items in minutes (≤ 15 min)",
                _get("results", "million_minutes"), 15, "min (extrapolated)")
    )  # fmt: skip
    return out


def main() -> None:
    table = rows()
    width = max(len(r.target) for r in table)
    print(f"{'target':<{width}}  {'measured':<40}  met   ratio")
    for r in table:
        met = "—" if r.met is None else ("yes" if r.met else "NO")
        print(f"{r.target:<{width}}  {r.measured:<40}  {met:<4}  {r.ratio}")
    missed = [r for r in table if r.met is False]
    unmeasured = [r for r in table if r.met is None]
    print(f"\n{len(table) - len(missed) - len(unmeasured)} met, {len(missed)} missed, "
          f"{len(unmeasured)} not measured")  # fmt: skip


if __name__ == "__main__":
    main()
