"""Separation of duties (issue 12): whoever wrote an item cannot sign it off, even holding both
roles: a unit's editor who is also its reviewer (publications), an office member who also edits
a unit's catalog, or who reported a unit's task or rectification for it (the office may). Each is
refused by the service with a Chinese message, and the page shows the reason instead of the
button; someone else with the same role signs it off as before."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from gongkai.assessment import services as assessment
from gongkai.assessment.models import Rectification, RectificationSource, RectificationStatus
from gongkai.catalog import services as catalogs
from gongkai.catalog.models import Catalog, CatalogStatus, Domain
from gongkai.core.errors import AccessDenied
from gongkai.ledger import services as ledger
from gongkai.ledger.models import Assignment, AssignmentStatus, Task
from gongkai.orgs import permissions
from gongkai.orgs.models import Role, Unit, User
from gongkai.publications import selectors
from gongkai.publications import services as publications
from gongkai.publications.models import Attribute, NonPublicGround, Publication, PublicationStatus
from tests.factories import (
    COMPLETE_ELEMENTS,
    CatalogFactory,
    CatalogItemFactory,
    MembershipFactory,
    UserFactory,
)
from tests.ledger.conftest import word_file
from tests.publications.test_services import values

pytestmark = pytest.mark.django_db
SELF = permissions.SELF_REVIEW_MESSAGE


def _user(username: str, *grants: tuple[Unit, str]) -> User:
    user: User = UserFactory(username=username)
    for unit, role in grants:
        MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def task(office: User, department: Unit) -> Task:
    plan = ledger.plan_create(
        actor=office, title="测试工作方案", year=2020, doc_number="测〔2020〕1号"
    )
    return ledger.task_create(
        actor=office,
        plan=plan,
        number=3,
        text="编制完善基层政务公开事项目录并按目录公开各类信息",
        lead_text="县政务公开办",
        responsible_text="县有关部门",
        deadline_text="2020年10月底",
    )


@pytest.fixture
def both(department: Unit) -> User:
    """The department's editor who is also its reviewer."""
    return _user("mzj_both", (department, Role.EDITOR), (department, Role.REVIEWER))


@pytest.fixture
def second_office(office_unit: Unit) -> User:
    return _user("office2", (office_unit, Role.OFFICE))


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ------------------------------------------------------------------------------ publications


def _submitted(actor: User, unit: Unit, **overrides: Any) -> Publication:
    item = publications.publication_create(actor=actor, unit=unit, values=values(**overrides))
    return publications.publication_submit(actor=actor, publication=item)


def test_a_drafter_holding_both_roles_cannot_approve_their_own_item(
    department: Unit, both: User, reviewer: User
) -> None:
    item = _submitted(both, department)
    with pytest.raises(AccessDenied) as refused:
        publications.publication_approve(actor=both, publication=item)
    assert (
        refused.value.message == SELF == "起草人不能审核自己起草的信息，请由本单位其他审核人审核。"
    )
    item.refresh_from_db()
    assert item.status == PublicationStatus.SUBMITTED and item.index_no is None
    # They may still send it back to themselves; another reviewer approves it.
    publications.publication_return(actor=both, publication=item, comment="再核对一遍")
    publications.publication_submit(actor=both, publication=item)
    approved = publications.publication_approve(actor=reviewer, publication=item)
    assert approved.status == PublicationStatus.PUBLISHED


def test_a_reviewer_who_edited_someone_elses_draft_cannot_approve_it(
    department: Unit, editor: User, both: User, reviewer: User
) -> None:
    item = publications.publication_create(actor=editor, unit=department, values=values())
    publications.publication_update(
        actor=both, publication=item, values={"body": "<p>由审核人改写的正文。</p>"}
    )
    publications.publication_submit(actor=editor, publication=item)
    assert publications.writer_ids(item) == {editor.pk, both.pk}
    with pytest.raises(AccessDenied, match="separation of duties"):
        publications.publication_approve(actor=both, publication=item)
    publications.publication_approve(actor=reviewer, publication=item)


def test_a_township_reviewer_cannot_approve_a_village_posting_they_drafted(
    township: Unit, village: Unit
) -> None:
    clerk_and_reviewer = _user("qjz_both", (village, Role.VILLAGE_CLERK), (township, Role.REVIEWER))
    item = _submitted(clerk_and_reviewer, village)
    with pytest.raises(AccessDenied, match="separation of duties"):
        publications.publication_approve(actor=clerk_and_reviewer, publication=item)


def test_the_command_line_is_not_a_person(department: Unit, both: User) -> None:
    """actor=None (the server's command line, ADR 0003) is not refused: it drafts nothing."""
    item = _submitted(both, department)
    assert publications.publication_approve(actor=None, publication=item).status == "published"


def test_releasing_a_retained_item_is_a_sign_off_keeping_it_is_not(
    department: Unit, both: User, reviewer: User
) -> None:
    item = _submitted(
        both,
        department,
        attribute=Attribute.NOT_PUBLIC,
        non_public_ground=NonPublicGround.ART15,
        attribute_reason="涉及个人隐私",
    )
    publications.publication_approve(actor=reviewer, publication=item)
    kept = publications.publication_review(
        actor=both, publication=item, release=False, comment="情况未变"
    )
    assert kept.status == PublicationStatus.RETAINED
    with pytest.raises(AccessDenied, match="separation of duties"):
        publications.publication_review(
            actor=both, publication=item, release=True, comment="可公开"
        )
    released = publications.publication_review(
        actor=reviewer, publication=item, release=True, comment="可公开"
    )
    assert released.status == PublicationStatus.PUBLISHED


def test_the_item_page_shows_why_instead_of_the_approve_button(
    department: Unit, both: User, reviewer: User
) -> None:
    item = _submitted(both, department)
    url = reverse("publications:detail", args=[item.pk])
    page = _logged_in(both).get(url).content.decode()
    assert SELF in page
    assert reverse("publications:approve", args=[item.pk]) not in page
    assert "退回修改" in page  # returning is not signing off
    other = _logged_in(reviewer).get(url).content.decode()
    assert SELF not in other and reverse("publications:approve", args=[item.pk]) in other
    # Their review queue leaves it out; the other reviewer's has it.
    assert item not in selectors.awaiting_review_by(both)
    assert item in selectors.awaiting_review_by(reviewer)
    queue = _logged_in(both).get(reverse("publications:review")).content.decode()
    assert item.title not in queue
    # Posting anyway is refused by the service, and nothing changes.
    response = _logged_in(both).post(reverse("publications:approve", args=[item.pk]), {})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == PublicationStatus.SUBMITTED


# ------------------------------------------------------------------------------ catalogs


@pytest.fixture
def office_editor(office_unit: Unit, department: Unit) -> User:
    """An office member who also keeps the department's catalog."""
    return _user("office_mzj", (office_unit, Role.OFFICE), (department, Role.EDITOR))


def _catalog_written_by(user: User, department: Unit, domain: Domain) -> Catalog:
    catalog = CatalogFactory(unit=department, version=2024)
    CatalogItemFactory(catalog=catalog, domain=domain)
    catalogs.catalog_item_add(
        actor=user, catalog=catalog, domain=domain, elements={**COMPLETE_ELEMENTS, "level2": "新增"}
    )
    return catalogs.catalog_submit(actor=user, catalog=catalog)


def test_an_office_member_cannot_approve_a_catalog_they_wrote(
    department: Unit, domain: Domain, office_editor: User, office: User
) -> None:
    catalog = _catalog_written_by(office_editor, department, domain)
    with pytest.raises(AccessDenied) as refused:
        catalogs.catalog_approve(actor=office_editor, catalog=catalog)
    assert refused.value.message == permissions.SELF_REVIEW_CATALOG_MESSAGE
    page = _logged_in(office_editor).get(reverse("staff:catalog_detail", args=[catalog.pk]))
    html = page.content.decode()
    assert permissions.SELF_REVIEW_CATALOG_MESSAGE in html
    assert reverse("staff:catalog_approve", args=[catalog.pk]) not in html
    assert reverse("staff:catalog_return", args=[catalog.pk]) in html
    assert catalogs.catalog_approve(actor=office, catalog=catalog).status == CatalogStatus.APPROVED


# ------------------------------------------------------------------------------ ledger


def test_the_office_cannot_confirm_a_part_it_reported_for_a_unit(
    task: Task, department: Unit, office: User, second_office: User
) -> None:
    part = Assignment.objects.get(task=task, unit=department)
    ledger.evidence_add(
        actor=office, assignment=part, name="材料.docx", stream=io.BytesIO(word_file())
    )
    ledger.assignment_report(actor=office, assignment=part, report="公开办代报。")
    with pytest.raises(AccessDenied) as refused:
        ledger.assignment_confirm(actor=office, assignment=part)
    assert refused.value.message == permissions.SELF_REVIEW_REPORT_MESSAGE
    html = _logged_in(office).get(reverse("ledger:assignment", args=[part.pk])).content.decode()
    assert permissions.SELF_REVIEW_REPORT_MESSAGE in html
    assert reverse("ledger:assignment_confirm", args=[part.pk]) not in html
    confirmed = ledger.assignment_confirm(actor=second_office, assignment=part)
    assert confirmed.status == AssignmentStatus.CONFIRMED


def test_evidence_added_by_the_office_counts_as_writing_the_part(
    task: Task, department: Unit, editor: User, office: User, second_office: User
) -> None:
    part = Assignment.objects.get(task=task, unit=department)
    ledger.evidence_add(
        actor=office, assignment=part, name="材料.docx", stream=io.BytesIO(word_file())
    )
    ledger.assignment_report(actor=editor, assignment=part, report="已完成。")
    with pytest.raises(AccessDenied):
        ledger.assignment_confirm(actor=office, assignment=part)
    ledger.assignment_confirm(actor=second_office, assignment=part)


# ------------------------------------------------------------------------------ rectification


@time_machine.travel("2024-10-25 10:00 +0800", tick=False)
def test_the_office_cannot_close_a_rectification_it_reported(
    department: Unit, office: User, second_office: User
) -> None:
    item: Rectification = assessment.rectification_create(
        actor=office,
        unit=department,
        title="栏目长期未更新",
        source=RectificationSource.values[0],
        found_on=dt.date(2024, 10, 1),
        deadline=dt.date(2024, 10, 31),
    )
    assessment.rectification_report(actor=office, rectification=item, text="已代为更新。")
    with pytest.raises(AccessDenied) as refused:
        assessment.rectification_close(actor=office, rectification=item)
    assert refused.value.message == permissions.SELF_REVIEW_REPORT_MESSAGE
    url = reverse("assessment:rectification_detail", args=[item.pk])
    html = _logged_in(office).get(url).content.decode()
    assert permissions.SELF_REVIEW_REPORT_MESSAGE in html
    assert reverse("assessment:rectification_close", args=[item.pk]) not in html
    closed = assessment.rectification_close(actor=second_office, rectification=item)
    assert closed.status == RectificationStatus.CLOSED
