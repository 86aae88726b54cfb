"""Uploaded and generated files go only through Django's storage API, so a province can keep
them on S3-compatible object storage (django-storages) shared by every web process.

Each test swaps the default storage for Django's own InMemoryStorage (override_settings(
STORAGES=...)): files then exist only in that process's memory, which has no path on disk. A
write that bypassed the API would land under MEDIA_ROOT — which must stay empty — and a read
that bypassed it (open(), FieldFile.path) would find nothing or raise NotImplementedError. The
paths covered: an item's attachments (upload, masking on publication, public download), the
office's import of an old site (.zip with attachments, checked and imported from the stored job
file), a unit's ledger evidence (upload, download, the unit's zip), letter templates and the
letters made from them (upload, generation, download). The filesystem default is what the rest
of the suite runs on."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import InMemoryStorage, storages
from django.test import Client, override_settings
from django.urls import reverse

from gongkai.applications import letters
from gongkai.applications import services as application_services
from gongkai.applications.models import Channel, LetterKind
from gongkai.ledger import services as ledger_services
from gongkai.ledger.models import Assignment
from gongkai.orgs.models import Role, Unit, User
from gongkai.publications import import_jobs
from gongkai.publications import services as publication_services
from gongkai.publications.models import Attachment, ImportStatus, Publication
from tests.applications.letters.building import APPLICANT, docx_text, docx_with
from tests.factories import MembershipFactory, UserFactory
from tests.publications.conftest import publication_values
from tests.publications.test_masking import ID_X, ID_X_MASKED, LIST_DOCX

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def memory(settings: Any, tmp_path: Path) -> Iterator[InMemoryStorage]:
    """The default storage in memory, and a MEDIA_ROOT that must still be empty at the end."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    in_memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "default": in_memory}):
        storage = storages["default"]
        assert isinstance(storage, InMemoryStorage)
        yield storage
    written = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    assert written == [], f"files written around the storage API: {written}"


def _stored(storage: InMemoryStorage) -> list[str]:
    """Every file name in the storage."""
    names: list[str] = []

    def walk(folder: str) -> None:
        dirs, files = storage.listdir(folder)
        names.extend(f"{folder}/{f}".lstrip("/") for f in files)
        for name in dirs:
            walk(f"{folder}/{name}".lstrip("/"))

    walk("")
    return sorted(names)


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_attachments_are_stored_masked_and_served_through_the_storage(
    memory: InMemoryStorage,
    department: Unit,
    editor: User,
    reviewer: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    item = publication_services.publication_create(
        actor=editor, unit=department, values=publication_values()
    )
    publication_services.publication_attach(
        actor=editor, publication=item, name="救助名单.docx", data=LIST_DOCX
    )
    publication_services.publication_attach(
        actor=editor, publication=item, name="通知.pdf", data=PDF
    )
    publication_services.publication_submit(actor=editor, publication=item)
    before = _stored(memory)
    assert len(before) == 2 and all(name.startswith("attachments/") for name in before)

    # 脱敏后发布 reads the Word file from the storage, writes the masked one, deletes the old.
    with django_capture_on_commit_callbacks(execute=True):
        publication_services.publication_approve(
            actor=reviewer, publication=item, comment="同意", mask=True
        )
    after = _stored(memory)
    assert len(after) == 2 and set(after) != set(before)

    public = _client()
    word, pdf = Attachment.objects.filter(publication=item).order_by("sort_order")
    text = docx_text(_body(public.get(reverse("portal:attachment", args=[word.pk]))))
    assert ID_X not in text and ID_X_MASKED in text
    assert _body(public.get(reverse("portal:attachment", args=[pdf.pk]))) == PDF


def test_an_old_sites_zip_is_kept_checked_and_imported_through_the_storage(
    memory: InMemoryStorage, office: User, department: Unit
) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr(
            "export.csv",
            "标题,正文,发布日期,公开单位,附件\n某通知,正文,2015-10-16,县民政局,files/附件.pdf\n".encode(),
        )
        package.writestr("files/附件.pdf", PDF)
    job = import_jobs.import_job_create(
        actor=office, filename="old-site.zip", data=archive.getvalue(), start=False
    )
    assert [n for n in _stored(memory) if n.startswith("imports/")] == [job.file.name]
    import_jobs.run_job(job.pk)  # reads the job's file back from the storage
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.problems
    import_jobs.import_job_confirm(actor=office, job=job, start=False)
    import_jobs.run_job(job.pk)
    attachment = Publication.objects.get().attachments.get()
    assert memory.exists(attachment.file.name)
    download = _client().get(reverse("portal:attachment", args=[attachment.pk]))
    assert _body(download) == PDF


def test_ledger_evidence_is_uploaded_downloaded_and_zipped_through_the_storage(
    memory: InMemoryStorage, office: User, department: Unit, editor: User
) -> None:
    plan = ledger_services.plan_create(
        actor=office, title="测试工作方案", year=2020, doc_number="测〔2020〕1号"
    )
    task = ledger_services.task_create(
        actor=office,
        plan=plan,
        number=1,
        text="编制完善基层政务公开事项目录",
        lead_text="县政务公开办",
        responsible_text="县有关部门",
        deadline_text="2020年10月底",
    )
    part = Assignment.objects.get(task=task, unit=department)
    client = _client(editor)
    upload = io.BytesIO(PDF)
    upload.name = "截图.pdf"
    client.post(reverse("ledger:evidence_upload", args=[part.pk]), {"files": [upload]})
    evidence = part.evidence.get()
    assert memory.exists(evidence.file.name)
    assert _body(client.get(reverse("ledger:evidence", args=[evidence.pk]))) == PDF
    answer = client.get(reverse("ledger:unit_zip", args=[plan.pk, department.code]))
    with zipfile.ZipFile(io.BytesIO(_body(answer))) as package:
        inside = [n for n in package.namelist() if n.endswith("截图.pdf")]
        assert len(inside) == 1 and package.read(inside[0]) == PDF


def test_letter_templates_and_letters_go_through_the_storage(
    memory: InMemoryStorage, office: User, department: Unit
) -> None:
    handler: User = UserFactory(username="mzj_handler", full_name="李明")
    MembershipFactory(user=handler, unit=department, role=Role.HANDLER)
    template = docx_with(
        "{{ applicant_name }}：请于{{ supplement_deadline }}前补正。", "{{ supplement_items }}"
    )
    letters.letter_template_upload(actor=office, kind=LetterKind.SUPPLEMENT, data=template)
    assert letters.current_template_bytes(LetterKind.SUPPLEMENT) == template
    application, _code = application_services.application_register(
        actor=handler,
        unit=department,
        channel=Channel.IN_PERSON,
        values=APPLICANT,
        submitted_on=dt.date(2024, 11, 4),
    )
    application_services.application_request_supplement(
        actor=handler,
        application=application,
        on=dt.date(2024, 11, 6),
        deadline=dt.date(2024, 11, 20),
        items="请写明所需文件的年度和文号",
    )
    letter = letters.letter_generate(
        actor=handler, application=application, kind=LetterKind.SUPPLEMENT
    )
    assert memory.exists(letter.file.name)
    download = _client(handler).get(reverse("applications:letter", args=[letter.pk]))
    text = docx_text(_body(download))
    assert "王小明：请于2024年11月20日前补正。" in text and "请写明所需文件的年度和文号" in text
