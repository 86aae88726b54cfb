"""Errors that carry a Chinese sentence for people and an English one for logs."""

from __future__ import annotations


class GongkaiError(Exception):
    """A refusal the user can act on: ``message`` is shown to people, ``log`` goes to logs."""

    def __init__(self, message: str, *, log: str = "") -> None:
        super().__init__(log or message)
        self.message = message
        self.log = log or message


class AccessDenied(GongkaiError):
    """The user may not do this to this record (a unit boundary or a missing role)."""


class InvalidTransition(GongkaiError):
    """The record's current status does not allow this step."""


class ValidationFailed(GongkaiError):
    """The input is incomplete or malformed; nothing was changed."""

    def __init__(self, message: str, *, log: str = "", problems: list[str] | None = None) -> None:
        super().__init__(message, log=log)
        self.problems = problems or []
