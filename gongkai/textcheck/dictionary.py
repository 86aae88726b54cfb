"""Word lists for the wording check: parse the office-editable text format, load the defaults.

The government information office edits these lists (the web side will keep them in the database),
so the format is one a person can edit in Notepad. UTF-8, one entry per line:

- ``wrong<TAB>right`` — a wrong word and its correction (e.g. ``环保局→生态环境局``);
- ``word`` — a sensitive word that must not appear in a release (e.g. ``此件不公开``);
- ``word<TAB>word`` — a correct term that contains a listed wrong word (``自然资源和规划局``
  contains ``规划局``): it is never reported and shields the shorter word inside it;
- lines starting with ``#`` are comments; blank lines are ignored.

Spaces around a field are ignored; a word may not contain whitespace, because a space typed
instead of the TAB would otherwise silently turn a correction into one long sensitive word.
A UTF-8 byte-order mark (Notepad writes one) is ignored.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType


class DictionaryError(ValueError):
    """A word list line is malformed; ``line`` is its 1-based number."""

    def __init__(self, problem: str, *, line: int, source: str = "<lines>") -> None:
        super().__init__(f"{source}, line {line}: {problem}")
        self.problem = problem
        self.line = line
        self.source = source


@dataclass(frozen=True)
class WordList:
    """Wrong words with their corrections, and sensitive words. Immutable."""

    wrong_words: Mapping[str, str] = field(default_factory=dict, hash=False)
    sensitive_words: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "wrong_words", MappingProxyType(dict(self.wrong_words)))
        object.__setattr__(self, "sensitive_words", tuple(dict.fromkeys(self.sensitive_words)))

    def merged(self, *others: WordList) -> WordList:
        """Return this list with ``others`` added; a later correction replaces an earlier one."""
        wrong = dict(self.wrong_words)
        sensitive = list(self.sensitive_words)
        for other in others:
            wrong.update(other.wrong_words)
            sensitive.extend(other.sensitive_words)
        return WordList(wrong, tuple(sensitive))


def parse_words(lines: Iterable[str], *, source: str = "<lines>") -> WordList:
    """Parse word-list lines in the module's format.

    Raises ``DictionaryError`` (a ``ValueError``) naming the first bad line: more than one TAB,
    an empty word or correction, whitespace inside a word, or a wrong word listed twice with
    different corrections.
    """
    wrong: dict[str, str] = {}
    first_seen: dict[str, int] = {}
    sensitive: list[str] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if number == 1:
            line = line.removeprefix("\ufeff")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) > 2:
            raise DictionaryError(
                f"expected 'wrong<TAB>right' or one word, found {len(fields)} TAB-separated fields",
                line=number,
                source=source,
            )
        for value in fields:
            if not value:
                raise DictionaryError("empty word or correction", line=number, source=source)
            if any(c.isspace() for c in value):
                raise DictionaryError(
                    f"{value!r} contains whitespace; separate a wrong word from its correction "
                    "with one TAB",
                    line=number,
                    source=source,
                )
        if len(fields) == 1:
            sensitive.append(fields[0])
            continue
        word, correction = fields
        if word in wrong and wrong[word] != correction:
            raise DictionaryError(
                f"{word!r} is listed again with a different correction "
                f"({wrong[word]!r} on line {first_seen[word]})",
                line=number,
                source=source,
            )
        wrong[word] = correction
        first_seen.setdefault(word, number)
    return WordList(wrong, tuple(sensitive))


def load_words(source: str | os.PathLike[str] | Iterable[str]) -> WordList:
    """Load a word list from a UTF-8 file (``str`` or path-like) or from an iterable of lines.

    A ``str`` is always a path, never the text itself; pass ``text.split("\\n")`` for text.
    Raises ``OSError`` if the file cannot be read and ``DictionaryError`` for a bad line or
    bytes that are not UTF-8 (naming the line).
    """
    if not isinstance(source, str | os.PathLike):
        return parse_words(source)
    path = Path(source)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DictionaryError("not UTF-8 text", line=line, source=str(path)) from exc
    # split("\n") rather than splitlines(): line numbers must match what an editor shows.
    return parse_words(text.split("\n"), source=str(path))


@functools.cache
def default_words() -> WordList:
    """Return the shipped defaults: ``data/wrong_words.txt`` and ``data/sensitive_words.txt``.

    These seed the office's own lists; the office may change any of them.
    """
    data = resources.files("gongkai.textcheck") / "data"
    wrong = parse_words(
        (data / "wrong_words.txt").read_text(encoding="utf-8").split("\n"),
        source="wrong_words.txt",
    )
    sensitive = parse_words(
        (data / "sensitive_words.txt").read_text(encoding="utf-8").split("\n"),
        source="sensitive_words.txt",
    )
    return wrong.merged(sensitive)


def default_wrong_words() -> Mapping[str, str]:
    """Return the shipped wrong words with their corrections (read-only)."""
    return default_words().wrong_words


def default_sensitive_words() -> tuple[str, ...]:
    """Return the shipped sensitive words."""
    return default_words().sensitive_words
