"""Topic pages (专题专栏, seeds 001 and 004): a page that collects published items by a rule.

A rule names audience tags (gongkai.push), domains, columns, units and title keywords; an item
belongs to the topic when it matches ANY of them, and only published items ever do (a withdrawn
item leaves the topic by itself). A rule with nothing in it collects nothing, so a topic being
set up never shows the whole site. Items the office pins (置顶) come first. A topic may have
sections (政策文件, 工作动态 …): each shows the topic's items that also match its own rule.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from gongkai.catalog.models import Domain
from gongkai.core.models import BaseModel
from gongkai.orgs.models import Unit
from gongkai.publications.models import Column, Publication
from gongkai.push.models import AudienceTag

MAX_KEYWORDS = 20


class RuleFields(models.Model):
    """What a topic or a section collects: an item matching any of these (published only)."""

    tags = models.ManyToManyField(
        AudienceTag, blank=True, related_name="+", verbose_name="服务对象标签"
    )
    domains = models.ManyToManyField(Domain, blank=True, related_name="+", verbose_name="公开领域")
    columns = models.ManyToManyField(Column, blank=True, related_name="+", verbose_name="栏目")
    units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name="发布单位")
    keywords = models.TextField(
        "标题关键词", blank=True, help_text="每行一个；标题含任一个即收录。"
    )

    class Meta:
        abstract = True

    @property
    def keyword_list(self) -> list[str]:
        """The keywords, one a line, blanks dropped (at most MAX_KEYWORDS)."""
        words = [line.strip() for line in self.keywords.splitlines()]
        return [word for word in words if word][:MAX_KEYWORDS]


class Topic(RuleFields, BaseModel):
    """A topic page at /zhuanti/<slug>/, with its intro, pinned items, sections and feed."""

    slug = models.SlugField("地址代码", max_length=60, unique=True)
    title = models.CharField("专题名称", max_length=100)
    summary = models.TextField("专题简介", blank=True)
    is_active = models.BooleanField("在网站上显示", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    pinned: models.ManyToManyField[Publication, TopicPin] = models.ManyToManyField(
        Publication, through="TopicPin", blank=True, related_name="+", verbose_name="置顶信息"
    )

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "专题"
        verbose_name_plural = "专题"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:topic", args=[self.slug])


class TopicPin(models.Model):
    """An item shown first on a topic page (置顶), in the office's order."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="pins")
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="+", verbose_name="政府信息"
    )
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "置顶信息"
        verbose_name_plural = "置顶信息"
        constraints = [
            models.UniqueConstraint(fields=["topic", "publication"], name="topic_pin_once")
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}:{self.publication_id}"


class TopicSection(RuleFields, BaseModel):
    """A part of a topic page (工作部署, 标准目录, 工作动态 …): the topic's items that also
    match this section's rule, newest first."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField("分栏名称", max_length=50)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["topic", "sort_order", "pk"]
        verbose_name = "专题分栏"
        verbose_name_plural = "专题分栏"
        constraints = [
            models.UniqueConstraint(fields=["topic", "title"], name="topic_section_title_once")
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}:{self.title}"
