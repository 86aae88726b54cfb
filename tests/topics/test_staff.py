"""The office's topic pages: only the office opens them; creating and changing a topic and its
sections through the forms (audited), the preview count that saves nothing, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.core.models import AuditEntry
from gongkai.orgs.models import User
from gongkai.topics.models import Topic, TopicSection
from tests.portal.publishing import Publish
from tests.topics.conftest import MakeTopic

pytestmark = pytest.mark.django_db


def _form(**values: Any) -> dict[str, Any]:
    return {
        "title": "优化营商环境",
        "slug": "yingshang",
        "summary": "简介",
        "is_active": "on",
        "sort_order": "0",
        "unit_codes": "",
        "keywords": "营商",
        "pinned": "",
        **values,
    }


def test_only_the_office_manages_topics(
    client: Client, make_topic: MakeTopic, editor: User, leader: User
) -> None:
    topic = make_topic()
    urls = [
        reverse("topics:staff_list"),
        reverse("topics:staff_new"),
        reverse("topics:staff_edit", args=[topic.pk]),
        reverse("topics:section_new", args=[topic.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    for user in (editor, leader):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403
        assert client.post(reverse("topics:staff_new"), _form(slug="other")).status_code == 403
    assert not Topic.objects.filter(slug="other").exists()


def test_the_office_creates_previews_and_changes_a_topic(
    client: Client, office: User, publish: Publish
) -> None:
    publish(title="营商环境座谈会")
    publish(title="优化营商环境工作方案")
    publish(title="无关的信息")
    client.force_login(office)
    preview = client.post(reverse("topics:staff_new"), {**_form(), "preview": "1"})
    assert preview.status_code == 200
    assert "符合规则的已公开信息：2条" in preview.content.decode()
    assert not Topic.objects.exists()  # a preview saves nothing
    saved = client.post(reverse("topics:staff_new"), _form())
    topic = Topic.objects.get(slug="yingshang")
    assert saved.status_code == 302 and saved["Location"] == reverse(
        "topics:staff_edit", args=[topic.pk]
    )
    page = client.get(saved["Location"]).content.decode()
    assert "符合规则的已公开信息：2条" in page
    listing = client.get(reverse("topics:staff_list")).content.decode()
    assert "优化营商环境" in listing
    client.post(
        reverse("topics:staff_edit", args=[topic.pk]), _form(keywords="座谈会", is_active="")
    )
    topic.refresh_from_db()
    assert topic.keywords == "座谈会" and not topic.is_active
    actions = list(AuditEntry.objects.filter(action="topics.topic_save").values_list("summary"))
    assert len(actions) == 2


def test_refusals_are_shown_and_nothing_is_saved(
    client: Client, office: User, make_topic: MakeTopic
) -> None:
    make_topic("taken")
    client.force_login(office)
    for values, message in (
        ({"slug": "Bad Slug!"}, "地址代码只能用"),
        ({"slug": "taken"}, "已有使用这个地址代码的专题"),
        ({"pinned": "NO-SUCH-INDEX"}, "NO-SUCH-INDEX"),
        ({"unit_codes": "NOPE"}, "没有这些单位代码"),
    ):
        page = client.post(reverse("topics:staff_new"), _form(**values), follow=True)
        assert message in page.content.decode(), values
    assert Topic.objects.count() == 1


def test_the_office_adds_changes_and_removes_a_section(
    client: Client, office: User, make_topic: MakeTopic, publish: Publish
) -> None:
    publish(title="营商环境座谈会", column="news")
    topic = make_topic(keywords="营商")
    client.force_login(office)
    values = {"title": "工作动态", "sort_order": "0", "keywords": "座谈会", "unit_codes": ""}
    preview = client.post(
        reverse("topics:section_new", args=[topic.pk]), {**values, "preview": "1"}
    )
    assert "符合规则的已公开信息：1条" in preview.content.decode()
    client.post(reverse("topics:section_new", args=[topic.pk]), values)
    section = TopicSection.objects.get(topic=topic)
    client.post(
        reverse("topics:section_edit", args=[topic.pk, section.pk]), {**values, "title": "动态"}
    )
    section.refresh_from_db()
    assert section.title == "动态"
    client.post(reverse("topics:section_delete", args=[topic.pk, section.pk]))
    assert not TopicSection.objects.exists()
    assert AuditEntry.objects.filter(action="topics.section_delete").count() == 1
