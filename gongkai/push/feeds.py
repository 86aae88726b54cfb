"""The Atom feed of each audience tag: the no-account way to follow 政策找人 (/push/feeds/<tag>.xml).

gongkai.portal.feeds has the site's other feeds; apps may not import the portal, so the few lines
of an item's entry are repeated here."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator

from gongkai.publications.models import Publication
from gongkai.push import selectors
from gongkai.push.models import AudienceTag

SUMMARY_CHARS = 200


class TagFeed(Feed):  # type: ignore[type-arg]
    """The newest published items tagged for one audience."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, code: str) -> AudienceTag:
        tag = selectors.tag_by_code(code)
        if tag is None:
            raise Http404
        return tag

    def items(self, obj: AudienceTag) -> list[Publication]:
        return list(selectors.public_tagged(obj)[: selectors.FEED_SIZE])

    def title(self, obj: AudienceTag) -> str:
        return f"{settings.GONGKAI_COUNTY_NAME}政务公开 · 政策找人 · {obj.name}"

    def link(self, obj: AudienceTag) -> str:
        return reverse("push:subscribe")

    def subtitle(self, obj: AudienceTag) -> str:
        return f"与{obj.name}相关的最新政策信息"

    def item_title(self, item: Publication) -> str:
        return item.title

    def item_description(self, item: Publication) -> str:
        return escape(Truncator(item.body_text).chars(SUMMARY_CHARS))

    def item_link(self, item: Publication) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Publication) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Publication) -> dt.datetime | None:
        return item.published_at

    def item_author_name(self, item: Publication) -> str:
        return item.issuer
