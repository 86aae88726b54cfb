"""Drafting and editing through the form, and attachments: upload, download, delete."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.catalog.models import Domain
from gongkai.orgs.models import Unit, User
from gongkai.publications.models import Attachment, Publication, PublicationStatus
from tests.factories import CatalogFactory, CatalogItemFactory
from tests.publications.views.inputs import PDF, form_data, upload

pytestmark = pytest.mark.django_db


def _messages(html: str) -> str:
    start = html.index('class="messages"')
    return html[start : html.index("</ul>", start)]


def test_form_offers_my_units_and_this_units_newest_catalog(
    client: Client, editor: User, department: Unit, other_department: Unit, domain: Domain
) -> None:
    old = CatalogFactory(unit=department, version=2023)
    CatalogItemFactory(catalog=old, domain=domain, level2="去年的事项")
    newest = CatalogFactory(unit=department, version=2024)
    CatalogItemFactory(catalog=newest, domain=domain, level2="审核确认结果")
    CatalogItemFactory(catalog__unit=other_department, domain=domain, level2="别的单位的事项")
    client.force_login(editor)
    html = client.get(reverse("publications:create")).content.decode()
    assert "县民政局" in html and "县住建局" not in html
    assert "社会救助／最低生活保障/审核确认结果" in html
    assert "去年的事项" not in html and "别的单位的事项" not in html
    for label in ("主题分类", "五公开", "栏目", "公开领域", "公开属性", "不予公开依据"):
        assert label in html
    assert "属性认定说明" in html and "有效性" in html and "生效日期" in html
    assert "法定主动公开内容／通知公告" in html
    assert "<textarea" in html and "不安全的内容会被自动去除" in html
    assert "csrfmiddlewaretoken" in html


def test_reviewer_cannot_open_the_drafting_form(client: Client, reviewer: User) -> None:
    client.force_login(reviewer)
    response = client.get(reverse("publications:create"))
    assert response.status_code == 403
    assert "信息员" in response.content.decode()


def test_editor_drafts_with_plain_text_body_and_catalog_items(
    client: Client, editor: User, department: Unit, domain: Domain
) -> None:
    item = CatalogItemFactory(catalog__unit=department, domain=domain, level2="审核确认结果")
    client.force_login(editor)
    body = "各乡镇：\r\n\r\n现将春耕生产工作安排通知如下。\r\n一、早谋划 & 早部署\r\n"
    response = client.post(
        reverse("publications:create"),
        form_data(department, body=body, catalog_items=[str(item.pk)], domain=str(domain.pk)),
    )
    publication = Publication.objects.get()
    assert response["Location"] == reverse("publications:detail", args=[publication.pk])
    assert publication.status == PublicationStatus.DRAFT
    assert publication.issuer == "县民政局"
    assert publication.body == (
        "<p>各乡镇：</p>\n<p>现将春耕生产工作安排通知如下。</p>\n<p>一、早谋划 &amp; 早部署</p>"
    )
    assert list(publication.catalog_items.all()) == [item]
    html = client.get(response["Location"]).content.decode()
    assert "已保存草稿" in html
    assert "<p>现将春耕生产工作安排通知如下。</p>" in html
    assert "社会救助／最低生活保障/审核确认结果" in html
    assert "石民字〔2024〕15号" in html
    assert "审核通过时生成" in html


def test_html_body_keeps_its_formatting(client: Client, editor: User, department: Unit) -> None:
    client.force_login(editor)
    body = "<h2>一、总体要求</h2><p>要<strong>高度重视</strong>。</p><ul><li>第一项</li></ul>"
    client.post(reverse("publications:create"), form_data(department, body=body))
    assert Publication.objects.get().body == body


def test_missing_fields_are_shown_on_the_form(
    client: Client, editor: User, department: Unit
) -> None:
    client.force_login(editor)
    response = client.post(
        reverse("publications:create"), form_data(department, title="", topic="", column="")
    )
    assert response.status_code == 400
    assert "请按提示修改后重新提交" in response.content.decode()
    assert not Publication.objects.exists()


def test_not_public_without_ground_is_refused_by_the_service(
    client: Client, editor: User, department: Unit
) -> None:
    client.force_login(editor)
    response = client.post(
        reverse("publications:create"), form_data(department, attribute="not_public")
    )
    assert response.status_code == 400
    assert "须同时选择法律依据" in response.content.decode()
    assert not Publication.objects.exists()


def test_editor_cannot_draft_for_another_unit(
    client: Client, editor: User, other_department: Unit
) -> None:
    client.force_login(editor)
    response = client.post(reverse("publications:create"), form_data(other_department))
    assert response.status_code == 400
    assert not Publication.objects.exists()


def test_edit_keeps_a_version_and_fills_the_issuer(
    client: Client, editor: User, draft_item: Publication
) -> None:
    client.force_login(editor)
    url = reverse("publications:edit", args=[draft_item.pk])
    page = client.get(url).content.decode()
    assert draft_item.title in page and 'value="2024-03-01"' in page
    assert 'name="unit"' not in page
    response = client.post(url, form_data(title="关于2024年城乡低保标准的通知（修订）"))
    assert response["Location"] == reverse("publications:detail", args=[draft_item.pk])
    draft_item.refresh_from_db()
    assert draft_item.title == "关于2024年城乡低保标准的通知（修订）"
    assert draft_item.issuer == "县民政局"
    html = client.get(response["Location"]).content.decode()
    history = html[html.index("版本记录") :]
    assert "起草" in history and "修改" in history


def test_submitted_item_cannot_be_edited(
    client: Client, editor: User, submitted_item: Publication
) -> None:
    client.force_login(editor)
    html = client.get(reverse("publications:detail", args=[submitted_item.pk])).content.decode()
    assert reverse("publications:edit", args=[submitted_item.pk]) not in html
    assert reverse("publications:attach", args=[submitted_item.pk]) not in html
    response = client.get(reverse("publications:edit", args=[submitted_item.pk]), follow=True)
    assert "不能修改" in response.content.decode()


def test_pdf_attachment_is_uploaded_downloaded_and_deleted(
    client: Client, editor: User, draft_item: Publication
) -> None:
    client.force_login(editor)
    detail = reverse("publications:detail", args=[draft_item.pk])
    response = client.post(
        reverse("publications:attach", args=[draft_item.pk]),
        {"file": upload("春耕通知.pdf", PDF)},
        follow=True,
    )
    assert response.redirect_chain == [(detail, 302)]
    html = response.content.decode()
    assert "已添加附件“春耕通知.pdf”" in html
    attachment = Attachment.objects.get(publication=draft_item)
    assert attachment.kind == "pdf"
    download_url = reverse("publications:attachment", args=[attachment.pk])
    assert download_url in html

    download = client.get(download_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E6%98%A5%E8%80%95%E9%80%9A%E7%9F%A5.pdf" in disposition

    response = client.post(reverse("publications:detach", args=[attachment.pk]), follow=True)
    assert "已删除附件“春耕通知.pdf”" in response.content.decode()
    assert not Attachment.objects.exists()
    history = response.content.decode()
    assert "添加附件" in history and "删除附件" in history


def test_text_file_named_pdf_is_refused(
    client: Client, editor: User, draft_item: Publication
) -> None:
    client.force_login(editor)
    response = client.post(
        reverse("publications:attach", args=[draft_item.pk]),
        {"file": upload("名单.pdf", "张三 360735198506151233\n".encode())},
        follow=True,
    )
    messages = _messages(response.content.decode())
    assert "文件内容与扩展名“.pdf”不符，请确认文件没有损坏或被改名后重新上传。" in messages
    assert not Attachment.objects.exists()


def test_oversized_attachment_is_refused_before_it_is_read(
    client: Client, editor: User, draft_item: Publication, settings: object
) -> None:
    settings.GONGKAI_MAX_ATTACHMENT_BYTES = 100  # type: ignore[attr-defined]
    client.force_login(editor)
    response = client.post(
        reverse("publications:attach", args=[draft_item.pk]),
        {"file": upload("大文件.pdf", PDF + b"0" * 200)},
        follow=True,
    )
    assert "文件过大" in _messages(response.content.decode())
    assert not Attachment.objects.exists()


def test_attachments_of_another_unit_are_not_found(
    client: Client, editor: User, other_editor: User, draft_item: Publication
) -> None:
    client.force_login(editor)
    client.post(
        reverse("publications:attach", args=[draft_item.pk]), {"file": upload("a.pdf", PDF)}
    )
    attachment = Attachment.objects.get()
    client.force_login(other_editor)
    assert client.get(reverse("publications:attachment", args=[attachment.pk])).status_code == 404
    response = client.post(reverse("publications:detach", args=[attachment.pk]))
    assert response.status_code == 404
    assert Attachment.objects.exists()
