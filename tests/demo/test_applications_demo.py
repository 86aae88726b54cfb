"""The demo county's applications: last year's register imported, this year's at every stage."""

from __future__ import annotations

import docx

from gongkai.applications import selectors
from gongkai.applications.models import Application, Letter, Stage
from gongkai.core import clock


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
        Stage.TRANSFERRED,
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
