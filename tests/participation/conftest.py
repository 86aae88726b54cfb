"""Fixtures of public participation: a consultation of 县民政局 (the ``department`` fixture), open
from 2025-06-01 to 2025-06-30, and the moment "now" in the middle of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from gongkai.orgs.models import Unit, User
from gongkai.participation import services
from gongkai.participation.models import Consultation

NOW = "2025-06-15 10:00 +0800"


@pytest.fixture
def frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_consultation(
    actor: User,
    unit: Unit,
    *,
    opens_on: dt.date = dt.date(2025, 6, 1),
    closes_on: dt.date = dt.date(2025, 6, 30),
    short_reason: str = "",
    publish: bool = True,
) -> Consultation:
    consultation = services.consultation_create(
        actor=actor,
        unit=unit,
        title="《石城县养老服务条例（征求意见稿）》公开征求意见",
        decision=None,
        summary="起草说明",
        draft_text="第一条 为了发展养老服务，制定本条例。",
        attachment_url="",
        opens_on=opens_on,
        closes_on=closes_on,
        short_reason=short_reason,
    )
    if publish:
        services.consultation_publish(actor=actor, consultation=consultation)
    return consultation


@pytest.fixture
def consultation(frozen: Any, editor: User, department: Unit) -> Consultation:
    return make_consultation(editor, department)
