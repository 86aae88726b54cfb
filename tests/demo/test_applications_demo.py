"""The demo county's applications: last year's register imported, this year's at every stage and
through every step the law provides, and every page they appear on opens."""

from __future__ import annotations

import docx
from django.test import Client
from django.urls import reverse

from gongkai.applications import selectors
from gongkai.applications.models import (
    Application,
    Channel,
    EventKind,
    Letter,
    LetterKind,
    Routing,
    Stage,
)
from gongkai.core import clock
from gongkai.orgs.models import User


def test_last_years_register_is_imported_and_adds_up(demo: str) -> None:
    year = clock.today().year - 1
    assert Application.objects.filter(imported=True).count() == 18
    table = selectors.report_numbers(selectors.annual_report_table(year))
    assert table["本年新收政府信息公开申请数量"]["总计"] == 18
    for column in table["总计"]:
        assert (
            table["本年新收政府信息公开申请数量"][column]
            + table["上年结转政府信息公开申请数量"][column]
            == table["总计"][column] + table["结转下年度继续办理"][column]
        )
    assert table["结转下年度继续办理"]["总计"] == 2


def test_this_year_shows_every_stage_and_an_overdue_one(demo: str) -> None:
    stages = set(Application.objects.filter(imported=False).values_list("stage", flat=True))
    assert {
        Stage.AWAITING_RECEIPT,
        Stage.REGISTERED,
        Stage.SUPPLEMENT,
        Stage.HANDLING,
        Stage.FEE_NOTICE,
        Stage.REPLIED,
        Stage.DELIVERED,
        Stage.ARCHIVED,
        Stage.CLOSED,
    } <= stages
    late = [
        a
        for a in selectors.open_applications(selectors.county_applications())
        if a.due_on and a.due_on < clock.today()
    ]
    assert len(late) == 1


def test_letters_open_in_word(demo: str) -> None:
    letters = list(Letter.objects.all())
    assert len(letters) >= 8
    for letter in letters:
        with letter.file.open("rb") as handle:
            text = "\n".join(p.text for p in docx.Document(handle).paragraphs)
        assert letter.application.tracking_no in text


def test_the_new_steps_are_shown(demo: str) -> None:
    this_year = Application.objects.filter(imported=False)
    # Routed by the unified intake: one application, its number and receipt date kept.
    routing = Routing.objects.select_related("application", "from_unit", "to_unit").get()
    routed = routing.application
    assert (routing.from_unit.code, routing.to_unit.code, routed.unit.code) == ("MZJ", "ZJJ", "ZJJ")
    assert routed.account_unit == routed.unit
    assert routed.events.filter(kind=EventKind.ROUTED).exists()
    withdrawn = this_year.get(outcome="withdrawn")
    assert withdrawn.stage == Stage.CLOSED and withdrawn.outcome_note
    oral = this_year.get(channel=Channel.ORAL)
    assert oral.transcribed_by == "县民政局承办人"
    deferred = this_year.get(deferred_until__isnull=False)
    assert deferred.due_on == deferred.deferred_until > clock.today()
    assert deferred.reasons_requested_on is not None
    consultation = this_year.get(consultations__isnull=False).consultations.get()
    assert consultation.delivered_on is not None and consultation.reply_due is not None
    fee = this_year.get(stage=Stage.FEE_NOTICE)
    assert fee.fee_received_on is not None and fee.fee_due_on is not None
    # The extension was approved by the reviewer of 县民政局, not by the county office.
    extended = this_year.get(extended=True)
    assert extended.extension_approved_by == str(User.objects.get(username="mzj_reviewer"))
    assert extended.events.get(kind=EventKind.EXTENDED).actor.username == "mzj_reviewer"
    kinds = set(Letter.objects.values_list("kind", flat=True))
    assert {LetterKind.REASONS, LetterKind.DEFERRAL, LetterKind.FEE} <= kinds
    assert "transfer" not in kinds


def test_every_application_page_opens(demo: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username="office"))
    for name in ("applications:list", "applications:overdue", "applications:report"):
        assert client.get(reverse(name)).status_code == 200
    response = client.get(reverse("applications:list"), {"extended": "on"})
    assert [row.application.extended for row in response.context["rows"]] == [True]
    for application in Application.objects.filter(imported=False):
        response = client.get(reverse("applications:detail", args=[application.pk]))
        assert response.status_code == 200, application.tracking_no
    html = client.get(
        reverse("applications:detail", args=[Routing.objects.get().application_id])
    ).content.decode()
    assert "转交记录（统一受理）" in html
