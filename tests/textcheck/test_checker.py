"""Wrong and sensitive words through the Aho-Corasick automaton, and the combined check."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.textcheck import Checker, Finding, WordList, default_words, parse_words

TODAY = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.from_defaults()


def words(checker: Checker, text: str) -> list[tuple[str, str, str | None]]:
    return [(f.kind, f.text, f.suggestion) for f in checker.check(text, today=TODAY)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("县环保局", [("wrong_word", "环保局", "生态环境局")]),
        ("石城县环境保护局", [("wrong_word", "环境保护局", "生态环境局")]),
        ("县国土资源局", [("wrong_word", "国土资源局", "自然资源局")]),
        ("县卫计委", [("wrong_word", "卫计委", "卫健委")]),
        ("国家卫生计生委", [("wrong_word", "国家卫生计生委", "国家卫生健康委")]),
        ("县安监局", [("wrong_word", "安监局", "应急管理局")]),
        (
            "县工商局、县质监局",
            [
                ("wrong_word", "工商局", "市场监督管理局"),
                ("wrong_word", "质监局", "市场监督管理局"),
            ],
        ),
        ("县地税局", [("wrong_word", "地税局", "税务局")]),
        ("县扶贫办", [("wrong_word", "扶贫办", "乡村振兴局")]),
        ("县文广新局", [("wrong_word", "文广新局", "文广新旅局")]),
        ("县城乡规划局", [("wrong_word", "城乡规划局", "自然资源局")]),
        ("县规划局", [("wrong_word", "规划局", "自然资源局")]),
        ("必竟一如继往", [("wrong_word", "必竟", "毕竟"), ("wrong_word", "一如继往", "一如既往")]),
        ("依法签定合同", [("wrong_word", "签定合同", "签订合同")]),
        ("此件不公开", [("sensitive_word", "此件不公开", None)]),
        ("秘密★1年", [("sensitive_word", "秘密★", None)]),
        (
            "内部资料，不得外传",
            [("sensitive_word", "内部资料", None), ("sensitive_word", "不得外传", None)],
        ),
        ("", []),
        ("征求意见稿", []),
    ],
)
def test_default_words(
    checker: Checker, text: str, expected: list[tuple[str, str, str | None]]
) -> None:
    assert words(checker, text) == expected


@pytest.mark.parametrize(
    "name",
    [
        "县文广新旅局",  # 石城县's own current name
        "县林业局",
        "县民政局",
        "县人力资源和社会保障局",
        "县自然资源局",
        "县自然资源和规划局",
        "自然资源部国土空间规划局",
        "县生态环境局",
        "县卫生健康委员会",
        "县农业农村局",
        "县应急管理局",
        "县市场监督管理局",
        "国家税务总局石城县税务局",
        "县乡村振兴局",
        "县交通运输局",
        "县消防救援大队",
        "国家药品监督管理局",
        "国家金融监督管理总局",
        "县医疗保障局",
        "县城市管理局",
        "县教科体局",
        "县社保中心",
        "各级农业部门",
        "既使企业减负，又使群众满意",
    ],
)
def test_current_names_and_correct_phrases_are_not_flagged(checker: Checker, name: str) -> None:
    assert checker.check(name) == []


def test_no_default_correction_is_itself_flagged(checker: Checker) -> None:
    for correction in set(default_words().wrong_words.values()):
        assert checker.check(correction) == [], correction


def test_already_correct_text_is_not_flagged() -> None:
    checker = Checker({"环保局": "生态环境局", "资源局": "自然资源局"}, [])
    assert checker.check("生态环境局") == []
    # 资源局 sits inside its own correction here, so the text already reads correctly.
    assert checker.check("县自然资源局") == []
    assert [f.text for f in checker.check("县资源局")] == ["资源局"]


def test_an_already_correct_word_does_not_hide_a_word_overlapping_it() -> None:
    checker = Checker({"ab": "xab", "bc": "BC"}, [])
    assert [(f.start, f.text) for f in checker.check("xabc")] == [(2, "bc")]


def test_a_correct_term_shields_the_wrong_word_inside_it() -> None:
    checker = Checker({"规划局": "自然资源局", "自然资源和规划局": "自然资源和规划局"}, [])
    assert checker.check("自然资源和规划局") == []
    assert [f.text for f in checker.check("规划局")] == ["规划局"]


def test_leftmost_longest_among_wrong_words() -> None:
    checker = Checker({"卫生计生委": "卫生健康委", "国家卫生计生委": "国家卫生健康委"}, [])
    assert [(f.start, f.text) for f in checker.check("原国家卫生计生委")] == [(1, "国家卫生计生委")]


def test_a_word_both_wrong_and_sensitive_is_reported_once_per_kind() -> None:
    checker = Checker({"机密": "秘密"}, ["机密"])
    assert checker.check("机密") == [
        Finding("sensitive_word", 0, 2, "机密", "block", None),
        Finding("wrong_word", 0, 2, "机密", "warn", "秘密"),
    ]


def test_overlapping_sensitive_and_wrong_words_are_both_reported() -> None:
    checker = Checker({"甲乙丙": "甲己丙"}, ["乙丙丁"])
    assert [(f.kind, f.start, f.end) for f in checker.check("甲乙丙丁")] == [
        ("wrong_word", 0, 3),
        ("sensitive_word", 1, 4),
    ]


def test_offsets_are_character_offsets_with_astral_characters(checker: Checker) -> None:
    text = "😀🎉𠀀县环保局：电话13812345678，🇨🇳此件不公开。"
    findings = checker.check(text, today=TODAY)
    assert [(f.kind, f.start, f.end) for f in findings] == [
        ("wrong_word", 4, 7),
        ("mobile", 10, 21),
        ("sensitive_word", 24, 29),
    ]
    for f in findings:
        assert text[f.start : f.end] == f.text


def test_findings_are_sorted_and_carry_severity(checker: Checker) -> None:
    text = "此件不公开。县环保局：360735198506151233，6222021234567894，13812345678。"
    findings = checker.check(text, today=TODAY)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert [(f.kind, f.severity, f.blocking) for f in findings] == [
        ("sensitive_word", "block", True),
        ("wrong_word", "warn", False),
        ("id_number", "block", True),
        ("bank_card", "block", True),
        ("mobile", "block", True),
    ]
    assert findings[1].as_dict() == {
        "kind": "wrong_word",
        "start": 7,
        "end": 10,
        "text": "环保局",
        "severity": "warn",
        "suggestion": "生态环境局",
        "reason": "在错词表中，应写作“生态环境局”",
    }


def test_extra_lists_add_words_and_replace_corrections() -> None:
    extra = parse_words(["环保局\t生态环境分局", "保密材料"])
    for checker in (Checker.from_defaults(extra), Checker.from_defaults().with_words(extra)):
        assert words(checker, "县环保局保密材料") == [
            ("wrong_word", "环保局", "生态环境分局"),
            ("sensitive_word", "保密材料", None),
        ]
        assert checker.words.wrong_words["国土资源局"] == "自然资源局"


def test_a_checker_without_words_still_finds_numbers() -> None:
    checker = Checker({}, [])
    assert [f.kind for f in checker.check("13812345678 环保局")] == ["mobile"]
    assert Checker.from_words(WordList()).check("此件不公开") == []


@pytest.mark.parametrize(
    ("wrong", "sensitive"),
    [({"": "x"}, []), ({"x": ""}, []), ({}, [""]), ({}, ["  "])],
)
def test_empty_words_are_refused(wrong: dict[str, str], sensitive: list[str]) -> None:
    with pytest.raises(ValueError, match="empty"):
        Checker(wrong, sensitive)


def test_a_single_string_is_not_a_word_list() -> None:
    with pytest.raises(TypeError, match="not one str"):
        Checker({}, "机密")


def test_findings_validate_themselves() -> None:
    with pytest.raises(ValueError, match="kind"):
        Finding("name", 0, 1, "x", "block")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="span"):
        Finding("mobile", 3, 3, "", "block")
