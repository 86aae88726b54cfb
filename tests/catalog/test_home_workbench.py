"""The staff home per role (issue 11): one section per role held, for the units that role covers,
with counts scoped to them and links straight to the work; and the reviewer reads the check
findings before the buttons that publish."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.catalog import workbench
from gongkai.catalog.models import CatalogStatus
from gongkai.monitoring.lateness import late_by_unit
from gongkai.orgs.models import Role, Unit, User
from gongkai.publications import services as publication_services
from gongkai.publications.models import Attribute, NonPublicGround, PublicationStatus
from tests.applications.views.inputs import register
from tests.factories import CatalogFactory, CatalogItemFactory, MembershipFactory, UserFactory
from tests.publications.conftest import ID_NUMBER, publication_values
from tests.publications.factories import PublicationFactory

pytestmark = pytest.mark.django_db
D = dt.date
BLOCK = [{"where": "正文", "kind": "id_number", "severity": "block", "text": "360735********1233"}]
WARN = [{"where": "正文", "kind": "wrong_word", "severity": "warn", "text": "必竟"}]


def _user(username: str, *posts: tuple[Unit, str]) -> User:
    user: User = UserFactory(username=username)
    for unit, role in posts:
        MembershipFactory(user=user, unit=unit, role=role)
    return user


def _section(user: User, role: str) -> workbench.Section:
    found = [s for s in workbench.workbench(user).sections if s.role == role]
    assert len(found) == 1, [s.role for s in workbench.workbench(user).sections]
    return found[0]


def _rows(section: workbench.Section) -> dict[str, workbench.Row]:
    return {row.label: row for row in section.rows}


def _home(client: Client, user: User) -> str:
    client.force_login(user)
    response = client.get(reverse("staff:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_one_section_per_role_held_in_the_order_of_the_work(
    department: Unit, township: Unit, village: Unit
) -> None:
    person = _user(
        "several",
        (department, Role.HANDLER),
        (township, Role.REVIEWER),
        (department, Role.EDITOR),
        (village, Role.EDITOR),
    )
    sections = workbench.workbench(person).sections
    assert [s.role for s in sections] == [Role.EDITOR, Role.REVIEWER, Role.HANDLER]
    assert sections[0].units == ["县民政局", "琴江镇古樟村"]
    assert sections[1].units == ["琴江镇"]
    # Rows of a section covering two units say which unit each is about.
    assert {row.unit for row in sections[0].rows if row.label == "草稿"} == {
        "县民政局",
        "琴江镇古樟村",
    }


def test_editor_counts_own_units_drafts_returned_and_submitted_items(
    client: Client, editor: User, department: Unit, other_department: Unit
) -> None:
    for status, n in ((PublicationStatus.DRAFT, 2), (PublicationStatus.RETURNED, 1)):
        PublicationFactory.create_batch(n, unit=department, status=status)
    PublicationFactory(unit=department, status=PublicationStatus.SUBMITTED)
    PublicationFactory.create_batch(3, unit=other_department, status=PublicationStatus.DRAFT)
    rows = _rows(_section(editor, Role.EDITOR))
    assert rows["草稿"].count == 2
    assert rows["草稿"].url == (f"{reverse('publications:list')}?status=draft&unit={department.pk}")
    assert rows["被退回待修改"].count == 1 and rows["被退回待修改"].warns
    assert rows["已报送待审核"].count == 1
    assert rows["本单位目录"].value == "尚未建立"
    assert rows["本单位目录"].url == reverse("staff:catalog_create")
    html = _home(client, editor)
    assert '<span class="figure-count">2</span>' in html
    assert "待我审核的信息" not in html and "全县逾期未答复的申请" not in html


def test_editor_sees_the_catalog_the_office_returned(editor: User, department: Unit) -> None:
    catalog = CatalogFactory(unit=department, version=2025, status=CatalogStatus.RETURNED)
    CatalogItemFactory.create_batch(3, catalog=catalog)
    CatalogFactory(unit=department, version=2024, status=CatalogStatus.APPROVED)
    row = _rows(_section(editor, Role.EDITOR))["2025年版目录（3项）"]
    assert row.value == "已退回" and row.warns
    assert row.url == catalog.get_absolute_url()


def test_township_reviewer_counts_waiting_blocked_and_due_items_of_its_villages(
    time_machine: Any, township: Unit, village: Unit, other_department: Unit
) -> None:
    time_machine.move_to("2024-10-28 10:00 +0800", tick=False)
    reviewer = _user("qjz_reviewer", (township, Role.REVIEWER))
    submitted = PublicationStatus.SUBMITTED
    PublicationFactory(unit=village, status=submitted, findings=BLOCK)
    PublicationFactory(unit=township, status=submitted, findings=WARN)
    PublicationFactory(unit=other_department, status=submitted, findings=BLOCK)
    retained = {"status": PublicationStatus.RETAINED, "attribute": Attribute.NOT_PUBLIC}
    retained["non_public_ground"] = NonPublicGround.ART16_PROCESS
    PublicationFactory(unit=township, review_due=D(2024, 10, 1), **retained)
    PublicationFactory(unit=township, review_due=D(2025, 10, 1), **retained)
    rows = _rows(_section(reviewer, Role.REVIEWER))
    assert rows["待我审核的信息"].count == 2
    assert rows["待我审核的信息"].url == reverse("publications:review") + "#awaiting-heading"
    assert rows["其中检查发现须处理问题的"].count == 1
    assert rows["到期需定期评估的不主动公开信息"].count == 1


def test_counts_stop_at_the_limit(
    monkeypatch: pytest.MonkeyPatch, reviewer: User, department: Unit
) -> None:
    monkeypatch.setattr(workbench, "COUNT_LIMIT", 2)
    PublicationFactory.create_batch(3, unit=department, status=PublicationStatus.SUBMITTED)
    row = _rows(_section(reviewer, Role.REVIEWER))["待我审核的信息"]
    assert (row.count, row.capped, row.shown_count) == (2, True, "2+")


def test_handler_sees_open_applications_overdue_first_then_by_due_date(
    time_machine: Any, client: Client, department: Unit, other_department: Unit
) -> None:
    time_machine.move_to("2024-10-28 10:00 +0800", tick=False)
    handler = _user("mzj_handler", (department, Role.HANDLER))
    other = _user("zjj_handler", (other_department, Role.HANDLER))
    fresh, _ = register(handler, department, D(2024, 10, 24))  # due 11-21
    soon, _ = register(handler, department, D(2024, 9, 27))  # due 10-30: two working days left
    late, _ = register(handler, department, D(2024, 9, 20))  # due 10-23: three days late
    theirs, _ = register(other, other_department, D(2024, 9, 20))
    section = _section(handler, Role.HANDLER)
    rows = _rows(section)
    assert rows["已逾期未答复"].count == 1 and rows["已逾期未答复"].warns
    assert rows["已逾期未答复"].url == (
        f"{reverse('applications:list')}?unit={department.pk}&overdue=on"
    )
    assert rows["5个工作日内到期"].count == 1
    assert section.queue is not None
    lines = section.queue.lines
    assert [line.title for line in lines] == [late.tracking_no, soon.tracking_no, fresh.tracking_no]
    assert lines[0].alert and lines[0].status == "已逾期3个工作日"
    assert lines[1].status == "还剩2个工作日" and not lines[1].alert
    html = _home(client, handler)
    assert theirs.tracking_no not in html
    assert html.index(late.tracking_no) < html.index(soon.tracking_no)


def test_office_reviews_catalogs_and_sees_the_county_figures(
    client: Client, office: User, department: Unit, monkeypatch: pytest.MonkeyPatch
) -> None:
    submitted = CatalogFactory(unit=department, status=CatalogStatus.SUBMITTED)
    monkeypatch.setattr(
        workbench,
        "OFFICE_OPTIONAL_PAGES",
        (("portal:no_such_page", "不存在的页面"), ("portal:home", "网站首页")),
    )
    section = _section(office, Role.OFFICE)
    rows = _rows(section)
    assert rows["待审核目录"].count == 1
    assert {"全县逾期未答复的申请", "近30日超期公开的信息"} <= set(rows)
    assert section.queue is not None
    assert [line.url for line in section.queue.lines] == [submitted.get_absolute_url()]
    labels = [link.label for link in section.links]
    assert "网站首页" in labels and "不存在的页面" not in labels
    html = _home(client, office)
    assert 'id="queue-heading"' in html and submitted.get_absolute_url() in html


def test_the_office_overview_is_cut_at_its_limit(
    client: Client, office: User, monkeypatch: pytest.MonkeyPatch, department: Unit
) -> None:
    monkeypatch.setattr(workbench, "OVERVIEW_LIMIT", 2)
    overview = workbench.workbench(office).overview
    assert overview is not None and len(overview.lines) == 2 and overview.cut
    html = _home(client, office)
    assert f"共{overview.total}个单位，此处列出前2个。" in html


def test_leader_reads_figures_and_is_offered_no_action(
    client: Client, county: Unit, department: Unit
) -> None:
    leader = _user("leader", (county, Role.LEADER))
    section = _section(leader, Role.LEADER)
    assert "已公开的政府信息" in _rows(section)
    html = _home(client, leader)
    for action in (
        reverse("applications:register"),
        reverse("publications:words"),
        reverse("publications:create"),
        reverse("staff:catalog_create"),
        "待审核目录",
        "各单位目录情况",
    ):
        assert action not in html


def test_a_superuser_without_posts_works_as_the_office(client: Client, county: Unit) -> None:
    admin = UserFactory(username="root", is_superuser=True)
    assert [s.role for s in workbench.workbench(admin).sections] == [Role.OFFICE]


def test_someone_without_a_post_is_told_whom_to_ask(client: Client, county: Unit) -> None:
    html = _home(client, UserFactory(username="nobody"))
    assert "您还没有被分配到任何单位，请联系县政务公开办开通岗位。" in html


@pytest.mark.parametrize(
    "body,button",
    [
        (f"<p>张小明（身份证号{ID_NUMBER}）符合救助条件。</p>", 'name="decision" value="mask"'),
        ("<p>必竟已经通知到位。</p>", "审核发布</button>"),
    ],
)
def test_reviewer_reads_the_findings_before_the_publish_button(
    client: Client, editor: User, reviewer: User, department: Unit, body: str, button: str
) -> None:
    item = publication_services.publication_create(
        actor=editor, unit=department, values=publication_values(body=body)
    )
    item = publication_services.publication_submit(actor=editor, publication=item)
    assert item.findings
    client.force_login(reviewer)
    html = client.get(reverse("publications:detail", args=[item.pk])).content.decode()
    findings = html.index('id="findings-heading"')
    assert html.index('<ul class="findings">') > findings
    assert findings < html.index(button)
    assert findings < html.index('id="workflow-heading"')


def test_late_publications_are_the_monitoring_overviews_and_stop_at_their_limit(
    time_machine: Any, department: Unit, other_department: Unit, monkeypatch: pytest.MonkeyPatch
) -> None:
    time_machine.move_to("2024-10-28 10:00 +0800", tick=False)
    published = {"status": PublicationStatus.PUBLISHED, "is_late": True}
    for unit, at in (
        (department, "2024-10-27 09:00 +0800"),
        (department, "2024-09-29 09:00 +0800"),  # the first day of the 30
        (other_department, "2024-10-01 09:00 +0800"),
        (other_department, "2024-09-28 09:00 +0800"),  # a day too early
    ):
        PublicationFactory(unit=unit, published_at=dt.datetime.fromisoformat(at), **published)
    PublicationFactory(unit=department, status=PublicationStatus.PUBLISHED, is_late=False)
    today = D(2024, 10, 28)
    overview = late_by_unit(start=today - dt.timedelta(days=29), end=today)
    assert workbench.late_publications(today).count() == sum(r.late for r in overview) == 3
    monkeypatch.setattr(workbench, "LATE_COUNT_LIMIT", 2)
    office = _user("office2", (department, Role.OFFICE))
    row = _rows(_section(office, Role.OFFICE))["近30日超期公开的信息"]
    assert row.shown_count == "2+" and row.warns


def test_a_reviewer_who_also_drafts_does_not_count_their_own_items(department: Unit) -> None:
    """Separation of duties (issue 12): what the reviewer wrote waits for another reviewer, so
    the 工作台 counts only what this reviewer may sign off, as the review page lists."""
    both = _user("mzj_both", (department, Role.EDITOR), (department, Role.REVIEWER))
    PublicationFactory(unit=department, status=PublicationStatus.SUBMITTED, findings=BLOCK)
    PublicationFactory(
        unit=department, status=PublicationStatus.SUBMITTED, findings=BLOCK, created_by=both
    )
    rows = _rows(_section(both, Role.REVIEWER))
    assert rows["待我审核的信息"].count == 1
    assert rows["其中检查发现须处理问题的"].count == 1
