"""The checks before publishing, wired to the office's dictionaries and the working-day calendar.

gongkai.textcheck finds personal data and wrong or sensitive words in text; this module decides
what text of a publication is checked (title, body, attachments), keeps the office-edited
dictionary in step with the database, and computes the 条例第26条 lateness with the calendar.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from django.db.models import Count, Max, Q

from gongkai import clock as statutory
from gongkai import textcheck
from gongkai.publications.models import CheckWord, Publication, WordKind
from gongkai.workdays.selectors import calendar

log = logging.getLogger(__name__)

KIND_LABELS = {
    "id_number": "身份证号",
    "id_number_suspect": "疑似抄错的身份证号",
    "bank_card": "银行卡号",
    "bank_account": "单位银行账号",
    "mobile": "手机号",
    "phone": "固定电话",
    "sensitive_word": "敏感词",
    "wrong_word": "错词或旧机构名称",
}
_lock = threading.Lock()
_cached: tuple[Any, textcheck.Checker] | None = None


def checker() -> textcheck.Checker:
    """The checker with the default dictionaries plus the office's words, rebuilt only when the
    office's dictionary has changed since it was last built."""
    global _cached
    stamp = CheckWord.objects.aggregate(
        n=Count("pk"), active=Count("pk", filter=Q(is_active=True)), at=Max("updated_at")
    )
    key = (stamp["n"], stamp["active"], stamp["at"])
    with _lock:
        if _cached is not None and _cached[0] == key:
            return _cached[1]
        wrong = dict(textcheck.default_wrong_words())
        sensitive = set(textcheck.default_sensitive_words())
        for entry in CheckWord.objects.all():
            wrong.pop(entry.word, None)
            sensitive.discard(entry.word)
            if not entry.is_active:
                continue
            if entry.kind == WordKind.WRONG:
                wrong[entry.word] = entry.correction
            else:
                sensitive.add(entry.word)
        built = textcheck.Checker(wrong_words=wrong, sensitive_words=sensitive)
        _cached = (key, built)
        return built


def _texts(publication: Publication) -> list[tuple[str, str]]:
    texts = [("标题", publication.title), ("正文", publication.body_text)]
    if publication.pk:
        for attachment in publication.attachments.all():
            if attachment.text:
                texts.append((f"附件“{attachment.name}”", attachment.text))
    return texts


def run(
    publication: Publication, *, using: textcheck.Checker | None = None
) -> list[dict[str, Any]]:
    """Check the title, the body and the text of attachments; findings as JSON-ready dicts.

    ``using`` passes a checker already built (bulk imports check thousands of items with one).
    """
    found: list[dict[str, Any]] = []
    check = using or checker()
    for where, text in _texts(publication):
        findings = check.check(text)
        personal = [f for f in findings if f.kind in textcheck.PERSONAL_DATA]
        # Findings are stored: keep personal data in them masked, like every page shows it.
        shown = textcheck.mask_text(text, personal) if personal else text
        for finding in findings:
            found.append(
                {
                    "where": where,
                    "kind": finding.kind,
                    "start": finding.start,
                    "end": finding.end,
                    "text": shown[finding.start : finding.end],
                    "severity": finding.severity,
                    "suggestion": finding.suggestion,
                    "context": shown[max(0, finding.start - 12) : finding.end + 12],
                }
            )
    return found


def mask_personal_data(text: str) -> tuple[str, bool]:
    """The text with ID, bank-card and mobile numbers masked, and whether any were found: staff
    pages never show them whole, even to the reviewer who must decide about them."""
    found = textcheck.find_personal_data(text)
    return textcheck.mask_text(text, found), bool(found)


def blocking(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in findings if f["severity"] == "block"]


def describe(finding: dict[str, Any]) -> str:
    """A Chinese sentence for a finding; personal data is shown masked even to staff."""
    kind = finding["kind"]
    label = KIND_LABELS.get(kind, kind)
    text = finding["text"]
    if "*" not in text:  # findings stored before masking: mask them now
        if kind in ("id_number", "id_number_suspect"):
            text = textcheck.mask_id_number(text)
        elif kind == "mobile":
            text = textcheck.mask_mobile(text)
        elif kind == "bank_card":
            text = textcheck.mask_bank_card(text)
    sentence = f"{finding['where']}第{finding['start'] + 1}个字起：{label}“{text}”"
    if finding.get("suggestion"):
        sentence += f"，应为“{finding['suggestion']}”"
    if finding.get("reason"):  # textcheck's reason: why it fired, never the hidden digits
        sentence += f"（{finding['reason']}）"
    return sentence + "。"


def lateness(
    written_on: dt.date, published_on: dt.date, *, cal: statutory.Calendar | None = None
) -> tuple[dt.date | None, bool]:
    """The 条例第26条 due date (20 working days after 成文日期) and whether publication is late.

    When the calendar does not know a year involved, nothing is guessed: the due date is left
    empty and the item is not marked late; the log says which year is missing.
    """
    try:
        due = statutory.publication_due(written_on, calendar=cal or calendar())
        return due, published_on > due
    except statutory.UnknownYear as exc:
        log.warning("publication lateness not computed: unknown calendar year %s", exc.year)
        return None, False
