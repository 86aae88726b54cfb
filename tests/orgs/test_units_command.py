"""`gongkai units list`: every unit with its parent's code, parents first, as JSON or a table."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gongkai.orgs.management.commands.units import display_width
from gongkai.orgs.models import Unit, UnitKind
from tests.factories import UnitFactory


def _run(*args: str) -> str:
    out = StringIO()
    call_command("units", *args, stdout=out)
    return out.getvalue()


def test_json_lists_every_unit_with_its_parent_code(village: Unit, department: Unit) -> None:
    rows = json.loads(_run("list", "--format", "json"))
    assert isinstance(rows, list)
    assert len(rows) == Unit.objects.count()
    by_code = {row["code"]: row for row in rows}
    assert by_code["SCX"] == {
        "code": "SCX",
        "name": "石城县人民政府",
        "kind": "county",
        "parent": None,
    }
    assert by_code["QJZ01"] == {
        "code": "QJZ01",
        "name": "琴江镇古樟村",
        "kind": "village",
        "parent": "QJZ",
    }
    assert by_code["MZJ"]["parent"] == "SCX"
    seen: set[str] = set()
    for row in rows:
        assert set(row) == {"code", "name", "kind", "parent"}
        assert row["parent"] is None or row["parent"] in seen
        seen.add(row["code"])


def test_json_keeps_chinese_readable(village: Unit) -> None:
    assert "琴江镇古樟村" in _run("list", "--format", "json")


def test_json_of_an_empty_county_is_an_empty_array(db: None) -> None:
    assert json.loads(_run("list", "--format", "json")) == []


def test_table_is_aligned_and_indents_children(village: Unit, department: Unit) -> None:
    UnitFactory(code="GTZ", name="高田镇", kind=UnitKind.TOWNSHIP, parent=department.parent)
    lines = _run("list", "--format", "table").splitlines()
    assert lines[0].split() == ["代码", "单位名称", "类型", "上级代码"]
    assert lines[-1] == f"共{Unit.objects.count()}个单位"
    body = lines[1:-1]
    assert [line.split()[0] for line in body][:1] == ["SCX"]
    village_line = next(line for line in body if line.startswith("QJZ01"))
    assert "    琴江镇古樟村" in village_line
    assert village_line.split()[-1] == "QJZ"
    # The kind column starts at the same terminal column on every line (CJK counts double).
    starts = {
        display_width(line[: line.rindex(kind)])
        for line, kind in zip(body, _kinds(body), strict=True)
    }
    assert len(starts) == 1


def _kinds(lines: list[str]) -> list[str]:
    labels = sorted(UnitKind.labels, key=len, reverse=True)
    return [next(label for label in labels if label in line) for line in lines]


def test_table_is_the_default_format(county: Unit) -> None:
    assert _run("list").splitlines()[1].startswith("SCX")


def test_an_action_is_required(db: None) -> None:
    with pytest.raises(CommandError):
        call_command("units", stdout=StringIO())
