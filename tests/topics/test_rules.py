"""A topic's rule: each criterion collects, criteria combine with OR, an empty rule collects
nothing, only published items match, pinned items come first, sections narrow the topic."""

from __future__ import annotations

from typing import Any

import pytest

from gongkai.catalog.models import Domain
from gongkai.orgs.models import Unit, User
from gongkai.publications import services as publications
from gongkai.push.models import PublicationTag
from gongkai.topics import selectors, services
from gongkai.topics.models import Topic
from tests.portal.publishing import Publish
from tests.topics.conftest import MakeTopic, rule

pytestmark = pytest.mark.django_db


def _titles(topic: Topic) -> set[str]:
    return {p.title for p in selectors.collected(selectors.rule_of(topic))}


def test_each_criterion_collects_its_items(
    publish: Publish,
    publish_other: Publish,
    make_topic: MakeTopic,
    tag: Any,
    domain: Domain,
    other_department: Unit,
) -> None:
    enterprises = tag("qiye", "企业")
    tagged = publish(title="企业所得税减免政策")
    PublicationTag.objects.create(publication=tagged, tag=enterprises)
    publish(title="社会救助资金发放", domain=domain)
    publish(title="民政局工作动态", column="news")
    publish_other(title="住建局发布的一则通知")
    publish(title="持续优化营商环境的通知")
    publish(title="无关的信息")
    assert _titles(make_topic("t1", tags=[enterprises])) == {"企业所得税减免政策"}
    assert _titles(make_topic("t2", domains=[domain])) == {"社会救助资金发放"}
    assert _titles(make_topic("t3", columns=["news"])) == {"民政局工作动态"}
    assert _titles(make_topic("t4", units=[other_department])) == {"住建局发布的一则通知"}
    assert _titles(make_topic("t5", keywords="营商\n\n")) == {"持续优化营商环境的通知"}


def test_criteria_combine_with_or_and_a_column_collects_its_sub_columns(
    publish: Publish, make_topic: MakeTopic, tag: Any, domain: Domain
) -> None:
    publish(title="社会救助资金发放", domain=domain)
    publish(title="优化营商环境座谈会", column="news")
    publish(title="营商环境通知")
    publish(title="无关的信息")
    either = make_topic("either", domains=[domain], keywords="营商")
    assert _titles(either) == {"社会救助资金发放", "优化营商环境座谈会", "营商环境通知"}
    # 法定主动公开内容 holds 工作动态 and 通知公告: choosing it collects both.
    statutory = make_topic("statutory", columns=["statutory"])
    assert len(_titles(statutory)) == 4


def test_an_empty_rule_collects_nothing(publish: Publish, make_topic: MakeTopic) -> None:
    publish(title="一则信息")
    topic = make_topic("empty")
    assert selectors.rule_of(topic).empty
    assert _titles(topic) == set()


def test_withdrawn_and_unpublished_items_are_not_collected(
    publish: Publish, make_topic: MakeTopic, editor: User, reviewer: User, department: Unit
) -> None:
    kept = publish(title="营商环境政策一")
    gone = publish(title="营商环境政策二")
    publications.publication_create(
        actor=editor,
        unit=department,
        values={**_draft_values(kept), "title": "营商环境草稿"},
    )
    publications.publication_withdraw(actor=reviewer, publication=gone, reason="内容有误")
    assert _titles(make_topic(keywords="营商")) == {"营商环境政策一"}


def _draft_values(item: Any) -> dict[str, Any]:
    return {
        "written_on": item.written_on,
        "five_class": item.five_class,
        "body": "<p>草稿</p>",
        "topic": item.topic,
        "column": item.column,
    }


def test_pinned_items_come_first_in_the_office_order(
    publish: Publish, make_topic: MakeTopic
) -> None:
    """A pinned item need not match the rule; the list below holds what the rule collects."""
    older = publish(title="早些时候的方案", at="2024-03-10 10:00 +0800")
    newer = publish(title="营商环境新政", at="2024-05-02 10:00 +0800")
    outside = publish(title="未被规则收录但置顶", at="2024-03-12 10:00 +0800")
    topic = make_topic(keywords="营商", pinned=[outside.index_no, older.pk])
    assert [p.pk for p in selectors.topic_pinned(topic)] == [outside.pk, older.pk]
    assert [p.pk for p in selectors.collected(selectors.rule_of(topic))] == [newer.pk]


def test_pins_must_be_published_items(publish: Publish, make_topic: MakeTopic) -> None:
    with pytest.raises(services.ValidationFailed) as err:
        make_topic(keywords="营商", pinned=["NO-SUCH-INDEX"])
    assert err.value.problems == ["NO-SUCH-INDEX"]


def test_a_section_shows_the_topics_items_matching_its_rule(
    publish: Publish, make_topic: MakeTopic, office: User
) -> None:
    publish(title="营商环境工作方案")
    publish(title="营商环境座谈会", column="news")
    publish(title="其他工作动态", column="news")  # news, but not in the topic
    topic = make_topic(keywords="营商")
    services.section_save(actor=office, topic=topic, title="工作动态", rule=rule(columns=["news"]))
    services.section_save(actor=office, topic=topic, title="空分栏", rule=rule())
    views = selectors.topic_sections(topic, selectors.rule_of(topic))
    assert [v.section.title for v in views] == ["工作动态", "空分栏"]
    assert [p.title for p in views[0].items] == ["营商环境座谈会"]
    assert views[1].items == []


def test_only_the_office_changes_topics(make_topic: MakeTopic, editor: User) -> None:
    topic = make_topic()
    with pytest.raises(services.AccessDenied):
        services.topic_save(actor=editor, topic=topic, slug="x", title="x", rule=rule())
    with pytest.raises(services.AccessDenied):
        services.section_save(actor=editor, topic=topic, title="x", rule=rule())


def test_a_topic_change_is_audited_with_its_rule(make_topic: MakeTopic, domain: Domain) -> None:
    from gongkai.core.models import AuditEntry

    topic = make_topic(domains=[domain], keywords="营商\n审批")
    entry = AuditEntry.objects.filter(action="topics.topic_save").latest("id")
    assert entry.target_id == str(topic.pk)
    assert entry.data["rule"]["domains"] == [domain.code]
    assert entry.data["rule"]["keywords"] == ["营商", "审批"]


def test_keywords_match_titles_through_the_search_index(
    publish: Publish, make_topic: MakeTopic
) -> None:
    """A keyword is looked for in titles only, as the site's search finds it there: Chinese
    anywhere in the title, a number as a whole (58号 is not in 158号)."""
    publish(title="关于宝政〔2020〕58号文件的说明")
    publish(title="关于宝政〔2020〕158号文件的说明")
    publish(title="一则通知", body="<p>正文提到营商环境。</p>")
    publish(title="ＡＢ营商环境")  # full-width letters, as input methods type them
    assert _titles(make_topic("n", keywords="58号")) == {"关于宝政〔2020〕58号文件的说明"}
    assert _titles(make_topic("y", keywords="营商环境")) == {"ＡＢ营商环境"}
    assert _titles(make_topic("ab", keywords="ab营商")) == {"ＡＢ营商环境"}
