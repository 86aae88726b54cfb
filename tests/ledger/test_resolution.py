"""Unit columns → units of the demo county 石城县 (groups, annex 2, named bodies)."""

from __future__ import annotations

from typing import Any

from gongkai.demo.ledger import plan_data
from gongkai.ledger.resolution import UnitDirectory, split_names
from gongkai.orgs.models import Unit, UnitKind


def codes(units: list[Unit]) -> set[str]:
    return {u.code for u in units}


def test_split_names() -> None:
    assert split_names("县政府办公室，县政务公开办") == ["县政府办公室", "县政务公开办"]
    assert split_names("各乡镇政府、县有关部门") == ["各乡镇政府", "县有关部门"]


def test_groups(demo_units: Any) -> None:
    directory = UnitDirectory()
    townships = directory.resolve("各乡镇政府")
    assert len(townships.units) == 11
    assert {u.kind for u in townships.units} == {UnitKind.TOWNSHIP}
    departments = directory.resolve("县有关部门")
    assert len(departments.units) == 33
    both = directory.resolve("县政务公开办、县有关部门、各乡镇政府")
    assert len(both.units) == 45 and not both.unresolved


def test_named_units_and_the_office(demo_units: Any) -> None:
    directory = UnitDirectory()
    result = directory.resolve("县公开办、信息中心")
    assert codes(result.units) == {"GKB"}
    assert result.unresolved == ["信息中心"]
    assert directory.resolve("县政务公开办").units[0].code == "GKB"
    lead = directory.resolve("县政府办公室，县政务公开办")
    assert codes(lead.units) == {"GKB"} and lead.unresolved == ["县政府办公室"]
    assert directory.resolve("县政务服务中心").unresolved == ["县政务服务中心"]
    assert codes(directory.resolve("县民政局").units) == {"MZJ"}


def test_annex_2_by_name_then_by_the_domains_it_leads(demo_units: Any) -> None:
    directory = UnitDirectory()
    result = directory.resolve("县直26个试点领域业务主管部门", pilot=plan_data()["annex2"])
    assert not result.unresolved
    assert codes(result.units) == {
        "FGW", "XGW", "JKTJ", "GAJ", "MZJ", "SFJ", "CZJ", "RSJ", "JYJ", "SBJ", "ZRZYJ",
        "STHJJ", "ZJJ", "CGJ", "NYNCJ", "WGXLJ", "WJW", "YJGLJ", "SCJGJ", "XCZXJ", "SHUIWJ",
    }  # fmt: skip
    assert any("县发展改革委" in note and "县发改委" in note for note in result.notes)


def test_annex_2_names_that_match_nothing_are_reported(
    county: Unit, department: Unit, office_unit: Unit
) -> None:
    """Without the catalog's domains only exact names match; the rest are reported, not guessed."""
    result = UnitDirectory().resolve(
        "县直26个试点领域业务主管部门",
        pilot=[
            {"name": "县民政局", "domains": ["社会救助"]},
            {"name": "县公共资源交易中心", "domains": ["公共资源交易"]},
        ],
    )
    assert codes(result.units) == {"MZJ"}
    assert result.unresolved == ["县公共资源交易中心"]


def test_no_annex_and_no_domains_leaves_the_group_as_text(county: Unit) -> None:
    result = UnitDirectory().resolve("县直26个试点领域业务主管部门")
    assert result.units == [] and result.unresolved == ["县直26个试点领域业务主管部门"]
