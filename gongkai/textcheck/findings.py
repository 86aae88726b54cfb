"""What a check reports: one ``Finding`` per problem, with how seriously it stops publication."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["id_number", "bank_card", "mobile", "sensitive_word", "wrong_word"]
Severity = Literal["block", "warn"]

#: Kinds that are personal data: a release containing one unmasked must not go out (seed 003).
PERSONAL_DATA: Final[frozenset[Kind]] = frozenset({"id_number", "bank_card", "mobile"})

#: Personal data and sensitive words stop publication; a wrong word only warns the editor,
#: because a dictionary of wrong words can never be sure about every context.
SEVERITY: Final[dict[Kind, Severity]] = {
    "id_number": "block",
    "bank_card": "block",
    "mobile": "block",
    "sensitive_word": "block",
    "wrong_word": "warn",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a text.

    ``start`` and ``end`` are character offsets into the Python ``str`` that was checked
    (``text[start:end] == finding.text``), not byte offsets. ``suggestion`` is the replacement
    for a wrong word and ``None`` for everything else.
    """

    kind: Kind
    start: int
    end: int
    text: str
    severity: Severity
    suggestion: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in SEVERITY:
            raise ValueError(f"unknown finding kind {self.kind!r}")
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")

    @property
    def blocking(self) -> bool:
        """Whether this finding stops publication."""
        return self.severity == "block"

    def as_dict(self) -> dict[str, str | int | None]:
        """Return the finding as a JSON-ready dict (the CLI's output line)."""
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "severity": self.severity,
            "suggestion": self.suggestion,
        }


def finding(kind: Kind, start: int, end: int, text: str, suggestion: str | None = None) -> Finding:
    """Make a finding with the severity its kind carries."""
    return Finding(kind, start, end, text, SEVERITY[kind], suggestion)
