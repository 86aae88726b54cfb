"""The demo county's 政策找人: audience tags on its published policy items, two confirmed
subscribers and one who never confirmed, and their pending pushes, so `gongkai send-digests`
writes real mails to the file backend (GONGKAI_VAR_DIR/mail) for a person to read.

Tags come from the item's title and, failing that, from its domain, as an editor would choose
them. Subscriptions go through gongkai.push.services (the confirmation mails are written too);
loading twice adds nothing.
"""

from __future__ import annotations

from gongkai.catalog.models import Domain
from gongkai.publications.models import DocKind, Publication, PublicationStatus
from gongkai.push import links, services
from gongkai.push.models import AudienceTag, Delivery, Frequency, PublicationTag, Subscription

# Words in a title that say whom an item concerns.
TITLE_WORDS: dict[str, tuple[str, ...]] = {
    "qiye": (
        "企业",
        "营商",
        "招商",
        "市场主体",
        "减税",
        "降费",
        "外贸",
        "知识产权",
        "产品质量",
        "政府采购",
        "信用",
        "公共资源交易",
        "投资",
        "户外广告",
    ),
    "getihu": ("个体", "小微", "摊", "门店", "燃气", "户外广告", "食品"),
    "laonianren": ("老年", "养老", "高龄", "老龄", "医保", "医疗保险", "民生实事"),
    "nonghu": (
        "农业",
        "农村",
        "耕地",
        "种植",
        "养殖",
        "惠农",
        "涉农",
        "农民",
        "脐橙",
        "烟叶",
        "白莲",
        "农田",
        "秸秆",
        "林长",
        "林业",
    ),
    "xuesheng-jiazhang": ("学生", "教育", "学校", "入学", "助学", "幼儿园"),
    "canjiren": ("残疾",),
    "tuiyi-junren": ("退役", "优抚", "军人"),
    "di-shouru": (
        "低保",
        "救助",
        "特困",
        "脱贫",
        "返贫",
        "困难群众",
        "临时救助",
        "参保",
        "民生实事",
    ),
    "jiuye": ("就业", "创业", "招聘", "技能培训", "务工"),
    "funv-ertong": ("妇女", "儿童", "孕", "婴幼儿", "母婴"),
}
# The audience a domain's items usually concern, when the title says nothing.
DOMAIN_TAGS: dict[str, tuple[str, ...]] = {
    "social-assistance": ("di-shouru",),
    "poverty-alleviation": ("di-shouru", "nonghu"),
    "elderly-care": ("laonianren",),
    "agricultural-subsidies": ("nonghu",),
    "rural-housing-renovation": ("nonghu", "di-shouru"),
    "compulsory-education": ("xuesheng-jiazhang",),
    "employment": ("jiuye",),
    "social-insurance": ("laonianren", "jiuye"),
    "tax-administration": ("qiye", "getihu"),
    "food-drug-regulation": ("getihu", "qiye"),
    "affordable-housing": ("di-shouru",),
    "health": ("laonianren", "funv-ertong"),
}
POLICY_KINDS = (DocKind.NORMATIVE, DocKind.POLICY, DocKind.RULE)
# Recent tagged items the subscribers hear of in the demo, as if they had subscribed earlier.
DEMO_BACKLOG = 5
SUBSCRIBERS = (
    ("laoli@example.cn", Frequency.IMMEDIATE, ("laonianren", "di-shouru"), (), ""),
    ("hezuoshe@example.cn", Frequency.IMMEDIATE, ("nonghu",), ("agricultural-subsidies",), ""),
)
UNCONFIRMED = ("xiaozhang@example.cn", Frequency.DAILY, ("qiye",), (), "补贴")


def _tags_for(item: Publication, domains: dict[int, str]) -> set[str]:
    codes = {code for code, words in TITLE_WORDS.items() if any(w in item.title for w in words)}
    if not codes and item.domain_id is not None:
        codes = set(DOMAIN_TAGS.get(domains.get(item.domain_id, ""), ()))
    return codes


def _tag_items(tags: dict[str, AudienceTag]) -> int:
    """Tag the published items an editor would tag: policy documents and anything whose title
    names its audience. Items already tagged are left alone."""
    domains = dict(Domain.objects.values_list("pk", "code"))
    tagged = set(PublicationTag.objects.values_list("publication_id", flat=True))
    links_to_add: list[PublicationTag] = []
    items = Publication.objects.filter(status=PublicationStatus.PUBLISHED).only(
        "pk", "title", "domain_id", "doc_kind"
    )
    for item in items.iterator():
        if item.pk in tagged:
            continue
        codes = _tags_for(item, domains)
        if item.doc_kind not in POLICY_KINDS and not any(
            any(w in item.title for w in TITLE_WORDS[c]) for c in codes
        ):
            continue
        links_to_add += [PublicationTag(publication=item, tag=tags[c]) for c in codes if c in tags]
    PublicationTag.objects.bulk_create(links_to_add, ignore_conflicts=True)
    return len(links_to_add)


def _subscribe(
    email: str, frequency: str, tag_codes: tuple[str, ...], domain_codes: tuple[str, ...], kw: str
) -> Subscription:
    return services.subscription_request(
        email=email,
        frequency=frequency,
        tags=list(AudienceTag.objects.filter(code__in=tag_codes)),
        domains=list(Domain.objects.filter(code__in=domain_codes)),
        keywords=kw,
    )


def load_push() -> None:
    """Tags, subscribers and their pending pushes (once)."""
    tags = {t.code: t for t in AudienceTag.objects.all()}
    if not tags:
        return  # the tags come with migration push.0002; a flushed database has none
    _tag_items(tags)
    if Subscription.objects.filter(email=SUBSCRIBERS[0][0]).exists():
        return
    confirmed = []
    for email, frequency, tag_codes, domain_codes, kw in SUBSCRIBERS:
        subscription = _subscribe(email, frequency, tag_codes, domain_codes, kw)
        confirmed.append(
            services.subscription_confirm(token=links.token_for(subscription, "confirm"))
        )
    _subscribe(*UNCONFIRMED)
    _queue_backlog(confirmed)


def _queue_backlog(subscriptions: list[Subscription]) -> None:
    """Each confirmed subscriber's DEMO_BACKLOG newest matching items, as pending pushes."""
    recent = list(
        Publication.objects.filter(
            status=PublicationStatus.PUBLISHED,
            pk__in=PublicationTag.objects.values("publication_id"),
        ).order_by("-published_at", "-pk")[:500]
    )
    tag_ids: dict[int, set[int]] = {}
    for pub_id, tag_id in PublicationTag.objects.filter(publication__in=recent).values_list(
        "publication_id", "tag_id"
    ):
        tag_ids.setdefault(pub_id, set()).add(tag_id)
    deliveries = []
    for subscription in subscriptions:
        criteria = services.criteria_of(subscription)
        matching = [
            item
            for item in recent
            if criteria.matches(
                tag_ids=tag_ids.get(item.pk, set()),
                domain_id=item.domain_id,
                unit_id=item.unit_id,
                title=item.title,
            )
        ]
        deliveries += [
            Delivery(subscription=subscription, publication=item)
            for item in matching[:DEMO_BACKLOG]
        ]
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
