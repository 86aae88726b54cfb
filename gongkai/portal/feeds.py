"""Atom feeds of newly published information: site-wide, per unit, per domain and per column.

Each holds the newest 50 published items. The summary is a plain-text excerpt of the body; Atom
marks Django's summaries as HTML, so the excerpt is HTML-escaped here and readers show it as text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from gongkai.catalog.models import Domain
from gongkai.orgs.models import Unit
from gongkai.publications import selectors as publications
from gongkai.publications.models import Column, Publication

SUMMARY_CHARS = 200


class PublicationFeed(Feed):  # type: ignore[type-arg]
    """The newest published items of a scope; subclasses choose the scope."""

    feed_type = Atom1Feed

    def scope(self, obj: Any) -> QuerySet[Publication]:
        return publications.public_publications()

    def items(self, obj: Any) -> list[Publication]:
        return list(self.scope(obj)[: publications.FEED_SIZE])

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

    def item_categories(self, item: Publication) -> list[str]:
        return [item.column.name]

    def _title(self, name: str) -> str:
        return _("%(county)s政务公开 · %(name)s") % {
            "county": settings.GONGKAI_COUNTY_NAME,
            "name": name,
        }


class LatestFeed(PublicationFeed):
    def title(self) -> str:
        return self._title(_("最新公开信息"))

    def link(self) -> str:
        return reverse("portal:home")

    def subtitle(self) -> str:
        return _("全县最新主动公开的政府信息")


class UnitFeed(PublicationFeed):
    def get_object(self, request: HttpRequest, code: str) -> Unit:
        return get_object_or_404(Unit.objects.active(), code=code)

    def scope(self, obj: Unit) -> QuerySet[Publication]:
        return publications.public_publications().filter(unit=obj)

    def title(self, obj: Unit) -> str:
        return self._title(obj.name)

    def link(self, obj: Unit) -> str:
        return reverse("portal:browse_unit", args=[obj.code])

    def subtitle(self, obj: Unit) -> str:
        return _("%(unit)s最新公开的政府信息") % {"unit": obj.name}


class DomainFeed(PublicationFeed):
    def get_object(self, request: HttpRequest, code: str) -> Domain:
        return get_object_or_404(Domain, code=code)

    def scope(self, obj: Domain) -> QuerySet[Publication]:
        return publications.public_publications().filter(domain=obj)

    def title(self, obj: Domain) -> str:
        return self._title(_("%(domain)s领域") % {"domain": obj.name})

    def link(self, obj: Domain) -> str:
        return reverse("portal:browse_domain", args=[obj.code])

    def subtitle(self, obj: Domain) -> str:
        return _("%(domain)s领域最新公开的政府信息") % {"domain": obj.name}


class ColumnFeed(PublicationFeed):
    """A column's feed includes its sub-columns (法定主动公开内容 holds most of the site)."""

    def get_object(self, request: HttpRequest, code: str) -> publications.ColumnNode:
        try:
            return publications.public_column(code)
        except Column.DoesNotExist as err:
            raise Http404 from err

    def scope(self, obj: publications.ColumnNode) -> QuerySet[Publication]:
        return publications.public_in_column(obj)

    def title(self, obj: publications.ColumnNode) -> str:
        return self._title(obj.column.name)

    def link(self, obj: publications.ColumnNode) -> str:
        return obj.column.get_absolute_url()

    def subtitle(self, obj: publications.ColumnNode) -> str:
        return _("“%(column)s”栏目最新公开的政府信息") % {"column": obj.column.name}
