"""谁起草、谁解读 on the staff pages: a policy's page asks for its interpretation and links to
draft one, the reviewer is warned (not stopped) when none is attached, the interpretation's form
shows on both public pages, and the rate page shows each unit only what it may see."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai.core.errors import ValidationFailed
from gongkai.orgs.models import Unit, User
from gongkai.publications import services
from gongkai.publications.models import (
    Column,
    DocKind,
    InterpretationForm,
    Publication,
    PublicationStatus,
)
from tests.publications.conftest import publication_values
from tests.publications.views.inputs import form_data

pytestmark = pytest.mark.django_db
WARNING = 'id="approve-interpretation-warning"'


def _policy(
    unit: Unit, editor: User, title: str = "关于印发石城县稳岗就业若干措施的通知"
) -> Publication:
    item = services.publication_create(
        actor=editor,
        unit=unit,
        values=publication_values(
            title=title, doc_kind=DocKind.POLICY, column=Column.objects.get(code="policies")
        ),
    )
    return services.publication_submit(actor=editor, publication=item)


def _interpretation(policy: Publication, editor: User, **values: Any) -> Publication:
    return services.publication_create(
        actor=editor,
        unit=policy.unit,
        values=publication_values(
            title=f"《{policy.title}》政策解读",
            column=Column.objects.get(code="interpretation"),
            interprets=policy,
            interpretation_form=values.pop("form", InterpretationForm.QA),
            **values,
        ),
    )


def test_the_reviewer_is_warned_but_may_approve_a_policy_without_interpretation(
    client: Client, department: Unit, editor: User, reviewer: User
) -> None:
    policy = _policy(department, editor)
    client.force_login(reviewer)
    page = client.get(reverse("publications:detail", args=[policy.pk])).content.decode()
    assert WARNING in page
    assert "尚未关联政策解读" in page
    client.post(reverse("publications:approve", args=[policy.pk]), {"comment": ""})
    policy.refresh_from_db()
    assert policy.status == PublicationStatus.PUBLISHED  # a warning, not a block


def test_no_warning_once_an_interpretation_is_attached(
    client: Client, department: Unit, editor: User, reviewer: User
) -> None:
    policy = _policy(department, editor)
    reading = _interpretation(policy, editor)
    client.force_login(reviewer)
    page = client.get(reverse("publications:detail", args=[policy.pk])).content.decode()
    assert WARNING not in page
    assert reading.title in page and "简明问答" in page


def test_ordinary_items_are_not_asked_for_an_interpretation(
    client: Client, department: Unit, editor: User, reviewer: User
) -> None:
    item = services.publication_create(actor=editor, unit=department, values=publication_values())
    services.publication_submit(actor=editor, publication=item)
    client.force_login(reviewer)
    page = client.get(reverse("publications:detail", args=[item.pk])).content.decode()
    assert WARNING not in page and "谁起草、谁解读" not in page


def test_the_policy_edit_page_links_to_a_prefilled_interpretation(
    client: Client, department: Unit, editor: User
) -> None:
    item = services.publication_create(
        actor=editor,
        unit=department,
        values=publication_values(
            title="石城县惠企政策十条",
            doc_kind=DocKind.POLICY,
            column=Column.objects.get(code="policies"),
        ),
    )
    client.force_login(editor)
    page = client.get(reverse("publications:edit", args=[item.pk])).content.decode()
    link = f"{reverse('publications:create')}?interprets={item.pk}"
    assert "尚未关联政策解读" in page and link in page
    assert "县政务公开办设定的本县规则，非法定期限" in page
    form = client.get(link).content.decode()
    # The policy is named by its staff page (a draft has no index number yet), the title says
    # what it interprets, the unit is the drafting unit's.
    assert f'value="{reverse("publications:detail", args=[item.pk])}"' in form
    assert "《石城县惠企政策十条》政策解读" in form
    assert re.search(rf'<option value="{department.pk}" selected>', form)


def test_a_prefill_of_another_units_draft_is_ignored(
    client: Client, department: Unit, editor: User, other_editor: User, other_department: Unit
) -> None:
    hidden = services.publication_create(
        actor=other_editor,
        unit=other_department,
        values=publication_values(title="县住建局内部文件", doc_kind=DocKind.POLICY),
    )
    client.force_login(editor)
    form = client.get(f"{reverse('publications:create')}?interprets={hidden.pk}").content.decode()
    assert "县住建局内部文件" not in form


def test_drafting_an_interpretation_requires_its_form_before_submitting(
    client: Client, department: Unit, editor: User
) -> None:
    policy = _policy(department, editor)
    client.force_login(editor)
    data = form_data(
        department,
        title="图解：稳岗就业若干措施",
        interprets=reverse("publications:detail", args=[policy.pk]),
        interpretation_form="",
    )
    client.post(reverse("publications:create"), data)
    reading = Publication.objects.get(title="图解：稳岗就业若干措施")
    assert reading.interprets == policy
    with pytest.raises(ValidationFailed) as caught:
        services.publication_submit(actor=editor, publication=reading)
    assert caught.value.message == "信息还不完整，请补充后再报送。"
    assert any("政策解读须选择解读形式" in p for p in caught.value.problems)
    data["interpretation_form"] = InterpretationForm.GRAPHIC
    client.post(reverse("publications:edit", args=[reading.pk]), data)
    reading.refresh_from_db()
    assert reading.interpretation_form == InterpretationForm.GRAPHIC
    page = client.get(reverse("publications:detail", args=[reading.pk])).content.decode()
    assert "图文/图表图解" in page


def test_a_form_without_a_policy_is_dropped(department: Unit, editor: User) -> None:
    item = services.publication_create(
        actor=editor,
        unit=department,
        values=publication_values(interpretation_form=InterpretationForm.TEXT),
    )
    assert item.interpretation_form == ""


def test_both_public_pages_show_the_form(
    client: Client, department: Unit, editor: User, reviewer: User
) -> None:
    policy = services.publication_approve(actor=reviewer, publication=_policy(department, editor))
    reading = _interpretation(policy, editor, form=InterpretationForm.PRESS)
    services.publication_submit(actor=editor, publication=reading)
    services.publication_approve(actor=reviewer, publication=reading)
    policy_page = client.get(policy.get_absolute_url()).content.decode()
    assert reading.title in policy_page and "新闻发布会" in policy_page
    reading_page = client.get(reading.get_absolute_url()).content.decode()
    assert policy.title in reading_page and "解读形式：新闻发布会" in reading_page


# ---------------------------------------------------------------------------- the rate page


@pytest.fixture
def two_units(
    department: Unit, other_department: Unit, editor: User, other_editor: User, reviewer: User
) -> dict[str, Publication]:
    """A published policy of each department; the first has its interpretation."""
    ours = services.publication_approve(actor=reviewer, publication=_policy(department, editor))
    reading = _interpretation(ours, editor)
    services.publication_submit(actor=editor, publication=reading)
    services.publication_approve(actor=reviewer, publication=reading)
    theirs = Publication.objects.create(
        unit=other_department,
        issuer=other_department.name,
        title="县住建局保障性住房政策",
        written_on=dt.date(2024, 3, 1),
        published_at=ours.published_at,
        topic=ours.topic,
        five_class=ours.five_class,
        column=ours.column,
        doc_kind=DocKind.POLICY,
        status=PublicationStatus.PUBLISHED,
    )
    return {"ours": ours, "theirs": theirs}


def test_the_office_sees_every_unit_and_the_county(
    client: Client, office: User, two_units: dict[str, Publication]
) -> None:
    client.force_login(office)
    page = client.get(reverse("publications:interpretation")).content.decode()
    assert "全县" in page
    assert two_units["ours"].title in page and two_units["theirs"].title in page
    assert "统计口径" in page and "不是法定期限" in page


def test_a_unit_sees_only_its_own(
    client: Client, editor: User, two_units: dict[str, Publication]
) -> None:
    client.force_login(editor)
    response = client.get(reverse("publications:interpretation"))
    page = response.content.decode()
    assert response.status_code == 200
    assert two_units["ours"].title in page
    assert two_units["theirs"].title not in page and "县住建局" not in page
    assert "100%" in page  # its one document, interpreted in time


def test_the_period_is_chosen(client: Client, office: User, two_units: Any) -> None:
    client.force_login(office)
    page = client.get(
        reverse("publications:interpretation"), {"first": "2023-01-01", "last": "2023-12-31"}
    ).content.decode()
    assert "期间没有发布政策文件" in page


def test_the_page_needs_a_login(client: Client) -> None:
    response = client.get(reverse("publications:interpretation"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_editors_home_lists_documents_waiting_for_interpretation(
    client: Client, editor: User, two_units: Any, time_machine: Any
) -> None:
    services.publication_approve(
        actor=None, publication=_policy(two_units["ours"].unit, editor, "另一项政策文件")
    )
    time_machine.move_to("2024-04-20 10:00 +0800", tick=True)
    client.force_login(editor)
    page = client.get(reverse("staff:home")).content.decode()
    assert "逾期未解读的政策文件" in page
    assert "待解读的政策文件（期限未到）" in page


def test_the_rate_page_reads_a_fixed_number_of_queries(
    client: Client, office: User, two_units: dict[str, Publication]
) -> None:
    client.force_login(office)
    url = reverse("publications:interpretation")
    client.get(url)  # warm the calendar and check-word caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    ours = two_units["ours"]
    for n in range(20):
        document = Publication.objects.create(
            unit=ours.unit,
            issuer=ours.issuer,
            title=f"政策文件{n}",
            written_on=ours.written_on,
            published_at=ours.published_at,
            topic=ours.topic,
            five_class=ours.five_class,
            column=ours.column,
            doc_kind=DocKind.NORMATIVE,
            status=PublicationStatus.PUBLISHED,
        )
        Publication.objects.create(
            unit=ours.unit,
            issuer=ours.issuer,
            title=f"解读{n}",
            written_on=ours.written_on,
            published_at=ours.published_at,
            topic=ours.topic,
            five_class=ours.five_class,
            column=ours.column,
            interprets=document,
            interpretation_form=InterpretationForm.TEXT,
            status=PublicationStatus.PUBLISHED,
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "政策文件19" in page
    assert len(many.captured_queries) == len(few.captured_queries)
