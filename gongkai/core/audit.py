"""Write the audit log: called by every service that changes something sensitive.

Entries are chained by hash as they are inserted (gongkai.core.auditchain), whichever of these
functions writes them; ``gongkai audit verify`` checks the chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models

from gongkai.core import auditchain
from gongkai.core.models import AuditEntry


def audit(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    unit_code: str = "",
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit log inside the caller's transaction.

    Called from services after the change is saved, so the entry commits or rolls back with it.
    ``target`` names the record acted on; without one (a failed login for a user name that does
    not exist) ``target_type`` and ``target_id`` may name it as text. On PostgreSQL the append
    holds the chain's lock until the caller's transaction ends.
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    return AuditEntry.objects.create(
        actor=user,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        unit_code=unit_code,
        summary=summary,
        data=data or {},
    )


def audit_many(entries: Sequence[AuditEntry]) -> None:
    """Append many unsaved entries at once (bulk imports), chained in the given order.

    The entries get no primary keys (gongkai.core.bulk); run inside the caller's transaction.
    """
    auditchain.insert(entries)
