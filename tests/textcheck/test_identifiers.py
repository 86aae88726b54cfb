"""Personal-data numbers: GB 11643 ID numbers, Luhn bank cards, mobiles, and what is not one."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.textcheck import (
    find_personal_data,
    id_check_character,
    is_id_number,
    is_uscc,
    luhn_valid,
)

TODAY = dt.date(2024, 6, 1)

# 石城县's area code 360735 dates from 1998, after this holder was born: still a valid number.
SHICHENG_ID = "360735198506151233"
# The worked example of GB 11643-1999, whose check character is X.
STANDARD_ID = "11010519491231002X"
# Valid as an ID number and as a credit code (GB 32100) and/or under Luhn: the ID wins.
ID_AND_USCC = "360735198506150599"
ID_AND_LUHN = "360735199001010149"
# An all-digit unified social credit code (事业单位, 石城县) that also passes Luhn but is no ID.
DIGIT_USCC = "123607354910150166"


def found(text: str, today: dt.date = TODAY) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_personal_data(text, today=today)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # resident ID numbers, 18 characters
        (f"身份证号{SHICHENG_ID}。", [("id_number", SHICHENG_ID)]),
        (STANDARD_ID, [("id_number", STANDARD_ID)]),
        (STANDARD_ID.lower(), [("id_number", STANDARD_ID.lower())]),
        ("360735200002291232", [("id_number", "360735200002291232")]),  # 2000 was a leap year
        # wrong check digit (and fails Luhn), but a province code and a real birth date: a
        # mistyped ID number, still personal data (issue 8)
        ("360735198506151235", [("id_number_suspect", "360735198506151235")]),
        # not an ID (wrong check digit) but passes Luhn: an 18-digit bank card
        ("360735198506151234", [("bank_card", "360735198506151234")]),
        # a digit where the check character must be X: mistyped
        ("110105194912310021", [("id_number_suspect", "110105194912310021")]),
        ("360735198502301230", []),  # 30 February, with a correct check digit
        ("360735190002291236", []),  # 1900 was not a leap year
        ("360735189912311234", []),  # before 1900
        ("360735202406150048", []),  # born after `today`
        # 15-digit numbers (pre-1999): a real 19YYMMDD birth date, no check digit
        ("360735850615123", [("id_number", "360735850615123")]),
        ("360735850230123", []),
        ("360735851315123", []),
        # precedence: a valid ID is an ID even if it is also a credit code or passes Luhn
        (ID_AND_USCC, [("id_number", ID_AND_USCC)]),
        (ID_AND_LUHN, [("id_number", ID_AND_LUHN)]),
        # unified social credit codes are not personal data
        (f"统一社会信用代码：{DIGIT_USCC}", []),
        ("统一社会信用代码：91330100799655058B", []),
        ("91360735MA35XXXXXX", []),
        # only standalone numbers: not inside longer digit or letter runs
        (f"0{SHICHENG_ID}", []),
        (f"{SHICHENG_ID}0", []),
        (f"{SHICHENG_ID}01", []),
        (f"ABC{SHICHENG_ID}", []),
        (f"{SHICHENG_ID}abc", []),
        (f"Ｎｏ{SHICHENG_ID}", []),
        (f"{SHICHENG_ID}号", [("id_number", SHICHENG_ID)]),
        # already-masked numbers
        ("360735********1233", []),
        ("3607351985****1233", []),
        ("36073519850615123*", []),
        ("36073519850615××××", []),
        ("138****5678", []),
        ("6222 02** **** 7894", []),
        # bank cards: 16–19 digits passing Luhn
        ("卡号6222021234567894", [("bank_card", "6222021234567894")]),
        ("6222021234567895", []),
        ("62220212345678903", [("bank_card", "62220212345678903")]),
        ("622202123456780003", [("bank_card", "622202123456780003")]),
        ("6217000012345678907", [("bank_card", "6217000012345678907")]),
        ("6217000012345678908", []),
        ("62170000123456789070", []),  # 20 digits
        ("6222 0212 3456 7894", [("bank_card", "6222 0212 3456 7894")]),
        ("6217-0000-1234-5678-907", [("bank_card", "6217-0000-1234-5678-907")]),
        ("6222 0212-3456 7894", []),  # mixed separators
        ("6222 0212 3456 7894 1234", []),  # a longer group sequence
        ("0000000000000000", []),  # a placeholder, though it passes Luhn
        ("2019 2020 2021 2022", []),
        # grouped ID numbers
        ("360735 19850615 1233", [("id_number", "360735 19850615 1233")]),
        ("360735-19850615-1234", [("id_number_suspect", "360735-19850615-1234")]),
        # mobile numbers
        ("13812345678", [("mobile", "13812345678")]),
        ("电话：19912345678。", [("mobile", "19912345678")]),
        ("+8613812345678", [("mobile", "+8613812345678")]),
        ("8613812345678", [("mobile", "8613812345678")]),
        ("+86 138 1234 5678", [("mobile", "+86 138 1234 5678")]),
        ("+86-138-1234-5678", [("mobile", "+86-138-1234-5678")]),
        ("86 13812345678", [("mobile", "86 13812345678")]),
        ("138 1234 5678", [("mobile", "138 1234 5678")]),
        ("138-1234-5678", [("mobile", "138-1234-5678")]),
        ("１３８１２３４５６７８", [("mobile", "１３８１２３４５６７８")]),
        ("12812345678", []),  # no such prefix
        ("138123456789", []),  # 12 digits
        ("413812345678", []),
        ("订单A13812345678", []),
        ("138-1234 5678", []),
        ("138 1234 5678 9012", []),
        ("0797-8888888", []),  # a landline
        # several in a table row
        (
            f"张三\t{SHICHENG_ID}\t6222021234567894\t138 1234 5678",
            [
                ("id_number", SHICHENG_ID),
                ("bank_card", "6222021234567894"),
                ("mobile", "138 1234 5678"),
            ],
        ),
    ],
)
def test_find_personal_data(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_the_fixtures_are_what_they_claim() -> None:
    assert is_uscc(ID_AND_USCC) and luhn_valid(ID_AND_LUHN)
    assert is_uscc(DIGIT_USCC) and luhn_valid(DIGIT_USCC)
    assert not is_id_number(DIGIT_USCC, today=TODAY)
    assert luhn_valid("0000000000000000")


def test_born_today_counts_and_the_default_today_is_used() -> None:
    assert found("360735202406150048", today=dt.date(2024, 6, 15)) == [
        ("id_number", "360735202406150048")
    ]
    assert [f.kind for f in find_personal_data("360735202406150048")] == ["id_number"]


def test_offsets_are_character_offsets() -> None:
    text = f"😀𠀀石城县张三，身份证{SHICHENG_ID}，手机＋８６ １３８１２３４５６７８。"
    findings = find_personal_data(text, today=TODAY)
    assert [(f.start, f.end) for f in findings] == [(11, 29), (32, 47)]
    for f in findings:
        assert text[f.start : f.end] == f.text
    assert findings[1].text == "＋８６ １３８１２３４５６７８"


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (SHICHENG_ID, True),
        (STANDARD_ID, True),
        ("11010519491231002x", True),
        ("11010519491231002Y", False),
        ("360735850615123", True),
        ("36073519850615123", False),
        ("３６０７３５１９８５０６１５１２３３", False),  # validators take ASCII only
        ("", False),
    ],
)
def test_is_id_number(value: str, valid: bool) -> None:
    assert is_id_number(value, today=TODAY) is valid


def test_id_check_character() -> None:
    assert id_check_character("11010519491231002") == "X"
    assert id_check_character("36073519850615123") == "3"
    with pytest.raises(ValueError, match="17 ASCII digits"):
        id_check_character("1234")


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("91330100799655058B", True),
        ("9144030071526726XG", True),
        ("91350100M000100Y43", True),
        (DIGIT_USCC, True),
        ("91330100799655058C", False),
        ("91330100799655058b", False),  # codes are upper case
        ("9133010079965505OB", False),  # O is not in the alphabet
        ("9133010079965505", False),
    ],
)
def test_is_uscc(value: str, valid: bool) -> None:
    assert is_uscc(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("4111111111111111", True),
        ("6222021234567894", True),
        ("6217000012345678907", True),
        ("6217000012345678908", False),
        ("79927398713", True),
        ("", False),
        ("1234abcd", False),
    ],
)
def test_luhn_valid(value: str, valid: bool) -> None:
    assert luhn_valid(value) is valid
