"""The public 办事服务 pages: the index by unit, by life event and by search; a published guide
with every standard element in order; the materials' downloads; the web 办事一本通 and its Word
file. Only published guides are visible; the list pages' query counts are fixed."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from gongkai.catalog.models import CatalogStatus
from gongkai.orgs.models import Unit
from gongkai.serviceguides import elements as el
from gongkai.serviceguides.models import ServiceStatus
from tests.factories import CatalogFactory, CatalogItemFactory
from tests.serviceguides.guide_factories import make_guide

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def guides(department: Unit, other_department: Unit, township: Unit, domain: Any) -> dict[str, Any]:
    catalog = CatalogFactory(unit=department, version=2025, status=CatalogStatus.APPROVED)
    item = CatalogItemFactory(
        catalog=catalog, domain=domain, level1="最低生活保障", level2="审核确认结果"
    )
    return {
        "dibao": make_guide(
            department,
            "最低生活保障审核确认",
            events=["elderly", "medical"],
            catalog_item=item,
            code="360735001",
            files=True,
        ),
        "linshi": make_guide(department, "临时救助", events=["elderly"]),
        "permit": make_guide(other_department, "建筑工程施工许可"),
        "birth": make_guide(township, "生育登记", events=["birth"]),
        "draft": make_guide(department, "草稿事项甲乙", status=ServiceStatus.DRAFT, files=True),
        "gone": make_guide(department, "已撤回事项丙丁", status=ServiceStatus.WITHDRAWN),
    }


def _html(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# ------------------------------------------------------------------------------- the index


def test_index_lists_units_and_life_events_with_counts(
    client: Client, guides: dict[str, Any], django_assert_num_queries: Any
) -> None:
    # the units with counts, the life events with counts, the site's settings (the footer)
    with django_assert_num_queries(3):
        html = _html(client, reverse("banshi:index"))
    assert html.index('id="events-heading"') < html.index('id="units-heading"')
    units = html[html.index('id="units-heading"') :]
    assert (
        units.index("<h3>县直部门</h3>")
        < units.index(">县民政局</a>")
        < units.index("<h3>乡镇</h3>")
        < units.index(">琴江镇</a>")
    )
    assert "?unit=MZJ" in html and "?event=elderly" in html
    assert "2个事项" in html  # 县民政局 (the draft and the withdrawn one not counted)
    assert "<span>纳税</span>" in html  # a life event without guides: shown, not a link
    assert "草稿事项甲乙" not in html and "已撤回事项丙丁" not in html
    assert 'name="q"' in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("unit=MZJ", ["最低生活保障审核确认", "临时救助"], ["建筑工程施工许可", "草稿事项甲乙"]),
        ("event=elderly", ["最低生活保障审核确认", "临时救助"], ["生育登记", "已撤回事项丙丁"]),
        ("event=birth", ["生育登记"], ["临时救助"]),
        ("q=救助", ["临时救助"], ["最低生活保障审核确认", "生育登记"]),
        ("q=生活+审核", ["最低生活保障审核确认"], ["临时救助"]),
        ("q=360735001", ["最低生活保障审核确认"], ["临时救助"]),
        ("q=草稿", [], ["草稿事项甲乙"]),
    ],
)
def test_index_lists_a_unit_a_life_event_or_a_search(
    client: Client,
    guides: dict[str, Any],
    query: str,
    shown: list[str],
    hidden: list[str],
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(4):  # units, life events, the guides, the footer
        html = _html(client, reverse("banshi:index") + "?" + query)
    results = html[html.index('id="results-heading"') : html.index('id="events-heading"')]
    for name in shown:
        assert f">{name}</a>" in results
    for name in hidden:
        assert name not in results
    if not shown:
        assert "没有找到相关的办事事项" in results


def test_index_unknown_unit_or_event_is_404(client: Client, guides: dict[str, Any]) -> None:
    _html(client, reverse("banshi:index") + "?unit=NOPE", 404)
    _html(client, reverse("banshi:index") + "?event=nope", 404)


def test_index_without_guides(client: Client, db: Any) -> None:
    assert "暂无已发布的办事指南" in _html(client, reverse("banshi:index"))


def test_nav_and_home_link_to_the_index(client: Client, guides: dict[str, Any]) -> None:
    html = _html(client, reverse("portal:home"))
    assert html.count(f'href="{reverse("banshi:index")}"') >= 2  # the menu and the home page


# ------------------------------------------------------------------------------- a guide


def test_guide_shows_every_element_in_order(client: Client, guides: dict[str, Any]) -> None:
    service = guides["dibao"]
    html = _html(client, service.get_absolute_url())
    body = html[html.index('class="guide-elements"') :]
    positions = [body.index(f">{label}</h2>") for label in el.ELEMENT_LABELS]
    assert positions == sorted(positions)
    for text in (
        "《最低生活保障审核确认管理办法》第十条",
        "符合最低生活保障审核确认条件的本县户籍居民。",
        "最低生活保障审核确认材料1",
        "申请人自备",
        "<li>申请人提交材料</li>",
        "法定20个工作日，承诺10个工作日",
        "办理地点：县政务服务中心一楼3号窗口",
        "不收费",
        "咨询电话：0797-5712345",
        "最低生活保障审核确认问题1？",
    ):
        assert text in body, text
    material = service.materials.first()
    assert reverse("banshi:material", args=[material.pk, "sample"]) in body
    assert reverse("banshi:material", args=[material.pk, "blank"]) in body
    # The catalog item it fulfils, the notice, the unit's handbook.
    item = service.catalog_item
    assert f'href="{reverse("portal:catalog_item", args=[item.pk])}"' in html
    assert "最低生活保障／审核确认结果" in html
    assert reverse("banshi:notice", args=[service.pk]) in html
    assert reverse("banshi:handbook") + "?unit=MZJ&amp;group=unit" in html
    assert "石城县民政局办事一本通" in html
    assert ">养老</a>" in html and ">医疗</a>" in html


def test_guide_without_a_public_catalog_item(client: Client, guides: dict[str, Any]) -> None:
    html = _html(client, guides["linshi"].get_absolute_url())
    assert "对应公开事项" in html and "/catalog/item/" not in html


@pytest.mark.parametrize("which", ["draft", "gone"])
def test_unpublished_guides_are_404(client: Client, guides: dict[str, Any], which: str) -> None:
    _html(client, reverse("banshi:guide", args=[guides[which].pk]), 404)


def test_guide_in_large_font_mode(client: Client, guides: dict[str, Any]) -> None:
    client.cookies["gongkai_large_font"] = "1"
    html = _html(client, guides["dibao"].get_absolute_url())
    assert 'class="large-font"' in html and "stack-table" in html


# ------------------------------------------------------------------------------- downloads


def test_material_downloads_for_published_guides_only(
    client: Client, guides: dict[str, Any]
) -> None:
    material = guides["dibao"].materials.first()
    response = client.get(reverse("banshi:material", args=[material.pk, "sample"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("banshi:material", args=[material.pk, "blank"])).status_code == 200
    assert client.get(reverse("banshi:material", args=[material.pk, "other"])).status_code == 404
    hidden = guides["draft"].materials.first()
    assert client.get(reverse("banshi:material", args=[hidden.pk, "sample"])).status_code == 404
    without = guides["linshi"].materials.first()  # no files
    assert client.get(reverse("banshi:material", args=[without.pk, "sample"])).status_code == 404


# ------------------------------------------------------------------------------- 办事一本通


def test_handbook_page_has_a_toc_with_anchors(
    client: Client, guides: dict[str, Any], django_assert_num_queries: Any
) -> None:
    # units with counts, the guides, their materials, questions and life events, the life
    # events, the county government's name, the footer
    with django_assert_num_queries(8):
        html = _html(client, reverse("banshi:handbook") + "?group=life-event")
    assert "石城县办事一本通" in html and "按人生事件编排" in html
    toc = html[
        html.index('id="toc-heading"') : html.index("</nav>", html.index('id="toc-heading"'))
    ]
    anchors = [part.split('"')[0] for part in toc.split('href="#')[1:]]
    assert len(anchors) == len(set(anchors)) == 4 + 5  # 生育 养老 医疗 其他, five entries
    for anchor in anchors:
        assert f'id="{anchor}"' in html
    assert toc.count(">最低生活保障审核确认（县民政局）</a>") == 2
    assert "草稿事项甲乙" not in html
    assert reverse("banshi:handbook_docx") + "?unit=&amp;group=life-event" in html


def test_handbook_page_of_one_unit(client: Client, guides: dict[str, Any]) -> None:
    html = _html(client, reverse("banshi:handbook") + "?unit=ZJJ&group=unit")
    assert "石城县住建局办事一本通" in html and "建筑工程施工许可" in html
    assert "临时救助" not in html


def test_handbook_refusals(client: Client, guides: dict[str, Any], village: Unit) -> None:
    _html(client, reverse("banshi:handbook") + "?unit=NOPE", 404)
    _html(client, reverse("banshi:handbook") + "?group=domain", 404)
    _html(client, reverse("banshi:handbook_docx") + "?group=domain", 404)
    html = _html(client, reverse("banshi:handbook") + "?unit=QJZ01")
    assert "还没有已发布的办事指南" in html
    empty = _html(client, reverse("banshi:handbook_docx") + "?unit=QJZ01", 404)
    assert "还没有已发布的办事指南" in empty


def test_handbook_docx_download(client: Client, guides: dict[str, Any], media: Path) -> None:
    response = client.get(reverse("banshi:handbook_docx") + "?unit=MZJ&group=life-event")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == [
        "最低生活保障审核确认（县民政局）",
        "临时救助（县民政局）",
        "最低生活保障审核确认（县民政局）",
    ]
    built = list(media.rglob("*.docx"))
    client.get(reverse("banshi:handbook_docx") + "?unit=MZJ&group=life-event")
    assert list(media.rglob("*.docx")) == built  # served from the cache


def test_a_published_guide_being_revised_says_so_without_the_draft(
    client: Client, guides: dict[str, Any], editor: Any
) -> None:
    """A changed guide goes back to draft (services._reopen); its printed address still works."""
    from gongkai.serviceguides import services

    dibao = guides["dibao"]
    dibao.unit.phone = "0797-5712345"
    dibao.unit.save()
    services.service_item_update(actor=editor, item=dibao, values={"conditions": "修订中的条件甲"})
    for name in ("banshi:guide", "banshi:notice"):
        html = _html(client, reverse(name, args=[dibao.pk]))
        assert "正在修订" in html and "最低生活保障审核确认" in html
        assert "tel:0797-5712345" in html and "修订中的条件甲" not in html
    assert "最低生活保障审核确认" not in _html(client, reverse("banshi:index") + "?unit=MZJ")
    # Never published, or withdrawn: still nothing at all.
    for which in ("draft", "gone"):
        _html(client, reverse("banshi:guide", args=[guides[which].pk]), 404)
