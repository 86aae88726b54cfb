"""The window of a synchronous policy interpretation (同步发布) is the office's setting on its site
settings page (网站设置 → 政策解读期限), audited like the others, and the rate follows it; no
statute gives the number, so the pages say it is the county's rule and show the current one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from gongkai.portal.models import SiteSettings
from tests.portal.test_site_duties import SETTINGS
from tests.publications.test_interpretation import policy, reading

pytestmark = pytest.mark.django_db
RATE_PERIOD = {"first": "2024-09-01", "last": "2024-10-31"}
SETTINGS_LINK = f'<a href="{reverse("site:settings")}#interpretation">修改政策解读期限</a>'


def _rate(client: Client) -> tuple[str, str]:
    """The county's rate for September–October 2024 and the page's text."""
    response = client.get(reverse("publications:interpretation"), RATE_PERIOD)
    assert response.status_code == 200
    return response.context["total"].rate, response.content.decode()


def test_the_office_changes_the_window_and_the_rate_follows(
    client: Client, office: User, department: Unit
) -> None:
    # Published on the eve of National Day (1-7 October off), interpreted on 9 October: the
    # third working day, in time under the default of 3, late once the county asks for 1.
    document = policy(department, "2024-09-30 10:00", "节前文件")
    reading(document, "2024-10-09 10:00")
    client.force_login(office)
    rate, page = _rate(client)
    assert rate == "100%"
    assert "当前期限为3个工作日，是本县的规定" in page and SETTINGS_LINK in page

    form = client.get(reverse("site:settings")).content.decode()
    assert 'name="interpretation_workdays" value="3"' in form
    assert "这是本县的规定，无法定期限" in form
    response = client.post(reverse("site:settings"), {**SETTINGS, "interpretation_workdays": "1"})
    assert response.status_code == 302
    assert SiteSettings.objects.get().interpretation_workdays == 1
    entry = AuditEntry.objects.filter(action="site.settings_update").latest("pk")
    assert entry.actor == office
    assert "政策解读期限（工作日）" in entry.summary
    assert entry.data["before"]["interpretation_workdays"] == 3

    rate, page = _rate(client)
    assert rate == "0%"
    assert "当前期限为1个工作日，是本县的规定" in page


@pytest.mark.parametrize("value", ["21", "-1", "三", ""])
def test_a_window_out_of_bounds_is_refused_in_words(
    client: Client, office: User, value: str
) -> None:
    client.force_login(office)
    response = client.post(reverse("site:settings"), {**SETTINGS, "interpretation_workdays": value})
    assert response.status_code == 400
    assert "政策解读期限请填写0至20之间的整数（工作日）。" in response.content.decode()
    assert not SiteSettings.objects.exists()


def test_no_one_but_the_office_changes_the_window(
    client: Client, editor: User, reviewer: User, department: Unit
) -> None:
    SiteSettings.objects.create(interpretation_workdays=5)
    policy(department, "2024-09-30 10:00", "节前文件")
    for user in (editor, reviewer):
        client.force_login(user)
        response = client.post(
            reverse("site:settings"), {**SETTINGS, "interpretation_workdays": "1"}
        )
        assert response.status_code == 403
        _, page = _rate(client)
        assert "当前期限为5个工作日" in page and SETTINGS_LINK not in page
    assert SiteSettings.objects.get().interpretation_workdays == 5
    assert not AuditEntry.objects.filter(action="site.settings_update").exists()


def test_a_policy_without_interpretation_shows_the_window_and_the_office_its_setting(
    client: Client, office: User, editor: User, department: Unit
) -> None:
    document = policy(department, "2024-09-30 10:00", "节前文件")
    url = reverse("publications:detail", args=[document.pk])
    client.force_login(editor)
    page = client.get(url).content.decode()
    assert "本县规定解读在文件发布后3个工作日内发布" in page and SETTINGS_LINK not in page
    client.force_login(office)
    page = client.get(url).content.decode()
    assert "本县规定解读在文件发布后3个工作日内发布" in page and SETTINGS_LINK in page
