"""The demo county's site duties: the registration data of the footer (国办发〔2017〕47号), and
the links from the generated policy interpretations (政策解读) to the documents they explain.

The numbers are placeholders (zeros after the county's division code 360735): a real county
enters the ones issued to it on the office's settings page. They are set through the portal's
`gongkai site` command, since no app imports the portal (tools/check_architecture.py).
Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command

from gongkai.publications import services
from gongkai.publications.models import Publication

SITE = {
    "site_code": "3607350000",
    "icp_number": "赣ICP备00000000号-1",
    "police_number": "赣公网安备36073502000000号",
}
# The generator publishes an interpretation ten minutes after its document (demo.publications).
INTERPRETATION_DELAY = dt.timedelta(minutes=10)


def load_site_settings() -> None:
    """Fill the footer's registration numbers unless the office has already set them."""
    out = io.StringIO()
    call_command("site", stdout=out)
    if "网站标识码：（未填写）" not in out.getvalue():
        return
    args = [f"--{name.replace('_', '-')}={value}" for name, value in SITE.items()]
    call_command("site", *args, stdout=io.StringIO())


def link_interpretations() -> int:
    """Link each unlinked interpretation of the demo to the policy document its unit published
    ten minutes before it (how the generator made them), through the publications service; how
    many were linked."""
    readings = Publication.objects.published().filter(
        column__code="interpretation", interprets__isnull=True
    )
    linked = 0
    for reading in readings.select_related("unit"):
        if reading.published_at is None:
            continue
        policy = (
            Publication.objects.published()
            .filter(
                unit_id=reading.unit_id,
                published_at=reading.published_at - INTERPRETATION_DELAY,
                doc_kind__in=services.POLICY_KINDS,
            )
            .first()
        )
        if policy is not None:
            services.publication_link_interpretation(
                actor=None, interpretation=reading, policy=policy
            )
            linked += 1
    return linked
