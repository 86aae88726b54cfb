"""The audit log for inspectors: entries of a period (and a unit) as .xlsx or .csv, and the
result of the latest chain check.

Used by ``gongkai audit export`` and the office's staff page (gongkai.orgs.audit_pages), so both
hand out the same file. Text from people is written so that no spreadsheet takes it for a
formula: .xlsx cells through gongkai.core.xlsx, .csv cells starting with ``= + - @`` (or TAB/CR)
prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook

from gongkai.core import auditchain, xlsx
from gongkai.core.audit_labels import action_label
from gongkai.core.models import AuditEntry, TaskRun

VERIFY_TASK = "audit_verify"
HEADERS = [
    "编号",
    "时间",
    "操作人",
    "操作",
    "操作名称",
    "对象类型",
    "对象编号",
    "单位代码",
    "摘要",
    "详情",
    "上一条哈希",
    "哈希",
]


@dataclass(frozen=True)
class Period:
    """Entries from ``start`` to ``end`` inclusive (local dates), optionally of one unit."""

    start: dt.date | None = None
    end: dt.date | None = None
    unit_code: str = ""
    action: str = ""

    def describe(self) -> str:
        start = f"{self.start:%Y-%m-%d}" if self.start else "最早"
        end = f"{self.end:%Y-%m-%d}" if self.end else "最新"
        unit = f"，单位 {self.unit_code}" if self.unit_code else ""
        action = f"，操作 {self.action}" if self.action else ""
        return f"{start} 至 {end}{unit}{action}"


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def entries(period: Period) -> QuerySet[AuditEntry]:
    """The entries of ``period``, oldest first, with their actors."""
    found = AuditEntry.objects.select_related("actor").order_by("id")
    if period.start:
        found = found.filter(at__gte=_day_start(period.start))
    if period.end:
        found = found.filter(at__lt=_day_start(period.end + dt.timedelta(days=1)))
    if period.unit_code:
        found = found.filter(unit_code=period.unit_code)
    if period.action:
        found = found.filter(action__startswith=period.action)
    return found


def _actor(entry: AuditEntry) -> str:
    if entry.actor is None:
        return "（命令行或系统）"
    name = getattr(entry.actor, "full_name", "") or ""
    return f"{name}（{entry.actor.username}）" if name else entry.actor.username


def rows(found: QuerySet[AuditEntry]) -> Iterator[list[Any]]:
    """One row per entry, in HEADERS' order, streamed."""
    for entry in found.iterator(chunk_size=2000):
        yield [
            entry.pk,
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            _actor(entry),
            entry.action,
            action_label(entry.action),
            entry.target_type,
            entry.target_id,
            entry.unit_code,
            entry.summary,
            json.dumps(entry.data, ensure_ascii=False, sort_keys=True) if entry.data else "",
            entry.prev_hash,
            entry.hash,
        ]


def last_check() -> dict[str, Any] | None:
    """The latest chain check (``gongkai audit verify`` or the staff page), or None."""
    run = TaskRun.objects.filter(name=VERIFY_TASK).first()
    if run is None or run.finished_at is None:
        return None
    return {"at": run.finished_at, "ok": bool(run.ok), **run.outcome}


def check_and_record() -> auditchain.Verdict:
    """Verify the whole chain and keep the result for the staff page."""
    started = timezone.now()
    verdict = auditchain.verify()
    problem = verdict.problem
    outcome: dict[str, Any] = {"count": verdict.count, "head": verdict.head}
    if problem is not None:
        outcome["problem"] = {
            "id": problem.entry_id,
            "at": problem.at.isoformat() if problem.at else "",
            "reason": problem.reason,
        }
    TaskRun.objects.update_or_create(
        name=VERIFY_TASK,
        defaults={
            "started_at": started,
            "finished_at": timezone.now(),
            "ok": verdict.intact,
            "outcome": outcome,
            "error": problem.reason if problem else "",
        },
    )
    return verdict


def describe_check(check: dict[str, Any] | None) -> str:
    """One Chinese sentence on the chain's state, for the file and the page."""
    if check is None:
        return "审计链尚未校验（运行 gongkai audit verify）。"
    at = timezone.localtime(check["at"]).strftime("%Y-%m-%d %H:%M")
    if check["ok"]:
        return f"{at} 校验：审计链完整，共 {check.get('count', 0)} 条，末条哈希 {check.get('head', '')}。"
    problem = check.get("problem") or {}
    return (
        f"{at} 校验：审计链在第 {problem.get('id', '?')} 号记录处断开：{problem.get('reason', '')}"
    )


def write_xlsx(target: str | IO[bytes], period: Period) -> int:
    """Write the entries of ``period`` and a sheet about the file to ``target``; return the
    number of entries. Streams (write-only workbook), so a year of entries fits in memory."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    sheet.append(HEADERS)
    count = 0
    for row in rows(entries(period)):
        xlsx.write_row(sheet, row)
        count += 1
    about = book.create_sheet("说明")
    for line in _about(period, count):
        xlsx.write_row(about, line)
    book.save(target)
    return count


def _about(period: Period, count: int) -> Iterable[list[str]]:
    yield ["范围", period.describe()]
    yield ["条数", str(count)]
    yield ["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")]
    yield ["审计链", describe_check(last_check())]
    yield [
        "哈希说明",
        "每条记录的哈希为 SHA-256，覆盖时间、操作人、操作、对象、单位、摘要、详情和上一条哈希；"
        "用 gongkai audit verify 校验整条链。",
    ]


def _csv_text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(xlsx.FORMULA_START):
        return "'" + value
    return value


def write_csv(target: IO[str], period: Period) -> int:
    """Write the entries of ``period`` as CSV (UTF-8 with BOM, so Excel reads the Chinese)."""
    target.write("\ufeff")
    writer = csv.writer(target)
    writer.writerow(HEADERS)
    count = 0
    for row in rows(entries(period)):
        writer.writerow([_csv_text(value) for value in row])
        count += 1
    return count


def csv_bytes(period: Period) -> bytes:
    """The CSV of ``period`` as bytes, for a download."""
    buffer = io.StringIO()
    write_csv(buffer, period)
    return buffer.getvalue().encode("utf-8")
