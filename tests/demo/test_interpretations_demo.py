"""The demo county's policy interpretations (gongkai.demo.interpretations): forms varied, two
departments at 100%, others below seed 001's 90%, and the rate page showing it per unit."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.test import Client
from django.urls import reverse

from gongkai.core import clock
from gongkai.demo.interpretations import SEED_FORMS
from gongkai.orgs.models import Unit, User
from gongkai.publications import interpretation
from gongkai.publications.models import Publication


def _rows() -> tuple[interpretation.RateRow, dict[str, interpretation.RateRow]]:
    today = clock.today()
    lines = interpretation.policy_lines(first=dt.date(today.year - 1, 1, 1), last=today)
    units = list(Unit.objects.order_by("sort_order", "code"))
    county, rows = interpretation.rate_rows(lines, units)
    return county, {row.unit.code: row for row in rows if row.unit and row.documents}


def test_policy_documents_have_interpretations_of_varied_forms(demo: str) -> None:
    readings = Publication.objects.published().filter(interprets__isnull=False)
    forms = Counter(readings.values_list("interpretation_form", flat=True))
    assert len(forms) >= 5, forms
    assert "" not in forms
    county, rows = _rows()
    assert county.in_time and county.late and county.missing
    assert rows["FGW"].rate == "100%" and rows["CZJ"].rate == "100%"
    below = [code for code, row in rows.items() if row.below_target]
    assert len(below) >= 5
    assert len({row.rate for row in rows.values()}) >= 5  # real differences between units


def test_the_seeds_policy_documents_are_interpreted(demo: str) -> None:
    for title in SEED_FORMS:
        seed = Publication.objects.published().get(title=title)
        assert seed.interpretations.filter(status="published").count() == 1


def test_the_office_sees_the_rate_per_unit(demo: str, client: Client) -> None:
    office = User.objects.get(username="office")
    client.force_login(office)
    today = clock.today()
    page = client.get(
        reverse("publications:interpretation"), {"first": f"{today.year - 1}-01-01"}
    ).content.decode()
    assert "全县" in page and "县发改委" in page and "（低于90%）" in page
