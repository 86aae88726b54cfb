"""Ledger fixtures: stored files under a temporary MEDIA_ROOT, a small plan on the shared county,
and real evidence files (a Word document made with python-docx, a PDF header)."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest

from gongkai.ledger import services
from gongkai.ledger.models import Task, WorkPlan
from gongkai.orgs.models import Unit, User


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


def word_file(text: str = "落实情况") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def plan(office: User, department: Unit, other_department: Unit, township: Unit) -> WorkPlan:
    return services.plan_create(
        actor=office, title="测试工作方案", year=2020, doc_number="测〔2020〕1号"
    )


@pytest.fixture
def task(plan: WorkPlan, office: User) -> Task:
    """Due 2020-10-31, carried by both departments (县有关部门)."""
    return services.task_create(
        actor=office,
        plan=plan,
        number=3,
        text="编制完善基层政务公开事项目录并按目录公开各类信息",
        lead_text="县政务公开办",
        responsible_text="县有关部门",
        deadline_text="2020年10月底",
    )


@pytest.fixture
def demo_units(db: Any) -> tuple[dict[str, Unit], dict[str, User]]:
    """石城县's units, staff, domains and their lead departments, as the demo loads them."""
    from gongkai.demo import services as demo

    units = demo._load_units()
    demo._load_users(units)
    users = {u.username: u for u in User.objects.all()}
    domains = demo._load_domains()
    demo._load_lead_units(domains, units, users[demo.OFFICE_USERNAME])
    return units, users
