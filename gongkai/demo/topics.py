"""The demo county's topic pages (专题专栏, seeds 001 and 004): 优化营商环境 (by the 企业 and
个体工商户 audience tags and title keywords), 数字经济 (by keywords) and 基层政务公开标准化规范化
工作专题 (by its column and keywords, with the sections 工作部署, 标准目录 and 工作动态). Each is
set up through gongkai.topics.services as the office would; a topic already there is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.catalog.models import Domain
from gongkai.orgs.models import User
from gongkai.publications.models import Column, Publication, PublicationStatus
from gongkai.push.models import AudienceTag
from gongkai.topics import services
from gongkai.topics.models import Topic


@dataclass(frozen=True)
class SectionSpec:
    title: str
    columns: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicSpec:
    slug: str
    title: str
    summary: str
    tags: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    # Pinned: the newest published item whose title holds all of these words.
    pin_titles: tuple[tuple[str, ...], ...] = ()
    sections: tuple[SectionSpec, ...] = field(default=())


TOPICS = (
    TopicSpec(
        slug="yingshang",
        title="优化营商环境",
        summary=(
            "集中公开我县优化营商环境的政策文件、解读和工作进展，以及涉及企业和个体工商户的"
            "政策措施，方便市场主体查阅。"
        ),
        tags=("qiye", "getihu"),
        domains=("tax-administration", "public-resource-trading"),
        keywords=("营商", "放管服", "市场主体", "审批"),
        pin_titles=(("印发", "优化营商环境工作方案"),),
    ),
    TopicSpec(
        slug="shuzi-jingji",
        title="数字经济",
        summary="汇集我县数字经济、农村电商和信息化建设方面的政策与工作动态。",
        keywords=("数字", "电商", "电子商务", "互联网", "大数据", "信息化建设", "智慧"),
    ),
    TopicSpec(
        slug="jiceng-zhengwu-gongkai",
        title="基层政务公开标准化规范化工作专题",
        summary=(
            "按照全面推进基层政务公开标准化规范化工作的部署，集中展示我县各乡镇、各部门的"
            "公开事项标准目录、工作部署和工作动态，集中展现各领域公开成果。"
        ),
        columns=("standardization",),
        keywords=("标准化规范化", "政务公开"),
        pin_titles=(("人民政府关于印发", "政务公开工作要点"),),
        sections=(
            SectionSpec(title="工作部署", keywords=("方案", "要点", "部署", "通报")),
            SectionSpec(title="标准目录", keywords=("标准目录",)),
            SectionSpec(
                title="工作动态",
                columns=("news",),
                keywords=("推进会", "专区", "公开栏", "月报"),
            ),
        ),
    ),
)


def _rule(
    tags: tuple[str, ...] = (),
    domains: tuple[str, ...] = (),
    columns: tuple[str, ...] = (),
    keywords: tuple[str, ...] = (),
) -> services.RuleInput:
    return services.RuleInput(
        tags=list(AudienceTag.objects.filter(code__in=tags)),
        domains=list(Domain.objects.filter(code__in=domains)),
        columns=list(Column.objects.filter(code__in=columns)),
        keywords="\n".join(keywords),
    )


def _pins(spec: TopicSpec) -> list[str]:
    """The demo's pinned items, found by title (the demo's dates and 索引号 follow the clock)."""
    found = []
    for words in spec.pin_titles:
        # The document itself, not one of its interpretations (图解｜…, whose titles quote it).
        items = Publication.objects.filter(status=PublicationStatus.PUBLISHED).exclude(
            interprets__isnull=False
        )
        for word in words:
            items = items.filter(title__contains=word)
        item = items.order_by("-published_at", "-pk").first()
        if item is not None:
            found.append(str(item.pk))
    return found


def load_topics(*, office: User) -> int:
    """The three demo topics with their sections (once); returns how many were added."""
    added = 0
    for n, spec in enumerate(TOPICS):
        if Topic.objects.filter(slug=spec.slug).exists():
            continue
        topic = services.topic_save(
            actor=office,
            slug=spec.slug,
            title=spec.title,
            summary=spec.summary,
            sort_order=n * 10,
            rule=_rule(spec.tags, spec.domains, spec.columns, spec.keywords),
            pinned=_pins(spec),
        )
        for m, section in enumerate(spec.sections):
            services.section_save(
                actor=office,
                topic=topic,
                title=section.title,
                sort_order=m * 10,
                rule=_rule(columns=section.columns, keywords=section.keywords),
            )
        added += 1
    return added
