"""The office's import of an old site from its pages: a job checked, previewed, confirmed and
imported in the background, all or nothing, with the same rules as the command line."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from typing import Any

import docx
import pytest
from django.test import Client
from django.urls import reverse

from gongkai.core.errors import AccessDenied
from gongkai.orgs.models import Unit, User
from gongkai.publications import import_jobs
from gongkai.publications.models import ImportJob, ImportStatus, Publication

HEADER = "标题,正文,发布日期,索引号,文号,栏目,公开单位\n"
ROWS = [
    "关于做好2015年秋季学期资助工作的通知,各乡镇中心学校：现将有关事项通知如下。,2015-10-16,"
    "MZJ-2015-00007,石民字〔2015〕7号,通知公告,县民政局",
    "2015年城乡低保标准调整情况,经县政府同意，调整城乡低保标准。,2015年11月2日,,,不存在的栏目,县民政局",
]


def csv_bytes(*rows: str, encoding: str = "utf-8-sig") -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode(encoding)


def make_job(office: User, data: bytes, filename: str = "old-site.csv", **kw: Any) -> ImportJob:
    job = import_jobs.import_job_create(
        actor=office, filename=filename, data=data, start=False, **kw
    )
    import_jobs.run_job(job.pk)
    job.refresh_from_db()
    return job


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.mark.django_db
def test_checked_then_confirmed_then_imported(office: User, department: Unit) -> None:
    job = make_job(office, csv_bytes(*ROWS))
    assert job.status == ImportStatus.CHECKED, job.problems
    assert job.total == 2 and job.summary["imported"] == 2
    assert job.summary["index_numbers_kept"] == 1 and job.summary["index_numbers_new"] == 1
    assert job.summary["unmapped_columns"] == {"不存在的栏目": 1}
    title, published, index_no, doc_number = job.preview[0][:4]
    assert (title, index_no, doc_number) == (
        "关于做好2015年秋季学期资助工作的通知",
        "MZJ-2015-00007",
        "石民字〔2015〕7号",
    )
    assert published.startswith("2015-10-16")
    assert not Publication.objects.exists()  # checking writes nothing
    import_jobs.import_job_confirm(actor=office, job=job, start=False)
    import_jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    kept = Publication.objects.get(index_no="MZJ-2015-00007")
    assert kept.doc_number == "石民字〔2015〕7号"
    assert Publication.objects.count() == 2


@pytest.mark.django_db
def test_a_bad_row_refuses_the_whole_file(office: User, department: Unit) -> None:
    job = make_job(office, csv_bytes(ROWS[0], ",没有标题的一行,2015-10-17,,,,县民政局"))
    assert job.status == ImportStatus.REFUSED
    assert any("标题" in p for p in job.problems), job.problems
    assert not Publication.objects.exists()
    with pytest.raises(Exception, match="confirm"):
        import_jobs.import_job_confirm(actor=office, job=job, start=False)


@pytest.mark.django_db
def test_gb18030_csv_from_wps(office: User, department: Unit) -> None:
    job = make_job(office, csv_bytes(*ROWS, encoding="gb18030"))
    assert job.status == ImportStatus.CHECKED, job.problems


@pytest.mark.django_db
def test_only_the_office_imports(editor: User, department: Unit) -> None:
    with pytest.raises(AccessDenied):
        import_jobs.import_job_create(
            actor=editor, filename="a.csv", data=csv_bytes(*ROWS), start=False
        )


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_zip_brings_its_attachments(office: User, department: Unit) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "export.csv",
            (
                "标题,正文,发布日期,公开单位,附件\n"
                "某通知,正文,2015-10-16,县民政局,files/附件一.docx\n"
            ).encode(),
        )
        archive.writestr("files/附件一.docx", _docx("附件正文"))
    job = make_job(office, out.getvalue(), filename="old-site.zip")
    assert job.status == ImportStatus.CHECKED, job.problems
    import_jobs.import_job_confirm(actor=office, job=job, start=False)
    import_jobs.run_job(job.pk)
    item = Publication.objects.get()
    assert [a.name for a in item.attachments.all()] == ["附件一.docx"]


@pytest.mark.django_db
def test_a_zip_that_leaves_its_folder_is_refused(office: User, department: Unit) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("export.csv", csv_bytes(*ROWS))
        archive.writestr("../../evil.txt", b"x")
    job = make_job(office, out.getvalue(), filename="old-site.zip")
    assert job.status == ImportStatus.REFUSED
    assert "不安全" in job.problems[0]


@pytest.mark.django_db
def test_a_job_that_died_with_its_server_shows_as_failed(office: User, department: Unit) -> None:
    job = import_jobs.import_job_create(
        actor=office, filename="a.csv", data=csv_bytes(*ROWS), start=False
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.IMPORTING,
        updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    job.refresh_from_db()
    assert import_jobs.settled(job).status == ImportStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_the_background_thread_runs_the_check(office: User, department: Unit) -> None:
    job = import_jobs.import_job_create(actor=office, filename="a.csv", data=csv_bytes(*ROWS))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.is_running:
            break
        time.sleep(0.2)
    assert job.status == ImportStatus.CHECKED, job.problems


@pytest.mark.django_db
def test_pages(office: User, editor: User, department: Unit) -> None:
    client = Client()
    client.force_login(editor)
    assert client.get(reverse("publications:import")).status_code == 403
    client.force_login(office)
    page = client.get(reverse("publications:import"))
    assert page.status_code == 200 and "上传并检查" in page.content.decode()
    job = make_job(office, csv_bytes(*ROWS))
    html = client.get(reverse("publications:import_job", args=[job.pk])).content.decode()
    assert "确认导入以上2条信息" in html and "不存在的栏目（1条）" in html
    assert 'http-equiv="refresh"' not in html
    response = client.post(reverse("publications:import_job_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status in (ImportStatus.IMPORTING, ImportStatus.DONE)
