"""Submit, approve, return and report through the catalog page's buttons."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.catalog import services
from gongkai.catalog.models import Catalog, CatalogAction, CatalogStatus, Domain
from gongkai.orgs.models import User
from tests.factories import CatalogItemFactory

pytestmark = pytest.mark.django_db


def _post(client: Client, action: str, catalog: Catalog, comment: str = "") -> str:
    """POST an action, follow the redirect back to the catalog, return the page."""
    response = client.post(
        reverse(f"staff:catalog_{action}", args=[catalog.pk]), {"comment": comment}, follow=True
    )
    assert response.redirect_chain == [(catalog.get_absolute_url(), 302)]
    return response.content.decode()


def _status(catalog: Catalog) -> str:
    catalog.refresh_from_db()
    return catalog.status


def test_editor_submits_a_complete_catalog(client: Client, editor: User, draft: Catalog) -> None:
    client.force_login(editor)
    html = _post(client, "submit", draft, "请审核")
    assert _status(draft) == CatalogStatus.SUBMITTED
    assert "已报送县政务公开办审核" in html
    assert "请审核" in html
    # Once submitted, the editor can no longer change it or submit it again.
    assert reverse("staff:item_add", args=[draft.pk]) not in html
    assert reverse("staff:catalog_submit", args=[draft.pk]) not in html


def test_submit_is_blocked_with_every_problem_listed(
    client: Client, editor: User, draft: Catalog, domain: Domain
) -> None:
    CatalogItemFactory(catalog=draft, domain=domain, level2="资金发放", content="  ")
    CatalogItemFactory(catalog=draft, domain=domain, level2="监督渠道", mode_proactive=False)
    client.force_login(editor)
    html = _post(client, "submit", draft)
    assert _status(draft) == CatalogStatus.DRAFT
    assert "目录还不完整" in html
    messages = html[html.index('class="messages"') : html.index("</ul>", html.index("messages"))]
    assert "第3项（社会救助／最低生活保障／资金发放）缺少：公开内容（要素）" in messages
    assert "第4项（社会救助／最低生活保障／监督渠道）缺少：公开方式" in messages
    assert not draft.events.filter(action=CatalogAction.SUBMITTED).exists()


def test_many_problems_are_flashed_up_to_a_limit(
    client: Client, editor: User, draft: Catalog, domain: Domain
) -> None:
    for n in range(25):
        CatalogItemFactory(catalog=draft, domain=domain, level2=f"空白{n}", basis="")
    client.force_login(editor)
    html = _post(client, "submit", draft)
    assert "另有5个问题" in html
    assert _status(draft) == CatalogStatus.DRAFT


def test_editor_cannot_approve_own_catalog(
    client: Client, editor: User, submitted: Catalog
) -> None:
    client.force_login(editor)
    response = client.post(reverse("staff:catalog_approve", args=[submitted.pk]))
    assert response.status_code == 403
    assert "只有县政务公开办可以审核目录" in response.content.decode()
    assert _status(submitted) == CatalogStatus.SUBMITTED
    response = client.post(
        reverse("staff:catalog_return", args=[submitted.pk]), {"comment": "自己退回"}
    )
    assert response.status_code == 403
    assert _status(submitted) == CatalogStatus.SUBMITTED


def test_actions_are_post_only(client: Client, office: User, submitted: Catalog) -> None:
    client.force_login(office)
    assert client.get(reverse("staff:catalog_approve", args=[submitted.pk])).status_code == 405
    assert _status(submitted) == CatalogStatus.SUBMITTED


def test_office_approves(client: Client, office: User, submitted: Catalog) -> None:
    client.force_login(office)
    html = _post(client, "approve", submitted, "同意")
    assert _status(submitted) == CatalogStatus.APPROVED
    assert "已审核通过" in html
    history = html[html.index("办理记录") :]
    assert "审核通过" in history and "同意" in history and str(office) in history
    assert reverse("portal:catalog_unit", args=[submitted.unit.code]) in html
    assert reverse("staff:catalog_report", args=[submitted.pk]) in html
    # Now public.
    client.logout()
    public = client.get(reverse("portal:catalog_unit", args=[submitted.unit.code]))
    assert public.status_code == 200


def test_return_needs_a_comment(client: Client, office: User, submitted: Catalog) -> None:
    client.force_login(office)
    html = _post(client, "return", submitted, "   ")
    assert _status(submitted) == CatalogStatus.SUBMITTED
    assert "退回时请填写修改意见" in html
    html = _post(client, "return", submitted, "公开依据请写明具体条款")
    assert _status(submitted) == CatalogStatus.RETURNED
    assert "已退回修改" in html
    event = submitted.events.get(action=CatalogAction.RETURNED)
    assert event.comment == "公开依据请写明具体条款"
    assert event.actor == office


def test_returned_catalog_is_editable_and_resubmittable(
    client: Client, editor: User, submitted: Catalog
) -> None:
    submitted.status = CatalogStatus.RETURNED
    submitted.save()
    client.force_login(editor)
    html = client.get(submitted.get_absolute_url()).content.decode()
    assert reverse("staff:item_add", args=[submitted.pk]) in html
    _post(client, "submit", submitted)
    assert _status(submitted) == CatalogStatus.SUBMITTED


def test_office_cannot_approve_a_draft(client: Client, office: User, draft: Catalog) -> None:
    client.force_login(office)
    html = _post(client, "approve", draft)
    assert _status(draft) == CatalogStatus.DRAFT
    assert "不能执行“审核通过”" in html


def test_office_reports_an_approved_catalog_to_the_city(
    client: Client, office: User, submitted: Catalog
) -> None:
    submitted.status = CatalogStatus.APPROVED
    submitted.save()
    client.force_login(office)
    html = _post(client, "report", submitted)
    assert _status(submitted) == CatalogStatus.REPORTED
    assert "已记录报送市级" in html
    assert "已报市级" in html


def test_reviewer_of_the_unit_may_submit(client: Client, reviewer: User, draft: Catalog) -> None:
    client.force_login(reviewer)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert reverse("staff:catalog_submit", args=[draft.pk]) in html
    assert reverse("staff:item_add", args=[draft.pk]) not in html
    _post(client, "submit", draft)
    assert _status(draft) == CatalogStatus.SUBMITTED


def test_returned_catalog_shows_the_offices_comment_on_top(
    client: Client, draft: Catalog, editor: User, office: User
) -> None:
    services.catalog_submit(actor=editor, catalog=draft)
    services.catalog_return(actor=office, catalog=draft, comment="请对身份证号做脱敏处理")
    client.force_login(editor)
    html = client.get(reverse("staff:catalog_detail", args=[draft.pk])).content.decode()
    assert "县政务公开办退回意见" in html
    assert html.index("请对身份证号做脱敏处理") < html.index("公开事项")
