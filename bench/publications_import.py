"""How fast an old site's 10,000 published items are read, checked, imported and exported.

A county moving to gongkai brings a few thousand to tens of thousands of items (issue 8). This
writes ``ROWS`` seeded pseudo-notices (about 1,100 characters of body each, 索引号 on most, 文号 on
half, some 栏目 the tree lacks) as .jsonl, GB18030 .csv and .xlsx, then times on a throw-away
SQLite test database: reading each file (interchange.read), the all-or-nothing check alone
(import_rows dry run), the import itself (bulk inserts, one checker, search index in batches),
the export back to .jsonl and .xlsx, and a search by 文号 and by exact title among the imported
items. The .xlsx is written by openpyxl, as our own export is: inline strings as character
references and no stored dimension, which makes openpyxl read the sheet twice, a worst case next
to a workbook saved by Excel or WPS. The memory a fresh process needs to read the .xlsx (and,
for comparison, the .jsonl) is measured in a child process.

Then the province's bulk import (issue 10: a million items "in minutes"): ``BENCH_BULK_ROWS``
items (default 50,000) as .jsonl files of ``BENCH_BULK_FILE`` rows (default 25,000; one import
takes at most interchange.MAX_ROWS), each imported on its own into one growing throw-away
database, as a province brings in its counties' archives. Per file: reading, the import's check
and write phases, wall and CPU seconds, items per second of each, peak memory growth; then the
database's size against its text and the time 1,000,000 items would take at the last file's
rate. DEBUG is off, as in production. Run with ``python -m bench.publications_import``;
``BENCH_ROWS=0`` or ``BENCH_BULK_ROWS=0`` skips a part.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.test.utils import override_settings
from openpyxl import Workbook

from bench.database import throwaway_database, write_results

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
BULK_ROWS = int(os.environ.get("BENCH_BULK_ROWS", "50000"))
BULK_FILE = int(os.environ.get("BENCH_BULK_FILE", "25000"))
SEED = 20260801
COLUMNS = ["通知公告", "工作动态", "政策解读", "部门动态", "乡镇动态", ""]
TOPICS = ["民政、扶贫、救灾", "综合政务", "农业、林业、水利", ""]
PHRASES = [
    "为进一步做好城乡居民最低生活保障工作",
    "根据《社会救助暂行办法》和省、市有关文件精神",
    "经县人民政府研究同意",
    "现将有关事项通知如下",
    "各乡镇要高度重视，明确分管领导和具体经办人员",
    "严格按照申请、审核、审批程序办理",
    "对符合条件的困难群众做到应保尽保",
    "资金实行社会化发放，按月足额打卡到户",
    "县民政局将会同县财政局适时开展督查",
    "请于每月5日前将上月工作情况报县民政局社会救助股",
    "本通知自印发之日起施行",
    "农村低保标准提高到每人每年5280元",
]


def _body(rng: random.Random, n: int) -> str:
    paragraphs = []
    while sum(len(p) for p in paragraphs) < 1100:
        sentences = rng.sample(PHRASES, k=4)
        paragraphs.append("，".join(sentences) + f"（第{n}号）。")
    return "\n".join(paragraphs)


def _rows(rng: random.Random, count: int = ROWS, start: int = 0) -> list[dict[str, str]]:
    rows = []
    for n in range(start, start + count):
        year = 2012 + n % 12
        day = f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        published = day if n % 3 else f"{day} {8 + n % 10}:{n % 60:02d}"
        rows.append(
            {
                "标题": f"关于做好{year}年第{n}批城乡低保资金发放工作的通知",
                "正文": _body(rng, n),
                "发布日期": published,
                "索引号": f"MZJ-1600-{year}-{n:05d}" if n % 5 else "",
                "文号": f"石民字〔{year}〕{n}号" if n % 2 else "",
                "栏目": COLUMNS[n % len(COLUMNS)],
                "主题分类": TOPICS[n % len(TOPICS)],
                "公开单位": "县民政局",
                "原网址": f"http://www.shicheng.gov.cn/art/{year}/art_{n}.html",
            }
        )
    return rows


def _files(rows: list[dict[str, str]]) -> dict[str, bytes]:
    names = list(rows[0])
    jsonl = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=names, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("信息")
    sheet.append(names)
    for row in rows:
        sheet.append([row[name] for name in names])
    xlsx = io.BytesIO()
    book.save(xlsx)
    return {
        "jsonl": jsonl,
        "csv": text.getvalue().encode("gb18030"),
        "xlsx": xlsx.getvalue(),
    }


def _timed(fn: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    result = fn()
    return result, round(time.perf_counter() - began, 3)


# VmHWM, not ru_maxrss: a child inherits its parent's ru_maxrss across fork, and the bench's own
# process is large by then; VmHWM belongs to the child's fresh address space.
_READ_MEMORY = """
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from gongkai.publications import interchange
def peak():
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) // 1024
data = open(sys.argv[1], "rb").read()
before = peak()
parsed = interchange.read(data, sys.argv[1])
print(json.dumps({"rows": len(parsed.rows), "growth_mb": peak() - before}))
"""


def _read_memory(data: bytes, fmt: str) -> int:
    """How much a fresh process grows while reading the file (the rows themselves included)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"old.{fmt}"
        path.write_bytes(data)
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", _READ_MEMORY, str(path)],
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            check=True,
            text=True,
        )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["rows"] == ROWS, result
    return int(result["growth_mb"])


def _run(files: dict[str, bytes]) -> dict[str, Any]:
    from gongkai.orgs.models import Unit, UnitKind
    from gongkai.publications import archive, interchange, search
    from gongkai.publications.models import Publication

    Unit.objects.create(code="MZJ", name="县民政局", kind=UnitKind.DEPARTMENT)
    results: dict[str, Any] = {}
    parsed = {}
    for fmt, data in files.items():
        parsed[fmt], seconds = _timed(lambda d=data, f=fmt: interchange.read(d, f"old.{f}"))
        assert not parsed[fmt].problems, parsed[fmt].problems[:3]
        results[f"read_{fmt}_s"] = seconds
        results[f"{fmt}_mb"] = round(len(data) / 1048576, 1)
    for fmt in ("xlsx", "jsonl"):
        results[f"read_{fmt}_memory_mb"] = _read_memory(files[fmt], fmt)
    summary, results["check_only_s"] = _timed(
        lambda: archive.import_rows(actor=None, parsed=parsed["xlsx"], dry_run=True)
    )
    summary, results["import_s"] = _timed(
        lambda: archive.import_rows(actor=None, parsed=parsed["xlsx"])
    )
    results["imported"] = summary["imported"]
    results["index_numbers_new"] = summary["index_numbers_new"]
    results["unmapped_columns"] = summary["unmapped_columns"]
    published = Publication.objects.published()
    for fmt in ("jsonl", "xlsx"):
        data, results[f"export_{fmt}_s"] = _timed(
            lambda f=fmt: interchange.export(published, f)  # type: ignore[arg-type]
        )
        results[f"export_{fmt}_mb"] = round(len(data) / 1048576, 1)
    for label, query, expected in (
        ("search_doc_number_ms", "石民字（2019）7号", "石民字〔2019〕7号"),
        ("search_title_ms", "关于做好2019年第7批城乡低保资金发放工作的通知", None),
    ):
        page, seconds = _timed(lambda q=query: search.search(q, published))
        first = page.items[0]
        assert expected is None or first.doc_number == expected, first.doc_number
        assert expected is not None or first.title == query, first.title
        results[label] = round(seconds * 1000, 1)
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return results


def _status_mb(field: str) -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(f"{field}:"))
    return int(line.split()[1]) // 1024


def _reset_peak() -> None:
    """Start VmHWM again from the current RSS (Linux: 5 > clear_refs), so the peak of one import
    is measured and not the bench's earlier peaks."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def _database_bytes() -> tuple[int, int]:
    """(bytes of the whole database, bytes of the items' text: title, 文号 and body_text)."""
    from django.db import connection

    from gongkai.publications.models import Publication

    table = Publication._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            size = pages * cursor.fetchone()[0]
            length = "LENGTH(CAST({} AS BLOB))"
        else:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
            length = "OCTET_LENGTH({})"
        parts = " + ".join(length.format(c) for c in ("title", "doc_number", "body_text"))
        cursor.execute(f"SELECT COALESCE(SUM({parts}), 0) FROM {table}")  # noqa: S608 - constants
        text = cursor.fetchone()[0]
    return int(size), int(text)


def _bulk() -> dict[str, Any]:
    """Import ``BULK_ROWS`` items in files of ``BULK_FILE`` rows (at most interchange.MAX_ROWS,
    the most one import takes) into one throw-away database, the way a province brings its
    counties' archives in: each file one all-or-nothing import. Returns, per file, the reading
    time, the import's check and write phases (split where progress passes the last row
    checked), items per second, the process's peak memory growth, and finally the database's
    size against the size of the text it holds, and the time 1,000,000 items would take at the
    last file's rate (every file is slower than the one before as the tables grow)."""
    from gongkai.orgs.models import Unit, UnitKind
    from gongkai.publications import archive, interchange

    rng = random.Random(SEED + 1)  # noqa: S311 - reproducible test data, not security
    Unit.objects.create(code="MZJ", name="县民政局", kind=UnitKind.DEPARTMENT)
    files = []
    for start in range(0, BULK_ROWS, BULK_FILE):
        count = min(BULK_FILE, BULK_ROWS - start)
        data = "".join(
            json.dumps(row, ensure_ascii=False) + "\n" for row in _rows(rng, count, start)
        ).encode()
        parsed, read_s = _timed(lambda d=data: interchange.read(d, "old.jsonl"))
        assert not parsed.problems, parsed.problems[:3]
        checked_at: list[float] = []

        def progress(
            done: int, total: int, rows: int = count, marks: list[float] = checked_at
        ) -> None:
            if done >= rows and not marks:
                marks.append(time.perf_counter())

        gc.collect()
        rss = _status_mb("VmRSS")
        _reset_peak()
        began, cpu = time.perf_counter(), time.process_time()
        summary = archive.import_rows(actor=None, parsed=parsed, progress=progress)
        ended, cpu = time.perf_counter(), time.process_time() - cpu
        assert summary["imported"] == count, summary
        seconds = ended - began
        checked = (checked_at[0] if checked_at else ended) - began
        entry = {
            "rows": count,
            "already_in_database": start,
            "read_jsonl_s": read_s,
            "check_s": round(checked, 2),
            "write_s": round(seconds - checked, 2),
            "import_s": round(seconds, 2),
            "items_per_s": round(count / seconds),
            # The import runs in one thread: its CPU time is what it costs on an idle machine
            # (the wall time includes waiting for the CPU when the machine is shared).
            "import_cpu_s": round(cpu, 2),
            "items_per_cpu_s": round(count / cpu),
            "peak_growth_mb": _status_mb("VmHWM") - rss,
        }
        files.append(entry)
        print(f"bulk import {start + count:>7}: {json.dumps(entry)}", flush=True)
        del parsed, data
    size, text = _database_bytes()
    last = files[-1]
    rate = last["rows"] / (last["read_jsonl_s"] + last["import_s"])
    cpu_rate = last["rows"] / (last["read_jsonl_s"] + last["import_cpu_s"])
    return {
        "rows": BULK_ROWS,
        "file_rows": BULK_FILE,
        "files": files,
        "database_mb": round(size / 1048576, 1),
        "text_mb": round(text / 1048576, 1),
        "database_to_text": round(size / text, 2) if text else None,
        "database_bytes_per_item": round(size / BULK_ROWS),
        "million_minutes_at_last_rate": round(1_000_000 / rate / 60, 1),
        "million_minutes_at_last_cpu_rate": round(1_000_000 / cpu_rate / 60, 1),
    }


def main() -> None:
    # As in production: DEBUG keeps every statement (with its parameters, whole bodies) in memory.
    with override_settings(DEBUG=False):
        results: dict[str, Any] = {}
        if ROWS:
            rng = random.Random(SEED)  # noqa: S311 - reproducible test data, not security
            files = _files(_rows(rng))
            with throwaway_database():
                results = _run(files)
            print("publications import:", json.dumps(results, ensure_ascii=False), flush=True)
        bulk: dict[str, Any] = {}
        if BULK_ROWS:
            with throwaway_database():
                bulk = _bulk()
            print("publications bulk import:", json.dumps(bulk, ensure_ascii=False), flush=True)
            last = bulk["files"][-1]
            results["bulk_items_per_s"] = last["items_per_s"]
            results["bulk_items_per_cpu_s"] = last["items_per_cpu_s"]
            results["million_minutes"] = bulk["million_minutes_at_last_rate"]
            results["million_minutes_cpu"] = bulk["million_minutes_at_last_cpu_rate"]
    write_results("publications_import", {"rows": ROWS, "results": results, "bulk": bulk})


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
