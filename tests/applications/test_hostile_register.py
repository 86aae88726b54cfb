"""Hostile workbooks through the register import (登记台账) — the staff page, `gongkai
applications import` and the service: each is refused with its Chinese sentence, in bounded
memory, with no application written (issue 12)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from gongkai.applications.models import Application
from gongkai.applications.register import register_import
from gongkai.catalog.excel import WorkbookRejected
from gongkai.orgs.models import Role, Unit, User
from tests.applications.fixtures.registers import ROWS, workbook
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures import bombs

pytestmark = pytest.mark.django_db

KINDS = sorted(bombs.HOSTILE)


@pytest.fixture(autouse=True)
def _today(time_machine: Any, settings: Any, tmp_path: Path) -> None:
    time_machine.move_to("2024-07-01 10:00 +0800", tick=False)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def units(county: Unit, department: Unit, other_department: Unit, office_unit: Unit) -> None:
    """The units the register names."""


@pytest.fixture
def handler(department: Unit) -> User:
    user: User = UserFactory(username="mzj_handler", full_name="李承办")
    MembershipFactory(user=user, unit=department, role=Role.HANDLER)
    return user


@pytest.fixture(scope="module")
def base() -> bytes:
    return workbook(ROWS)


def test_the_register_imports(units: None, base: bytes) -> None:
    assert register_import(actor=None, data=base, filename="台账.xlsx")["imported"] == 5


@pytest.mark.parametrize("kind", KINDS)
def test_service_refuses_in_bounded_memory(kind: str, units: None, base: bytes) -> None:
    data = bombs.HOSTILE[kind](base)
    caught, peak = bombs.peak_memory(lambda: register_import(actor=None, data=data))
    assert isinstance(caught, WorkbookRejected), caught
    assert any(bombs.REFUSAL[kind] in p for p in caught.problems), caught.problems
    assert peak < bombs.MEMORY_BOUND
    assert not Application.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_import_page_answers_with_the_forms_chinese_error(
    kind: str, client: Client, units: None, handler: User, base: bytes
) -> None:
    client.force_login(handler)
    upload = io.BytesIO(bombs.HOSTILE[kind](base))
    upload.name = "台账.xlsx"
    response = client.post(reverse("applications:import"), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Excel文件有误，未导入任何内容" in html
    assert bombs.REFUSAL[kind] in html
    assert not Application.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_cli_import_fails_with_the_chinese_message(
    kind: str, tmp_path: Path, units: None, base: bytes
) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(bombs.HOSTILE[kind](base))
    with pytest.raises(CommandError) as caught:
        call_command("applications", "import", str(path))
    assert bombs.REFUSAL[kind] in str(caught.value)
    assert not Application.objects.exists()


def test_a_claimed_whole_grid_is_read_as_what_it_holds(units: None, base: bytes) -> None:
    """Before issue 12 the register reader trusted the stored dimension: a few bytes claiming
    A1:XFD1048576 padded every row to 16,384 cells and added a million empty rows."""
    data = bombs.huge_dimension(base)
    summary, peak = bombs.peak_memory(lambda: register_import(actor=None, data=data))
    assert summary["imported"] == 5, summary
    assert peak < bombs.MEMORY_BOUND
