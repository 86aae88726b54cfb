"""Working days and the statutory periods of the Regulation (条例第26、30、32、33、34条).

Pure Python with no Django import (tools/check_architecture.py keeps it so), so the rules can be
tested and benchmarked alone. Calendars are data (``YearTable`` per year, combined in a
``TableCalendar``); periods are functions of dates and a calendar. A date in a year the calendar
does not know raises ``UnknownYear`` — a working day is never guessed.
"""

from gongkai.clock.calendars import Calendar, TableCalendar, UnknownYear, YearTable
from gongkai.clock.counting import add_workdays, workdays_between
from gongkai.clock.periods import (
    AGENCY_CONSULTATION_PERIOD,
    EXTENSION_PERIOD,
    FEE_PAYMENT_PERIOD,
    PUBLICATION_PERIOD,
    REPLY_PERIOD,
    SUPPLEMENT_NOTICE_PERIOD,
    THIRD_PARTY_PERIOD,
    agency_reply_due,
    due_date,
    fee_payment_due,
    is_late_publication,
    publication_due,
    supplement_notice_due,
    third_party_reply_due,
)
from gongkai.clock.state_council import state_council_calendar, state_council_years

__all__ = [
    "AGENCY_CONSULTATION_PERIOD",
    "EXTENSION_PERIOD",
    "FEE_PAYMENT_PERIOD",
    "PUBLICATION_PERIOD",
    "REPLY_PERIOD",
    "SUPPLEMENT_NOTICE_PERIOD",
    "THIRD_PARTY_PERIOD",
    "Calendar",
    "TableCalendar",
    "UnknownYear",
    "YearTable",
    "add_workdays",
    "agency_reply_due",
    "due_date",
    "fee_payment_due",
    "is_late_publication",
    "publication_due",
    "state_council_calendar",
    "state_council_years",
    "supplement_notice_due",
    "third_party_reply_due",
    "workdays_between",
]
