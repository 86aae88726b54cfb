"""The office's import of an old site's published information from its pages, in the background.

A county's old site exports thousands of items; checking and importing 10,000 of them takes
longer than a web request may (and longer than a proxy waits), so the upload becomes an ImportJob
and the work runs in a thread of the server process (gongkai has no task broker:
docs/adr/0001). The job goes CHECKING → CHECKED (a preview and the summary of what would be
imported) or REFUSED (every problem, nothing written) → on the office's confirmation IMPORTING →
DONE or FAILED. Both phases call the same all-or-nothing import as the command line
(gongkai.publications.archive.import_rows), so the page and the CLI behave identically.

Progress is kept in memory (SQLite lets no other connection write while the import's single
transaction is open), so a page served by another process shows the stage without the count. A
job whose thread died with the server (a restart mid-import) is shown as failed after
STALE_AFTER: its transaction was rolled back, so nothing was imported.

Upload a .zip holding the table (.xlsx, .csv or .jsonl) and the files its 附件 column names to
bring attachments along; a plain table brings none.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import close_old_connections, connection, transaction

from gongkai.core import clock
from gongkai.core.audit import audit
from gongkai.core.errors import GongkaiError, InvalidTransition, ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, User
from gongkai.publications import archive, checks, interchange
from gongkai.publications.models import Column, ImportJob, ImportStatus

log = logging.getLogger(__name__)

TABLE_SUFFIXES = (".xlsx", ".csv", ".jsonl")
PREVIEW_ROWS = 10
PREVIEW_FIELDS = ("标题", "发布日期", "索引号", "文号", "栏目", "公开单位", "正文")
STALE_AFTER = dt.timedelta(minutes=30)
# A zip of attachments may be large, but not a bomb: the same bound as a catalog workbook's.
MAX_UNPACKED_BYTES = 500 * 1024 * 1024

_progress: dict[int, tuple[int, int]] = {}
_progress_lock = threading.Lock()


def _may_import(actor: User | None) -> None:
    if actor is not None:
        permissions.require(
            permissions.is_office(actor),
            "只有县政务公开办可以批量导入已公开信息。",
            log="publication import: not office",
        )


def _check_name(filename: str) -> None:
    if not filename.lower().endswith((*TABLE_SUFFIXES, ".zip")):
        raise ValidationFailed(
            "请上传.xlsx、.csv或.jsonl文件；带附件的，把表格和附件文件一起压缩成.zip上传。",
            log=f"publication import: bad file name {filename!r}",
        )


@transaction.atomic
def import_job_create(
    *,
    actor: User | None,
    filename: str,
    data: bytes,
    unit: Unit | None = None,
    default_column: Column | None = None,
    override_reason: str = "",
    start: bool = True,
) -> ImportJob:
    """Keep the uploaded file as a job and start checking it in the background (office only).

    Nothing is imported until the office confirms the checked job (import_job_confirm).
    ``start=False`` leaves the check to the caller (run_job), as tests and commands may do.
    """
    _may_import(actor)
    _check_name(filename)
    if len(data) > settings.GONGKAI_MAX_UPLOAD_BYTES:
        raise ValidationFailed("文件过大，请拆分后分别导入。", log="publication import: too big")
    job = ImportJob(
        filename=filename[:200],
        unit=unit,
        default_column=default_column,
        override_reason=override_reason.strip(),
        created_by=actor,
    )
    job.file.save(Path(filename).name or "import", ContentFile(data), save=False)
    job.save()
    audit(
        actor=actor,
        action="publication.import_upload",
        target=job,
        unit_code=unit.code if unit else "",
        summary=f"上传已公开信息导入文件“{job.filename}”",
        data={"bytes": len(data)},
    )
    if start:
        transaction.on_commit(lambda: start_thread(job.pk))
    return job


@transaction.atomic
def import_job_confirm(*, actor: User | None, job: ImportJob, start: bool = True) -> ImportJob:
    """Import a checked job (office only); it runs in the background like the check."""
    _may_import(actor)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.CHECKED:
        raise InvalidTransition(
            f"该导入当前为“{job.get_status_display()}”，只有检查完毕的导入可以确认。",
            log=f"import job {job.pk}: confirm at {job.status}",
        )
    job.status = ImportStatus.IMPORTING
    job.done = 0
    job.save(update_fields=["status", "done", "updated_at"])
    audit(
        actor=actor,
        action="publication.import_confirm",
        target=job,
        summary=f"确认导入“{job.filename}”{job.total}条",
    )
    if start:
        transaction.on_commit(lambda: start_thread(job.pk))
    return job


def start_thread(job_id: int) -> threading.Thread:
    """Run the job's current phase in a daemon thread of this process."""
    thread = threading.Thread(
        target=_thread_main, args=(job_id,), name=f"import-{job_id}", daemon=True
    )
    thread.start()
    return thread


def _thread_main(job_id: int) -> None:
    """A thread has its own database connection: open it fresh, and close it when done."""
    close_old_connections()
    try:
        run_job(job_id)
    finally:
        connection.close()


def progress_of(job: ImportJob) -> tuple[int, int] | None:
    """(done, total) of a job running in this process, else None."""
    with _progress_lock:
        return _progress.get(job.pk)


def _set_progress(job_id: int) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        with _progress_lock:
            _progress[job_id] = (done, total)

    return report


def settled(job: ImportJob) -> ImportJob:
    """The job as a page should show it: a running job not heard of for STALE_AFTER died with
    its server (its transaction rolled back, nothing imported) and is marked failed."""
    if job.is_running and clock.now() - job.updated_at > STALE_AFTER and not progress_of(job):
        ImportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=ImportStatus.FAILED,
            problems=["导入中断（服务器可能已重启），未导入任何信息。请重新上传。"],
            finished_at=clock.now(),
            updated_at=clock.now(),
        )
        job.refresh_from_db()
    return job


def _safe_extract(data: bytes, into: Path) -> Path:
    """Unpack an uploaded zip into ``into`` and return the one table file in it. Names that
    leave the folder, links and bombs are refused."""
    try:
        archive_file = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValidationFailed("压缩包无法打开，请重新压缩后上传。", log="import zip bad") from exc
    with archive_file:
        members = [m for m in archive_file.infolist() if not m.is_dir()]
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise ValidationFailed("压缩包解压后过大，请拆分后分别导入。", log="import zip big")
        for member in members:
            name = PurePosixPath(member.filename.replace("\\", "/"))
            if name.is_absolute() or ".." in name.parts:
                raise ValidationFailed(
                    f"压缩包中的文件名“{member.filename}”不安全，请重新压缩后上传。",
                    log="import zip traversal",
                )
            target = into.joinpath(*name.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive_file.open(member) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)
    tables = [p for p in into.iterdir() if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES]
    if len(tables) != 1:
        raise ValidationFailed(
            "压缩包的第一层应有且只有一个表格文件（.xlsx、.csv或.jsonl），附件放在同一压缩包中。",
            log=f"import zip: {len(tables)} tables",
        )
    return tables[0]


def _preview(parsed: Any) -> list[list[str]]:
    """The first rows, one cell per PREVIEW_FIELDS; the body's opening with personal data
    masked, as every staff page shows it."""
    rows = []
    for row in parsed.rows[:PREVIEW_ROWS]:
        cells = [_shown(row.get(name)) for name in PREVIEW_FIELDS[:-1]]
        body, _found = checks.mask_personal_data(str(row.get("正文") or ""))
        rows.append([*cells, body[:80]])
    return rows


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:200]


def run_job(job_id: int) -> None:
    """Check (CHECKING) or import (IMPORTING) one job, and record how it ended. The thread's
    body; also called directly where no thread is wanted."""
    try:
        job = ImportJob.objects.select_related("unit", "default_column", "created_by").get(
            pk=job_id
        )
        importing = job.status == ImportStatus.IMPORTING
        if job.status not in (ImportStatus.CHECKING, ImportStatus.IMPORTING):
            return
        with tempfile.TemporaryDirectory(prefix="gongkai-import-") as folder:
            with job.file.open("rb") as handle:
                data = handle.read()
            attachments: Path | None = None
            name = job.filename
            if name.lower().endswith(".zip"):
                table = _safe_extract(data, Path(folder))
                data, name, attachments = table.read_bytes(), table.name, table.parent
            parsed = interchange.read(data, name)
            if parsed.problems:
                raise ValidationFailed(
                    "文件无法读取，未导入任何信息。",
                    log=f"import job {job_id}: unreadable",
                    problems=list(parsed.problems),
                )
            summary = archive.import_rows(
                actor=job.created_by,
                parsed=parsed,
                unit=job.unit,
                override_reason=job.override_reason,
                default_column=job.default_column,
                attachments_dir=attachments,
                dry_run=not importing,
                progress=_set_progress(job_id),
            )
        _finish(
            job,
            ImportStatus.DONE if importing else ImportStatus.CHECKED,
            summary=summary,
            preview=_preview(parsed),
            total=len(parsed.rows),
        )
        if importing:
            audit(
                actor=job.created_by,
                action="publication.import_done",
                target=job,
                summary=f"导入已公开信息{summary.get('imported', 0)}条（{job.filename}）",
                data=summary,
            )
    except GongkaiError as err:
        problems = [str(p) for p in getattr(err, "problems", [])]
        job = ImportJob.objects.get(pk=job_id)
        status = (
            ImportStatus.FAILED if job.status == ImportStatus.IMPORTING else ImportStatus.REFUSED
        )
        _finish(job, status, problems=[err.message, *problems])
    except Exception:
        log.exception("import job %s failed", job_id)
        job = ImportJob.objects.get(pk=job_id)
        _finish(
            job,
            ImportStatus.FAILED,
            problems=["导入时发生内部错误，未导入任何信息。请把文件交给系统管理员检查。"],
        )
    finally:
        with _progress_lock:
            _progress.pop(job_id, None)


def _finish(job: ImportJob, status: str, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.status = status
    job.finished_at = clock.now()
    if status in (ImportStatus.CHECKED, ImportStatus.DONE):
        job.done = job.total
    job.save()
