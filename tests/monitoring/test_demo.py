"""The demo loader of the monitoring: deterministic for a day, idempotent, one idle account (seed
003's 县商务局抖音号), a week of probes under 5% failed, no incidents."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from gongkai.demo.monitoring import load_monitoring
from gongkai.monitoring.models import Incident, NewMediaPost, Probe
from gongkai.monitoring.new_media import account_statuses
from gongkai.monitoring.veto import PASS, site_check
from gongkai.orgs.models import Unit, UnitKind
from tests.factories import UnitFactory
from tests.monitoring.conftest import at

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 11, 5)
UNITS = Path(__file__).resolve().parents[2] / "gongkai" / "demo" / "data" / "units.json"


@pytest.fixture
def units(county: Unit) -> dict[str, Unit]:
    data = json.loads(UNITS.read_text(encoding="utf-8"))
    made = {}
    for group, kind in (("departments", UnitKind.DEPARTMENT), ("townships", UnitKind.TOWNSHIP)):
        for spec in data[group]:
            made[spec["code"]] = UnitFactory(
                code=spec["code"], name=spec["name"], kind=kind, parent=county
            )
    return made


def test_demo_accounts_posts_and_probes(units: dict[str, Unit]) -> None:
    summary = load_monitoring(units=units, today=TODAY)
    assert (summary.accounts, summary.probes) == (8, 28)
    assert summary.posts == NewMediaPost.objects.count() > 8 * 17
    assert not NewMediaPost.objects.filter(published_on__gte=TODAY).exists()
    stale = [s.account.name for s in account_statuses(TODAY) if s.stale]
    assert stale == ["石城商务"]
    assert Incident.objects.count() == 0
    assert max(p.checked_at for p in Probe.objects.all()) < at("2024-11-05 00:00")
    unreachable = next(r for r in site_check(TODAY).results if r.rule == "unreachable")
    assert unreachable.outcome == PASS


def test_demo_is_deterministic_and_idempotent(units: dict[str, Unit]) -> None:
    load_monitoring(units=units, today=TODAY)
    first = list(
        NewMediaPost.objects.order_by("account__name", "published_on", "title").values_list(
            "account__name", "published_on", "title"
        )
    )
    again = load_monitoring(units=units, today=TODAY)
    assert (again.accounts, again.posts, again.probes) == (0, 0, 0)
    NewMediaPost.objects.all().delete()
    load_monitoring(units=units, today=TODAY)
    second = list(
        NewMediaPost.objects.order_by("account__name", "published_on", "title").values_list(
            "account__name", "published_on", "title"
        )
    )
    assert first == second
