"""Atom feeds per unit, domain and column (and the site's newest items)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.catalog.models import Domain
from tests.portal.publishing import Publish

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _feed(client: Client, name: str, *args: Any) -> ET.Element:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, not untrusted input
    assert root.tag == f"{ATOM}feed"
    return root


def _entry_titles(root: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") or "" for entry in root.iter(f"{ATOM}entry")]


def test_unit_feed_is_atom_with_links_dates_and_plain_text_summaries(
    client: Client, publish: Publish, publish_other: Publish
) -> None:
    item = publish(
        title="低保标准通知", body="<p>现将<b>2024年</b>标准通知如下：每人每月<700元。</p>"
    )
    publish_other(title="住建局的信息")
    root = _feed(client, "portal:feed_unit", "MZJ")
    assert "县民政局" in (root.findtext(f"{ATOM}title") or "")
    assert _entry_titles(root) == ["低保标准通知"]
    entry = root.find(f"{ATOM}entry")
    assert entry is not None
    link = entry.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href") == f"http://testserver{item.get_absolute_url()}"
    assert (entry.findtext(f"{ATOM}updated") or "").startswith("2024-03-20T")
    summary = entry.findtext(f"{ATOM}summary") or ""
    # The summary is text: the body's markup is gone, and its "<" stays a character.
    assert "<b>" not in summary and "&lt;700元" in summary
    assert "现将2024年标准通知如下" in summary


def test_domain_and_column_feeds_hold_their_items(
    client: Client, publish: Publish, domain: Domain
) -> None:
    publish(title="社会救助领域信息", domain=domain)
    publish(title="工作动态一则", column="news")
    assert _entry_titles(_feed(client, "portal:feed_domain", domain.code)) == ["社会救助领域信息"]
    assert _entry_titles(_feed(client, "portal:feed_column", "news")) == ["工作动态一则"]
    # A parent column's feed includes its sub-columns.
    assert set(_entry_titles(_feed(client, "portal:feed_column", "statutory"))) == {
        "社会救助领域信息",
        "工作动态一则",
    }
    assert len(_entry_titles(_feed(client, "portal:feed_latest"))) == 2


def test_feeds_hold_the_newest_fifty(client: Client, publish: Publish) -> None:
    for n in range(52):
        publish(title=f"简报{n:02d}", column="news", at=f"2024-03-{1 + n % 28:02d} 10:00 +0800")
    titles = _entry_titles(_feed(client, "portal:feed_column", "news"))
    assert len(titles) == 50


def test_unknown_scopes_are_404(client: Client, db: Any) -> None:
    for name in ("portal:feed_unit", "portal:feed_domain", "portal:feed_column"):
        assert client.get(reverse(name, args=["nope"])).status_code == 404


def test_pages_link_their_feeds(client: Client, publish: Publish, domain: Domain) -> None:
    publish(domain=domain)
    for page, feed in (
        (reverse("portal:browse_unit", args=["MZJ"]), reverse("portal:feed_unit", args=["MZJ"])),
        (
            reverse("portal:browse_domain", args=[domain.code]),
            reverse("portal:feed_domain", args=[domain.code]),
        ),
        (reverse("portal:column", args=["news"]), reverse("portal:feed_column", args=["news"])),
        (reverse("portal:home"), reverse("portal:feed_latest")),
    ):
        html = client.get(page).content.decode()
        assert '<link rel="alternate" type="application/atom+xml"' in html, page
        assert f'href="{feed}"' in html, page
