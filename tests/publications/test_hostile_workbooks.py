"""Hostile workbooks and archives through the publication imports — the subsidy payout list
(page and service), the old-site import (page, background check and `gongkai publications
import`), and zips of an old site with attachments: each is refused with its Chinese sentence,
in bounded memory, with no publication written (issue 12)."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from gongkai.catalog.excel import WorkbookRejected
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from gongkai.publications import import_jobs, subsidies
from gongkai.publications.models import ImportJob, ImportStatus, Publication
from tests.fixtures import bombs
from tests.publications.views.inputs import XLSX, subsidy_workbook, upload

pytestmark = pytest.mark.django_db

KINDS = sorted(bombs.HOSTILE)
TABLE = [
    ["标题", "正文", "发布日期", "公开单位"],
    ["关于做好秋季学期资助工作的通知", "各乡镇中心学校：现将有关事项通知如下。", "2015-10-16", "县民政局"],
    ["城乡低保标准调整情况", "经县政府同意，调整城乡低保标准。", "2015-11-02", "县民政局"],
]  # fmt: skip


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(scope="module")
def payouts() -> bytes:
    return subsidy_workbook([["古樟村", "张小明", "", "耕地地力保护补贴", 5.2, 624]])


@pytest.fixture(scope="module")
def table() -> bytes:
    return bombs.simple_workbook(TABLE)


def _nothing_written() -> bool:
    return not Publication.objects.exists()


# ---------------------------------------------------------------------------- subsidy lists


def _subsidy_import(user: User | None, township: Unit, data: bytes) -> Any:
    return subsidies.subsidy_list_import(
        actor=user,
        township=township,
        data=data,
        subsidy="2024年耕地地力保护补贴",
        written_on=__import__("datetime").date(2024, 3, 15),
    )


def test_the_payout_list_imports(
    township_editor: User, township: Unit, village: Unit, payouts: bytes
) -> None:
    assert _subsidy_import(township_editor, township, payouts).rows == 1


@pytest.mark.parametrize("kind", KINDS)
def test_subsidy_service_refuses_in_bounded_memory(
    kind: str, township_editor: User, township: Unit, village: Unit, payouts: bytes
) -> None:
    data = bombs.HOSTILE[kind](payouts)
    caught, peak = bombs.peak_memory(lambda: _subsidy_import(township_editor, township, data))
    assert isinstance(caught, WorkbookRejected), caught
    assert any(bombs.REFUSAL[kind] in p for p in caught.problems), caught.problems
    assert peak < bombs.MEMORY_BOUND
    assert _nothing_written()


@pytest.mark.parametrize("kind", KINDS)
def test_subsidy_page_answers_with_the_forms_chinese_error(
    kind: str, client: Client, township_editor: User, township: Unit, village: Unit, payouts: bytes
) -> None:
    client.force_login(township_editor)
    response = client.post(
        reverse("publications:subsidy_import"),
        {
            "township": str(township.pk),
            "subsidy": "2024年耕地地力保护补贴",
            "written_on": "2024-03-15",
            "file": upload("名单.xlsx", bombs.HOSTILE[kind](payouts), XLSX),
        },
    )
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "Excel文件有误，未导入任何内容" in html
    assert bombs.REFUSAL[kind] in html
    assert _nothing_written()


def test_subsidy_list_reads_a_claimed_whole_grid_as_what_it_holds(
    township_editor: User, township: Unit, village: Unit, payouts: bytes
) -> None:
    data = bombs.huge_dimension(payouts)
    result, peak = bombs.peak_memory(lambda: _subsidy_import(township_editor, township, data))
    assert result.rows == 1, result
    assert peak < bombs.MEMORY_BOUND


# ---------------------------------------------------------------------------- old-site import


def _job_problems(job: ImportJob) -> str:
    job.refresh_from_db()
    return "\n".join(job.problems)


def test_the_table_is_checked(office: User, department: Unit, table: bytes) -> None:
    job = import_jobs.import_job_create(actor=office, filename="a.xlsx", data=table, start=False)
    import_jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.problems
    assert job.total == 2


@pytest.mark.parametrize("kind", KINDS)
def test_import_page_refuses_at_upload_or_in_the_check(
    kind: str, office: User, department: Unit, table: bytes
) -> None:
    client = Client()
    client.force_login(office)
    data = bombs.HOSTILE[kind](table)
    response = client.post(
        reverse("publications:import"), {"file": upload("old-site.xlsx", data, XLSX)}
    )
    job = ImportJob.objects.first()
    if job is None:  # refused from the zip's directory, before a job is kept
        assert response.status_code == 200
        assert bombs.REFUSAL[kind] in response.content.decode()
    else:  # broken XML deep in the sheet: the background check refuses it
        assert response.status_code == 302
        _, peak = bombs.peak_memory(lambda: import_jobs.run_job(job.pk))
        assert peak < bombs.MEMORY_BOUND
        job.refresh_from_db()
        assert job.status == ImportStatus.REFUSED
        assert bombs.REFUSAL[kind] in _job_problems(job)
        page = client.get(reverse("publications:import_job", args=[job.pk])).content.decode()
        assert bombs.REFUSAL[kind] in page
    assert _nothing_written()


@pytest.mark.parametrize("kind", KINDS)
def test_cli_import_fails_with_the_chinese_message(
    kind: str, tmp_path: Path, department: Unit, table: bytes
) -> None:
    path = tmp_path / "old-site.xlsx"
    path.write_bytes(bombs.HOSTILE[kind](table))
    before = AuditEntry.objects.count()
    caught, peak = bombs.peak_memory(
        lambda: call_command("publications", "import", str(path), stdout=io.StringIO())
    )
    assert isinstance(caught, CommandError), caught
    assert bombs.REFUSAL[kind] in str(caught)
    assert peak < bombs.MEMORY_BOUND
    assert _nothing_written()
    assert AuditEntry.objects.count() == before


# ---------------------------------------------------------------------------- zips of an old site


def _site_zip(table: bytes, **extra: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("old-site.xlsx", table)
        for name, body in extra.items():
            archive.writestr(name, body)
    return out.getvalue()


def _zip_job(office: User, data: bytes) -> ImportJob:
    job = import_jobs.import_job_create(
        actor=office, filename="old-site.zip", data=data, start=False
    )
    import_jobs.run_job(job.pk)
    job.refresh_from_db()
    return job


def test_a_site_zip_is_checked(office: User, department: Unit, table: bytes) -> None:
    job = _zip_job(office, _site_zip(table, **{"附件.txt": "说明".encode()}))
    assert job.status == ImportStatus.CHECKED, job.problems


def test_a_bomb_inside_a_site_zip_is_refused_at_upload(
    office: User, department: Unit, table: bytes
) -> None:
    packed, crc, size = bombs._bomb_stream(300)
    members = [
        ("old-site.xlsx", bombs._deflate(table), zlib.crc32(table), len(table), 8),
        ("files/附件.pdf", packed, crc, size, 8),
    ]
    data = bombs.raw_zip(members)
    caught, peak = bombs.peak_memory(
        lambda: import_jobs.import_job_create(
            actor=office, filename="old-site.zip", data=data, start=False
        )
    )
    assert caught.message == "压缩包解压后异常膨胀（压缩比超过200:1），为安全起见不接收。"
    assert peak < bombs.MEMORY_BOUND
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_workbook_inside_a_site_zip_is_refused(
    kind: str, office: User, department: Unit, table: bytes
) -> None:
    data = _site_zip(bombs.HOSTILE[kind](table))
    job, peak = bombs.peak_memory(lambda: _zip_job(office, data))
    assert peak < bombs.MEMORY_BOUND
    assert job.status == ImportStatus.REFUSED
    assert bombs.REFUSAL[kind] in _job_problems(job)
    assert _nothing_written()


def test_a_damaged_member_of_a_site_zip_is_refused(
    office: User, department: Unit, table: bytes
) -> None:
    """A member whose data inflates past its declared size: cut short, then a bad CRC."""
    lying = bombs.lying_sizes(declared=1024, real_mb=4)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        info = archive.infolist()[0]
    packed = lying[30 + len(info.filename) : 30 + len(info.filename) + info.compress_size]
    data = bombs.raw_zip(
        [
            ("old-site.xlsx", bombs._deflate(table), zlib.crc32(table), len(table), 8),
            ("files/附件.xml", packed, info.CRC, 1024, 8),
        ]
    )
    job = _zip_job(office, data)
    assert job.status == ImportStatus.REFUSED
    assert "压缩包中的文件“files/附件.xml”已损坏" in _job_problems(job)
    assert _nothing_written()
