"""`gongkai demo` as a command on an empty database (kept apart from tests/demo, whose package loads the county once)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from gongkai.catalog.models import Catalog
from gongkai.demo.services import DEMO_PASSWORD, LOGIN_URL
from gongkai.orgs.models import Unit, User


def test_logins_prints_one_line_per_role_without_loading(db: Any) -> None:
    out = StringIO()
    call_command("demo", "--logins", stdout=out)
    text = out.getvalue()
    assert LOGIN_URL in text
    for username in [
        "office",
        "leader",
        "mzj_editor",
        "mzj_reviewer",
        "mzj_handler",
        "qjz_editor",
        "qjz01_clerk",
    ]:
        line = next(line for line in text.splitlines() if f" {username} " in line)
        assert DEMO_PASSWORD in line
    for label in ["公开办", "领导", "信息员", "审核人", "承办人", "村务管理员"]:
        assert label in text
    assert "琴江镇古樟村" in text
    assert not Unit.objects.exists()


def test_dry_run_reports_and_rolls_back(db: Any) -> None:
    out = StringIO()
    call_command("demo", "--dry-run", stdout=out)
    assert "试运行" in out.getvalue()
    assert "本次新增单位100个" in out.getvalue()  # 91 government units, 9 public enterprises
    assert not Unit.objects.exists()
    assert not User.objects.exists()
    assert not Catalog.objects.exists()


@override_settings(GONGKAI_ENV="production")
def test_refuses_to_load_in_production(db: Any) -> None:
    with pytest.raises(CommandError, match="生产环境"):
        call_command("demo", stdout=StringIO())
    assert not Unit.objects.exists()
