"""Count repeated attempts and refuse more for a while: failed logins, wrong codes, the public's
tracking queries, applications and letter downloads, with no outside service.

Every event is a row (orgs.Attempt) so all web worker processes see the same counts; a cache in
one process's memory would let each of gunicorn's workers allow the limit again. A ``Rule``
names what is counted (its scope), how many events a window allows and, for a lockout, how long
to refuse once the limit is reached. Counted values (usernames, addresses, tracking numbers) are
stored as keyed hashes only.

The limits are the rules' own numbers unless settings.GONGKAI_THROTTLE_LIMITS names the scope
(tests that post many times raise them there, instead of weakening the rule).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from gongkai.core import clock
from gongkai.orgs.models import Attempt

logger = logging.getLogger(__name__)

KEY_SALT = "gongkai.orgs.throttle"
# Rows are kept this long: longer than any rule's window or lockout, so no count loses a row it
# still needs; older ones are deleted whenever an event is recorded.
KEEP = dt.timedelta(days=2)
LOCK_SUFFIX = ":lock"


@dataclass(frozen=True)
class Rule:
    """``limit`` events per ``window`` for one counted value. With ``lock``, reaching the limit
    refuses that value for ``lock`` from that moment (a lockout: the events before it no longer
    count afterwards); without, the window slides and the value is refused until the oldest of
    the last ``limit`` events leaves it."""

    scope: str
    limit: int
    window: dt.timedelta
    lock: dt.timedelta | None = None

    def __post_init__(self) -> None:
        # orgs.Attempt.scope holds 32 characters with the lock suffix; PostgreSQL refuses a longer
        # one at the first event, SQLite would silently store it: say so when the rule is made.
        longest = Attempt._meta.get_field("scope").max_length or 0
        if len(self.scope) + len(LOCK_SUFFIX) > longest:
            raise ValueError(
                f"throttle scope {self.scope!r} is longer than {longest - len(LOCK_SUFFIX)} characters"
            )

    @property
    def effective_limit(self) -> int:
        overrides: dict[str, int] = getattr(settings, "GONGKAI_THROTTLE_LIMITS", {}) or {}
        return int(overrides.get(self.scope, self.limit))


def key_for(value: str) -> str:
    """A keyed hash of a counted value: enough to count, useless to find who it was."""
    return salted_hmac(KEY_SALT, value.strip().lower(), algorithm="sha256").hexdigest()


def _lock_started(rule: Rule, key: str, now: dt.datetime) -> dt.datetime | None:
    """When the lockout in force (or the last one, within KEEP) began."""
    return (
        Attempt.objects.filter(scope=rule.scope + LOCK_SUFFIX, key=key, at__gt=now - KEEP)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )


def blocked_until(rule: Rule, value: str, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """When ``value`` may try again, or None when it may now."""
    now = now or clock.now()
    key = key_for(value)
    if rule.lock is not None:
        started = _lock_started(rule, key, now)
        if started is not None and started + rule.lock > now:
            return started + rule.lock
        return None
    limit = rule.effective_limit
    recent = (
        Attempt.objects.filter(scope=rule.scope, key=key, at__gt=now - rule.window)
        .order_by("-at")
        .values_list("at", flat=True)[limit - 1 : limit]
    )
    oldest_counted = next(iter(recent), None)
    return None if oldest_counted is None else oldest_counted + rule.window


def first_blocked(
    rules: Iterable[tuple[Rule, str]], *, now: dt.datetime | None = None
) -> dt.datetime | None:
    """The latest time any of the (rule, value) pairs is refused until, or None."""
    now = now or clock.now()
    times = [t for rule, value in rules if value if (t := blocked_until(rule, value, now=now))]
    return max(times) if times else None


@transaction.atomic
def hit(rule: Rule, value: str, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """Count one event for ``value``; return when it may try again if this event reached the
    limit (for a lockout rule: a lockout began now), else None. Prunes rows older than KEEP."""
    now = now or clock.now()
    key = key_for(value)
    Attempt.objects.filter(at__lt=now - KEEP).delete()
    Attempt.objects.create(scope=rule.scope, key=key, at=now)
    if rule.lock is None:
        return blocked_until(rule, value, now=now)
    since = now - rule.window
    started = _lock_started(rule, key, now)
    if started is not None and started > since:
        since = started  # events before the last lockout were paid for by it
    count = Attempt.objects.filter(scope=rule.scope, key=key, at__gt=since).count()
    if count < rule.effective_limit:
        return None
    Attempt.objects.create(scope=rule.scope + LOCK_SUFFIX, key=key, at=now)
    logger.warning("throttle %s: lockout until %s", rule.scope, now + rule.lock)
    return now + rule.lock


def clear(rule: Rule, value: str, *, locks: bool = False) -> None:
    """Forget the counted events of ``value`` (a successful login forgets its failures); with
    ``locks``, end a lockout too (the office reset the password)."""
    key = key_for(value)
    scopes = [rule.scope, rule.scope + LOCK_SUFFIX] if locks else [rule.scope]
    Attempt.objects.filter(scope__in=scopes, key=key).delete()


def local_time(moment: dt.datetime) -> str:
    """When to try again, as people read it: 14:35 today, or 12月4日 09:10 on another day."""
    local = timezone.localtime(moment)
    # Round up to the next minute, so "after 14:35" is never a few seconds too early.
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    if local.date() == clock.today():
        return f"{local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


@lru_cache(maxsize=8)
def _networks(
    spec: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(part, strict=False) for part in spec)


def _trusted(address: str) -> bool:
    spec = tuple(getattr(settings, "GONGKAI_TRUSTED_PROXIES", ()) or ())
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(spec))


def client_address(request: HttpRequest) -> str:
    """The client's address: the connection's own (REMOTE_ADDR), which a client cannot forge;
    when that is a proxy named in settings.GONGKAI_TRUSTED_PROXIES, the address that proxy saw,
    read from the right of X-Forwarded-For (docs/deploy/nginx.conf appends it there), skipping
    the trusted proxies in the chain. Anything a client put further left is ignored."""
    remote = str(request.META.get("REMOTE_ADDR", "")).strip()
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if not forwarded or not _trusted(remote):
        return remote
    for part in reversed([p.strip() for p in forwarded.split(",") if p.strip()]):
        try:
            ipaddress.ip_address(part)
        except ValueError:
            return remote  # a garbled header: count the proxy, not a made-up value
        if not _trusted(part):
            return part
    return remote
