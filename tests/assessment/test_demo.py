"""The demo county's assessment: the current year's indicator set with entered scores, six
rectification items in every state (seed 003's problems among them), the score table and the
dashboard computed over the demo's data; loading again changes nothing."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gongkai.assessment import scoring
from gongkai.assessment.models import IndicatorSet, ManualScore, Rectification
from gongkai.demo.assessment import load_assessment
from gongkai.orgs.models import Unit, User

pytestmark = pytest.mark.django_db
TODAY = "2026-11-20 10:00 +0800"


@pytest.fixture
def demo(db: Any) -> None:
    with time_machine.travel(TODAY, tick=True):
        call_command("demo", stdout=StringIO())
        units = {u.code: u for u in Unit.objects.all()}
        users = {u.username: u for u in User.objects.all()}
        load_assessment(units=units, users=users)  # the lead's demo_load may already have
        assert load_assessment(units=units, users=users) is False


def test_demo_assessment(demo: None, client: Client) -> None:
    made = IndicatorSet.objects.get(year=2026)
    assert sum(i.weight for i in made.indicators.all()) == 100
    assert ManualScore.objects.filter(indicator__indicator_set=made).count() == 9
    states = {(r.unit.name, r.status) for r in Rectification.objects.select_related("unit")}
    assert ("县文广新旅局", "open") in states
    assert ("县商务局", "reported") in states
    assert ("县民政局", "closed") in states
    assert ("县交通运输局", "open") in states
    assert Rectification.objects.exclude(return_reason="").count() == 1
    assert Rectification.objects.count() == 6

    with time_machine.travel(TODAY, tick=True):
        table = scoring.score_table(made, as_of=scoring.clip_as_of(2026, made.created_at.date()))
        totals = {r["unit"]: r["total"] for r in table["rows"]}
        assert len(totals) == 46  # 33 departments, the tax bureau, 11 townships, 社区管委会
        assert len(set(totals.values())) > 10  # the scores differ
        client.force_login(User.objects.get(username="leader"))
        assert client.get(reverse("assessment:dashboard")).status_code == 200
        assert client.get(made.get_absolute_url()).status_code == 200
        assert client.get(reverse("assessment:rectifications")).status_code == 200
