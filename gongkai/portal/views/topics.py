"""Topic pages (专题专栏, gongkai.topics) on the portal: /zhuanti/, /zhuanti/<slug>/ with 检索
within the topic, and the topic's Atom feed /feeds/topic/<slug>/.

The items are what the topic's rule collects (gongkai.topics.selectors), listed and paged as
the portal's other lists (_publication_table.html, _pager.html) and searched with the site's
full-text search limited to them (gongkai.publications.search, its scope narrowed to the
topic's items and its date range run inside the index).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gongkai.portal.feeds import PublicationFeed
from gongkai.portal.paging import MAX_PAGE, PAGE_SIZE, Pager, bounded_count, page_number, page_of
from gongkai.portal.views.disclosure import Feed
from gongkai.publications import search as fulltext
from gongkai.publications.models import Publication
from gongkai.topics import selectors as topics
from gongkai.topics.forms import TopicSearchForm
from gongkai.topics.models import Topic

SNIPPET_WIDTH = 120


@dataclass
class Hit:
    """A result of 检索 within a topic, its matches marked (``highlight`` escapes the text)."""

    publication: Publication
    title: SafeString
    snippet: SafeString


def _topic(slug: str) -> Topic:
    try:
        return topics.public_topic(slug)
    except Topic.DoesNotExist as err:
        raise Http404 from err


@require_safe
def topic_list(request: HttpRequest) -> HttpResponse:
    """专题专栏: the topics shown on the site, in the office's order (one query)."""
    return render(request, "portal/topics/list.html", {"topics": list(topics.public_topics())})


def _search(
    request: HttpRequest, data: dict[str, Any], rule: topics.Rule, query: str
) -> tuple[dict[str, Any], int]:
    """One page of the topic's items matching ``query`` within the dates chosen."""
    number = page_number(request.GET)
    within = number <= MAX_PAGE
    page = topics.topic_search(
        query,
        rule,
        offset=(number - 1) * PAGE_SIZE if within else 0,
        limit=PAGE_SIZE if within else 0,
        start=data.get("date_from"),
        end=data.get("date_to"),
    )
    pager = Pager(number=number, total=page.total, query=request.GET, capped=page.capped)
    hits = [
        Hit(
            publication=item,
            title=fulltext.highlight(item.title, query),
            snippet=fulltext.highlight(item.body_text, query, width=SNIPPET_WIDTH),
        )
        for item in page.items
    ]
    context = {"searched": True, "query": query, "hits": hits, "pager": pager}
    return context, 404 if pager.past_end else 200


@require_safe
def topic(request: HttpRequest, slug: str) -> HttpResponse:
    """A topic: its intro, pinned items and sections (on its first page), then every item it
    collects newest first, 20 a page; with words typed, the topic's items matching them (检索),
    newest first, within the dates chosen. A page past the end is a 404 linking to the last."""
    found = _topic(slug)
    rule = topics.rule_of(found)
    items = topics.collected(rule)
    form = TopicSearchForm(request.GET or None)
    # A malformed date is reported and left out; the words still count.
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # cleaned_data then holds the fields that were valid
        data = form.cleaned_data
    query = (data.get("q") or "").strip()
    context: dict[str, Any] = {
        "topic": found,
        "form": form,
        "searched": False,
        "feed": Feed(
            _("%(title)s专题更新") % {"title": found.title},
            reverse("portal:feed_topic", args=[found.slug]),
        ),
    }
    if query:
        more, status = _search(request, data, rule, query)
        context.update(more)
        return render(request, "portal/topics/topic.html", context, status=status)
    dated = bool(data.get("date_from") or data.get("date_to"))
    if dated:
        items = topics.within_dates(items, data.get("date_from"), data.get("date_to"))
    total, capped = bounded_count(items)
    pager = Pager.checked(request.GET, total, capped=capped)
    first = pager.number == 1 and not dated
    # A large topic's page is read newest first on the index (topics.collected).
    walk = total > topics.WALK_FROM
    if walk:
        items = topics.collected(rule, walk=True)
        if dated:
            items = topics.within_dates(items, data.get("date_from"), data.get("date_to"))
    context.update(
        dated=dated,
        pager=pager,
        publications=page_of(items, pager.offset, pager.end),
        pinned=topics.topic_pinned(found) if first else [],
        sections=topics.topic_sections(found, rule, walk=walk) if first else [],
    )
    return render(request, "portal/topics/topic.html", context)


class TopicFeed(PublicationFeed):
    """A topic's newest 50 items."""

    def get_object(self, request: HttpRequest, slug: str) -> tuple[Topic, topics.Rule]:
        found = _topic(slug)
        return found, topics.rule_of(found)

    def scope(self, obj: tuple[Topic, topics.Rule]) -> QuerySet[Publication]:
        # The newest 50 read on the date index (topics.collected): a large topic's list of
        # ids is not sorted whole for them.
        return topics.collected(obj[1], walk=True)

    def title(self, obj: tuple[Topic, topics.Rule]) -> str:
        return self._title(_("%(title)s专题") % {"title": obj[0].title})

    def link(self, obj: tuple[Topic, topics.Rule]) -> str:
        return obj[0].get_absolute_url()

    def subtitle(self, obj: tuple[Topic, topics.Rule]) -> str:
        return _("“%(title)s”专题最新收录的政府信息") % {"title": obj[0].title}
