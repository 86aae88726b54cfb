"""Staff publication pages: login, unit boundaries, the list with its filters and paging, the
review queue and the workspace links."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.orgs.models import Unit, User
from gongkai.publications import services
from gongkai.publications.models import Publication, PublicationStatus
from tests.publications.conftest import publication_values
from tests.publications.factories import PublicationFactory
from tests.publications.views.inputs import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name,args",
    [
        ("publications:list", []),
        ("publications:create", []),
        ("publications:review", []),
        ("publications:words", []),
        ("publications:subsidy_import", []),
        ("publications:detail", [1]),
        ("publications:edit", [1]),
        ("publications:attachment", [1]),
    ],
)
def test_pages_require_login(client: Client, name: str, args: list[Any]) -> None:
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_anonymous_post_changes_nothing(client: Client, submitted_item: Publication) -> None:
    response = client.post(reverse("publications:approve", args=[submitted_item.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    submitted_item.refresh_from_db()
    assert submitted_item.status == PublicationStatus.SUBMITTED


def test_editor_of_another_unit_gets_404_everywhere(
    client: Client, other_editor: User, submitted_item: Publication
) -> None:
    client.force_login(other_editor)
    pk = submitted_item.pk
    for name in ("detail", "edit"):
        assert client.get(reverse(f"publications:{name}", args=[pk])).status_code == 404
    for name in ("submit", "approve", "return", "withdraw", "retained_review", "attach"):
        response = client.post(reverse(f"publications:{name}", args=[pk]), {"comment": "x"})
        assert response.status_code == 404, name
    listing = client.get(reverse("publications:list")).content.decode()
    assert submitted_item.title not in listing
    submitted_item.refresh_from_db()
    assert submitted_item.status == PublicationStatus.SUBMITTED


def test_township_editor_reads_a_village_item_but_is_refused_its_actions(
    client: Client, township_editor: User, village_clerk: User, village: Unit
) -> None:
    item = PublicationFactory(unit=village)
    client.force_login(township_editor)
    html = client.get(reverse("publications:detail", args=[item.pk])).content.decode()
    assert item.title in html
    assert reverse("publications:submit", args=[item.pk]) not in html
    assert reverse("publications:edit", args=[item.pk]) not in html
    assert client.get(reverse("publications:edit", args=[item.pk])).status_code == 403
    response = client.post(reverse("publications:submit", args=[item.pk]))
    assert response.status_code == 403
    assert "只有本单位的信息员可以报送本单位的政府信息" in response.content.decode()
    item.refresh_from_db()
    assert item.status == PublicationStatus.DRAFT


def test_list_shows_the_columns_and_filters(
    client: Client,
    editor: User,
    department: Unit,
    published_item: Publication,
    other_item: Publication,
) -> None:
    draft_item = services.publication_create(
        actor=editor, unit=department, values=publication_values(title="另一件草稿")
    )
    client.force_login(editor)
    html = client.get(reverse("publications:list")).content.decode()
    for header in ("标题", "单位", "栏目", "状态", "索引号", "发布日期", "超期"):
        assert f'<th scope="col">{header}</th>' in html
    assert published_item.index_no and published_item.index_no in html
    assert reverse("publications:detail", args=[published_item.pk]) in html
    assert "县民政局" in html and "通知公告" in html and "已发布" in html
    assert other_item.title not in html
    assert reverse("publications:create") in html

    drafts = client.get(reverse("publications:list"), {"status": "draft"}).content.decode()
    assert reverse("publications:detail", args=[draft_item.pk]) in drafts
    assert reverse("publications:detail", args=[published_item.pk]) not in drafts
    news = client.get(reverse("publications:list"), {"column": published_item.column_id})
    assert reverse("publications:detail", args=[published_item.pk]) in news.content.decode()
    mine = client.get(reverse("publications:list"), {"mine": "on"}).content.decode()
    assert reverse("publications:detail", args=[draft_item.pk]) in mine
    assert reverse("publications:detail", args=[published_item.pk]) not in mine
    # Nonsense filters are ignored, not an error.
    assert client.get(reverse("publications:list"), {"status": "nope"}).status_code == 200


def test_list_marks_late_publication(client: Client, editor: User, department: Unit) -> None:
    PublicationFactory(unit=department, status=PublicationStatus.PUBLISHED, is_late=True)
    client.force_login(editor)
    html = client.get(reverse("publications:list")).content.decode()
    assert '<strong class="warn">超期</strong>' in html


def test_list_pages_by_25_with_bounded_queries(
    client: Client, office: User, department: Unit, django_assert_max_num_queries: Any
) -> None:
    for n in range(60):
        PublicationFactory(unit=department, title=f"第{n:02d}号信息")
    client.force_login(office)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("publications:list"))
    html = response.content.decode()
    assert html.count("<tr>") == 1 + 25
    assert "第1页，共3页" in html
    third = client.get(reverse("publications:list"), {"page": 3, "unit": department.pk})
    third_html = third.content.decode()
    assert third_html.count("<tr>") == 1 + 10
    assert f"unit={department.pk}&amp;page=2" in third_html


def test_review_queue_lists_what_the_reviewer_can_act_on(
    client: Client,
    reviewer: User,
    editor: User,
    submitted_item: Publication,
    retained_item: Publication,
    time_machine: Any,
) -> None:
    client.force_login(reviewer)
    html = client.get(reverse("publications:review")).content.decode()
    awaiting = html[html.index("待我审核的信息") : html.index("到期需定期评估")]
    assert reverse("publications:detail", args=[submitted_item.pk]) in awaiting
    retained = html[html.index("到期需定期评估") :]
    assert "没有到期需评估的信息" in retained

    time_machine.move_to("2025-03-21 10:00 +0800")
    client.force_login(reviewer)  # a year on, the session has expired
    html = client.get(reverse("publications:review")).content.decode()
    retained = html[html.index("到期需定期评估") :]
    assert reverse("publications:detail", args=[retained_item.pk]) in retained
    assert "条例第十六条第二款" in retained

    # The editor may see the items but approves nothing, so the queue is empty for them.
    client.force_login(editor)
    html = client.get(reverse("publications:review")).content.decode()
    assert reverse("publications:detail", args=[submitted_item.pk]) not in html
    assert reverse("publications:detail", args=[retained_item.pk]) not in html


def test_workspace_links_to_the_publication_pages(
    client: Client, editor: User, department: Unit
) -> None:
    client.force_login(editor)
    html = client.get(reverse("staff:home")).content.decode()
    for status in ("draft", "returned"):
        assert f"{reverse('publications:list')}?status={status}&amp;unit={department.pk}" in html
    assert reverse("publications:create") in html
    # Reviewing is the reviewer's work, the check words the office's (issue 11).
    assert reverse("publications:review") not in html
    assert reverse("publications:words") not in html


def test_detail_escapes_everything_but_the_sanitised_body(
    client: Client, editor: User, department: Unit
) -> None:
    client.force_login(editor)
    body = (
        '<p onclick="steal()">正文<strong>加粗</strong></p><script>alert(1)</script>'
        '<img src="https://evil.example/x.png"><a href="javascript:alert(1)">链接</a>'
    )
    data = form_data(department, title="<b>标题</b>", issuer="<i>机构</i>", body=body)
    response = client.post(reverse("publications:create"), data)
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "&lt;b&gt;标题&lt;/b&gt;" in html and "<b>标题</b>" not in html
    assert "&lt;i&gt;机构&lt;/i&gt;" in html
    assert "<p>正文<strong>加粗</strong></p>" in html
    for unsafe in ("<script>alert", "onclick", "evil.example", "javascript:"):
        assert unsafe not in html


def test_office_workspace_and_list_link_to_the_check_words(client: Client, office: User) -> None:
    client.force_login(office)
    assert reverse("publications:words") in client.get(reverse("staff:home")).content.decode()
    listing = client.get(reverse("publications:list")).content.decode()
    assert reverse("publications:words") in listing
    assert reverse("publications:create") not in listing
