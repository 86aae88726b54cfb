"""Tests that need other connections (threads, subprocesses) see committed data only, so they
run on pytest-django's transactional database, which is flushed afterwards — taking the rows
the data migrations made (standard topics and columns) with it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import restore_reference_data


@pytest.fixture
def committed(django_db_blocker: Any) -> Iterator[None]:
    """Use as ``def test_x(committed, transactional_db, ...)``: set up before the transactional
    database, so it is torn down after its flush and puts the reference data back."""
    yield
    with django_db_blocker.unblock():
        restore_reference_data()
