"""The JSON shapes of the read API: plain dicts built from models, with absolute URLs.

Every shape here is documented in gongkai/api/openapi.py; a test checks that they agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import TextChoices
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from gongkai.catalog.models import ELEMENT_FIELDS, Catalog, CatalogItem, CatalogStatus
from gongkai.orgs.models import Unit, UnitKind
from gongkai.publications.models import (
    DocKind,
    FiveClass,
    Publication,
    PublicationStatus,
    Validity,
)

JSON = dict[str, Any]


def _absolute(request: HttpRequest, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: dt.datetime | None) -> str | None:
    """An aware datetime in the county's time zone, ISO 8601 with its offset."""
    return timezone.localtime(value).isoformat() if value else None


def _choice(choices: type[TextChoices], value: str) -> JSON | None:
    if not value:
        return None
    return {"code": value, "name": str(choices(value).label)}


def publication(request: HttpRequest, item: Publication) -> JSON:
    """A published item as listed: its standard metadata and where to read it."""
    return {
        "id": item.pk,
        "url": _absolute(request, "api:publication", item.pk),
        "html_url": request.build_absolute_uri(item.get_absolute_url()),
        "title": item.title,
        "index_no": item.index_no,
        "doc_number": item.doc_number,
        "issuer": item.issuer,
        "unit": {"code": item.unit.code, "name": item.unit.name},
        "written_on": _date(item.written_on),
        "published_at": _moment(item.published_at),
        "topic": item.topic.name,
        "five_class": _choice(FiveClass, item.five_class),
        "column": {"code": item.column.code, "name": item.column.name},
        "domain": {"code": item.domain.code, "name": item.domain.name} if item.domain else None,
        "doc_kind": _choice(DocKind, item.doc_kind),
        "validity": _choice(Validity, item.validity),
        "status": item.status,
    }


def publication_detail(
    request: HttpRequest, item: Publication, catalog_links: dict[Any, int]
) -> JSON:
    """One item with its body and attachments; a withdrawn item keeps its metadata and says
    when and why it was withdrawn, without its body or files."""
    withdrawn = item.status == PublicationStatus.WITHDRAWN
    attachments = [] if withdrawn else list(item.attachments.all())
    return {
        **publication(request, item),
        "effective_on": _date(item.effective_on),
        "expires_on": _date(item.expires_on),
        "body_html": None if withdrawn else item.body,
        "body_text": None if withdrawn else item.body_text,
        "attachments": [
            {
                "name": a.name,
                "kind": a.kind,
                "size": a.size,
                "sha256": a.sha256,
                "url": request.build_absolute_uri(a.get_absolute_url()),
            }
            for a in attachments
        ],
        "catalog_items": [
            {
                "level1": matter.level1,
                "level2": matter.level2,
                "html_url": _absolute(request, "portal:catalog_item", catalog_links[matter.lineage])
                if matter.lineage in catalog_links
                else None,
            }
            for matter in item.catalog_items.all()
        ],
        "withdrawn_at": _moment(item.withdrawn_at) if withdrawn else None,
        "withdrawal_reason": item.withdrawal_reason if withdrawn else None,
    }


def catalog(request: HttpRequest, found: Catalog, item_count: int) -> JSON:
    unit = found.unit
    return {
        "unit": {"code": unit.code, "name": unit.name},
        "version": found.version,
        "status": _choice(CatalogStatus, found.status),
        "approved_at": _moment(found.approved_at),
        "item_count": item_count,
        "url": _absolute(request, "api:catalog", unit.code),
        "html_url": _absolute(request, "portal:catalog_unit", unit.code),
    }


def catalog_item(request: HttpRequest, item: CatalogItem) -> JSON:
    """A catalog item with every element of the national layout."""
    return {
        "id": item.pk,
        "lineage": str(item.lineage),
        "domain": {"code": item.domain.code, "name": item.domain.name},
        **{name: getattr(item, name) for name in ELEMENT_FIELDS},
        "html_url": _absolute(request, "portal:catalog_item", item.pk),
        "publications_url": _absolute(request, "api:publications") + f"?catalog_item={item.pk}",
    }


def catalog_detail(request: HttpRequest, found: Catalog, items: Iterable[CatalogItem]) -> JSON:
    rows = [catalog_item(request, item) for item in items]
    return {**catalog(request, found, len(rows)), "items": rows}


def unit(request: HttpRequest, found: Unit, *, has_catalog: bool) -> JSON:
    return {
        "code": found.code,
        "name": found.name,
        "kind": _choice(UnitKind, found.kind),
        "parent": found.parent.code if found.parent else None,
        "publication_count": getattr(found, "publication_count", 0),
        "publications_url": _absolute(request, "api:publications") + f"?unit={found.code}",
        "catalog_url": _absolute(request, "api:catalog", found.code) if has_catalog else None,
        "html_url": _absolute(request, "portal:browse_unit", found.code),
    }
