"""The one place gongkai reads the time, so tests can freeze it and no naive datetime leaks."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """Return the current aware datetime."""
    return timezone.now()


def today() -> dt.date:
    """Return today's date in the county's time zone (Asia/Shanghai)."""
    return timezone.localdate()


def localdate(moment: dt.datetime) -> dt.date:
    """The county's calendar date of an aware datetime."""
    return timezone.localdate(moment)
