"""Hostile workbooks through the ledger's task-table import — the plan's import page and the
service: each is refused with its Chinese sentence, in bounded memory, with no task written
(issue 12)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongkai.core.errors import ValidationFailed
from gongkai.ledger import services
from gongkai.ledger.models import Task, WorkPlan
from gongkai.orgs.models import User
from tests.fixtures import bombs
from tests.ledger.test_import import GOOD, workbook

pytestmark = pytest.mark.django_db

KINDS = sorted(bombs.HOSTILE)


@pytest.fixture(scope="module")
def base() -> bytes:
    return workbook(GOOD)


def test_the_task_table_imports(plan: WorkPlan, office: User, base: bytes) -> None:
    assert services.tasks_import(actor=office, plan=plan, filename="a.xlsx", data=base).tasks == 3


@pytest.mark.parametrize("kind", KINDS)
def test_service_refuses_in_bounded_memory(
    kind: str, plan: WorkPlan, office: User, base: bytes
) -> None:
    data = bombs.HOSTILE[kind](base)
    caught, peak = bombs.peak_memory(
        lambda: services.tasks_import(actor=office, plan=plan, filename="a.xlsx", data=data)
    )
    assert isinstance(caught, ValidationFailed), caught
    assert bombs.REFUSAL[kind] in caught.message
    assert peak < bombs.MEMORY_BOUND
    assert not Task.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_import_page_answers_in_chinese(
    kind: str, client: Client, plan: WorkPlan, office: User, base: bytes
) -> None:
    client.force_login(office)
    upload = SimpleUploadedFile("任务.xlsx", bombs.HOSTILE[kind](base))
    page = client.post(reverse("ledger:plan_import", args=[plan.pk]), {"file": upload})
    assert page.status_code == 200
    assert bombs.REFUSAL[kind] in page.content.decode()
    assert not Task.objects.exists()


def test_a_claimed_whole_grid_is_read_as_what_it_holds(
    plan: WorkPlan, office: User, base: bytes
) -> None:
    data = bombs.huge_dimension(base)
    result, peak = bombs.peak_memory(
        lambda: services.tasks_import(actor=office, plan=plan, filename="a.xlsx", data=data)
    )
    assert result.tasks == 3, result
    assert peak < bombs.MEMORY_BOUND
