"""Hostile workbooks through the new-media posting import — the upload page and the service:
each is refused with its Chinese sentence, in bounded memory, with no post written (issue 12)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongkai.core.errors import ValidationFailed
from gongkai.monitoring.models import NewMediaPost
from gongkai.monitoring.services import posts_import
from gongkai.orgs.models import User
from tests.fixtures import bombs
from tests.monitoring.conftest import at
from tests.monitoring.test_import import HEADER, accounts, xlsx  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

KINDS = sorted(bombs.HOSTILE)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _today() -> object:
    with time_machine.travel(at("2024-11-05 10:00"), tick=False):
        yield


@pytest.fixture(scope="module")
def base() -> bytes:
    return xlsx(
        [
            HEADER,
            ["石城民政", "微信公众号", dt.datetime(2024, 10, 8, 9, 30), "低保标准调整", ""],
            ["石城民政", "抖音", "2024年10月9日", "防汛演练", None],
        ]
    )


def test_the_posts_import(office: User, accounts: None, base: bytes) -> None:  # noqa: F811
    assert posts_import(actor=office, data=base).created == 2


@pytest.mark.parametrize("kind", KINDS)
def test_service_refuses_in_bounded_memory(
    kind: str,
    office: User,
    accounts: None,  # noqa: F811
    base: bytes,
) -> None:
    data = bombs.HOSTILE[kind](base)
    caught, peak = bombs.peak_memory(lambda: posts_import(actor=office, data=data))
    assert isinstance(caught, ValidationFailed), caught
    assert any(bombs.REFUSAL[kind] in p for p in caught.problems), caught.problems
    assert peak < bombs.MEMORY_BOUND
    assert not NewMediaPost.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_import_page_answers_with_the_forms_chinese_error(
    kind: str,
    client: Client,
    office: User,
    accounts: None,  # noqa: F811
    base: bytes,
) -> None:
    client.force_login(office)
    upload = SimpleUploadedFile("发布记录.xlsx", bombs.HOSTILE[kind](base), content_type=XLSX)
    page = client.post(reverse("monitoring:posts_import"), {"file": upload})
    assert page.status_code == 400
    assert bombs.REFUSAL[kind] in page.content.decode()
    assert not NewMediaPost.objects.exists()
