"""The ledger as files: a plan's workbook (progress per task, every unit's part), one unit's
台账.xlsx, and one unit's evidence (佐证材料) as a zip with a folder per task.

Seed 003 complains that no township could produce a complete ledger; the zip is that ledger, ready
for an acceptance check (验收). It is written into a file object the caller provides (a temporary
file on disk for a download), copying each evidence file in chunks, so a unit with gigabytes of
scans never sits in memory.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import IO, Any

from django.utils import timezone

from gongkai.ledger import excel, selectors
from gongkai.ledger.models import STATUS_ORDER, AssignmentStatus, Task, WorkPlan
from gongkai.orgs.models import Unit

LEDGER_NAME = "台账.xlsx"
FOLDER_CHARS = 24
FILE_CHARS = 80
# Already compressed: storing them again deflated costs time and saves nothing.
STORED_KINDS = frozenset({"pdf", "jpg", "png", "docx", "xlsx", "ofd"})
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')

PLAN_HEADER = [
    "序号",
    "工作任务",
    "牵头责任单位",
    "主体责任单位",
    "时限要求",
    "责任单位数",
    *[AssignmentStatus(s).label for s in STATUS_ORDER],
    "逾期单位数",
    "逾期天数",
    "佐证材料数",
]
DETAIL_HEADER = [
    "序号",
    "工作任务",
    "责任单位",
    "状态",
    "报送日期",
    "落实情况",
    "佐证材料数",
    "逾期天数",
    "退回原因",
]
UNIT_HEADER = [
    "序号",
    "工作任务",
    "时限要求",
    "状态",
    "报送日期",
    "确认日期",
    "落实情况",
    "退回原因",
    "逾期天数",
    "佐证材料",
]


def safe_name(name: str, *, limit: int = FILE_CHARS) -> str:
    """A file or folder name safe in any zip reader and file system: no separators, no control
    characters, no leading dots (so never ``..``), at most ``limit`` characters with the
    extension kept."""
    text = unicodedata.normalize("NFC", name)
    text = _UNSAFE.sub("_", text).strip().lstrip(".").strip()
    if not text:
        text = "文件"
    suffix = PurePath(text).suffix
    if len(suffix) > 10:
        suffix = ""
    stem = text[: len(text) - len(suffix)] if suffix else text
    stem = stem[: max(limit - len(suffix), 1)].rstrip(" .")
    return (stem or "文件") + suffix


def task_folder(task: Task) -> str:
    """ "01 出台全面推进基层政务公开标准化规范化工…": the number, then the task's text up to its
    first comma or FOLDER_CHARS characters."""
    head = re.split(r"[，,。；;：:]", task.text, maxsplit=1)[0]
    if len(head) > FOLDER_CHARS:
        head = head[: FOLDER_CHARS - 1] + "…"
    return safe_name(f"{task.number:02d} {head}", limit=FOLDER_CHARS + 4)


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)`` … when a file of that name (any case) is already in the folder."""
    candidate, n = name, 1
    path = PurePath(name)
    while candidate.lower() in taken:
        n += 1
        candidate = f"{path.stem} ({n}){path.suffix}"
    taken.add(candidate.lower())
    return candidate


def plan_workbook(plan: WorkPlan, out: IO[bytes], *, as_of: dt.date) -> None:
    """The plan's ledger: one sheet of tasks with their progress, one of every unit's part."""
    progress = selectors.plan_progress(plan, as_of=as_of)
    task_rows = (
        [
            p.task.number,
            p.task.text,
            p.task.lead_text,
            p.task.responsible_text or p.task.lead_text,
            p.task.deadline_text,
            p.total,
            *p.status_cells,
            p.overdue,
            p.days_overdue or "",
            p.evidence,
        ]
        for p in progress
    )
    excel.write_workbook(
        [
            ("任务进度", PLAN_HEADER, task_rows),
            ("落实明细", DETAIL_HEADER, selectors.plan_detail_rows(plan, as_of=as_of)),
        ],
        out,
    )


def _unit_rows(
    parts: Sequence[selectors.PartRow], paths: dict[int, str] | None
) -> Iterable[list[Any]]:
    for part in parts:
        a = part.assignment
        files = [paths.get(e.pk, e.name) if paths else e.name for e in part.evidence]
        yield [
            a.task.number,
            a.task.text,
            a.task.deadline_text,
            a.get_status_display(),
            a.reported_on,
            a.confirmed_at.date() if a.confirmed_at else None,
            a.report,
            a.return_reason,
            part.days_overdue or "",
            "\n".join(files),
        ]


def unit_workbook(
    plan: WorkPlan,
    unit: Unit,
    out: IO[bytes],
    *,
    as_of: dt.date,
    parts: Sequence[selectors.PartRow] | None = None,
    paths: dict[int, str] | None = None,
) -> None:
    """One unit's 台账: every task it carries, its status and its files (their paths in the zip
    when ``paths`` maps evidence ids to them)."""
    if parts is None:
        parts = selectors.unit_ledger(plan, unit, as_of=as_of)
    excel.write_workbook([(f"{unit.name}台账", UNIT_HEADER, _unit_rows(parts, paths))], out)


def unit_archive(plan: WorkPlan, unit: Unit, out: IO[bytes], *, as_of: dt.date) -> int:
    """Write the unit's evidence zip into ``out``: a folder per task it carries (empty folders
    too, so a missing piece shows), each file under a safe, unique name, and 台账.xlsx at the
    top listing every task, its status and its files. Returns the number of evidence files."""
    parts = selectors.unit_ledger(plan, unit, as_of=as_of)
    paths: dict[int, str] = {}
    count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for part in parts:
            folder = task_folder(part.assignment.task)
            archive.writestr(zipfile.ZipInfo(f"{folder}/"), b"")
            taken: set[str] = set()
            for evidence in part.evidence:
                name = _unique(safe_name(evidence.name), taken)
                path = f"{folder}/{name}"
                info = zipfile.ZipInfo(path, date_time=_zip_time(evidence.created_at))
                info.compress_type = (
                    zipfile.ZIP_STORED if evidence.kind in STORED_KINDS else zipfile.ZIP_DEFLATED
                )
                with (
                    evidence.file.open("rb") as source,
                    archive.open(info, "w", force_zip64=True) as target,
                ):
                    shutil.copyfileobj(source, target, 1024 * 1024)
                paths[evidence.pk] = path
                count += 1
        ledger = io.BytesIO()  # a few rows per task: small whatever the evidence weighs
        unit_workbook(plan, unit, ledger, as_of=as_of, parts=parts, paths=paths)
        archive.writestr(LEDGER_NAME, ledger.getvalue())
    return count


def _zip_time(moment: dt.datetime) -> tuple[int, int, int, int, int, int]:
    local = timezone.localtime(moment)
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)
