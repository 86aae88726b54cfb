"""The reviewer's two choices on an item blocked by personal data: 脱敏后发布 (mask and publish,
a comment optional) and 放行（不脱敏） (publish as written, a reason required)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.orgs.models import Unit, User
from gongkai.publications import services
from gongkai.publications.models import Publication, PublicationStatus
from tests.publications.conftest import ID_MASKED, ID_NUMBER, publication_values

pytestmark = pytest.mark.django_db

MASK_BUTTON = 'name="decision" value="mask"'
OVERRIDE_BUTTON = 'name="decision" value="override"'


def _submitted(editor: User, unit: Unit, body: str) -> Publication:
    item = services.publication_create(
        actor=editor, unit=unit, values=publication_values(body=body)
    )
    return services.publication_submit(actor=editor, publication=item)


def _approve(client: Client, item: Publication, **data: Any) -> str:
    response = client.post(reverse("publications:approve", args=[item.pk]), data, follow=True)
    assert response.redirect_chain == [(reverse("publications:detail", args=[item.pk]), 302)]
    return response.content.decode()


def _messages(html: str) -> str:
    start = html.index('class="messages"')
    return html[start : html.index("</ul>", start)]


@pytest.fixture
def blocked(editor: User, department: Unit) -> Publication:
    return _submitted(editor, department, f"<p>张小明（身份证号{ID_NUMBER}）符合救助条件。</p>")


def test_reviewer_sees_both_choices_and_masks_then_publishes(
    client: Client, reviewer: User, blocked: Publication
) -> None:
    client.force_login(reviewer)
    page = client.get(reverse("publications:detail", args=[blocked.pk])).content.decode()
    assert ID_NUMBER not in page
    assert MASK_BUTTON in page and OVERRIDE_BUTTON in page
    assert "脱敏后发布" in page and "放行（不脱敏）" in page
    assert "将遮蔽检查发现的1处个人信息后发布" in page
    assert page.count("csrfmiddlewaretoken") >= 3  # mask, override and return forms

    html = _approve(client, blocked, decision="mask", comment="")
    blocked.refresh_from_db()
    assert blocked.status == PublicationStatus.PUBLISHED
    assert blocked.body_text == f"张小明（身份证号{ID_MASKED}）符合救助条件。"
    assert "脱敏发布：遮蔽身份证号1处" in _messages(html)
    history = html[html.index("版本记录") :]
    assert "审核发布；脱敏发布：遮蔽身份证号1处，共1处（正文1处）" in history
    assert ID_NUMBER not in html
    public = client.get(blocked.get_absolute_url()).content.decode()
    assert ID_NUMBER not in public and ID_MASKED in public


def test_override_without_masking_needs_a_reason(
    client: Client, reviewer: User, blocked: Publication
) -> None:
    client.force_login(reviewer)
    html = _approve(client, blocked, decision="override", override_reason="  ")
    assert "发布前检查发现不能公开的内容" in _messages(html)
    blocked.refresh_from_db()
    assert blocked.status == PublicationStatus.SUBMITTED

    html = _approve(client, blocked, decision="override", override_reason="经本人书面同意公开")
    blocked.refresh_from_db()
    assert blocked.status == PublicationStatus.PUBLISHED
    assert blocked.override_reason == "经本人书面同意公开"
    assert ID_NUMBER in blocked.body_text  # published as written, as the reviewer chose
    assert "审核人放行1处检查问题，理由：经本人书面同意公开" in html[html.index("版本记录") :]


def test_sensitive_words_offer_only_the_raw_override(
    client: Client, editor: User, reviewer: User, department: Unit
) -> None:
    item = _submitted(editor, department, f"<p>此件不公开。身份证号{ID_NUMBER}。</p>")
    client.force_login(reviewer)
    page = client.get(reverse("publications:detail", args=[item.pk])).content.decode()
    assert MASK_BUTTON not in page and OVERRIDE_BUTTON in page
    assert "敏感词等不能脱敏处理的内容" in page
    # Posting the mask choice anyway is refused by the service, naming the word.
    html = _approve(client, item, decision="mask")
    messages = _messages(html)
    assert "不能脱敏后发布" in messages and "此件不公开" in messages
    assert Publication.objects.get(pk=item.pk).status == PublicationStatus.SUBMITTED


def test_items_without_findings_show_the_plain_approval_only(
    client: Client, reviewer: User, submitted_item: Publication
) -> None:
    client.force_login(reviewer)
    page = client.get(reverse("publications:detail", args=[submitted_item.pk])).content.decode()
    assert MASK_BUTTON not in page and OVERRIDE_BUTTON not in page
    assert "审核发布" in page


def test_only_the_units_reviewer_may_mask_and_publish(
    client: Client, editor: User, blocked: Publication
) -> None:
    client.force_login(editor)
    page = client.get(reverse("publications:detail", args=[blocked.pk])).content.decode()
    assert MASK_BUTTON not in page
    response = client.post(reverse("publications:approve", args=[blocked.pk]), {"decision": "mask"})
    assert response.status_code == 403
    blocked.refresh_from_db()
    assert blocked.status == PublicationStatus.SUBMITTED
    assert ID_NUMBER in blocked.body_text


def test_mask_and_publish_needs_the_csrf_token(reviewer: User, blocked: Publication) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    response = client.post(reverse("publications:approve", args=[blocked.pk]), {"decision": "mask"})
    assert response.status_code == 403
    assert Publication.objects.get(pk=blocked.pk).status == PublicationStatus.SUBMITTED
