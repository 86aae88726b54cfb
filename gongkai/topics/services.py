"""Every change of gongkai.topics: topics, their rules, pinned items and sections (the office).

Each change is audited with what the rule now holds, so a topic that suddenly shows other
items can be traced to the change that did it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from gongkai.catalog.models import Domain
from gongkai.core.audit import audit
from gongkai.core.errors import AccessDenied, ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit
from gongkai.publications.models import Column
from gongkai.push.models import AudienceTag
from gongkai.topics import selectors
from gongkai.topics.models import MAX_KEYWORDS, Topic, TopicPin, TopicSection

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
MAX_PINS = selectors.MAX_PINNED


@dataclass
class RuleInput:
    """A rule as typed on the staff form: chosen tags, domains and columns, unit codes and
    keywords one a line."""

    tags: Sequence[AudienceTag] = ()
    domains: Sequence[Domain] = ()
    columns: Sequence[Column] = ()
    units: Sequence[Unit] = ()
    keywords: str = ""


def _office_only(actor: Any) -> None:
    if not permissions.can_manage_topics(actor):
        raise AccessDenied("只有县政务公开办可以管理专题专栏。", log="topics: office only")


def _clean_keywords(text: str) -> str:
    words = [line.strip() for line in text.splitlines() if line.strip()]
    if len(words) > MAX_KEYWORDS:
        raise ValidationFailed(
            f"标题关键词最多{MAX_KEYWORDS}个，请删去一些。", log="topics: too many keywords"
        )
    if any(len(word) > 30 for word in words):
        raise ValidationFailed("每个关键词不超过30个字。", log="topics: keyword too long")
    return "\n".join(dict.fromkeys(words))


def _apply_rule(owner: Topic | TopicSection, rule: RuleInput) -> dict[str, Any]:
    owner.tags.set(rule.tags)
    owner.domains.set(rule.domains)
    owner.columns.set(rule.columns)
    owner.units.set(rule.units)
    return {
        "tags": sorted(t.code for t in rule.tags),
        "domains": sorted(d.code for d in rule.domains),
        "columns": sorted(c.code for c in rule.columns),
        "units": sorted(u.code for u in rule.units),
        "keywords": owner.keywords.splitlines(),
    }


@transaction.atomic
def topic_save(
    *,
    actor: Any,
    topic: Topic | None = None,
    slug: str,
    title: str,
    summary: str = "",
    is_active: bool = True,
    sort_order: int = 0,
    rule: RuleInput,
    pinned: Sequence[str] = (),
) -> Topic:
    """Create or change a topic with its rule and pinned items (索引号 or numbers of published
    items, in order). Audited with the rule as saved."""
    _office_only(actor)
    slug, title = slug.strip().lower(), title.strip()
    if not title:
        raise ValidationFailed("请填写专题名称。", log="topics: no title")
    if not _SLUG.match(slug):
        raise ValidationFailed(
            "地址代码只能用小写字母、数字和连字符，以字母或数字开头。", log="topics: bad slug"
        )
    clash = Topic.objects.filter(slug=slug)
    if topic is not None:
        clash = clash.exclude(pk=topic.pk)
    if clash.exists():
        raise ValidationFailed("已有使用这个地址代码的专题。", log="topics: slug clash")
    refs = list(dict.fromkeys(r.strip() for r in pinned if r.strip()))
    if len(refs) > MAX_PINS:
        raise ValidationFailed(f"置顶信息最多{MAX_PINS}条。", log="topics: too many pins")
    found = selectors.publications_by_reference(refs)
    missing = [r for r in refs if r not in found]
    if missing:
        raise ValidationFailed(
            "以下置顶信息没有找到或尚未公开，请核对索引号：",
            log="topics: unknown pins",
            problems=missing,
        )
    created = topic is None
    topic = topic or Topic()
    topic.slug, topic.title, topic.summary = slug, title, summary.strip()
    topic.is_active, topic.sort_order = is_active, sort_order
    topic.keywords = _clean_keywords(rule.keywords)
    topic.save()
    saved = _apply_rule(topic, rule)
    TopicPin.objects.filter(topic=topic).delete()
    TopicPin.objects.bulk_create(
        TopicPin(topic=topic, publication=found[ref], position=n) for n, ref in enumerate(refs)
    )
    audit(
        actor=actor,
        action="topics.topic_save",
        target=topic,
        summary=f"{'新增' if created else '修改'}专题：{topic.title}"
        + ("" if topic.is_active else "（不显示）"),
        data={"slug": topic.slug, "rule": saved, "pinned": [found[r].pk for r in refs]},
    )
    return topic


@transaction.atomic
def section_save(
    *,
    actor: Any,
    topic: Topic,
    section: TopicSection | None = None,
    title: str,
    sort_order: int = 0,
    rule: RuleInput,
) -> TopicSection:
    """Create or change a section of a topic (it shows the topic's items matching its rule)."""
    _office_only(actor)
    title = title.strip()
    if not title:
        raise ValidationFailed("请填写分栏名称。", log="topics: section without title")
    clash = TopicSection.objects.filter(topic=topic, title=title)
    if section is not None:
        clash = clash.exclude(pk=section.pk)
    if clash.exists():
        raise ValidationFailed("本专题已有同名分栏。", log="topics: section clash")
    created = section is None
    section = section or TopicSection(topic=topic)
    section.title, section.sort_order = title, sort_order
    section.keywords = _clean_keywords(rule.keywords)
    section.save()
    saved = _apply_rule(section, rule)
    audit(
        actor=actor,
        action="topics.section_save",
        target=section,
        summary=f"{'新增' if created else '修改'}专题分栏：{topic.title} · {section.title}",
        data={"topic": topic.slug, "rule": saved},
    )
    return section


@transaction.atomic
def section_delete(*, actor: Any, section: TopicSection) -> None:
    """Remove a section (the items stay in the topic; only the grouping goes)."""
    _office_only(actor)
    audit(
        actor=actor,
        action="topics.section_delete",
        target=section,
        summary=f"删除专题分栏：{section.topic.title} · {section.title}",
        data={"topic": section.topic.slug},
    )
    section.delete()
