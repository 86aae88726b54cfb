"""The audit log for inspectors: `gongkai audit export` and the office's staff page hand out the
same .xlsx/.csv, text stays text, and only the office and leaders see it (issue 12)."""

from __future__ import annotations

import csv
import io
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from gongkai.core.audit import audit
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User

HOSTILE = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture
def entries(county: Unit, department: Unit, editor: User) -> None:
    audit(
        actor=editor,
        action="publication.approve",
        target=department,
        unit_code=department.code,
        summary=HOSTILE,
    )
    audit(
        actor=None,
        action="login.failed",
        target_type="orgs.user",
        target_id="nobody",
        summary="+1 未知用户",
    )
    audit(actor=None, action="unit.create", target=county, unit_code=county.code, summary="新建")


def test_export_xlsx_keeps_text_as_text(entries: None, tmp_path: Path) -> None:
    out = StringIO()
    target = tmp_path / "审计.xlsx"
    call_command(
        "audit",
        "export",
        "--from",
        "2000-01-01",
        "--to",
        "2100-12-31",
        "--output",
        str(target),
        stdout=out,
    )
    assert "已导出 3 条审计记录" in out.getvalue()
    book = load_workbook(target)
    rows = list(book["审计日志"].iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 4
    cell = next(c for row in book["审计日志"].iter_rows() for c in row if c.value == HOSTILE)
    assert cell.data_type == "s"  # text, not a formula
    assert "审计链" in str(list(book["说明"].iter_rows(values_only=True)))


def test_export_csv_of_one_unit(entries: None, department: Unit, tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    call_command(
        "audit",
        "export",
        "--from",
        "2000-01-01",
        "--to",
        "2100-12-31",
        "--unit",
        department.code,
        "--output",
        str(target),
        stdout=StringIO(),
    )
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 2 and rows[1][8] == "'" + HOSTILE  # neutralised for spreadsheets


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01", "--to", "2026-12-31", "--output", "x.xlsx"], "日期"),
        (["--from", "2026-12-31", "--to", "2026-01-01", "--output", "x.xlsx"], "早于"),
        (["--from", "2026-01-01", "--to", "2026-12-31", "--output", "x.txt"], ".xlsx 或 .csv"),
        (["--from", "2026-01-01", "--to", "2026-12-31", "--output", "/no/such/x.xlsx"], "不存在"),
    ],
)
def test_export_refuses_bad_input(db: Any, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("audit", "export", *args)


def test_the_page_is_for_the_office_and_leaders(
    entries: None, client: Client, office: User, leader: User, editor: User
) -> None:
    url = reverse("staff:audit_log")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(editor)
    assert client.get(url).status_code == 403
    for reader in (office, leader):
        client.force_login(reader)
        page = client.get(url, {"action": "login"})
        assert page.status_code == 200
        html = page.content.decode()
        assert "nobody" in html and "unit.create" not in html
        assert "审计链尚未校验" in html
        # Inspectors read the action's Chinese name; the code stays beside it for filtering.
        html = client.get(url, {"action": "publication"}).content.decode()
        assert "政府信息：审核通过" in html and "publication.approve" in html


def test_the_page_downloads_and_checks(entries: None, client: Client, office: User) -> None:
    client.force_login(office)
    url = reverse("staff:audit_log")
    response = client.get(url, {"download": "xlsx", "from": "2000-01-01"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book["审计日志"].max_row == 4
    response = client.get(url, {"download": "csv"})
    assert b"login.failed" in b"".join(response.streaming_content)
    assert AuditEntry.objects.filter(action="audit.export", actor=office).count() == 2
    done = client.post(reverse("staff:audit_verify"), follow=True)
    assert "审计链完整" in done.content.decode()
    assert AuditEntry.objects.filter(action="audit.verify").exists()


def test_the_page_reads_a_fixed_number_of_queries(
    entries: None, client: Client, office: User, editor: User, county: Unit
) -> None:
    client.force_login(office)
    url = reverse("staff:audit_log")
    client.get(url)  # warm: sessions, roles

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for i in range(40):
        audit(actor=editor if i % 2 else None, action="x.more", target=county, summary=str(i))
    assert count() == few
