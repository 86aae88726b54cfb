"""The demo county's ledger: seed 004's plan with its 32 tasks resolved to 石城县's units and a
deterministic mix of states with real Word files as evidence."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import Counter
from typing import Any

from openpyxl import load_workbook

from gongkai.demo.ledger import load_ledger
from gongkai.ledger import exports, selectors
from gongkai.ledger.models import Assignment, AssignmentStatus, Evidence, WorkPlan


def test_demo_plan(demo_units: Any) -> None:
    units, users = demo_units
    plan = load_ledger(units=units, users=users)
    assert plan.doc_number == "青政办秘〔2020〕51号"
    assert plan.issued_on == dt.date(2020, 9, 30)
    tasks = {t.number: t for t in plan.tasks.all()}
    assert len(tasks) == 32
    assert tasks[1].text == "出台全面推进基层政务公开标准化规范化工作实施方案"
    assert tasks[1].deadline == dt.date(2020, 8, 31)
    assert tasks[25].deadline == dt.date(2020, 9, 30)
    assert tasks[30].continuous and tasks[30].deadline is None

    def carried(n: int) -> set[str]:
        return set(tasks[n].assignments.values_list("unit__code", flat=True))

    assert carried(1) == {"GKB"} and tasks[1].unresolved == "县政府办公室"
    assert len(carried(2)) == 22 and "SHUIWJ" in carried(2) and "GKB" in carried(2)
    assert len(carried(3)) == 44
    assert carried(6) == {"GKB"} and tasks[6].unresolved == "信息中心"
    assert carried(14) == {"GKB"}
    assert len(carried(13)) == 11
    assert len(carried(32)) == 45
    assert tasks[18].unresolved == "县政务服务中心"

    states = Counter(Assignment.objects.values_list("status", flat=True))
    assert set(states) == set(AssignmentStatus.values)
    assert Evidence.objects.count() == sum(n for s, n in states.items() if s != "pending")
    assert all(e.kind == "docx" for e in Evidence.objects.all())

    # idempotent
    assert load_ledger(units=units, users=users) == plan
    assert WorkPlan.objects.count() == 1

    # a township's zip reads back, with the Word files and its 台账
    township = units["QJZ"]
    out = io.BytesIO()
    assert exports.unit_archive(plan, township, out, as_of=dt.date(2026, 11, 20)) > 0
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        names = archive.namelist()
        ledger = load_workbook(io.BytesIO(archive.read("台账.xlsx"))).active
    assert any(n.startswith("03 ") and n.endswith(".docx") for n in names)
    assert ledger.max_row - 1 == Assignment.objects.filter(unit=township).count()
    late = selectors.overdue_assignments(dt.date(2026, 11, 20), township)
    assert late and all(r.days_overdue > 0 for r in late)
