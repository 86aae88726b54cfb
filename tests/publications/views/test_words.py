"""The office's check-word dictionary page, and its words found at the next submission."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongkai import textcheck
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from gongkai.publications import services
from gongkai.publications.models import CheckWord, PublicationStatus
from tests.publications.conftest import publication_values

pytestmark = pytest.mark.django_db


def _words_url() -> str:
    return reverse("publications:words")


def test_only_the_office_keeps_the_dictionary(
    client: Client, editor: User, reviewer: User, leader: User
) -> None:
    for user in (editor, reviewer, leader):
        client.force_login(user)
        assert client.get(_words_url()).status_code == 403
        response = client.post(_words_url(), {"word": "某词", "kind": "sensitive"})
        assert response.status_code == 403
    assert not CheckWord.objects.exists()


def test_page_counts_the_default_words(client: Client, office: User) -> None:
    client.force_login(office)
    html = client.get(_words_url()).content.decode()
    assert f"错词{len(textcheck.default_wrong_words())}条" in html
    assert f"敏感词{len(textcheck.default_sensitive_words())}条" in html
    assert "还没有本县词条" in html
    assert "csrfmiddlewaretoken" in html


def test_office_adds_a_wrong_word_found_at_the_next_submit(
    client: Client, office: User, editor: User, department: Unit
) -> None:
    item = services.publication_create(
        actor=editor,
        unit=department,
        values=publication_values(body="<p>请到县民政所窗口办理。</p>"),
    )
    client.force_login(office)
    response = client.post(
        _words_url(),
        {"word": "县民政所", "kind": "wrong", "correction": "县民政局", "note": "机构改革后更名"},
        follow=True,
    )
    html = response.content.decode()
    assert "已添加错词“县民政所”" in html
    assert "机构改革后更名" in html
    assert AuditEntry.objects.filter(action="checkword.add").count() == 1

    client.force_login(editor)
    response = client.post(reverse("publications:submit", args=[item.pk]), follow=True)
    item.refresh_from_db()
    assert item.status == PublicationStatus.SUBMITTED
    assert "错词或旧机构名称“县民政所”，应为“县民政局”" in response.content.decode()


def test_wrong_word_needs_a_correction_and_duplicates_are_refused(
    client: Client, office: User
) -> None:
    client.force_login(office)
    response = client.post(_words_url(), {"word": "县民政所", "kind": "wrong"})
    assert response.status_code == 400
    assert "错词须填写正确写法" in response.content.decode()
    client.post(_words_url(), {"word": "某敏感词", "kind": "sensitive"})
    response = client.post(_words_url(), {"word": " 某敏感词 ", "kind": "sensitive"})
    assert response.status_code == 400
    assert "词库中已有“某敏感词”" in response.content.decode()
    assert CheckWord.objects.count() == 1


def test_deactivated_word_is_no_longer_found(
    client: Client, office: User, editor: User, department: Unit
) -> None:
    client.force_login(office)
    client.post(_words_url(), {"word": "某敏感词", "kind": "sensitive"})
    entry = CheckWord.objects.get()
    item = services.publication_create(
        actor=editor, unit=department, values=publication_values(body="<p>含某敏感词的正文。</p>")
    )
    response = client.post(
        reverse("publications:word_active", args=[entry.pk]), {"active": "0"}, follow=True
    )
    assert "已停用“某敏感词”" in response.content.decode()
    entry.refresh_from_db()
    assert not entry.is_active
    assert AuditEntry.objects.filter(action="checkword.deactivate").count() == 1
    services.publication_submit(actor=editor, publication=item)
    item.refresh_from_db()
    assert item.findings == []
