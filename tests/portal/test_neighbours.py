"""上一篇/下一篇 within the column and the links between a policy and its interpretations, on the
item's public page: the right items, found by two index seeks, and an ETag that changes when
they do (a new item in the column, a withdrawal, a new interpretation)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai.core.errors import InvalidTransition, ValidationFailed
from gongkai.demo.site import link_interpretations
from gongkai.orgs.models import Unit, User
from gongkai.publications import selectors, services
from gongkai.publications.models import DocKind, Publication, PublicationStatus
from tests.portal.publishing import Publish

pytestmark = pytest.mark.django_db


def _page(client: Client, item: Publication, **headers: str) -> tuple[int, str, str]:
    response = client.get(reverse("portal:publication", args=[item.pk]), **headers)
    return response.status_code, response.content.decode(), response.get("ETag", "")


def _neighbour_links(html: str) -> dict[str, str]:
    """{"prev": title, "next": title} of the page's 上一篇/下一篇 links."""
    nav = html.split('class="neighbours"', 1)[1].split("</nav>", 1)[0]
    return {rel: title for rel, title in re.findall(r'rel="(prev|next)">([^<]+)</a>', nav)}


@pytest.fixture
def three(publish: Publish) -> list[Publication]:
    """Three notices of the same column, a day apart, and items that must not count: one in
    another column, one withdrawn, one a draft."""
    items = [publish(title=f"通知{n}", at=f"2024-03-{10 + n} 10:00 +0800") for n in range(1, 4)]
    publish(title="其他栏目的信息", column="news", at="2024-03-12 12:00 +0800")
    gone = publish(title="已撤回的通知", at="2024-03-12 11:00 +0800")
    services.publication_withdraw(actor=None, publication=gone, reason="重复发布")
    return items


def test_the_page_links_the_items_published_before_and_after_it_in_its_column(
    client: Client, three: list[Publication]
) -> None:
    first, middle, last = three
    _status, html, _etag = _page(client, middle)
    assert _neighbour_links(html) == {"prev": "通知1", "next": "通知3"}
    assert reverse("portal:publication", args=[first.pk]) in html
    _status, html, _etag = _page(client, first)
    assert _neighbour_links(html) == {"next": "通知2"}
    assert "上一篇：" in html and "没有了" in html
    _status, html, _etag = _page(client, last)
    assert _neighbour_links(html) == {"prev": "通知2"}


def test_items_published_in_the_same_second_are_ordered_by_id(publish: Publish) -> None:
    same = "2024-03-20 10:00 +0800"
    a, b, c = (publish(title=f"同时发布{n}", at=same) for n in range(3))
    found = selectors.public_neighbours(b)
    assert (found.previous, found.next) == (a, c)
    assert selectors.public_neighbours(a).previous is None
    assert selectors.public_neighbours(c).next is None


def test_the_neighbours_are_two_limit_one_seeks_on_the_column_index(
    three: list[Publication],
) -> None:
    with CaptureQueriesContext(connection) as queries:
        selectors.public_neighbours(three[1])
    assert len(queries) == 2
    for query in queries.captured_queries:
        assert query["sql"].rstrip().endswith("LIMIT 1")
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                plan = " ".join(
                    str(row[-1]) for row in cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
                )
            assert "USING INDEX publication_column__79e4ff_idx" in plan, plan
            assert "TEMP B-TREE" not in plan and not plan.startswith("SCAN"), plan


def test_a_new_item_in_the_column_changes_the_last_items_page(
    client: Client, three: list[Publication], publish: Publish
) -> None:
    last = three[-1]
    _status, _html, etag = _page(client, last)
    assert _page(client, last, HTTP_IF_NONE_MATCH=etag)[0] == 304
    publish(title="通知4", at="2024-03-20 10:00 +0800")
    status, html, new_etag = _page(client, last, HTTP_IF_NONE_MATCH=etag)
    assert status == 200 and new_etag != etag
    assert _neighbour_links(html) == {"prev": "通知2", "next": "通知4"}
    # An item of another column changes nothing.
    publish(title="另一栏目", column="news", at="2024-03-21 10:00 +0800")
    assert _page(client, last, HTTP_IF_NONE_MATCH=new_etag)[0] == 304


def test_a_withdrawn_neighbour_is_skipped_at_once(client: Client, three: list[Publication]) -> None:
    _first, middle, last = three
    _status, _html, etag = _page(client, last)
    services.publication_withdraw(actor=None, publication=middle, reason="内容有误")
    status, html, _etag = _page(client, last, HTTP_IF_NONE_MATCH=etag)
    assert status == 200
    assert _neighbour_links(html) == {"prev": "通知1"}
    # The withdrawn item keeps its page, and its place in the column.
    assert _neighbour_links(_page(client, middle)[1]) == {"prev": "通知1", "next": "通知3"}


# ------------------------------------------------------------------- policies and interpretations


@pytest.fixture
def policy(publish: Publish) -> Publication:
    return publish(
        title="县民政局关于印发临时救助实施细则的通知",
        column="policies",
        doc_kind=DocKind.POLICY,
        at="2024-03-20 10:00 +0800",
    )


def test_a_policy_and_its_interpretation_link_each_other(
    client: Client, publish: Publish, policy: Publication, reviewer: User
) -> None:
    _status, html, etag = _page(client, policy)
    assert "政策解读</h2>" not in html
    reading = publish(
        title="《临时救助实施细则》政策解读", column="interpretation", at="2024-03-20 10:10 +0800"
    )
    services.publication_link_interpretation(actor=reviewer, interpretation=reading, policy=policy)
    status, html, new_etag = _page(client, policy, HTTP_IF_NONE_MATCH=etag)
    assert status == 200 and new_etag != etag
    section = html.split('id="interpretations-heading"', 1)[1].split("</section>", 1)[0]
    assert reverse("portal:publication", args=[reading.pk]) in section
    assert "《临时救助实施细则》政策解读" in section
    _status, html, _etag = _page(client, reading)
    section = html.split('id="policy-heading"', 1)[1].split("</section>", 1)[0]
    assert reverse("portal:publication", args=[policy.pk]) in section
    assert policy.title in section
    # A withdrawn interpretation is no longer offered on the policy's page.
    services.publication_withdraw(actor=reviewer, publication=reading, reason="重新解读")
    status, html, _etag = _page(client, policy, HTTP_IF_NONE_MATCH=new_etag)
    assert status == 200 and 'id="interpretations-heading"' not in html


def test_a_published_interpretation_stays_with_its_policy(
    publish: Publish, policy: Publication, reviewer: User
) -> None:
    other = publish(title="另一份政策文件", column="policies", doc_kind=DocKind.POLICY)
    reading = publish(title="一图读懂", column="interpretation")
    services.publication_link_interpretation(actor=reviewer, interpretation=reading, policy=policy)
    with pytest.raises(InvalidTransition) as refused:
        services.publication_link_interpretation(
            actor=reviewer, interpretation=reading, policy=other
        )
    assert "该解读已关联其他政策文件" in refused.value.message
    reading.refresh_from_db()
    assert reading.interprets == policy


def test_a_withdrawn_policy_is_not_linked_from_its_interpretation(
    client: Client, publish: Publish, policy: Publication, reviewer: User
) -> None:
    reading = publish(title="一图读懂临时救助", column="interpretation")
    services.publication_link_interpretation(actor=reviewer, interpretation=reading, policy=policy)
    etag = _page(client, reading)[2]
    services.publication_withdraw(actor=reviewer, publication=policy, reason="已废止")
    status, html, _etag = _page(client, reading, HTTP_IF_NONE_MATCH=etag)
    assert status == 200 and 'id="policy-heading"' not in html


def test_the_staff_form_sets_the_policy_by_its_index_number(
    client: Client, editor: User, department: Unit, policy: Publication
) -> None:
    client.force_login(editor)
    data = {
        "unit": str(department.pk),
        "title": "《临时救助实施细则》解读",
        "written_on": "2024-03-20",
        "topic": str(policy.topic_id),
        "five_class": "decision",
        "column": str(selectors.public_column("interpretation").column.pk),
        "attribute": "proactive",
        "doc_kind": "ordinary",
        "interprets": policy.index_no,
    }
    response = client.post(reverse("publications:create"), data)
    assert response.status_code == 302, response.content.decode()
    draft = Publication.objects.get(title="《临时救助实施细则》解读")
    assert draft.interprets == policy
    # Its edit form names the policy the way staff do, by its index number.
    form = client.get(reverse("publications:edit", args=[draft.pk])).content.decode()
    assert f'value="{policy.index_no}"' in form
    # An unknown number, and an item that is not a policy document, are refused in words.
    data["interprets"] = "NOPE-0000"
    html = client.post(reverse("publications:create"), data).content.decode()
    assert "找不到“NOPE-0000”：请填写所解读文件的索引号或页面地址。" in html
    data["interprets"] = draft.index_no or reverse("portal:publication", args=[draft.pk])
    html = client.post(reverse("publications:create"), data).content.decode()
    assert "只能关联规章、行政规范性文件或其他政策文件。" in html


def test_another_units_unpublished_policy_cannot_be_linked(
    editor: User, department: Unit, other_department: Unit, policy: Publication
) -> None:
    hidden = Publication.objects.create(
        unit=other_department,
        issuer=other_department.name,
        title="住建局尚未发布的政策",
        written_on=policy.written_on,
        topic=policy.topic,
        five_class="decision",
        column=policy.column,
        doc_kind=DocKind.POLICY,
        status=PublicationStatus.DRAFT,
    )
    values = {
        "title": "解读",
        "written_on": policy.written_on,
        "topic": policy.topic,
        "five_class": "decision",
        "column": policy.column,
        "interprets": hidden,
    }
    with pytest.raises(ValidationFailed) as refused:
        services.publication_create(actor=editor, unit=department, values=values)
    assert "找不到所解读的政策文件" in refused.value.message
    values["interprets"] = policy
    made = services.publication_create(actor=editor, unit=department, values=values)
    assert made.interprets == policy


def test_the_demo_links_each_interpretation_to_the_policy_published_just_before_it(
    publish: Publish, policy: Publication
) -> None:
    reading = publish(title="图解临时救助", column="interpretation", at="2024-03-20 10:10 +0800")
    stray = publish(title="无对应文件的解读", column="interpretation", at="2024-03-21 10:10 +0800")
    assert link_interpretations() == 1
    reading.refresh_from_db()
    stray.refresh_from_db()
    assert reading.interprets == policy and stray.interprets is None
    assert link_interpretations() == 0  # a second run changes nothing
