"""The office's import of an old site's published information from its pages, in the background.

A county's old site exports thousands of items; checking and importing 10,000 of them takes
longer than a web request may (and longer than a proxy waits), so the upload becomes an ImportJob
and the work runs in the background (gongkai has no task broker: docs/adr/0001). The job goes
CHECKING → CHECKED (a preview and the summary of what would be imported) or REFUSED (every
problem, nothing written) → on the office's confirmation IMPORTING → DONE or FAILED. Both phases
call the same all-or-nothing import as the command line (gongkai.publications.archive.import_rows),
so the page and the CLI behave identically.

Where a phase runs is GONGKAI_IMPORTS_IN (docs/adr/0010): "thread", a thread of the web process
that took the request (the embedded default, nothing to schedule), or "tick", the next
`gongkai tick` (run_queued), so web processes keep no work of their own. Either way the runner
first claims the job's lease ("import-job:<pk>", gongkai.core.leases), so exactly one process runs
a phase, and a job whose runner died is known by its lapsed lease.

Progress: the phase runs in one transaction, and SQLite lets no other connection write while it
is open, so on SQLite the count is kept in memory (a page served by the runner's own process shows
it, others show the stage). On PostgreSQL the count is also written to the job's row through a
second connection every few seconds, so every web process shows it. A running job whose lease
lapsed and that was not heard of for STALE_AFTER is shown as failed: its transaction was rolled
back, so nothing was imported.

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
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from time import monotonic
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    close_old_connections,
    connection,
    connections,
    transaction,
)

from gongkai.core import clock, zipguard
from gongkai.core.audit import audit
from gongkai.core.errors import GongkaiError, InvalidTransition, ValidationFailed
from gongkai.core.leases import (
    lease_acquire,
    lease_drop,
    lease_exists,
    lease_held,
    new_holder,
)
from gongkai.core.models import Lease
from gongkai.core.scheduling import hold_tick_for
from gongkai.core.uploads import ZIP_MAGIC
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, User
from gongkai.publications import archive, checks, interchange
from gongkai.publications.models import (
    RUNNING_IMPORT_STATUSES,
    Column,
    ImportJob,
    ImportStatus,
)

log = logging.getLogger(__name__)

TABLE_SUFFIXES = (".xlsx", ".csv", ".jsonl")
PREVIEW_ROWS = 10
PREVIEW_FIELDS = ("标题", "发布日期", "索引号", "文号", "栏目", "公开单位", "正文")
STALE_AFTER = dt.timedelta(minutes=30)
# How long a runner holds a job before others may take it for dead. Where progress can be written
# (PostgreSQL) the lease is renewed with it; on SQLite nothing can be written during the phase,
# so the lease must outlast it: STALE_AFTER plus a generous time per row (about ten times the
# measured 1–4 ms; bench/results/publications_import.json).
LEASE_PER_ROW = dt.timedelta(milliseconds=20)
PROGRESS_WRITE_EVERY_S = 3.0

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
    _refuse_unsafe(filename, data)
    return _import_job_store(
        actor=actor,
        filename=filename,
        data=data,
        unit=unit,
        default_column=default_column,
        override_reason=override_reason,
        start=start,
    )


def _refuse_unsafe(filename: str, data: bytes) -> None:
    """Refuse a bomb, a macro workbook or a DTD at upload, from the zip's directory and XML
    prologs (milliseconds, nothing inflated), so the office is told at once and no job is kept.
    Broken XML deeper in a sheet is found by the check (run_job)."""
    if not data.startswith(ZIP_MAGIC):
        return
    try:
        if filename.lower().endswith(".zip"):
            zipguard.check_archive(
                data, max_unpacked=zipguard.max_archive_unpacked_bytes(), what="压缩包"
            )
        else:
            zipguard.check_office_file(data, what="Excel文件")
    except zipguard.UnsafeArchive as exc:
        if exc.code == "bad_zip":
            return  # the check says so in the words of the file's kind
        raise ValidationFailed(exc.message, log=f"publication import refused: {exc.log}") from exc


@transaction.atomic
def _import_job_store(
    *,
    actor: User | None,
    filename: str,
    data: bytes,
    unit: Unit | None,
    default_column: Column | None,
    override_reason: str,
    start: bool,
) -> ImportJob:
    """Keep the file as a job (CHECKING) and schedule its check after the commit."""
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
        transaction.on_commit(lambda: dispatch(job.pk))
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
        transaction.on_commit(lambda: dispatch(job.pk))
    return job


def dispatch(job_id: int) -> None:
    """Hand the job's current phase to where GONGKAI_IMPORTS_IN says imports run: a thread now,
    or the next `gongkai tick` (nothing to do here: the job is queued by its status)."""
    if settings.GONGKAI_IMPORTS_IN == "thread":
        start_thread(job_id)


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
        run_claimed(job_id)
    finally:
        connection.close()


def lease_name(job_id: int) -> str:
    return f"import-job:{job_id}"


def _lease_ttl(job: ImportJob) -> dt.timedelta:
    # job.total is 0 while checking: the file's size stands in (a row is ~1 KB or more).
    rows = job.total or job.file.size // 512
    return STALE_AFTER + LEASE_PER_ROW * rows


def run_claimed(job_id: int) -> bool:
    """Run the job's current phase if this process can claim it; False if another runs it.

    Call outside any transaction: the claim must be seen by other processes at once.
    """
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status not in RUNNING_IMPORT_STATUSES:
        return False
    holder = new_holder()
    name = lease_name(job_id)
    ttl = _lease_ttl(job)
    if not lease_acquire(name, holder=holder, ttl=ttl):
        return False
    try:
        hold_tick_for(ttl)  # a tick running this import keeps other ticks out meanwhile
        run_job(job_id, lease=(name, holder, ttl))
    finally:
        lease_drop(name, holder=holder)
    return True


def run_queued() -> dict[str, Any]:
    """Run every queued phase of every job no other process runs, oldest first (`gongkai
    tick`, when GONGKAI_IMPORTS_IN is "tick"). Returns the ids run and the ids left to others."""
    ran: list[int] = []
    busy: list[int] = []
    queued = ImportJob.objects.filter(status__in=RUNNING_IMPORT_STATUSES).order_by("pk")
    for job_id in list(queued.values_list("pk", flat=True)):
        (ran if run_claimed(job_id) else busy).append(job_id)
    return {"ran": ran, "running_elsewhere": busy}


def progress_of(job: ImportJob) -> tuple[int, int] | None:
    """(done, total) of a job running in this process, else None."""
    with _progress_lock:
        return _progress.get(job.pk)


def _set_progress(job_id: int) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        with _progress_lock:
            _progress[job_id] = (done, total)

    return report


def progress_shown(job: ImportJob) -> tuple[int, int] | None:
    """(done, total) of a running job as any web process can tell it: from this process's
    memory, else from the row (written there on PostgreSQL), else None."""
    mine = progress_of(job)
    if mine is not None or not job.is_running:
        return mine
    return (job.done, job.total) if job.done else None


def settled(job: ImportJob) -> ImportJob:
    """The job as a page should show it: a running job whose runner's lease lapsed and that was
    not heard of for STALE_AFTER died with its process (its transaction rolled back, nothing
    imported), or was never picked up, and is marked failed."""
    if (
        job.is_running
        and clock.now() - job.updated_at > STALE_AFTER
        and not progress_of(job)
        and not lease_held(lease_name(job.pk))
    ):
        never_started = settings.GONGKAI_IMPORTS_IN == "tick" and not lease_exists(
            lease_name(job.pk)
        )
        problem = (
            "导入未能在后台开始，未导入任何信息。请联系系统管理员确认已按部署说明定时运行"
            "“gongkai tick”，然后重新上传。"
            if never_started
            else "导入中断（服务器可能已重启），未导入任何信息。请重新上传。"
        )
        try:
            ImportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=ImportStatus.FAILED,
                problems=[problem],
                finished_at=clock.now(),
                updated_at=clock.now(),
            )
        except DatabaseError:
            # SQLite held by a long write (perhaps this very job, past its lease): show it as
            # it stands and decide on a later visit.
            log.warning("import job %s: could not mark stale job failed", job.pk)
            return job
        job.refresh_from_db()
    return job


def _safe_extract(data: bytes, into: Path) -> Path:
    """Unpack an uploaded zip into ``into`` and return the one table file in it. Names that
    leave the folder, links and bombs are refused."""
    try:
        # The directory alone is read: too many members, too large unpacked, packed like a bomb,
        # encrypted or an odd method are refused before a byte is inflated. The zip's declared
        # sizes bound what is written (zipfile stops at them; see zipguard).
        zipguard.check_archive(
            data, max_unpacked=zipguard.max_archive_unpacked_bytes(), what="压缩包"
        )
    except zipguard.UnsafeArchive as exc:
        message = "压缩包无法打开，请重新压缩后上传。" if exc.code == "bad_zip" else exc.message
        raise ValidationFailed(message, log=f"import zip refused: {exc.log}") from exc
    try:
        archive_file = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValidationFailed("压缩包无法打开，请重新压缩后上传。", log="import zip bad") from exc
    with archive_file:
        members = [m for m in archive_file.infolist() if not m.is_dir()]
        for member in members:
            name = PurePosixPath(member.filename.replace("\\", "/"))
            if name.is_absolute() or ".." in name.parts:
                raise ValidationFailed(
                    f"压缩包中的文件名“{member.filename}”不安全，请重新压缩后上传。",
                    log="import zip traversal",
                )
            target = into.joinpath(*name.parts)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive_file.open(member) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                # A damaged member (bad CRC, truncated data), or names that clash on disk.
                raise ValidationFailed(
                    f"压缩包中的文件“{member.filename}”已损坏，无法解压，请重新压缩后上传。",
                    log=f"import zip member {member.filename!r}: {exc}",
                ) from exc
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


def run_job(job_id: int, *, lease: tuple[str, str, dt.timedelta] | None = None) -> None:
    """Check (CHECKING) or import (IMPORTING) one job, and record how it ended. The body of
    run_claimed (which holds the job's ``lease`` and has it renewed with progress where the
    database allows); also called directly, without a claim, where nothing else can run it."""
    report, close_report = _progress_reporter(job_id, lease)
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
                progress=report,
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
        close_report()
        with _progress_lock:
            _progress.pop(job_id, None)


def _progress_reporter(
    job_id: int, lease: tuple[str, str, dt.timedelta] | None
) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """The progress callback for a phase, and what to call when the phase ends.

    Always into this process's memory. Beyond SQLite, also onto the job's row (done, total,
    updated_at) and the lease's expiry through a second connection, every few seconds, outside
    the phase's transaction, so other processes see the count and that the runner is alive.
    """
    memory = _set_progress(job_id)
    if connection.vendor == "sqlite":
        return memory, lambda: None
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = side.ops.quote_name(ImportJob._meta.db_table)
    last = monotonic()

    def report(done: int, total: int) -> None:
        nonlocal last
        memory(done, total)
        if monotonic() - last < PROGRESS_WRITE_EVERY_S:
            return
        last = monotonic()
        try:
            with side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET done = %s, total = %s, updated_at = %s WHERE id = %s",  # noqa: S608 - the table name is our own
                    [done, total, clock.now(), job_id],
                )
            if lease is not None:
                name, holder, ttl = lease
                with side.cursor() as cursor:
                    lease_table = side.ops.quote_name(Lease._meta.db_table)
                    cursor.execute(
                        f"UPDATE {lease_table} SET expires_at = %s WHERE name = %s AND holder = %s",  # noqa: S608
                        [clock.now() + ttl, name, holder],
                    )
        except DatabaseError:
            log.warning("import job %s: progress not written", job_id, exc_info=True)

    return report, side.close


def _finish(job: ImportJob, status: str, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.status = status
    job.finished_at = clock.now()
    if status in (ImportStatus.CHECKED, ImportStatus.DONE):
        job.done = job.total
    job.save()
