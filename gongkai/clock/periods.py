"""The statutory periods of the Regulation (《政府信息公开条例》, 国务院令第711号), as pure functions.

Each function names the article it implements. Periods are counted in working days of the
calendar passed in (the State Council's holiday arrangement with its make-up working days, or
the office's declared year), never counting the day the period starts from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from gongkai.clock.calendars import Calendar
from gongkai.clock.counting import count_forward, merge_spans

REPLY_PERIOD = 20
"""条例第33条第二款: reply within 20 working days of receiving the application."""

EXTENSION_PERIOD = 20
"""条例第33条第二款: one extension of at most 20 working days."""

SUPPLEMENT_NOTICE_PERIOD = 7
"""条例第30条: notify the applicant once, within 7 working days, of what to supplement."""

THIRD_PARTY_PERIOD = 15
"""条例第32条: the third party gives its opinion within 15 working days."""

AGENCY_CONSULTATION_PERIOD = 15
"""条例第34条: an agency consulted on jointly made information answers within 15 working days."""

PUBLICATION_PERIOD = 20
"""条例第26条: proactive information is published within 20 working days of being formed."""

FEE_PAYMENT_PERIOD = 20
"""国办函〔2020〕109号: the applicant pays within 20 working days from the day after receiving the
fee notice."""


def due_date(
    received: dt.date,
    *,
    supplemented: dt.date | None = None,
    pauses: Sequence[tuple[dt.date, dt.date]] = (),
    extended: bool = False,
    calendar: Calendar,
) -> dt.date:
    """Return the last day to reply to an application for disclosure.

    条例第33条第二款: the reply is due within 20 working days of receiving the application, the
    day of receipt not counted (the receipt date itself is fixed by 条例第31条); with an approved
    extension (``extended``) the period is 40 working days (20 + at most 20).
    条例第30条: when the applicant was asked to supplement an unclear application, the period
    runs afresh from the day the supplemented application was received (``supplemented``).
    条例第33条第三款: time spent consulting third parties or other agencies is not counted.
    ``pauses`` are those consultations, each FROM..TO inclusive. Precisely: with ``start`` the
    receipt (or supplement) date and P the period, the due date is the earliest date D such that
    the working days in (start, D] that lie in no pause number P. So a working day inside a pause
    that falls within the running period moves the due date one working day later; overlapping
    pauses count once; days of a pause on or before ``start`` or after the due date change
    nothing; the due date itself is never inside a pause.

    Raises ValueError when ``supplemented`` is before ``received`` or a pause ends before it
    starts, and UnknownYear when the period reaches a year the calendar does not know.
    """
    start = received
    if supplemented is not None:
        if supplemented < received:
            raise ValueError(
                f"supplement received {supplemented.isoformat()} before the application "
                f"{received.isoformat()}"
            )
        start = supplemented
    period = REPLY_PERIOD + (EXTENSION_PERIOD if extended else 0)
    return count_forward(start, period, calendar=calendar, skipped=merge_spans(pauses))


def supplement_notice_due(received: dt.date, *, calendar: Calendar) -> dt.date:
    """Return the last day to send the one-time notice asking the applicant to supplement.

    条例第30条: an unclear application is answered with guidance and, within 7 working days of
    receiving it (the day of receipt not counted), one notice listing everything to supplement
    and a reasonable time to do so.
    """
    return count_forward(received, SUPPLEMENT_NOTICE_PERIOD, calendar=calendar)


def third_party_reply_due(delivered: dt.date, *, calendar: Calendar) -> dt.date:
    """Return the last day a consulted third party may give its opinion.

    条例第32条: the third party answers within 15 working days of receiving the consultation
    letter, so ``delivered`` is the day the letter reached it (the day it was handed over or
    signed for; the sending date only when the two coincide). After this day the office decides
    without the opinion.
    """
    return count_forward(delivered, THIRD_PARTY_PERIOD, calendar=calendar)


def agency_reply_due(delivered: dt.date, *, calendar: Calendar) -> dt.date:
    """Return the last day an agency consulted on jointly made information may answer.

    条例第34条: the consulted agency answers within 15 working days of receiving the consultation
    letter (``delivered``); silence after that day counts as consent to disclose.
    """
    return count_forward(delivered, AGENCY_CONSULTATION_PERIOD, calendar=calendar)


def publication_due(formed: dt.date, *, calendar: Calendar) -> dt.date:
    """Return the last day to publish proactive information formed or changed on ``formed``.

    条例第26条: information within the scope of proactive disclosure is published within 20
    working days of the day it was formed or changed, that day not counted. Other laws may set
    other periods; callers with such a basis do not use this function.
    """
    return count_forward(formed, PUBLICATION_PERIOD, calendar=calendar)


def is_late_publication(formed: dt.date, published: dt.date, *, calendar: Calendar) -> bool:
    """Return whether publication on ``published`` missed the period of 条例第26条.

    Late means published after publication_due(formed); publishing on the due day is on time.
    Only the years up to the due date need to be known, however late ``published`` is.
    """
    return published > publication_due(formed, calendar=calendar)


def fee_payment_due(received: dt.date, *, calendar: Calendar) -> dt.date:
    """Return the last day to pay an information-processing fee.

    国办函〔2020〕109号 (under 条例第42条第一款): the applicant pays within 20 working days counted
    from the day after RECEIVING the fee notice (收到收费通知次日起), so ``received`` is the day
    it reached the applicant (handed over, signed for, or confirmed), not the day it was sent.
    Unpaid after the returned day, the application is not processed further (其他处理:
    逾期未按收费通知要求缴纳费用).
    """
    return count_forward(received, FEE_PAYMENT_PERIOD, calendar=calendar)
