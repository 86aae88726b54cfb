"""The 办事一本通 read back from the Word file it writes: headings, the table of contents, every
guide with every element, grouping by unit and by life event, the unit filter, the empty
selection, the package's structure and the cache keyed by the guides' fingerprint."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from gongkai.orgs.models import Unit
from gongkai.serviceguides import elements as el
from gongkai.serviceguides import handbook as hb
from gongkai.serviceguides.models import ServiceStatus
from tests.serviceguides.guide_factories import make_guide

pytestmark = pytest.mark.django_db
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def guides(department: Unit, other_department: Unit, township: Unit) -> dict[str, Any]:
    """Two departments' and a township's guides; one under two life events, one under none,
    and a draft and a withdrawn one that must not appear."""
    return {
        "dibao": make_guide(department, "最低生活保障审核确认", events=["elderly", "medical"]),
        "linshi": make_guide(department, "临时救助", events=["elderly"], sort_order=2),
        "permit": make_guide(other_department, "建筑工程施工许可", materials=3),
        "birth": make_guide(township, "生育登记", events=["birth"]),
        "plain": make_guide(township, "农村建房审批", materials=0, questions=0),
        "draft": make_guide(department, "草稿事项甲乙", status=ServiceStatus.DRAFT),
        "gone": make_guide(
            department, "已撤回事项丙丁", status=ServiceStatus.WITHDRAWN, events=["birth"]
        ),
    }


def _read(data: bytes) -> Any:
    return Document(io.BytesIO(data))


def _styled(document: Any, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def _toc(document: Any) -> list[str]:
    """The TOC field's cached entries: the hyperlinks' texts, in order."""
    body = document.element.body
    return [
        "".join(t.text for t in link.iter(f"{W}t"))
        for link in body.iter(f"{W}hyperlink")
        if link.get(qn("w:anchor"), "").startswith("_Toc")
    ]


def _labels(document: Any) -> list[str]:
    """The elements' labels without their ordinals (一、事项名称 → 事项名称)."""
    return [text.split("、", 1)[1] for text in _styled(document, "一本通要素")]


def _build(unit: Unit | None, group: str) -> Any:
    handbook = hb.compile_handbook(unit=unit, group=group, compiled_on=dt.date(2026, 12, 3))
    return _read(hb.render_docx(handbook))


def test_county_by_unit_lists_units_in_tree_order_with_every_guide_and_element(
    guides: dict[str, Any],
) -> None:
    document = _build(None, hb.GROUP_UNIT)
    assert _styled(document, "Heading 1") == ["石城县民政局", "石城县住建局", "琴江镇"]
    names = ["最低生活保障审核确认", "临时救助", "建筑工程施工许可", "生育登记", "农村建房审批"]
    assert _styled(document, "Heading 2") == names
    # The TOC lists every heading, sections and guides, in the document's order.
    assert _toc(document) == [
        "石城县民政局",
        *names[:2],
        "石城县住建局",
        names[2],
        "琴江镇",
        *names[3:],
    ]
    # Every element of every guide, in the standard order.
    assert _labels(document) == el.ELEMENT_LABELS * len(names)
    assert _styled(document, "一本通要素")[:2] == ["一、事项名称", "二、设定依据"]
    text = "\n".join(p.text for p in document.paragraphs)
    for unwanted in ("草稿事项甲乙", "已撤回事项丙丁"):
        assert unwanted not in text
    assert "1. 申请人提交材料" in text and "3. 作出决定并送达" in text
    assert "法定20个工作日，承诺10个工作日" in text
    assert "咨询电话：0797-5712345" in text and "监督投诉电话：0797-5712300" in text
    assert "1. 问：临时救助问题1？" in text and "答：临时救助解答1。" in text
    # Materials tables: a header row and one row a material (农村建房审批 has none).
    tables = document.tables
    assert len(tables) == 4
    assert [c.text for c in tables[0].rows[0].cells] == el.MATERIAL_HEADERS
    assert [c.text for c in tables[0].rows[1].cells][:4] == [
        "1", "最低生活保障审核确认材料1", "申请人自备", "原件"
    ]  # fmt: skip
    assert len(tables[2].rows) == 4  # 建筑工程施工许可: three materials
    assert "无需提交材料。" in text


def test_cover(guides: dict[str, Any]) -> None:
    document = _build(None, hb.GROUP_UNIT)
    cover = [p.text for p in document.paragraphs[:25] if p.text]
    assert "石城县办事一本通" in cover
    assert "（按单位编排）" in cover
    assert "共收录政务服务事项5项" in cover
    assert "编印日期：2026年12月3日" in cover
    assert document.core_properties.title == "石城县办事一本通"


def test_life_events_group_and_a_guide_under_two_appears_twice(guides: dict[str, Any]) -> None:
    document = _build(None, hb.GROUP_LIFE_EVENT)
    # Events without guides are left out; 其他 (no event) comes last.
    assert _styled(document, "Heading 1") == ["生育", "养老", "医疗", "其他"]
    # Guides carry their unit's name where the section is not the unit.
    assert _styled(document, "Heading 2") == [
        "生育登记（琴江镇）",
        "最低生活保障审核确认（县民政局）",
        "临时救助（县民政局）",
        "最低生活保障审核确认（县民政局）",
        "建筑工程施工许可（县住建局）",
        "农村建房审批（琴江镇）",
    ]
    toc = _toc(document)
    assert toc.count("最低生活保障审核确认（县民政局）") == 2
    assert toc[0] == "生育" and toc[-2:] == [
        "建筑工程施工许可（县住建局）",
        "农村建房审批（琴江镇）",
    ]
    assert _labels(document) == el.ELEMENT_LABELS * 6
    assert "（按人生事件编排）" in [p.text for p in document.paragraphs[:25]]


def test_unit_filter_keeps_only_the_units_guides(guides: dict[str, Any], department: Unit) -> None:
    document = _build(department, hb.GROUP_UNIT)
    assert _styled(document, "Heading 1") == ["石城县民政局"]
    assert _styled(document, "Heading 2") == ["最低生活保障审核确认", "临时救助"]
    assert "石城县民政局办事一本通" in [p.text for p in document.paragraphs[:25]]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "建筑工程施工许可" not in text and "生育登记" not in text
    by_event = _build(department, hb.GROUP_LIFE_EVENT)
    assert _styled(by_event, "Heading 1") == ["养老", "医疗"]
    assert _styled(by_event, "Heading 2") == [
        "最低生活保障审核确认（县民政局）",
        "临时救助（县民政局）",
        "最低生活保障审核确认（县民政局）",
    ]


def test_township_title_keeps_its_own_name(guides: dict[str, Any], township: Unit) -> None:
    handbook = hb.compile_handbook(unit=township, group=hb.GROUP_UNIT)
    assert handbook.title == "琴江镇办事一本通"
    assert handbook.filename == "琴江镇办事一本通（按单位编排）.docx"


def test_empty_selection_is_a_clear_refusal_not_an_empty_file(
    guides: dict[str, Any], village: Unit, media: Path
) -> None:
    with pytest.raises(hb.HandbookEmpty) as refused:
        hb.handbook_docx(unit=village, group=hb.GROUP_UNIT)
    assert "还没有已发布的办事指南" in refused.value.message
    assert not list(media.rglob("*.docx"))


def test_unknown_group_is_refused(db: Any) -> None:
    with pytest.raises(hb.UnknownGroup) as refused:
        hb.compile_handbook(unit=None, group="domain")
    assert "编排方式“domain”无效" in refused.value.message


def test_package_structure_bookmarks_fields_and_fonts(guides: dict[str, Any]) -> None:
    handbook = hb.compile_handbook(unit=None, group=hb.GROUP_LIFE_EVENT)
    data = hb.render_docx(handbook)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        names = set(package.namelist())
        assert {"[Content_Types].xml", "word/document.xml", "word/styles.xml"} <= names
        document = etree.fromstring(package.read("word/document.xml"))
        styles = etree.fromstring(package.read("word/styles.xml"))
        footers = [
            etree.fromstring(package.read(name)) for name in names if name.startswith("word/footer")
        ]
    starts = document.findall(f".//{W}bookmarkStart")
    bookmarks = {b.get(f"{W}name") for b in starts}
    assert len(bookmarks) == len(starts) == len({b.get(f"{W}id") for b in starts})
    ends = {b.get(f"{W}id") for b in document.iter(f"{W}bookmarkEnd")}
    assert ends == {b.get(f"{W}id") for b in starts}
    anchors = [link.get(f"{W}anchor") for link in document.iter(f"{W}hyperlink")]
    assert anchors and set(anchors) <= bookmarks  # every TOC link lands on a heading
    assert len(anchors) == len(bookmarks)  # and every heading is in the TOC
    # One TOC field, begun and ended once, over levels 1-2 with hyperlinks.
    instructions = [t.text for t in document.iter(f"{W}instrText")]
    assert instructions == [' TOC \\o "1-2" \\h \\z \\u ']
    chars = [c.get(f"{W}fldCharType") for c in document.iter(f"{W}fldChar")]
    assert chars == ["begin", "separate", "end"]
    # Page numbers in a footer.
    assert any("PAGE" in (t.text or "") for footer in footers for t in footer.iter(f"{W}instrText"))
    # East Asian fonts named on the headings and the body, no theme fonts left on them.
    fonts = {}
    for style in styles.iter(f"{W}style"):
        name = style.find(f"{W}name").get(f"{W}val")
        rfonts = style.find(f"{W}rPr/{W}rFonts")
        if rfonts is not None:
            fonts[name] = rfonts
    assert fonts["heading 1"].get(f"{W}eastAsia") == "黑体"
    assert fonts["heading 2"].get(f"{W}eastAsia") == "黑体"
    assert fonts["Normal"].get(f"{W}eastAsia") == "仿宋"
    assert fonts["heading 1"].get(f"{W}eastAsiaTheme") is None


def test_cache_serves_an_unchanged_selection_and_rebuilds_a_changed_one(
    guides: dict[str, Any], media: Path
) -> None:
    first = hb.handbook_docx(unit=None, group=hb.GROUP_UNIT)
    assert first.fresh and first.path.is_file()
    assert first.filename == "石城县办事一本通（按单位编排）.docx"
    again = hb.handbook_docx(unit=None, group=hb.GROUP_UNIT)
    assert not again.fresh and again.path == first.path
    # A guide changes (a new version): a new file, and the old one is removed.
    linshi = guides["linshi"]
    linshi.name = "临时救助（急难型）"
    linshi.version += 1
    linshi.save()
    changed = hb.handbook_docx(unit=None, group=hb.GROUP_UNIT)
    assert changed.fresh and changed.path != first.path
    assert not first.path.exists()
    assert "临时救助（急难型）" in _styled(_read(changed.path.read_bytes()), "Heading 2")
    # A material edited alone changes it too; so does a guide withdrawn.
    material = guides["permit"].materials.first()
    material.note = "新增备注"
    material.save()
    assert hb.handbook_docx(unit=None, group=hb.GROUP_UNIT).fresh
    guides["birth"].status = ServiceStatus.WITHDRAWN
    guides["birth"].save()
    rebuilt = hb.handbook_docx(unit=None, group=hb.GROUP_UNIT)
    assert rebuilt.fresh
    assert "生育登记" not in _styled(_read(rebuilt.path.read_bytes()), "Heading 2")
    # The other grouping and a unit's handbook are files of their own.
    by_event = hb.handbook_docx(unit=None, group=hb.GROUP_LIFE_EVENT)
    assert by_event.path != rebuilt.path and rebuilt.path.exists()
    assert len(list(media.rglob("*.docx"))) == 2


def test_fingerprint_ignores_drafts(guides: dict[str, Any]) -> None:
    before = hb.fingerprint(None, hb.GROUP_UNIT)
    draft = guides["draft"]
    draft.name = "草稿改名"
    draft.save()
    assert hb.fingerprint(None, hb.GROUP_UNIT) == before


def test_a_file_removed_by_another_build_is_looked_up_again(
    guides: dict[str, Any], monkeypatch: pytest.MonkeyPatch, media: Path
) -> None:
    """Another process building a newer selection removes older files: the download finds the
    file gone and asks again instead of failing."""
    real = hb.handbook_docx
    gone = hb.BuiltHandbook(path=media / "gone.docx", filename="x.docx", fresh=False)
    answers = iter([gone])
    monkeypatch.setattr(hb, "handbook_docx", lambda **kw: next(answers, None) or real(**kw))
    handle, built = hb.open_handbook_docx(unit=None, group=hb.GROUP_UNIT)
    with handle:
        assert handle.read(2) == b"PK"
    assert built.filename == "石城县办事一本通（按单位编排）.docx"


def test_a_cached_file_deleted_by_hand_is_rebuilt(guides: dict[str, Any]) -> None:
    first = hb.handbook_docx(unit=None, group=hb.GROUP_UNIT)
    first.path.unlink()
    again = hb.handbook_docx(unit=None, group=hb.GROUP_UNIT)
    assert again.fresh and again.path == first.path and again.path.is_file()
