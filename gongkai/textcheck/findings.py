"""What a check reports: one ``Finding`` per problem, with how seriously it stops publication."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

Kind = Literal[
    "id_number",
    "id_number_suspect",
    "bank_card",
    "bank_account",
    "mobile",
    "phone",
    "sensitive_word",
    "wrong_word",
]
Severity = Literal["block", "warn"]

#: Kinds that are personal data: every preview masks them, and a release containing one unmasked
#: must not go out (seed 003) unless the finding only warns (a mobile in a contact clause, a
#: mistyped ID). ``bank_account`` (an organisation's account) and ``phone`` (a landline, reported
#: only as an office's contact number) are not personal data (docs/adr/0008).
PERSONAL_DATA: Final[frozenset[Kind]] = frozenset(
    {"id_number", "id_number_suspect", "bank_card", "mobile"}
)

#: The severity a kind carries by default. Personal data and sensitive words stop publication; a
#: wrong word only warns the editor, because a dictionary of wrong words can never be sure about
#: every context. A mobile found in a contact clause is reported with ``warn`` instead
#: (gongkai.textcheck.personal decides, per finding).
SEVERITY: Final[dict[Kind, Severity]] = {
    "id_number": "block",
    "id_number_suspect": "warn",
    "bank_card": "block",
    "bank_account": "warn",
    "mobile": "block",
    "phone": "warn",
    "sensitive_word": "block",
    "wrong_word": "warn",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a text.

    ``start`` and ``end`` are character offsets into the Python ``str`` that was checked
    (``text[start:end] == finding.text``), not byte offsets. ``suggestion`` is the replacement
    for a wrong word and ``None`` for everything else. ``reason`` says in Chinese why the finding
    fired, so an editor can judge it; it never repeats the hidden digits of a number, and it is
    left out of comparisons (two findings of the same kind at the same span are equal).
    """

    kind: Kind
    start: int
    end: int
    text: str
    severity: Severity
    suggestion: str | None = None
    reason: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.kind not in SEVERITY:
            raise ValueError(f"unknown finding kind {self.kind!r}")
        if self.severity not in ("block", "warn"):
            raise ValueError(f"unknown severity {self.severity!r}")
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")

    @property
    def blocking(self) -> bool:
        """Whether this finding stops publication."""
        return self.severity == "block"

    def as_dict(self) -> dict[str, str | int | None]:
        """Return the finding as a JSON-ready dict (``gongkai textcheck --explain``'s line)."""
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "severity": self.severity,
            "suggestion": self.suggestion,
            "reason": self.reason,
        }


def finding(
    kind: Kind,
    start: int,
    end: int,
    text: str,
    suggestion: str | None = None,
    *,
    severity: Severity | None = None,
    reason: str = "",
) -> Finding:
    """Make a finding with the severity its kind carries, unless ``severity`` says otherwise."""
    return Finding(kind, start, end, text, severity or SEVERITY[kind], suggestion, reason)
