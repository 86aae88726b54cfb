"""Fixtures of the application page tests: handlers of two departments, uploads kept under
tmp_path, a fresh working-day calendar per test, and a clock the tests move day by day."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gongkai.orgs.models import Role, Unit, User
from gongkai.workdays import selectors as workdays
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # The tests move 'today' months ahead; a signed-in session must outlive the jumps.
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    workdays.forget_calendar()
    yield
    workdays.forget_calendar()


@pytest.fixture
def handler(department: Unit) -> User:
    user: User = UserFactory(username="mzj_handler", full_name="李承办")
    MembershipFactory(user=user, unit=department, role=Role.HANDLER)
    return user


@pytest.fixture
def other_handler(other_department: Unit) -> User:
    user: User = UserFactory(username="zjj_handler", full_name="赵承办")
    MembershipFactory(user=user, unit=other_department, role=Role.HANDLER)
    return user


@pytest.fixture
def unit_reviewer(department: Unit) -> User:
    """The department's reviewer (审核人): the head of its 政府信息公开工作机构, who approves
    extensions (条例第三十三条第二款)."""
    user: User = UserFactory(username="mzj_head", full_name="张主任")
    MembershipFactory(user=user, unit=department, role=Role.REVIEWER)
    return user


@pytest.fixture
def day(time_machine: Any) -> Any:
    """Move 'today' to a date (10:00 in the county)."""

    def move(iso: str) -> None:
        time_machine.move_to(f"{iso} 10:00 +0800", tick=False)

    return move
