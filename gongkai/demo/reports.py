"""The demo county's reports: last year's county annual report made final and published in the
政府信息公开年报 column, as a county would have done by 31 March; the units' reports stay drafts
so the tour can show editing and finalizing one."""

from __future__ import annotations

from gongkai.core import clock
from gongkai.orgs.models import User
from gongkai.reports import annual_services
from gongkai.reports.models import AnnualReport, AnnualStatus


def load_reports(*, office: User) -> None:
    """Finalize and publish last year's county report unless that was done already."""
    year = clock.today().year - 1
    record = AnnualReport.objects.filter(year=year, unit=None).first()
    if record is None or record.status != AnnualStatus.FINAL:
        annual_services.annual_finalize(actor=office, year=year, unit=None)
        record = AnnualReport.objects.get(year=year, unit=None)
    if not annual_services.is_published(record):
        annual_services.annual_publish(actor=office, year=year, unit=None)
