"""The office's import jobs run by `gongkai tick` (GONGKAI_IMPORTS_IN=tick): queued by the page,
claimed by exactly one tick, checked, confirmed and imported; the thread path stays the default
(tests/publications/import_jobs/test_jobs.py)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from gongkai.core.leases import lease_acquire, lease_release
from gongkai.orgs.models import Unit, User
from gongkai.publications import import_jobs
from gongkai.publications.models import ImportJob, ImportStatus, Publication
from tests.publications.import_jobs.test_jobs import ROWS, csv_bytes


@pytest.fixture(autouse=True)
def _tick_mode(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.GONGKAI_IMPORTS_IN = "tick"


def _tick_imports() -> str:
    out = StringIO()
    call_command("tick", "--task", "publications.imports", stdout=out)
    return out.getvalue()


def test_the_tick_checks_then_imports_a_queued_job(
    committed: None, transactional_db: None, office: User, department: Unit
) -> None:
    job = import_jobs.import_job_create(actor=office, filename="a.csv", data=csv_bytes(*ROWS))
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKING  # queued: no thread was started
    assert f'"ran": [{job.pk}]' in _tick_imports()
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.problems
    assert not Publication.objects.exists()
    assert '"ran": []' in _tick_imports()  # nothing queued: nothing run twice
    import_jobs.import_job_confirm(actor=office, job=job)
    _tick_imports()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Publication.objects.count() == 2


def test_a_job_another_process_runs_is_left_alone(
    committed: None, transactional_db: None, office: User, department: Unit
) -> None:
    job = import_jobs.import_job_create(actor=office, filename="a.csv", data=csv_bytes(*ROWS))
    name = import_jobs.lease_name(job.pk)
    assert lease_acquire(name, holder="other-tick", ttl=dt.timedelta(minutes=30))
    assert f'"running_elsewhere": [{job.pk}]' in _tick_imports()
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKING
    # ... and is not shown as failed while that process holds it, however quiet it is
    ImportJob.objects.filter(pk=job.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    job.refresh_from_db()
    assert import_jobs.settled(job).status == ImportStatus.CHECKING
    lease_release(name, holder="other-tick")
    assert import_jobs.settled(job).status == ImportStatus.FAILED


@pytest.mark.django_db
def test_a_job_no_tick_picked_up_says_so(office: User, department: Unit) -> None:
    job = import_jobs.import_job_create(
        actor=office, filename="a.csv", data=csv_bytes(*ROWS), start=False
    )
    ImportJob.objects.filter(pk=job.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    job.refresh_from_db()
    failed = import_jobs.settled(job)
    assert failed.status == ImportStatus.FAILED
    assert "gongkai tick" in failed.problems[0]


def test_the_page_shows_progress_from_the_row(
    committed: None, transactional_db: None, office: User, department: Unit
) -> None:
    job = import_jobs.import_job_create(actor=office, filename="a.csv", data=csv_bytes(*ROWS))
    ImportJob.objects.filter(pk=job.pk).update(done=500, total=2000)
    job.refresh_from_db()
    assert import_jobs.progress_shown(job) == (500, 2000)
    connection.close()


@pytest.mark.django_db
def test_the_tick_leaves_imports_to_threads_by_default(settings: Any) -> None:
    settings.GONGKAI_IMPORTS_IN = "thread"
    assert "skipped" in _tick_imports()
