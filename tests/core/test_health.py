"""/healthz: 200 with the database answering, 503 when it does not; open to anyone, never
cached, nothing leaked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client


@pytest.mark.django_db
def test_ok_when_the_database_answers() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert Client().post("/healthz").status_code == 405


@pytest.fixture
def unreachable_database(tmp_path: Path) -> Iterator[None]:
    """The real connection pointed at a file that cannot be opened, then put back."""
    name = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = str(tmp_path / "missing-folder" / "db.sqlite3")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name


@pytest.mark.django_db
def test_503_when_the_database_does_not_answer(unreachable_database: None) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("points the SQLite connection at a missing file")
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}
    assert "missing-folder" not in response.content.decode()
