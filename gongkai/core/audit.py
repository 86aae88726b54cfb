"""Write the audit log: called by every service that changes something sensitive."""

from __future__ import annotations

from typing import Any

from django.db import models

from gongkai.core.models import AuditEntry


def audit(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    unit_code: str = "",
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit log inside the caller's transaction.

    Called from services after the change is saved, so the entry commits or rolls back with it.
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        unit_code=unit_code,
        summary=summary[:500],
        data=data or {},
    )
