"""The demo county's work ledger: seed 004's plan (青政办秘〔2020〕51号) with its 32 tasks of annex 1,
each resolved to 石城县's units, and a deterministic mix of parts reported, confirmed, returned and
in progress, with small Word files as evidence (佐证材料), so the plan page, a unit's ledger, the
overdue list and the evidence zip all show something real.

Everything goes through gongkai.ledger.services, so the demo's ledger carries audit entries. Loading
is idempotent: a plan with the seed's 文号 already present is left alone.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from functools import cache
from pathlib import Path
from typing import Any, TypedDict, cast

from docx import Document

from gongkai.ledger import services
from gongkai.ledger.models import Assignment, WorkPlan
from gongkai.ledger.resolution import PilotDepartment
from gongkai.orgs.models import Unit, UnitKind, User

DATA_FILE = Path(__file__).resolve().parent / "data" / "work_plan_2020.json"
OFFICE_USERNAME = "office"

# Which parts end in which state, per task number, in the order of the task's units:
# C confirmed, R reported (awaiting the office), T returned, P in progress, "-" not started; units
# past the end of a pattern are not started. Seed 003 names 高田镇、琴江镇、赣江源镇、大由乡 among
# the few that finished; the first townships in unit order stand in for them here.
MIX: dict[int, str] = {
    1: "C",
    2: "CCCCCCCCRRT-P",
    3: "CCCCRRTP" + "-" * 3 + "CCCCCCCCCCRRRRRTP",
    6: "CR",
    7: "CCRP",
    9: "CRT",
    14: "C",
    17: "R",
    25: "CCCRP-T",
    29: "CCCCCCRRRTP",
    30: "PPPP",
    32: "P",
}
RETURN_REASON = "佐证材料只有工作方案，缺少按目录公开信息的网页截图和工作台账，请补充后重新报送。"


class TaskSpec(TypedDict):
    序号: int
    工作任务: str
    牵头责任单位: str
    主体责任单位: str
    时限要求: str


class PlanSpec(TypedDict):
    title: str
    doc_number: str
    year: int
    issued_on: str
    issuer: str
    note: str


class PlanData(TypedDict):
    plan: PlanSpec
    tasks: list[TaskSpec]
    annex2: list[PilotDepartment]


@cache
def plan_data() -> PlanData:
    """Seed 004's plan as transcribed in gongkai/demo/data/work_plan_2020.json."""
    return cast(PlanData, json.loads(DATA_FILE.read_text(encoding="utf-8")))


@cache
def evidence_docx(task_number: int, task_text: str) -> bytes:
    """A small Word file standing in for the units' evidence of one task (one per task: building
    a document costs ~60 ms, and the demo's units file ~70 of them)."""
    document = Document()
    document.add_heading(f"关于落实第{task_number}项任务的情况报告", level=1)
    document.add_paragraph(f"任务：{task_text}")
    document.add_paragraph(
        "我单位按照实施方案要求，明确分管领导和专人负责，制定工作计划，按时完成了本项任务。"
        "相关文件、会议记录和网页截图附后。（演示数据）"
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _actor(unit: Unit, users: dict[str, User], office: User) -> User:
    return users.get(f"{unit.code.lower()}_editor") or office


def load_ledger(*, units: dict[str, Unit], users: dict[str, User]) -> WorkPlan:
    """Load seed 004's plan and its tasks into the demo county (call after the units, users and
    domains with their lead units are loaded, inside demo_load's transaction)."""
    data = plan_data()
    spec = data["plan"]
    existing = WorkPlan.objects.filter(doc_number=spec["doc_number"]).first()
    if existing is not None:
        return existing
    office = users[OFFICE_USERNAME]
    plan = services.plan_create(
        actor=office,
        title=spec["title"],
        doc_number=spec["doc_number"],
        year=spec["year"],
        issued_on=dt.date.fromisoformat(spec["issued_on"]),
        issuer=spec["issuer"],
        note=spec["note"],
        pilot_departments=data["annex2"],
    )
    for row in data["tasks"]:
        task = services.task_create(
            actor=office,
            plan=plan,
            number=row["序号"],
            text=row["工作任务"],
            lead_text=row["牵头责任单位"],
            responsible_text=row["主体责任单位"],
            deadline_text=row["时限要求"],
        )
        _work(task.number, list(task.assignments.select_related("task", "unit")), users, office)
    return plan


def _work(number: int, parts: list[Assignment], users: dict[str, User], office: User) -> None:
    pattern = MIX.get(number, "")
    parts.sort(key=lambda a: (a.unit.kind != UnitKind.TOWNSHIP, a.unit.sort_order))
    for part, state in zip(parts, pattern, strict=False):
        if state == "-":
            continue
        actor = _actor(part.unit, users, office)
        data = evidence_docx(number, part.task.text)
        name = f"{part.unit.name}第{number}项任务落实情况.docx"
        services.evidence_add(actor=actor, assignment=part, name=name, stream=io.BytesIO(data))
        if state == "P":
            services.assignment_save(actor=actor, assignment=part, report=_report(part))
            continue
        services.assignment_report(actor=actor, assignment=part, report=_report(part))
        if state == "C" and actor == office:
            # The office reported this part itself (a unit without its own editor, or the
            # office's own task): separation of duties leaves it for another office member to
            # confirm, so it stays 已报送.
            continue
        if state == "C":
            services.assignment_confirm(actor=office, assignment=part)
        elif state == "T":
            services.assignment_return(actor=office, assignment=part, reason=RETURN_REASON)


def _report(part: Assignment) -> str:
    return (
        f"{part.unit.name}已按要求完成第{part.task.number}项任务，相关佐证材料已上传。（演示数据）"
    )


def counts() -> dict[str, Any]:
    """What the demo ledger holds (for the loader's summary line)."""
    return {
        "plans": WorkPlan.objects.count(),
        "assignments": Assignment.objects.count(),
    }
