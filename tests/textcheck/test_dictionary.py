"""The office-editable word-list format and the shipped default lists."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from gongkai.textcheck import (
    DictionaryError,
    default_sensitive_words,
    default_words,
    default_wrong_words,
    load_words,
    parse_words,
)


def test_parse_words_reads_both_kinds_and_skips_comments() -> None:
    lines = [
        "\ufeff# 词库\r\n",
        "\n",
        "环保局\t生态环境局\r\n",
        "  # an indented comment",
        " 内部资料 ",
        "安监局 \t 应急管理局",
        "环保局\t生态环境局",  # the same entry twice is harmless
    ]
    words = parse_words(lines)
    assert dict(words.wrong_words) == {"环保局": "生态环境局", "安监局": "应急管理局"}
    assert words.sensitive_words == ("内部资料",)


@pytest.mark.parametrize(
    ("lines", "line", "problem"),
    [
        (["a\tb\tc"], 1, "3 TAB-separated fields"),
        (["# ok", "", "按装\t安装\t"], 3, "3 TAB-separated fields"),
        (["\t安装"], 1, "empty word"),
        (["按装\t"], 1, "empty word"),
        (["环保局 生态环境局"], 1, "contains whitespace"),
        (["环保局\t生态 环境局"], 1, "contains whitespace"),
        (["内部\u3000资料"], 1, "contains whitespace"),
        (["环保局\t生态环境局", "# x", "环保局\t环境局"], 3, "on line 1"),
    ],
)
def test_bad_lines_name_their_number(lines: list[str], line: int, problem: str) -> None:
    with pytest.raises(DictionaryError) as caught:
        parse_words(lines, source="words.txt")
    assert caught.value.line == line
    assert problem in caught.value.problem
    assert f"words.txt, line {line}:" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_load_words_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_bytes("\ufeff# 本单位词库\r\n县环保局\t县生态环境局\r\n保密材料\r\n".encode())
    words = load_words(path)
    assert dict(words.wrong_words) == {"县环保局": "县生态环境局"}
    assert words.sensitive_words == ("保密材料",)
    assert load_words(str(path)) == words


def test_load_words_from_lines() -> None:
    assert load_words(iter(["甲\t乙", "丙"])).sensitive_words == ("丙",)


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("环保局\t生态环境局\n".encode() + "内部资料\n".encode("gbk"))
    with pytest.raises(DictionaryError) as caught:
        load_words(path)
    assert (caught.value.line, caught.value.problem) == (2, "not UTF-8 text")


def test_a_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_words(tmp_path / "missing.txt")


def test_the_default_files_ship_in_the_package_and_hold_one_kind_each() -> None:
    data = resources.files("gongkai.textcheck") / "data"
    lines = (data / "wrong_words.txt").read_text(encoding="utf-8").split("\n")
    assert parse_words(lines).sensitive_words == ()
    lines = (data / "sensitive_words.txt").read_text(encoding="utf-8").split("\n")
    assert dict(parse_words(lines).wrong_words) == {}
    assert len(default_wrong_words()) >= 80
    assert "此件不公开" in default_sensitive_words()
    assert "征求意见稿" not in default_sensitive_words()
    for kept in ("林业局", "文广新旅局", "民政局", "人力资源和社会保障局", "既使", "老龄办"):
        assert kept not in default_wrong_words()


def test_word_lists_are_read_only() -> None:
    words = default_words()
    with pytest.raises(TypeError):
        words.wrong_words["x"] = "y"  # type: ignore[index]
