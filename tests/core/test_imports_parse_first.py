"""Every Excel import reads its file before its write transaction opens (issue 12: a slow parse
inside SQLite's IMMEDIATE transaction held the write lock, and every other write on the site,
logins included, failed with a 500 after the busy timeout)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from gongkai.applications import register
from gongkai.catalog import excel
from gongkai.catalog import services as catalog_services
from gongkai.ledger import excel as ledger_excel
from gongkai.ledger import services as ledger_services
from gongkai.monitoring import posts_file
from gongkai.monitoring import services as monitoring_services
from gongkai.orgs.models import Unit, User
from gongkai.publications import subsidies
from tests.applications.fixtures.registers import ROWS, workbook
from tests.fixtures import bombs
from tests.publications.views.inputs import subsidy_workbook

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _depth_at_read(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, call: Callable[[], Any]
) -> tuple[int, int]:
    """(atomic depth when ``owner.name`` reads the file, depth around the import)."""
    reader = getattr(owner, name)
    seen: list[int] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(len(connection.atomic_blocks))
        return reader(*args, **kwargs)

    monkeypatch.setattr(owner, name, spy)
    outside = len(connection.atomic_blocks)
    with contextlib.suppress(Exception):  # the import's outcome is not the point here
        call()
    assert seen, f"{name} was not called"
    return seen[0], outside


def test_catalog_and_guideline_imports(
    monkeypatch: pytest.MonkeyPatch, department: Unit, domain: Any, second_domain: Any
) -> None:
    data = (FIXTURES / "multi_domain.xlsx").read_bytes()
    at_read, outside = _depth_at_read(
        monkeypatch,
        excel,
        "read_catalog_workbook",
        lambda: catalog_services.catalog_import(
            actor=None, unit=department, version=2024, source=data
        ),
    )
    assert at_read == outside
    monkeypatch.undo()
    at_read, outside = _depth_at_read(
        monkeypatch,
        excel,
        "read_catalog_workbook",
        lambda: catalog_services.guideline_import(actor=None, source=data),
    )
    assert at_read == outside


def test_subsidy_import(
    monkeypatch: pytest.MonkeyPatch, township_editor: User, township: Unit, village: Unit
) -> None:
    data = subsidy_workbook([["古樟村", "张小明", "", "耕地地力保护补贴", 5.2, 624]])
    at_read, outside = _depth_at_read(
        monkeypatch,
        subsidies,
        "read_subsidy_workbook",
        lambda: subsidies.subsidy_list_import(
            actor=township_editor,
            township=township,
            data=data,
            subsidy="2024年耕地地力保护补贴",
            written_on=dt.date(2024, 3, 15),
        ),
    )
    assert at_read == outside


def test_ledger_task_import(monkeypatch: pytest.MonkeyPatch, office: User) -> None:
    plan = ledger_services.plan_create(actor=office, title="测试工作方案", year=2020)
    data = bombs.simple_workbook([["序号", "工作任务", "牵头责任单位", "主体责任单位", "时限要求"]])
    at_read, outside = _depth_at_read(
        monkeypatch,
        ledger_excel,
        "read_task_rows",
        lambda: ledger_services.tasks_import(actor=office, plan=plan, filename="a.xlsx", data=data),
    )
    assert at_read == outside


def test_posts_import(monkeypatch: pytest.MonkeyPatch, office: User) -> None:
    data = bombs.simple_workbook([["账号名称", "平台", "发布日期", "标题", "链接"]])
    at_read, outside = _depth_at_read(
        monkeypatch,
        posts_file,
        "read",
        lambda: monitoring_services.posts_import(actor=office, data=data),
    )
    assert at_read == outside


def test_register_import(monkeypatch: pytest.MonkeyPatch, county: Unit, department: Unit) -> None:
    at_read, outside = _depth_at_read(
        monkeypatch,
        register,
        "_open",
        lambda: register.register_import(actor=None, data=workbook(ROWS)),
    )
    assert at_read == outside
