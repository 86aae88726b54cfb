"""Mask and publish (脱敏发布): a reviewer publishes an item blocked by personal data with every
number masked — in the title, the HTML body and its plain text, Word attachments, the version
history, the search index, the public page, the API and the feeds — instead of overriding the
check and publishing the numbers whole."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import docx
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from gongkai import textcheck
from gongkai.core.errors import ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from gongkai.publications import masking, richtext, search, services
from gongkai.publications.checks import checker
from gongkai.publications.models import Attachment, Publication, PublicationStatus
from tests.publications.conftest import ID_MASKED, ID_NUMBER, publication_values

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"
MOBILE_MASKED = "138****5678"
# A second valid ID number (GB 11643 check character X).
ID_X = "36073519900307113X"
ID_X_MASKED = "360735********113X"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _docx(*paragraphs: list[tuple[str, dict[str, bool]]], table: Sequence[list[str]] = ()) -> bytes:
    """A Word document: each paragraph a list of (text, run formatting); then a table."""
    document = docx.Document()
    for runs in paragraphs:
        paragraph = document.add_paragraph()
        for text, formatting in runs:
            run = paragraph.add_run(text)
            run.bold = formatting.get("bold")
            run.italic = formatting.get("italic")
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _submitted(
    editor: User,
    unit: Unit,
    *,
    attachments: Sequence[tuple[str, bytes]] = (),
    **values: Any,
) -> Publication:
    item = services.publication_create(actor=editor, unit=unit, values=publication_values(**values))
    for name, data in attachments:
        services.publication_attach(actor=editor, publication=item, name=name, data=data)
    return services.publication_submit(actor=editor, publication=item)


LIST_DOCX = _docx(
    # Word splits runs at every formatting change: the ID lies across three runs.
    [("救助对象 张三 身份证号", {}), ("3607", {"bold": True}), ("35198506151233", {})],
    [("联系电话", {}), (MOBILE, {"italic": True}), ("。", {})],
    table=[["姓名", "身份证号"], ["李四", ID_X]],
)


def _everything_stored(item: Publication) -> str:
    """Every stored text of the item the public, search or staff history can reach."""
    item.refresh_from_db()
    parts = [item.title, item.body, item.body_text, json.dumps(item.findings, ensure_ascii=False)]
    parts += [a.text for a in item.attachments.all()]
    parts += [json.dumps(v.snapshot, ensure_ascii=False) for v in item.versions.all()]
    return "\n".join(parts)


# ---------------------------------------------------------------------------- the service


def test_mask_and_publish_masks_title_body_and_word_attachment(
    department: Unit,
    editor: User,
    reviewer: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    item = _submitted(
        editor,
        department,
        title=f"关于张小明（联系电话{MOBILE}）申请救助的公示",
        body="<p>张小明，身份证号<b>3607</b>35198506151233，银行卡号6222021234567890128。</p>",
        attachments=[("救助名单.docx", LIST_DOCX)],
    )
    assert {f["kind"] for f in item.findings} == {"id_number", "mobile", "bank_card"}
    original = item.attachments.get()
    original_file = Path(original.file.path)
    assert original_file.exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.publication_approve(actor=reviewer, publication=item, comment="同意", mask=True)

    item.refresh_from_db()
    assert item.status == PublicationStatus.PUBLISHED
    assert item.title == f"关于张小明（联系电话{MOBILE_MASKED}）申请救助的公示"
    assert item.body == (
        "<p>张小明，身份证号<b>3607</b>35********1233，银行卡号622202*********0128。</p>"
    )
    assert item.body_text == richtext.plain_text(item.body)
    # The findings now describe the masked text: nothing is left to report.
    assert item.findings == []

    attachment = item.attachments.get()
    with attachment.file.open("rb") as handle:
        data = handle.read()
    assert attachment.sha256 != original.sha256
    assert attachment.size == len(data)
    text = textcheck.docx_text(data)
    assert text == attachment.text
    assert ID_NUMBER not in text and ID_X not in text and MOBILE not in text
    assert f"身份证号{ID_MASKED}" in text and ID_X_MASKED in text and MOBILE_MASKED in text
    runs = docx.Document(io.BytesIO(data)).paragraphs[0].runs
    assert [(r.text, r.bold) for r in runs] == [
        ("救助对象 张三 身份证号", None),
        ("3607", True),  # formatting kept, run by run
        ("35********1233", None),
    ]
    assert not original_file.exists()  # the unmasked file is deleted once committed

    assert item.override_reason == (
        "脱敏发布：遮蔽身份证号3处、银行卡号1处、手机号2处，共6处"
        "（标题1处，正文2处，附件“救助名单.docx”3处）；3个历史版本中的号码一并遮蔽"
    )
    approval = item.versions.last()
    assert approval is not None and approval.action == "approve"
    assert approval.comment.startswith("同意；脱敏发布：")
    entry = AuditEntry.objects.filter(action="publication.approve").get()
    assert "脱敏发布" in entry.summary and MOBILE not in entry.summary

    stored = _everything_stored(item)
    for raw in (ID_NUMBER, ID_X, MOBILE, "6222021234567890128", "35198506151233"):
        assert raw not in stored


def test_raw_override_stays_possible_with_its_reason(
    department: Unit, editor: User, reviewer: User
) -> None:
    item = _submitted(editor, department, body=f"<p>身份证号{ID_NUMBER}。</p>")
    with pytest.raises(ValidationFailed) as caught:
        services.publication_approve(actor=reviewer, publication=item)
    assert "脱敏后发布" in caught.value.message
    services.publication_approve(actor=reviewer, publication=item, override_reason="本人同意公开")
    item.refresh_from_db()
    assert item.status == PublicationStatus.PUBLISHED
    assert ID_NUMBER in item.body_text
    assert item.override_reason == "本人同意公开"


def test_unrewritable_attachment_with_personal_data_refuses_and_saves_nothing(
    department: Unit, editor: User, reviewer: User
) -> None:
    item = services.publication_create(
        actor=editor,
        unit=department,
        values=publication_values(body=f"<p>身份证号{ID_NUMBER}。</p>"),
    )
    services.publication_attach(actor=editor, publication=item, name="名单.pdf", data=PDF)
    # Text read from a PDF (an archive import, or a later text extractor) holds an ID number.
    Attachment.objects.filter(publication=item).update(text=f"王五 {ID_X}")
    services.publication_submit(actor=editor, publication=item)
    with pytest.raises(ValidationFailed) as caught:
        services.publication_approve(actor=reviewer, publication=item, mask=True)
    assert "附件“名单.pdf”中有个人信息，但PDF文件无法自动改写" in caught.value.message
    item.refresh_from_db()
    assert item.status == PublicationStatus.SUBMITTED
    assert item.index_no is None
    assert ID_NUMBER in item.body_text  # nothing was masked either
    assert not search.search(ID_NUMBER, Publication.objects.all()).items


def test_an_unrewritable_attachment_without_personal_data_does_not_stop_masking(
    department: Unit, editor: User, reviewer: User
) -> None:
    item = _submitted(
        editor,
        department,
        body=f"<p>身份证号{ID_NUMBER}。</p>",
        attachments=[("通知.pdf", PDF)],
    )
    services.publication_approve(actor=reviewer, publication=item, mask=True)
    item.refresh_from_db()
    assert item.status == PublicationStatus.PUBLISHED
    assert item.body_text == f"身份证号{ID_MASKED}。"
    assert item.attachments.get().name == "通知.pdf"


def test_a_sensitive_word_is_not_masked_and_still_needs_the_raw_override(
    department: Unit, editor: User, reviewer: User
) -> None:
    item = _submitted(editor, department, body=f"<p>此件不公开。身份证号{ID_NUMBER}。</p>")
    assert not masking.choice(item.findings).offered
    with pytest.raises(ValidationFailed) as caught:
        services.publication_approve(actor=reviewer, publication=item, mask=True)
    assert "敏感词" in caught.value.message and "放行（不脱敏）" in caught.value.message
    assert any("此件不公开" in p for p in caught.value.problems)
    item.refresh_from_db()
    assert item.status == PublicationStatus.SUBMITTED
    assert ID_NUMBER in item.body_text
    services.publication_approve(actor=reviewer, publication=item, override_reason="经批准公开")
    assert Publication.objects.get(pk=item.pk).status == PublicationStatus.PUBLISHED


def test_personal_data_left_after_masking_refuses_and_rolls_back(
    department: Unit, editor: User, reviewer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = _submitted(
        editor,
        department,
        title=f"联系电话{MOBILE}",
        body=f"<p>身份证号{ID_NUMBER}。</p>",
        attachments=[("名单.docx", LIST_DOCX)],
    )
    before = item.attachments.get()
    # A masker that misses the title: the check after masking must catch it.
    monkeypatch.setattr(masking, "mask_plain", lambda text, check: masking.Masked(text))
    with pytest.raises(ValidationFailed) as caught:
        services.publication_approve(actor=reviewer, publication=item, mask=True)
    assert "复查" in caught.value.message
    item.refresh_from_db()
    assert item.status == PublicationStatus.SUBMITTED
    assert ID_NUMBER in item.body_text
    after = item.attachments.get()
    assert (after.text, after.sha256, after.file.name) == (
        before.text,
        before.sha256,
        before.file.name,
    )


def test_every_number_the_preview_masks_is_masked_contact_numbers_too(
    department: Unit, editor: User, reviewer: User
) -> None:
    contact = "13950291234"
    item = _submitted(
        editor,
        department,
        body=(
            f"<p>救助对象：张三 {ID_NUMBER} {MOBILE}</p><p>联系人：李某某 联系电话：{contact}</p>"
        ),
    )
    services.publication_approve(actor=reviewer, publication=item, mask=True)
    item.refresh_from_db()
    assert item.body_text == (
        f"救助对象：张三 {ID_MASKED} {MOBILE_MASKED}\n联系人：李某某 联系电话：139****1234"
    )
    assert "身份证号1处、手机号2处，共3处" in item.override_reason


def test_a_mistyped_id_number_only_warns_yet_can_be_masked(
    department: Unit, editor: User, reviewer: User
) -> None:
    mistyped = "360735198506151230"  # check character wrong: a mistyped ID, still personal
    item = _submitted(editor, department, body=f"<p>申请人身份证号{mistyped}。</p>")
    assert [f["severity"] for f in item.findings] == ["warn"]
    assert masking.choice(item.findings).offered
    services.publication_approve(actor=reviewer, publication=item, mask=True)
    item.refresh_from_db()
    assert item.body_text == "申请人身份证号360735********1230。"
    assert item.override_reason.startswith("脱敏发布：遮蔽")


def test_mask_and_publish_is_offered_when_only_personal_data_blocks() -> None:
    assert masking.should_mask("id_number")
    assert masking.should_mask("mobile")
    assert not masking.should_mask("sensitive_word")
    assert not masking.should_mask("wrong_word")
    for kind in textcheck.PERSONAL_DATA:  # e.g. a mistyped ID, masked like an ID
        assert masking.should_mask(kind)
    findings = [
        {"kind": "id_number", "severity": "block"},
        {"kind": "wrong_word", "severity": "warn"},
    ]
    assert masking.choice(findings) == masking.MaskChoice(maskable=1, other_blocking=0)
    assert masking.choice(findings).offered
    with_word = [*findings, {"kind": "sensitive_word", "severity": "block"}]
    assert masking.choice(with_word) == masking.MaskChoice(maskable=1, other_blocking=1)
    assert not masking.choice(with_word).offered
    assert not masking.choice(findings[1:]).offered


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f"<p>号码{ID_NUMBER}</p>", f"<p>号码{ID_MASKED}</p>"),
        # A number split by inline markup is masked where each digit stands.
        (
            f"<p><strong>{ID_NUMBER[:4]}</strong>{ID_NUMBER[4:]}</p>",
            "<p><strong>3607</strong>35********1233</p>",
        ),
        (
            f"<table><tbody><tr><td>张三</td><td>{MOBILE}</td></tr></tbody></table>",
            f"<table><tbody><tr><td>张三</td><td>{MOBILE_MASKED}</td></tr></tbody></table>",
        ),
        ("<p>电话138&nbsp;1234&nbsp;5678</p>", "<p>电话138&nbsp;****&nbsp;5678</p>"),
        (
            f'<p><a href="https://example.gov.cn/q?id={ID_NUMBER}">名单</a></p>',
            f'<p><a href="https://example.gov.cn/q?id={ID_MASKED}">名单</a></p>',
        ),
        ("<p>A &amp; B &lt;C&gt; 2024年</p>", "<p>A &amp; B &lt;C&gt; 2024年</p>"),
    ],
)
def test_html_bodies_are_masked_in_place(body: str, expected: str) -> None:
    masked = masking.mask_html(richtext.sanitize(body), checker())
    assert masked.missed == []
    assert masked.text.replace(' rel="noopener noreferrer"', "") == expected
    text = richtext.plain_text(body)
    assert richtext.plain_text(masked.text) == textcheck.mask_text(
        text, masking.to_mask(checker().check(text))
    )


def test_earlier_versions_are_masked_too(department: Unit, editor: User, reviewer: User) -> None:
    item = services.publication_create(
        actor=editor,
        unit=department,
        values=publication_values(body=f"<p>初稿：身份证号{ID_X}。</p>"),
    )
    services.publication_update(
        actor=editor,
        publication=item,
        values=publication_values(body=f"<p>身份证号{ID_NUMBER}。</p>"),
    )
    services.publication_submit(actor=editor, publication=item)
    services.publication_approve(actor=reviewer, publication=item, mask=True)
    bodies = [v.snapshot["body"] for v in item.versions.all()]
    assert bodies == [
        f"<p>初稿：身份证号{ID_X_MASKED}。</p>",
        f"<p>身份证号{ID_MASKED}。</p>",
        f"<p>身份证号{ID_MASKED}。</p>",
        f"<p>身份证号{ID_MASKED}。</p>",
    ]


# ---------------------------------------------------------------------------- where the public reads


@pytest.fixture
def masked_item(department: Unit, editor: User, reviewer: User) -> Publication:
    with time_machine.travel("2024-03-20 10:00 +0800", tick=False):
        item = _submitted(
            editor,
            department,
            title="城乡低保救助对象公示",
            body=f"<p>张小明，身份证号{ID_NUMBER}，手机{MOBILE}。</p>",
            attachments=[("救助名单.docx", LIST_DOCX)],
        )
        return services.publication_approve(actor=reviewer, publication=item, mask=True)


def test_search_finds_the_item_by_its_title_but_never_by_a_masked_number(
    client: Client, masked_item: Publication
) -> None:
    scope = Publication.objects.all()
    assert search.search("城乡低保救助对象公示", scope).items == [masked_item]
    assert search.search("张小明", scope).items == [masked_item]
    for raw in (ID_NUMBER, MOBILE, ID_NUMBER[6:14], "12345678"):
        assert search.search(raw, scope).total == 0
    page = client.get(reverse("portal:search"), {"q": ID_NUMBER}).content.decode()
    assert "城乡低保救助对象公示" not in page
    page = client.get(reverse("portal:search"), {"q": "张小明"}).content.decode()
    assert "城乡低保救助对象公示" in page and ID_MASKED in page  # the snippet, masked
    assert ID_NUMBER not in page and MOBILE not in page


def test_page_api_feed_and_download_show_only_the_masked_numbers(
    client: Client, masked_item: Publication
) -> None:
    page = client.get(masked_item.get_absolute_url()).content.decode()
    api = client.get(reverse("api:publication", args=[masked_item.pk])).content.decode()
    feed = client.get(reverse("portal:feed_latest")).content.decode()
    for shown in (page, api, feed):
        assert ID_NUMBER not in shown and MOBILE not in shown
        assert ID_MASKED in shown and MOBILE_MASKED in shown
    attachment = masked_item.attachments.get()
    assert json.loads(api)["attachments"][0]["sha256"] == attachment.sha256
    download = client.get(reverse("portal:attachment", args=[attachment.pk]))
    text = textcheck.docx_text(download.getvalue())
    assert ID_NUMBER not in text and ID_X not in text and MOBILE not in text
    assert ID_X_MASKED in text
