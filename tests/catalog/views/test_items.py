"""Adding, changing and deleting catalog items through the forms."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.catalog.models import Catalog, CatalogAction, CatalogStatus, Domain
from gongkai.orgs.models import User
from tests.catalog.views.inputs import item_form_data

pytestmark = pytest.mark.django_db


def test_add_form_has_labelled_controls_for_every_element(
    client: Client, editor: User, draft: Catalog
) -> None:
    client.force_login(editor)
    html = client.get(reverse("staff:item_add", args=[draft.pk])).content.decode()
    for name in (
        "domain",
        "level1",
        "level2",
        "content",
        "basis",
        "time_limit",
        "subject",
        "channels",
        "audience_public",
        "audience_specific",
        "mode_proactive",
        "mode_on_request",
        "level_county",
        "level_township",
        "level_village",
        "five_public",
        "site_column",
        "remark",
    ):
        assert f'for="id_{name}"' in html, name
    for legend in ("公开对象", "公开方式", "公开层级"):
        assert f"<legend>{legend}" in html
    assert '<textarea name="basis"' in html
    assert "csrfmiddlewaretoken" in html


def test_add_item(client: Client, editor: User, draft: Catalog, second_domain: Domain) -> None:
    client.force_login(editor)
    data = item_form_data(
        second_domain,
        level1="养老服务机构",
        level2="机构名录",
        basis="《养老机构管理办法》\r\n《民政部关于加强养老服务的意见》",
        level_village=True,
        five_public="服务公开",
    )
    response = client.post(reverse("staff:item_add", args=[draft.pk]), data, follow=True)
    assert response.redirect_chain == [(draft.get_absolute_url(), 302)]
    assert "已新增事项“养老服务机构/机构名录”" in response.content.decode()
    item = draft.items.get(level2="机构名录")
    assert item.domain == second_domain
    assert item.basis == "《养老机构管理办法》\n《民政部关于加强养老服务的意见》"
    assert (item.level_county, item.level_township, item.level_village) == (True, True, True)
    assert item.five_public == "服务公开"
    assert item.missing_elements() == []
    assert draft.events.filter(action=CatalogAction.ITEM_ADDED).count() == 1


def test_add_item_needs_level1_and_keeps_what_was_typed(
    client: Client, editor: User, draft: Catalog, domain: Domain
) -> None:
    client.force_login(editor)
    data = item_form_data(domain, level1="", content="已填写的内容")
    response = client.post(reverse("staff:item_add", args=[draft.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "这个字段是必填项" in html
    assert "已填写的内容" in html
    assert draft.items.count() == 2


def test_incomplete_item_can_be_saved_and_is_flagged(
    client: Client, editor: User, draft: Catalog, domain: Domain
) -> None:
    client.force_login(editor)
    data = item_form_data(domain, level2="尚未填完", basis="", audience_public=False)
    response = client.post(reverse("staff:item_add", args=[draft.pk]), data, follow=True)
    assert "缺少：公开依据、公开对象" in response.content.decode()


def test_edit_item(client: Client, editor: User, draft: Catalog, domain: Domain) -> None:
    item = draft.items.get(level2="办事指南")
    client.force_login(editor)
    form = client.get(reverse("staff:item_edit", args=[item.pk])).content.decode()
    assert "办事指南" in form
    assert 'name="audience_public" id="id_audience_public" checked' in form
    data = item_form_data(domain, level2="办事指南（2024年修订）", mode_on_request=True)
    response = client.post(reverse("staff:item_edit", args=[item.pk]), data)
    assert response["Location"] == draft.get_absolute_url()
    item.refresh_from_db()
    assert item.level2 == "办事指南（2024年修订）"
    assert item.mode_on_request
    event = draft.events.get(action=CatalogAction.ITEM_CHANGED)
    assert "level2" in event.comment and "mode_on_request" in event.comment


def test_edit_refused_once_submitted(
    client: Client, editor: User, submitted: Catalog, domain: Domain
) -> None:
    item = submitted.items.get(level2="办事指南")
    client.force_login(editor)
    data = item_form_data(domain, level2="改了")
    response = client.post(reverse("staff:item_edit", args=[item.pk]), data)
    assert response.status_code == 400
    assert "不能修改" in response.content.decode()
    item.refresh_from_db()
    assert item.level2 == "办事指南"
    response = client.post(reverse("staff:item_add", args=[submitted.pk]), data)
    assert response.status_code == 400
    assert submitted.items.count() == 2


def test_office_cannot_open_item_forms(client: Client, office: User, draft: Catalog) -> None:
    item = draft.items.first()
    assert item is not None
    client.force_login(office)
    assert client.get(reverse("staff:item_add", args=[draft.pk])).status_code == 403
    assert client.get(reverse("staff:item_edit", args=[item.pk])).status_code == 403
    assert client.post(reverse("staff:item_delete", args=[item.pk])).status_code == 403
    assert draft.items.count() == 2


def test_delete_item_asks_first_then_deletes_on_post(
    client: Client, editor: User, draft: Catalog
) -> None:
    item = draft.items.get(level2="审核确认结果")
    client.force_login(editor)
    confirm = client.get(reverse("staff:item_delete", args=[item.pk]))
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "确定要从目录中删除“社会救助／最低生活保障/审核确认结果”吗" in html
    assert "csrfmiddlewaretoken" in html
    assert draft.items.count() == 2
    response = client.post(reverse("staff:item_delete", args=[item.pk]), follow=True)
    assert response.redirect_chain == [(draft.get_absolute_url(), 302)]
    assert "已删除事项" in response.content.decode()
    assert list(draft.items.values_list("level2", flat=True)) == ["办事指南"]
    assert draft.events.filter(action=CatalogAction.ITEM_DELETED).exists()


def test_delete_refused_on_an_approved_catalog(
    client: Client, editor: User, draft: Catalog
) -> None:
    draft.status = CatalogStatus.APPROVED
    draft.save()
    item = draft.items.first()
    assert item is not None
    client.force_login(editor)
    response = client.post(reverse("staff:item_delete", args=[item.pk]), follow=True)
    assert "不能修改" in response.content.decode()
    assert draft.items.count() == 2
