"""Fixtures of the staff publication page tests: a fixed date (the items are written on
2024-03-01, so the 20-working-day clock has a known calendar) and a private media directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _march_2024(time_machine: Any) -> None:
    # The clock keeps ticking: the check-word cache notices changes by their update time.
    time_machine.move_to("2024-03-20 10:00 +0800", tick=True)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
