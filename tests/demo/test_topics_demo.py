"""The demo county's topic pages (专题专栏, issue 14): three topics, each collecting a sensible
number of the demo's items, the 基层政务公开 topic with its three sections and a pinned 工作要点."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from gongkai.topics import selectors
from gongkai.topics.models import Topic


def test_the_demo_topics_collect_their_items(demo: str, client: Client) -> None:
    topics = {t.slug: t for t in Topic.objects.all()}
    assert set(topics) == {"yingshang", "shuzi-jingji", "jiceng-zhengwu-gongkai"}
    sizes = {
        slug: selectors.collected(selectors.rule_of(topic)).count()
        for slug, topic in topics.items()
    }
    assert 100 <= sizes["yingshang"] <= 400, sizes
    assert 3 <= sizes["shuzi-jingji"] <= 50, sizes
    assert 50 <= sizes["jiceng-zhengwu-gongkai"] <= 200, sizes
    standard = topics["jiceng-zhengwu-gongkai"]
    views = selectors.topic_sections(standard, selectors.rule_of(standard))
    assert [v.section.title for v in views] == ["工作部署", "标准目录", "工作动态"]
    assert all(v.items for v in views)
    (pinned,) = selectors.topic_pinned(standard)
    assert "政务公开工作要点" in pinned.title
    page = client.get(reverse("portal:topics")).content.decode()
    assert "优化营商环境" in page and "基层政务公开标准化规范化工作专题" in page
    assert client.get(standard.get_absolute_url()).status_code == 200
