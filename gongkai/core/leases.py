"""Named locks that lapse on their own, claimed atomically in the database (the Lease model).

`gongkai tick` may be started by cron while the previous run is still going, on one machine or
several, and an import job must be run by exactly one process. A database lock would die with
its connection but behaves differently on SQLite and PostgreSQL; a lease row works the same on
both: the claim is one UPDATE whose WHERE clause only matches a lapsed lease, so of two
concurrent claimers exactly one changes the row (PostgreSQL re-checks the WHERE clause after
the first commits; SQLite serialises the writes). A holder that crashed blocks nobody for longer
than its lease.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid

from django.db import IntegrityError, transaction

from gongkai.core import clock
from gongkai.core.models import Lease

_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def new_holder() -> str:
    """A name for this claimer that no other process, thread or call shares: host, pid, random."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def lease_acquire(name: str, *, holder: str, ttl: dt.timedelta) -> bool:
    """Claim the lease ``name`` for ``ttl`` if nobody holds it (or its holder's lease lapsed).

    True when ``holder`` now holds it. Runs in its own transaction: call it outside any other,
    so the claim is visible to other processes at once.
    """
    now = clock.now()
    current = Lease.objects.filter(name=name).values_list("expires_at", flat=True).first()
    if current is not None and current > now:
        # Held: answer from a read, without queueing for SQLite's write lock behind the holder.
        return False
    if current is None:
        try:
            with transaction.atomic():
                Lease.objects.create(name=name, holder="", expires_at=_EPOCH)
        except IntegrityError:
            pass  # another claimer created it first; the UPDATE below decides
    with transaction.atomic():
        claimed = Lease.objects.filter(name=name, expires_at__lte=now).update(
            holder=holder, expires_at=now + ttl
        )
    return claimed == 1


def lease_renew(name: str, *, holder: str, ttl: dt.timedelta) -> bool:
    """Extend a lease ``holder`` still holds; False if it lapsed and someone else took it."""
    with transaction.atomic():
        renewed = Lease.objects.filter(name=name, holder=holder).update(
            expires_at=clock.now() + ttl
        )
    return renewed == 1


def lease_release(name: str, *, holder: str) -> None:
    """Give the lease up at once, if ``holder`` still holds it."""
    with transaction.atomic():
        Lease.objects.filter(name=name, holder=holder).update(holder="", expires_at=_EPOCH)


def lease_drop(name: str, *, holder: str) -> None:
    """Release and delete a one-off lease (one per import job), if ``holder`` still holds it."""
    with transaction.atomic():
        Lease.objects.filter(name=name, holder=holder).delete()


def lease_exists(name: str) -> bool:
    """Whether a lease of that name was ever claimed and not dropped."""
    return Lease.objects.filter(name=name).exists()


def lease_held(name: str) -> bool:
    """Whether someone holds ``name`` now (a read; the answer may change at once)."""
    return Lease.objects.filter(name=name, expires_at__gt=clock.now()).exists()
