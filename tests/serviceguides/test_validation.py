"""What a guide needs before it is submitted or published: table-driven over every standard
element, the phones (official numbers allowed), the time limits, the catalog item's unit and the
pre-publication text checks publications use."""

from __future__ import annotations

from typing import Any

import pytest

from gongkai import textcheck
from gongkai.catalog.models import Domain
from gongkai.orgs.models import Unit, UnitKind
from gongkai.serviceguides import validation
from gongkai.serviceguides.models import Material, Question, ServiceItem
from tests.factories import UnitFactory
from tests.serviceguides.service_setup import catalog_item, complete_values

pytestmark = pytest.mark.django_db

_BASE = "36073519800101123"
VALID_ID = _BASE + textcheck.id_check_character(_BASE)
BANK_CARD = next(
    card for d in "0123456789" if textcheck.luhn_valid(card := "622202100111555555" + d)
)


def _guide(unit: Unit, item: Any, **changes: Any) -> ServiceItem:
    values = complete_values(item, **changes)
    return ServiceItem(unit=unit, **values)


def _check(guide: ServiceItem, *, materials: int = 1, questions: int = 1) -> validation.GuideCheck:
    return validation.check_guide(
        guide,
        materials=[Material(name="居民身份证") for _ in range(materials)],
        questions=[Question(question="能否代办？", answer="可以。") for _ in range(questions)],
    )


@pytest.fixture
def item(department: Unit, domain: Domain) -> Any:
    return catalog_item(department, domain)


def test_a_complete_guide_passes(department: Unit, item: Any) -> None:
    result = _check(_guide(department, item))
    assert result.problems == []
    assert result.warnings == []


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("name", "事项名称"),
        ("basis", "设定依据"),
        ("conditions", "申请条件"),
        ("process", "办理流程"),
        ("place", "办理地点"),
        ("hours", "办理时间"),
        ("fee", "收费标准"),
        ("consult_phone", "咨询电话"),
        ("supervise_phone", "监督投诉电话"),
    ],
)
def test_each_missing_element_is_named(department: Unit, item: Any, field: str, label: str) -> None:
    result = _check(_guide(department, item, **{field: "  "}))
    assert result.problems == [f"请填写{label}。"]


def test_no_material_and_no_time_limit_and_no_catalog_item(department: Unit) -> None:
    guide = _guide(department, None, legal_days=None, promised_days=None, time_limit_note="")
    problems = _check(guide, materials=0).problems
    assert any("办理材料" in p for p in problems)
    assert any("办理时限" in p for p in problems)
    assert any("对应的公开事项" in p for p in problems)
    assert len(problems) == 3


@pytest.mark.parametrize(
    "changes",
    [
        {"legal_days": None, "promised_days": None, "time_limit_note": "即办"},
        {"legal_days": None, "promised_days": 5, "time_limit_note": ""},
        {"legal_days": 20, "promised_days": None, "time_limit_note": ""},
        {"legal_days": 20, "promised_days": 20, "time_limit_note": ""},
    ],
)
def test_time_limits_that_pass(department: Unit, item: Any, changes: dict[str, Any]) -> None:
    assert _check(_guide(department, item, **changes)).problems == []


def test_promised_over_legal_is_a_problem(department: Unit, item: Any) -> None:
    problems = _check(_guide(department, item, legal_days=10, promised_days=15)).problems
    assert problems == ["承诺办结时限（15个工作日）不能超过法定办结时限（10个工作日）。"]


def test_questions_missing_only_warns(department: Unit, item: Any) -> None:
    result = _check(_guide(department, item), questions=0)
    assert result.problems == []
    assert result.warnings == ["建议填写常见问题，便于群众提前了解办理中容易遇到的问题。"]


@pytest.mark.parametrize(
    "phone",
    [
        "0797-5702018",
        "0797 5702018",
        "07975702018",
        "0797-5702018转8001",
        "12345",
        "12315",
        "95598",
        "5702018",
        "13907971234",  # an official's duty mobile: published on purpose, not personal data
        "400-123-4567",
        "0797-5702018（社会救助股）、12345",
        "咨询：0797-5702018；投诉：12345",
    ],
)
def test_official_phones_are_allowed(department: Unit, item: Any, phone: str) -> None:
    assert validation.phone_problem("咨询电话", phone) == ""
    guide = _guide(department, item, consult_phone=phone, supervise_phone=phone)
    assert _check(guide).problems == []


@pytest.mark.parametrize("phone", ["电话待定", "123", "0797-570201", "0797-5702018-123456789"])
def test_bad_phones_are_named(department: Unit, item: Any, phone: str) -> None:
    problems = _check(_guide(department, item, supervise_phone=phone)).problems
    assert len(problems) == 1
    assert problems[0].startswith(f"监督投诉电话“{phone}”")


def test_an_id_number_in_the_text_is_a_problem_shown_masked(department: Unit, item: Any) -> None:
    guide = _guide(department, item, conditions=f"如张三（身份证号{VALID_ID}）一样的家庭。")
    problems = _check(guide).problems
    assert len(problems) == 1
    assert problems[0].startswith("申请条件")
    assert "身份证号" in problems[0]
    assert VALID_ID not in problems[0]


def test_personal_data_in_a_material_or_a_question_is_found(department: Unit, item: Any) -> None:
    guide = _guide(department, item)
    result = validation.check_guide(
        guide,
        materials=[Material(name="银行卡", note=f"户名：张三，卡号{BANK_CARD}")],
        questions=[Question(question="示例？", answer=f"如{VALID_ID}。")],
    )
    assert [p.split("第")[0] for p in result.problems] == ["办理材料", "常见问题"]


def test_a_wrong_word_from_the_dictionary_is_a_problem(department: Unit, item: Any) -> None:
    problems = _check(_guide(department, item, process="申请人按步就班提交材料")).problems
    assert len(problems) == 1
    assert "办理流程" in problems[0] and "按部就班" in problems[0]


def test_a_contact_mobile_in_a_question_only_warns(department: Unit, item: Any) -> None:
    guide = _guide(department, item)
    result = validation.check_guide(
        guide,
        materials=[Material(name="居民身份证")],
        questions=[Question(question="找谁？", answer="咨询电话：13907971234")],
    )
    assert result.problems == []


def test_a_catalog_item_of_another_unit_is_refused(
    department: Unit, other_department: Unit, domain: Domain
) -> None:
    foreign = catalog_item(other_department, domain)
    problems = _check(_guide(department, foreign)).problems
    assert problems == [
        f"对应公开事项“{foreign}”属于县住建局的目录，只能选择本单位目录（或县人民政府目录）中的事项。"
    ]


def test_the_county_governments_catalog_item_is_allowed(department: Unit, domain: Domain) -> None:
    county = Unit.objects.filter(kind=UnitKind.COUNTY).first() or UnitFactory(kind=UnitKind.COUNTY)
    assert _check(_guide(department, catalog_item(county, domain))).problems == []
