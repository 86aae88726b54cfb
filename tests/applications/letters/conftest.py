"""Fixtures for the letter tests: a handler of 县民政局, uploads kept under tmp_path, and 'today'
fixed after every date the tests record, so each letter's dates are known in advance."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine

from gongkai.orgs.models import Role, Unit, User
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel("2025-06-30 10:00 +0800", tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def handler(department: Unit) -> User:
    user: User = UserFactory(username="mzj_handler", full_name="李明")
    MembershipFactory(user=user, unit=department, role=Role.HANDLER)
    return user
