"""The demo county's annual reports in the 政府信息公开年报 column: the county's reports of the last
two years and, for the year before last, the reports of two departments and a township, each made
final and published as a county and its units would have done by 31 March and 31 January
(条例第四十九条). Last year's unit reports are left to do, so the tour can show editing and
finalizing one."""

from __future__ import annotations

from gongkai.core import clock
from gongkai.orgs.models import Unit, User
from gongkai.reports import annual_services
from gongkai.reports.models import AnnualReport, AnnualStatus

# Units whose report of the year before last the demo publishes: two departments and a township,
# so the column lists several units for a year. Kept short: rendering a report's Word file takes
# about two seconds (python-docx's table.cell walks the whole table on every call).
UNIT_REPORTS = ("MZJ", "CZJ", "QJZ")


def _final_and_published(*, office: User, year: int, unit: Unit | None) -> None:
    """Finalize and publish one report unless that was done already."""
    record = AnnualReport.objects.filter(year=year, unit=unit).first()
    if record is None or record.status != AnnualStatus.FINAL:
        annual_services.annual_finalize(actor=office, year=year, unit=unit)
        record = AnnualReport.objects.get(year=year, unit=unit)
    if not annual_services.is_published(record):
        annual_services.annual_publish(actor=office, year=year, unit=unit)


def load_reports(*, office: User, units: dict[str, Unit] | None = None) -> None:
    """The county's reports of the last two years, then the listed units' of the year before
    last (oldest first, so the column lists the newest on top)."""
    last = clock.today().year - 1
    _final_and_published(office=office, year=last - 1, unit=None)
    for code in UNIT_REPORTS:
        unit = (units or {}).get(code)
        if unit is not None:
            _final_and_published(office=office, year=last - 1, unit=unit)
    _final_and_published(office=office, year=last, unit=None)
