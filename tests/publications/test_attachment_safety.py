"""Attachments that could take the site down or slip past the checks (issue 12).

A Word or Excel bomb, a macro file renamed, a broken or DTD-carrying .docx and a file with more
text than the checks read are refused with a Chinese message and leave nothing stored; text in
.xlsx attachments and outside a .docx body is checked; and the file is parsed before the write
transaction opens, so a slow parse never holds SQLite's write lock.
"""

from __future__ import annotations

import sqlite3
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from gongkai.core.errors import ValidationFailed
from gongkai.orgs.models import Unit, User
from gongkai.publications import files, masking, services
from gongkai.publications.models import Attachment, Publication, PublicationStatus, TopicCategory
from gongkai.textcheck import documents
from tests.conftest import restore_reference_data
from tests.fixtures import attachment_files as office
from tests.fixtures import bombs
from tests.publications.conftest import ID_MASKED, ID_NUMBER, publication_values


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


REFUSED: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "docx-bomb": ("名单.docx", lambda: office.word_bomb(unpacked_mb=200), "为安全起见不接收"),
    "xlsx-bomb": (
        "名单.xlsx",
        lambda: bombs.bomb(bombs.simple_workbook(), unpacked_mb=300),
        "为安全起见不接收",
    ),
    "docm": ("通知.docx", office.word_macros, "启用宏"),
    "xlsm": ("名单.xlsx", lambda: bombs.macros(bombs.simple_workbook()), "启用宏"),
    "broken-docx": ("通知.docx", office.word_broken, "已损坏"),
    "broken-header": (
        "通知.docx",
        lambda: office.word_broken(
            office.word(place="header", secret="页眉"), member="word/header1.xml"
        ),
        "已损坏",
    ),
    "dtd-docx": ("通知.docx", office.word_entities, "DTD"),
    "broken-xlsx": ("名单.xlsx", lambda: bombs.unclosed(office.sheet([["a", "b"]] * 30)), "已损坏"),
    "dtd-xlsx": ("名单.xlsx", lambda: bombs.entities(bombs.simple_workbook()), "DTD"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_hostile_attachments_are_refused_in_chinese_and_nothing_is_stored(
    case: str, client: Client, editor: User, draft_item: Publication, _media: Path
) -> None:
    name, make, words = REFUSED[case]
    data = make()
    client.force_login(editor)
    tracemalloc.start()
    try:
        response = client.post(
            reverse("publications:attach", args=[draft_item.pk]),
            {"file": SimpleUploadedFile(name, data)},
            follow=True,
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(_media) == []
    # The upload itself is held a few times over (request, form, service); nothing inflated.
    assert peak < 8 * len(data) + 32 * 1024 * 1024


def test_too_much_text_is_refused_not_truncated(
    monkeypatch: pytest.MonkeyPatch, editor: User, draft_item: Publication, _media: Path
) -> None:
    monkeypatch.setattr(documents, "MAX_TEXT_CHARS", 1000)
    with pytest.raises(ValidationFailed) as caught:
        services.publication_attach(
            actor=editor,
            publication=draft_item,
            name="长文.docx",
            data=office.word(body="字" * 1200),
        )
    assert "文字超过" in caught.value.message and "拆分" in caught.value.message
    assert not Attachment.objects.exists() and stored_files(_media) == []


@pytest.mark.parametrize(
    ("name", "data"),
    [
        *(
            (f"{place}.docx", office.word(place=place, secret=f"身份证号{ID_NUMBER}"))
            for place in office.PLACES
        ),
        ("名单.xlsx", office.sheet([["姓名", "身份证号"], ["张三", ID_NUMBER]])),
        ("名单2.xlsx", office.sheet_shared_strings([["姓名", "身份证号"], ["张三", ID_NUMBER]])),
    ],
    ids=[*office.PLACES, "xlsx", "xlsx-shared-strings"],
)
def test_an_id_number_anywhere_in_a_word_or_excel_attachment_blocks_approval(
    name: str, data: bytes, department: Unit, editor: User, reviewer: User
) -> None:
    item = services.publication_create(actor=editor, unit=department, values=publication_values())
    services.publication_attach(actor=editor, publication=item, name=name, data=data)
    item = services.publication_submit(actor=editor, publication=item)
    assert [(f["where"], f["kind"]) for f in item.findings] == [(f"附件“{name}”", "id_number")]
    with pytest.raises(ValidationFailed):
        services.publication_approve(actor=reviewer, publication=item)


def test_a_number_in_a_header_is_not_masked_silently(
    department: Unit, editor: User, reviewer: User
) -> None:
    """Masking rewrites the body only: personal data in a header sends the item back."""
    item = services.publication_create(actor=editor, unit=department, values=publication_values())
    data = office.word(place="header", secret=f"身份证号{ID_NUMBER}")
    services.publication_attach(actor=editor, publication=item, name="通知.docx", data=data)
    item = services.publication_submit(actor=editor, publication=item)
    with pytest.raises(ValidationFailed) as caught:
        services.publication_approve(actor=reviewer, publication=item, mask=True)
    assert "无法自动改写" in caught.value.message
    item.refresh_from_db()
    assert item.status == PublicationStatus.SUBMITTED


def test_the_body_docx_text_reads_is_the_body_masking_rewrites() -> None:
    import io

    import docx

    from bench.attachments import notice, word_table

    for data in (notice(pages=5), word_table(rows=30)):
        body = masking._join(list(masking._block_lines(docx.Document(io.BytesIO(data)))), "\n")
        text = documents.docx_text(data)
        assert text.startswith("".join(c for c, _slot in body))


# ---------------------------------------------------------------- parse before the transaction


@pytest.fixture
def committed(django_db_blocker: Any) -> Iterator[None]:
    """Set up before transactional_db, so the reference data its flush takes is put back."""
    yield
    with django_db_blocker.unblock():
        restore_reference_data()


def _other_writer_can_write() -> bool:
    """Whether a second connection can take SQLite's write lock right now (no waiting)."""
    probe = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


def test_attachments_are_parsed_outside_any_transaction(
    committed: None,
    transactional_db: Any,
    monkeypatch: pytest.MonkeyPatch,
    department: Unit,
    editor: User,
    reviewer: User,
) -> None:
    """The issue's 200 MB docx held the write lock for a minute while it was parsed: every other
    write failed. Now, while a file is parsed, no transaction is open and another connection can
    write; the same holds for the masking of Word attachments at approval."""
    if not TopicCategory.objects.exists():  # an earlier transactional test flushed them
        restore_reference_data()
    seen: list[tuple[str, bool, bool | None]] = []
    sqlite = connection.vendor == "sqlite"

    def probe(where: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            seen.append(
                (where, connection.in_atomic_block, _other_writer_can_write() if sqlite else None)
            )
            return real(*args, **kwargs)

        return wrapped

    monkeypatch.setitem(files.TEXT_READERS, "docx", probe("docx", files.TEXT_READERS["docx"]))
    monkeypatch.setitem(files.TEXT_READERS, "xlsx", probe("xlsx", files.TEXT_READERS["xlsx"]))
    monkeypatch.setattr(masking, "mask_docx", probe("mask", masking.mask_docx))
    item = services.publication_create(actor=editor, unit=department, values=publication_values())
    body_id = office.word(body=f"救助对象身份证号{ID_NUMBER}")
    services.publication_attach(actor=editor, publication=item, name="名单.docx", data=body_id)
    services.publication_attach(
        actor=editor, publication=item, name="表.xlsx", data=office.sheet([["公示"]])
    )
    item = services.publication_submit(actor=editor, publication=item)
    item = services.publication_approve(actor=reviewer, publication=item, mask=True)
    assert item.status == PublicationStatus.PUBLISHED
    assert ID_MASKED in item.attachments.get(name="名单.docx").text
    assert [where for where, _atomic, _free in seen] == ["docx", "xlsx", "mask"]
    assert all(not atomic for _where, atomic, _free in seen), seen
    if sqlite:
        assert all(free for _where, _atomic, free in seen), seen


def test_an_archive_import_reads_its_attachments_outside_any_transaction(
    committed: None,
    transactional_db: Any,
    monkeypatch: pytest.MonkeyPatch,
    department: Unit,
    tmp_path: Path,
) -> None:
    """The bulk import of an old site checks every row and reads every attachment before it
    opens its (all-or-nothing) transaction to write."""
    from gongkai.publications import archive
    from tests.publications.test_archive import ROW, rows

    if not TopicCategory.objects.exists():
        restore_reference_data()
    seen: list[tuple[bool, bool | None]] = []
    sqlite = connection.vendor == "sqlite"
    real = files.TEXT_READERS["docx"]

    def probe(*args: Any, **kwargs: Any) -> Any:
        seen.append((connection.in_atomic_block, _other_writer_can_write() if sqlite else None))
        return real(*args, **kwargs)

    monkeypatch.setitem(files.TEXT_READERS, "docx", probe)
    (tmp_path / "通知.docx").write_bytes(office.word(body="春耕通知"))
    summary = archive.import_rows(
        actor=None,
        parsed=rows({**ROW, "公开单位": department.name, "附件": "通知.docx"}),
        attachments_dir=tmp_path,
    )
    assert summary["imported"] == 1
    assert Attachment.objects.get().text == "春耕通知"
    assert seen == [(False, True if sqlite else None)]
