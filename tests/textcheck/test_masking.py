"""Masking for publication: names, ID, card and mobile numbers, and findings inside a text."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.textcheck import (
    Checker,
    find_personal_data,
    mask_bank_card,
    mask_id_number,
    mask_mobile,
    mask_name,
    mask_text,
)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("360735198506151233", "360735********1233"),
        ("11010519491231002X", "110105********002X"),
        ("360735850615123", "360735*****5123"),
        ("360735 19850615 1233", "360735 ******** 1233"),
        ("1234567890", "**********"),  # too short for the rule: hide everything
    ],
)
def test_mask_id_number(value: str, masked: str) -> None:
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("6222021234567894", "622202******7894"),
        ("6222 0212 3456 7894", "6222 02** **** 7894"),
        ("6217000012345678907", "621700*********8907"),
    ],
)
def test_mask_bank_card(value: str, masked: str) -> None:
    assert mask_bank_card(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("8613812345678", "86138****5678"),
        ("138-1234-5678", "138-****-5678"),
        ("12345", "*****"),
    ],
)
def test_mask_mobile(value: str, masked: str) -> None:
    assert mask_mobile(value) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张小明", "张*明"),
        ("欧阳小明", "欧**明"),
        ("买买提·艾力", "买**·*力"),
        ("张　三", "张　*"),
        ("李", "*"),
        ("", ""),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_mask_text_masks_personal_data_only_and_keeps_offsets() -> None:
    text = "张三 360735198506151233 卡号6222021234567894 电话138 1234 5678 县环保局"
    findings = Checker.from_defaults().check(text, today=dt.date(2024, 6, 1))
    masked = mask_text(text, findings)
    assert masked == "张三 360735********1233 卡号622202******7894 电话138 **** 5678 县环保局"
    assert len(masked) == len(text)
    assert find_personal_data(masked) == []


def test_mask_text_refuses_findings_of_another_text() -> None:
    findings = find_personal_data("13812345678")
    with pytest.raises(ValueError, match="does not match"):
        mask_text("13912345678", findings)
