"""How long `gongkai audit verify` takes on a million audit entries, and what appending costs.

A county writes some thousands of entries a month; a province platform, or ten years of a county,
reaches a million. Here ``BENCH_AUDIT_ENTRIES`` (default 1,000,000) chained entries are written
into a throw-away test database (in batches through gongkai.core.auditchain.insert, as imports
write them; summaries and details like the services'), then timed: the whole chain verified
(streamed, ``auditchain.verify``), one ``audit()`` appended at the end of a million, and one
month's export to .xlsx. Peak memory is the process's maximum resident size, before and after the
verification. Run with ``python -m bench.audit_verify``; DATABASE_URL=postgres://… for PostgreSQL.
"""

from __future__ import annotations

import json
import os
import random
import resource
import tempfile
import time
from typing import Any

from django.db import connection, transaction

from bench.database import median_ms, throwaway_database, write_results

ENTRIES = int(os.environ.get("BENCH_AUDIT_ENTRIES", "1000000"))
BATCH = 20_000
ACTIONS = [
    "publication.approve",
    "publication.submit",
    "application.received",
    "application.replied",
    "catalog.approved",
    "login",
    "login.failed",
    "unit.update",
]


def _maxrss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _fill(rng: random.Random) -> float:
    """Write ENTRIES chained entries; return the seconds it took."""
    from gongkai.core import auditchain
    from gongkai.core.models import AuditEntry

    started = time.perf_counter()
    written = 0
    while written < ENTRIES:
        size = min(BATCH, ENTRIES - written)
        batch = []
        for i in range(size):
            n = written + i
            action = ACTIONS[n % len(ACTIONS)]
            batch.append(
                AuditEntry(
                    action=action,
                    target_type="publications.publication",
                    target_id=str(rng.randrange(1, 200_000)),
                    unit_code=f"U{rng.randrange(300):03d}",
                    summary=f"县民政局 2026-{n % 1000:05d} 关于做好城乡低保动态管理工作的通知 {action}",
                    data={"from": "draft", "to": "published", "n": n} if n % 3 == 0 else {},
                )
            )
        with transaction.atomic():
            auditchain.insert(batch)
        written += size
    return time.perf_counter() - started


def main() -> None:
    from gongkai.core import audit_export, auditchain
    from gongkai.core.audit import audit

    rng = random.Random(12)  # noqa: S311 - test data
    with throwaway_database():
        fill_s = _fill(rng)
        rss_before = _maxrss_mb()
        wall = time.perf_counter()
        cpu = time.process_time()
        verdict = auditchain.verify()
        verify_s = time.perf_counter() - wall
        verify_cpu_s = time.process_time() - cpu
        assert verdict.intact and verdict.count == ENTRIES, verdict
        rss_after = _maxrss_mb()

        def append() -> None:
            with transaction.atomic():
                audit(actor=None, action="bench.append", target_type="bench", summary="追加一条")

        append_ms = median_ms(append, repeats=5)
        month = audit_export.Period(action="publication.approve")

        def export_month() -> None:
            with tempfile.TemporaryFile() as handle:
                audit_export.write_xlsx(handle, month)

        export_count = audit_export.entries(month).count()
        export_ms = median_ms(export_month, repeats=1)
        results: dict[str, Any] = {
            "entries": ENTRIES,
            "fill_s": round(fill_s, 1),
            "verify_s": round(verify_s, 2),
            "verify_cpu_s": round(verify_cpu_s, 2),
            "verify_entries_per_s": round(ENTRIES / verify_s),
            "maxrss_mb_before_verify": rss_before,
            "maxrss_mb_after_verify": rss_after,
            "append_at_end_ms": round(append_ms, 2),
            "export_xlsx_entries": export_count,
            "export_xlsx_s": round(export_ms / 1000, 2),
        }
    write_results("audit_verify" + ("_pg" if connection.vendor == "postgresql" else ""), results)
    print("audit_verify:", json.dumps(results))


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
