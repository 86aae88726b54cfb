"""Where a number stands (issue 8): contact clauses warn, lists of people block, organisation
accounts are not personal cards, mistyped IDs warn; every finding says why."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from gongkai.textcheck import (
    PERSONAL_DATA,
    Checker,
    find_numbers,
    find_personal_data,
    id_check_character,
    is_suspect_id_number,
    mask_text,
)

TODAY = dt.date(2024, 6, 1)
ID = "360735198506151233"
CARD = "6222021234567894"  # passes Luhn
MOBILE = "13807971234"
SUSPECT = "360735198506151235"  # ID-shaped, check character wrong (should be 3)


def judged(text: str) -> list[tuple[str, str, str]]:
    return [(f.kind, f.severity, f.text) for f in find_personal_data(text, today=TODAY)]


# ------------------------------------------------------------------------ contact clauses


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The examples, as real notices write them.
        ("联系人：张某某 联系电话：13950291234", [("mobile", "warn", "13950291234")]),
        (
            "联系人：郭某某 电话：24344388 15859081234",
            [("phone", "warn", "24344388"), ("mobile", "warn", "15859081234")],
        ),
        ("监督电话：0797-5701234", [("phone", "warn", "0797-5701234")]),
        (f"咨询电话：{MOBILE}（工作日）", [("mobile", "warn", MOBILE)]),
        # A comma does not end the clause: 联系人：…，电话：… is one.
        (f"联系人：张某某，电话：{MOBILE}。", [("mobile", "warn", MOBILE)]),
        (f"联系人：张三，{MOBILE}", [("mobile", "warn", MOBILE)]),
        # Several contact numbers in a row, separated by spaces or 、 (n003 of the corpus).
        (
            "举报电话:刘寅 18846239888、冯海林 13845861167(法定工作日)",
            [("mobile", "warn", "18846239888"), ("mobile", "warn", "13845861167")],
        ),
        ("电话:85989809 87046792", [("phone", "warn", "85989809"), ("phone", "warn", "87046792")]),
        # Label forms: ASCII or full-width colon, spaced labels, 传真, 手机, 热线, Tel, 总机.
        (f"手机：{MOBILE}", [("mobile", "warn", MOBILE)]),
        (f"投诉电话{MOBILE}", [("mobile", "warn", MOBILE)]),
        ("电 话:0371—65917260", [("phone", "warn", "0371—65917260")]),
        ("传 真：(023)89181983", [("phone", "warn", "(023)89181983")]),
        ("联系电话:0576——82722151", [("phone", "warn", "0576——82722151")]),
        ("服务热线：400-800-1234", [("phone", "warn", "400-800-1234")]),
        ("Tel: 0797-5701234", [("phone", "warn", "0797-5701234")]),
        ("公安局总机号码:0579-82512000", [("phone", "warn", "0579-82512000")]),
        ("联系人\t13812345678", [("mobile", "warn", "13812345678")]),  # a Word table row
        ("请拨打监督电话０７９７－５７０１２３４", [("phone", "warn", "０７９７－５７０１２３４")]),
        # A line of bare numbers continues the contact line above it (n014, n029).
        ("监督电话:12317\n0973-8752868", [("phone", "warn", "0973-8752868")]),
        (
            "物资捐赠电话: 16638077960\n  16638077961   13526687659",
            [
                ("mobile", "warn", "16638077960"),
                ("mobile", "warn", "16638077961"),
                ("mobile", "warn", "13526687659"),
            ],
        ),
    ],
)
def test_numbers_in_a_contact_clause_only_warn(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert judged(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Running text without a contact label: a resident's own number.
        (f"村民王某某（{MOBILE}）反映", [("mobile", "block", MOBILE)]),
        (f"经核实，张三{MOBILE}系该户户主", [("mobile", "block", MOBILE)]),
        # The label must come before the number, in the same clause, close to it.
        (f"{MOBILE}是联系电话", [("mobile", "block", MOBILE)]),
        (
            f"联系电话：0797-5701234。张三{MOBILE}",
            [("phone", "warn", "0797-5701234"), ("mobile", "block", MOBILE)],
        ),
        (
            f"联系电话：0797-5701234\n张三{MOBILE}",
            [("phone", "warn", "0797-5701234"), ("mobile", "block", MOBILE)],
        ),
        (
            f"联系人：张某某负责本次补贴发放的组织实施、资格审核和政策解释工作，{MOBILE}",
            [("mobile", "block", MOBILE)],
        ),
        # After a contact number, a comma starts new matter.
        (
            f"联系电话：0797-5701234，村民王某某（{MOBILE}）反映情况属实",
            [("phone", "warn", "0797-5701234"), ("mobile", "block", MOBILE)],
        ),
        # A column headed 联系电话 does not release the named rows under it.
        (f"联系电话\n张三 {MOBILE}", [("mobile", "block", MOBILE)]),
    ],
)
def test_a_mobile_outside_a_contact_clause_blocks(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert judged(text) == expected


# ------------------------------------------------------------------------- lists of people


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A row of a name, an ID number and a mobile: a person's record, even after a label.
        (f"张三 {ID} {MOBILE}", [("id_number", "block", ID), ("mobile", "block", MOBILE)]),
        (
            f"姓名：张三，身份证号：{ID}，联系电话：{MOBILE}。",
            [("id_number", "block", ID), ("mobile", "block", MOBILE)],
        ),
        (
            f"张三\t{SUSPECT}\t联系电话：{MOBILE}",
            [("id_number_suspect", "warn", SUSPECT), ("mobile", "block", MOBILE)],
        ),
        (
            f"张三\t{CARD}\t{MOBILE}",
            [("bank_card", "block", CARD), ("mobile", "block", MOBILE)],
        ),
        # Several name + number lines: every line blocks (n001 of the corpus).
        (
            "张三\t13812345678\n李四\t13912345678\n王五\t13712345678",
            [
                ("mobile", "block", "13812345678"),
                ("mobile", "block", "13912345678"),
                ("mobile", "block", "13712345678"),
            ],
        ),
        ("县政府副县长 冯远国 15882900007", [("mobile", "block", "15882900007")]),
        # A landline in a person's record is still only a warning.
        (
            f"张三 {ID} 电话：0797-5701234",
            [("id_number", "block", ID), ("phone", "warn", "0797-5701234")],
        ),
    ],
)
def test_lists_of_people_block(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert judged(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "0797-5701234",
        "(0797)5701234",
        "全年县政府网站访问量达到2723809次",
        "成文日期20230617",
        "补助资金2345678.50元",
        "邮编:563200",
        "举报电话：12345、110",
    ],
)
def test_landlines_and_their_lookalikes_are_not_reported_outside_a_contact_clause(
    text: str,
) -> None:
    assert judged(text) == []


def test_landline_shapes_are_recognised() -> None:
    shapes = "0797-5701234 (0797)5701234 （023）89181963 0576——82722151 24344388 400-800-1234"
    assert [n.kind for n in find_numbers(shapes, today=TODAY)] == ["phone"] * 6
    # A local number never starts 0 or 1; an amount is not a phone.
    assert find_numbers("1723809次 0123456 2345678.50元", today=TODAY) == []


# ---------------------------------------------------------------------- organisation accounts


@pytest.mark.parametrize(
    "text",
    [
        f"户名：石城县财政局\n开户行：石城县农商银行\n账号：{CARD}",
        f"户 名:中国红十字基金会\n开户银行:中国银行北京分行\n账 号:{CARD}",
        f"开户银行：建设银行平湖市支行\n账号：{CARD}\n开户名：平湖市财政局非税收入结算分户",
        f"户名:河北省慈善总会\n账号:\n{CARD}\n开户行:民生银行石家庄新华西路支行",
        f"募捐专用账户账户名称:保定市红十字会开户行:保定银行光华支行账号:{CARD}",
        f"收款单位：石城县人民政府办公室 账号：{CARD}",
        f"县级财政专户 账号：{CARD}",
        f"对公账户：{CARD}",
        f"请将款项汇入县财政局账户，账号：{CARD}。",
        f"账户名:青岛酒店管理职业技术学院工会委员会\n开户行:中国工商银行青岛分行\n号:{CARD}",
    ],
)
def test_an_organisations_account_is_not_a_personal_card(text: str) -> None:
    assert judged(text) == [("bank_account", "warn", CARD)]
    assert "bank_account" not in PERSONAL_DATA


@pytest.mark.parametrize(
    "text",
    [
        f"卡号{CARD}",
        f"户名：张三\n开户行：农商银行\n账号：{CARD}",
        f"户名：欧阳小明 账号：{CARD}",  # four characters, but a person's name
        # A payout list under a county office's heading: each row is a person's card.
        f"石城县财政局2024年补贴发放名单\n序号\t姓名\t开户行\t账号\n1\t张三\t农商银行\t{CARD}",
        f"收款单位：县财政局\n张三 {ID} {CARD}",
    ],
)
def test_a_card_next_to_a_person_stays_a_personal_card(text: str) -> None:
    assert ("bank_card", "block", CARD) in judged(text)


# ------------------------------------------------------------------------- mistyped IDs


@pytest.mark.parametrize(
    ("value", "suspect"),
    [
        (SUSPECT, True),
        ("11010519491231002X"[:17] + "1", True),  # a digit where X belongs
        ("360735200002291230", True),  # 29 February 2000, wrong check digit
        (ID, False),  # valid: an ID number, not a suspect
        ("000000198506151235", False),  # no such province
        ("990735198506151235", False),
        ("360735198513151235", False),  # month 13
        ("360735202406300047", False),  # born after TODAY
        ("360735189912311235", False),  # before 1900
        ("36073519850615123", False),  # 17 digits
    ],
)
def test_is_suspect_id_number(value: str, suspect: bool) -> None:
    assert is_suspect_id_number(value, today=TODAY) is suspect


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SUSPECT, [("id_number_suspect", "warn", SUSPECT)]),
        (f"身份证号：{SUSPECT}。", [("id_number_suspect", "warn", SUSPECT)]),
        ("360735 19850615 1235", [("id_number_suspect", "warn", "360735 19850615 1235")]),
        # Precedence: a Luhn-valid 18-digit card and a valid credit code are not mistyped IDs.
        ("360735198506151234", [("bank_card", "block", "360735198506151234")]),
        ("123607354910150166", []),
        ("91330100799655058B", []),
        # An index number's unit-code prefix (n060 of the corpus).
        ("113715250043286799/2017-26749960", []),
        # Masked or embedded numbers stay unreported.
        ("360735********1235", []),
        (f"No{SUSPECT}", []),
    ],
)
def test_a_mistyped_id_number_warns(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert judged(text) == expected


def test_a_mistyped_id_number_is_masked_like_an_id_number() -> None:
    assert id_check_character(SUSPECT[:17]) != SUSPECT[17]
    text = f"张三 {SUSPECT} 住石城县"
    findings = find_personal_data(text, today=TODAY)
    assert "id_number_suspect" in PERSONAL_DATA
    assert mask_text(text, findings) == "张三 360735********1235 住石城县"


# --------------------------------------------------------------------------- explanations

EVERYTHING = (
    f"县环保局通知。此件不公开。张三 {ID} {CARD}。\n"
    f"李四 {SUSPECT}。\n村民王某某（{MOBILE}）反映。\n"
    "联系人：郭某某 电话：24344388 15859081234\n"
    f"户名：石城县财政局 账号：{CARD}"
)


@pytest.mark.parametrize(
    ("kind", "severity", "says"),
    [
        ("wrong_word", "warn", "应写作“生态环境局”"),
        ("sensitive_word", "block", "敏感词表"),
        ("id_number", "block", "校验位正确"),
        ("bank_card", "block", "Luhn"),
        ("id_number_suspect", "warn", "校验位不符"),
        ("mobile", "block", "没有联系人、联系电话等字样"),
        ("phone", "warn", "位于“电话”之后"),
        ("mobile", "warn", "公务联系方式，仅提示"),
        ("bank_account", "warn", "户名“石城县财政局”是单位"),
    ],
)
def test_every_finding_says_why(kind: str, severity: str, says: str) -> None:
    findings = Checker.from_defaults().check(EVERYTHING, today=TODAY)
    reasons = [f.reason for f in findings if (f.kind, f.severity) == (kind, severity)]
    assert reasons, (kind, severity)
    assert any(says in reason for reason in reasons), reasons


def test_reasons_never_repeat_the_hidden_digits() -> None:
    for found in Checker.from_defaults().check(EVERYTHING, today=TODAY):
        assert found.reason
        digits = re.sub(r"\D", "", found.text)
        if found.kind in PERSONAL_DATA:
            assert digits[3:-4] not in re.sub(r"\D", "", found.reason), found


def test_the_reason_is_in_the_dict_but_not_in_equality() -> None:
    found = find_personal_data(f"监督电话：{MOBILE}", today=TODAY)[0]
    assert found.as_dict()["reason"] == found.reason != ""
    assert found == type(found)(found.kind, found.start, found.end, found.text, found.severity)
