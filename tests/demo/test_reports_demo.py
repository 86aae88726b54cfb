"""The demo county's reports: last year's county annual report is final, closes its year and is
published in the 政府信息公开年报 column with its Word file, and the portal lists it there."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

from django.test import Client
from django.urls import reverse

from gongkai.applications.models import ClosedYear
from gongkai.assessment.models import Rectification
from gongkai.core import clock
from gongkai.demo.services import demo_logins
from gongkai.ledger.models import Assignment, WorkPlan
from gongkai.orgs.models import User
from gongkai.publications.models import PublicationStatus
from gongkai.reports.models import AnnualReport, AnnualStatus


def test_last_years_county_report_is_final_and_published(demo: str) -> None:
    year = clock.today().year - 1
    record = AnnualReport.objects.get(year=year, unit=None)
    assert record.status == AnnualStatus.FINAL
    assert ClosedYear.objects.filter(year=year, unit=None).exists()
    item = record.publication
    assert item is not None and item.status == PublicationStatus.PUBLISHED
    assert item.title == f"石城县人民政府{year}年政府信息公开工作年度报告"
    assert item.attachments.filter(kind="docx").count() == 1
    page = Client().get(reverse("portal:column", args=["annual-reports"])).content.decode()
    assert item.title in page
    # The units' reports of that year stay drafts for the tour.
    assert not AnnualReport.objects.filter(year=year, unit__isnull=False).exists()


def test_the_demo_ledger_holds_seed_004s_32_tasks(demo: str) -> None:
    plan = WorkPlan.objects.get()
    assert plan.doc_number == "青政办秘〔2020〕51号"
    tasks = list(plan.tasks.order_by("number"))
    assert [t.number for t in tasks] == list(range(1, 33))
    assert tasks[0].text == "出台全面推进基层政务公开标准化规范化工作实施方案"
    assert tasks[31].continuous
    statuses = set(Assignment.objects.values_list("status", flat=True))
    assert len(statuses) == 5  # the demo shows every state of a unit's part


def test_every_link_on_each_roles_home_page_opens(demo: str) -> None:
    """The staff home page offers each role only what it may open: every /staff/ link on it
    answers 200 (supervision pages included) for every demo login."""
    refused = []
    for login in demo_logins():
        client = Client()
        client.force_login(User.objects.get(username=login.username))
        home = client.get(reverse("staff:home")).content.decode()
        links = sorted(set(re.findall(r'href="(/staff/[^"#?]*)', home)))
        assert links, login.username
        refused += [(login.username, link) for link in links if client.get(link).status_code != 200]
    assert refused == [], "\n".join(map(str, refused))


def test_a_monitoring_finding_becomes_a_rectification_item(demo: str) -> None:
    """The office follows 转为整改 from the monitoring page of the demo county: the form opens
    with the unit and the finding filled in, and saving it opens the item."""
    client = Client()
    client.force_login(User.objects.get(username="office"))
    page = client.get(reverse("monitoring:overview")).content.decode()
    links = re.findall(r'href="(/staff/assessment/rectifications/new/\?[^"]+)"', page)
    assert links
    link = html.unescape(links[0])
    query = parse_qs(urlsplit(link).query)
    form = client.get(link).content.decode()
    assert html.escape(query["title"][0]) in form
    before = Rectification.objects.count()
    saved = client.post(
        link,
        {
            "unit": query["unit"][0],
            "title": query["title"][0],
            "source": "monitoring",
            "found_on": clock.today().isoformat(),
            "deadline": (clock.today() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert saved.status_code == 302, re.findall(
        r"errorlist[^<]*<li>([^<]+)", saved.content.decode()
    )
    item = Rectification.objects.order_by("-pk").first()
    assert Rectification.objects.count() == before + 1 and item is not None
    assert item.unit.code == query["unit"][0] and item.source == "monitoring"
