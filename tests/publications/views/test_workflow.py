"""The life of an item through its page's buttons: submit, approve (with the checks before
publishing), return, withdraw, the periodic review of retained items, and validity."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.orgs.models import Unit, User
from gongkai.publications import services
from gongkai.publications.checks import checker
from gongkai.publications.models import (
    Column,
    DocKind,
    Publication,
    PublicationStatus,
    Validity,
)
from tests.publications.conftest import ID_MASKED, ID_NUMBER, publication_values
from tests.publications.views.inputs import PDF, form_data, upload

pytestmark = pytest.mark.django_db


def _post(client: Client, action: str, item: Publication, **data: Any) -> str:
    """POST an action, follow the redirect back to the item page, return the page."""
    response = client.post(reverse(f"publications:{action}", args=[item.pk]), data, follow=True)
    assert response.redirect_chain == [(reverse("publications:detail", args=[item.pk]), 302)]
    return response.content.decode()


def _status(item: Publication) -> str:
    item.refresh_from_db()
    return item.status


def _messages(html: str) -> str:
    start = html.index('class="messages"')
    return html[start : html.index("</ul>", start)]


def test_editor_drafts_attaches_submits_and_reviewer_publishes(
    client: Client, editor: User, reviewer: User, department: Unit
) -> None:
    client.force_login(editor)
    response = client.post(reverse("publications:create"), form_data(department))
    item = Publication.objects.get()
    client.post(reverse("publications:attach", args=[item.pk]), {"file": upload("通知.pdf", PDF)})
    page = client.get(response["Location"]).content.decode()
    assert reverse("publications:submit", args=[item.pk]) in page
    assert reverse("publications:approve", args=[item.pk]) not in page

    html = _post(client, "submit", item, comment="请审核")
    assert _status(item) == PublicationStatus.SUBMITTED
    assert "已报送审核" in html
    assert "未发现错敏字或未脱敏的个人信息" in html
    assert reverse("publications:submit", args=[item.pk]) not in html

    client.force_login(reviewer)
    queue = client.get(reverse("publications:review")).content.decode()
    assert reverse("publications:detail", args=[item.pk]) in queue
    page = client.get(reverse("publications:detail", args=[item.pk])).content.decode()
    assert "审核发布" in page and "退回修改" in page
    assert item.get_absolute_url() not in page
    assert 'name="override_reason"' not in page

    html = _post(client, "approve", item, comment="同意发布")
    item.refresh_from_db()
    assert item.status == PublicationStatus.PUBLISHED
    assert item.index_no == "MZJ-0500-2024-00001"
    assert "已审核通过" in html
    assert "MZJ-0500-2024-00001" in html
    assert "2024-03-20" in html  # 发布日期
    assert "2024-03-29" in html  # 应公开日期: 20 working days after 2024-03-01
    assert f'href="{item.get_absolute_url()}"' in html  # 查看公开页面
    history = html[html.index("版本记录") :]
    for action in ("起草", "添加附件", "报送审核", "审核通过"):
        assert action in history
    assert "请审核" in history and "同意发布" in history
    assert str(editor) in history and str(reviewer) in history


def test_editor_cannot_approve(client: Client, editor: User, submitted_item: Publication) -> None:
    client.force_login(editor)
    page = client.get(reverse("publications:detail", args=[submitted_item.pk])).content.decode()
    assert reverse("publications:approve", args=[submitted_item.pk]) not in page
    response = client.post(reverse("publications:approve", args=[submitted_item.pk]))
    assert response.status_code == 403
    assert "审核人" in response.content.decode()
    assert _status(submitted_item) == PublicationStatus.SUBMITTED


def test_incomplete_item_is_not_submitted_and_every_problem_is_listed(
    client: Client, editor: User, department: Unit
) -> None:
    item = services.publication_create(
        actor=editor,
        unit=department,
        values=publication_values(body="", doc_kind=DocKind.NORMATIVE, doc_number=""),
    )
    client.force_login(editor)
    html = _post(client, "submit", item)
    assert _status(item) == PublicationStatus.DRAFT
    messages = _messages(html)
    assert "信息还不完整" in messages
    assert "正文和附件至少要有一项" in messages
    assert "规章和行政规范性文件须标明有效性" in messages
    assert "行政规范性文件须填写文号" in messages


def test_personal_data_blocks_approval_and_is_never_shown_whole(
    client: Client, editor: User, reviewer: User, department: Unit
) -> None:
    item = services.publication_create(
        actor=editor,
        unit=department,
        values=publication_values(
            body=f"<p>经审核，张小明（身份证号{ID_NUMBER}）符合最低生活保障条件。</p>"
        ),
    )
    services.publication_submit(actor=editor, publication=item)
    client.force_login(reviewer)
    page = client.get(reverse("publications:detail", args=[item.pk])).content.decode()
    assert ID_NUMBER not in page
    assert f"身份证号“{ID_MASKED}”" in page
    assert 'class="notice notice-error"><strong>须处理</strong>' in page
    assert 'name="override_reason"' in page
    assert f"张小明（身份证号{ID_MASKED}）" in page  # the body, masked

    html = _post(client, "approve", item)
    assert _status(item) == PublicationStatus.SUBMITTED
    assert ID_NUMBER not in html
    messages = _messages(html)
    assert "发布前检查发现不能公开的内容" in messages
    assert ID_MASKED in messages

    html = _post(client, "approve", item, override_reason="经本人书面同意公开，见附件授权书")
    item.refresh_from_db()
    assert item.status == PublicationStatus.PUBLISHED
    assert item.override_reason == "经本人书面同意公开，见附件授权书"
    assert ID_NUMBER not in html
    history = html[html.index("版本记录") :]
    assert "审核人放行1处检查问题，理由：经本人书面同意公开，见附件授权书" in history


def test_wrong_words_warn_in_amber_without_blocking(
    client: Client, editor: User, reviewer: User, department: Unit
) -> None:
    wrong, correct = next(iter(checker().words.wrong_words.items()))
    item = services.publication_create(
        actor=editor, unit=department, values=publication_values(body=f"<p>请{wrong}办理。</p>")
    )
    services.publication_submit(actor=editor, publication=item)
    client.force_login(reviewer)
    page = client.get(reverse("publications:detail", args=[item.pk])).content.decode()
    assert 'class="notice notice-warn"><strong>提示</strong>' in page
    assert f"“{wrong}”，应为“{correct}”" in page
    assert 'name="override_reason"' not in page
    _post(client, "approve", item)
    assert _status(item) == PublicationStatus.PUBLISHED


def test_reviewer_returns_with_a_comment_which_the_editor_sees(
    client: Client, editor: User, reviewer: User, submitted_item: Publication
) -> None:
    client.force_login(reviewer)
    html = _post(client, "return", submitted_item, comment="  ")
    assert _status(submitted_item) == PublicationStatus.SUBMITTED
    assert "退回时请填写修改意见" in _messages(html)

    _post(client, "return", submitted_item, comment="文号有误\n请核对")
    assert _status(submitted_item) == PublicationStatus.RETURNED
    client.force_login(editor)
    page = client.get(reverse("publications:detail", args=[submitted_item.pk])).content.decode()
    assert "审核人退回意见" in page
    assert "文号有误<br>请核对" in page
    assert reverse("publications:edit", args=[submitted_item.pk]) in page
    assert reverse("publications:submit", args=[submitted_item.pk]) in page
    _post(client, "submit", submitted_item)
    assert _status(submitted_item) == PublicationStatus.SUBMITTED


def test_withdraw_needs_a_reason(
    client: Client, reviewer: User, editor: User, published_item: Publication
) -> None:
    client.force_login(editor)
    page = client.get(reverse("publications:detail", args=[published_item.pk])).content.decode()
    assert reverse("publications:withdraw", args=[published_item.pk]) not in page
    client.force_login(reviewer)
    html = _post(client, "withdraw", published_item, reason="")
    assert _status(published_item) == PublicationStatus.PUBLISHED
    assert "撤回时请填写原因" in _messages(html)

    html = _post(client, "withdraw", published_item, reason="标准已调整，以新通知为准")
    published_item.refresh_from_db()
    assert published_item.status == PublicationStatus.WITHDRAWN
    assert published_item.withdrawal_reason == "标准已调整，以新通知为准"
    assert "已撤回" in html
    assert published_item.index_no and published_item.index_no in html
    assert "标准已调整，以新通知为准" in html[html.index("版本记录") :]
    assert reverse("publications:withdraw", args=[published_item.pk]) not in html


def test_retained_item_is_kept_then_released_at_its_periodic_review(
    client: Client, reviewer: User, retained_item: Publication, time_machine: Any
) -> None:
    assert retained_item.status == PublicationStatus.RETAINED
    time_machine.move_to("2025-03-21 10:00 +0800")
    client.force_login(reviewer)
    page = client.get(reverse("publications:detail", args=[retained_item.pk])).content.decode()
    assert "定期评估" in page and "继续不公开" in page and "转为主动公开" in page
    assert "2025-03-20" in page  # 下次评估日期
    assert "过程性信息" in page

    html = _post(client, "retained_review", retained_item, decision="keep", comment="")
    assert "请填写评估意见" in _messages(html)

    _post(client, "retained_review", retained_item, decision="keep", comment="仍属过程性信息")
    retained_item.refresh_from_db()
    assert retained_item.status == PublicationStatus.RETAINED
    assert str(retained_item.review_due) == "2026-03-21"

    html = _post(
        client, "retained_review", retained_item, decision="release", comment="资金已下达，转为公开"
    )
    retained_item.refresh_from_db()
    assert retained_item.status == PublicationStatus.PUBLISHED
    assert retained_item.attribute == "proactive"
    history = html[html.index("版本记录") :]
    assert "定期评估：继续不公开" in history and "定期评估：转为主动公开" in history
    assert "资金已下达，转为公开" in history


def test_normative_document_validity_is_updated_after_publication(
    client: Client, editor: User, reviewer: User, department: Unit
) -> None:
    item = services.publication_create(
        actor=editor,
        unit=department,
        values=publication_values(
            doc_kind=DocKind.NORMATIVE,
            validity=Validity.VALID,
            column=Column.objects.get(code="normative"),
        ),
    )
    services.publication_submit(actor=editor, publication=item)
    services.publication_approve(actor=reviewer, publication=item)
    client.force_login(editor)
    page = client.get(reverse("publications:detail", args=[item.pk])).content.decode()
    assert "更新有效性" in page and "现行有效" in page
    html = _post(
        client,
        "validity",
        item,
        validity=Validity.REPEALED,
        expires_on="2024-03-19",
        comment="已被石民字〔2024〕20号废止",
    )
    item.refresh_from_db()
    assert item.validity == Validity.REPEALED
    assert str(item.expires_on) == "2024-03-19"
    assert "已废止" in html and "已被石民字〔2024〕20号废止" in html


def test_ordinary_items_have_no_validity_form(
    client: Client, editor: User, published_item: Publication
) -> None:
    client.force_login(editor)
    page = client.get(reverse("publications:detail", args=[published_item.pk])).content.decode()
    assert reverse("publications:validity", args=[published_item.pk]) not in page


def test_pages_never_show_the_id_number_in_the_findings_context(
    client: Client, editor: User, department: Unit
) -> None:
    item = services.publication_create(
        actor=editor,
        unit=department,
        values=publication_values(body=f"<table><tr><td>{ID_NUMBER}</td></tr></table>"),
    )
    services.publication_submit(actor=editor, publication=item)
    client.force_login(editor)
    html = client.get(reverse("publications:detail", args=[item.pk])).content.decode()
    assert ID_NUMBER not in html
    assert not re.search(r"\d{17}[\dX]", html)
