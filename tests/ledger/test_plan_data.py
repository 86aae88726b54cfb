"""The demo plan's data file is seed 004 annex 1, transcribed exactly."""

from __future__ import annotations

import re
from pathlib import Path

from gongkai.demo.ledger import plan_data
from gongkai.ledger.deadlines import parse_deadline

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "004_bcefd0783098c1b8.txt"


def test_exactly_32_tasks_numbered_in_order() -> None:
    tasks = plan_data()["tasks"]
    assert len(tasks) == 32
    assert [t["序号"] for t in tasks] == list(range(1, 33))


def test_texts_are_verbatim() -> None:
    tasks = {t["序号"]: t for t in plan_data()["tasks"]}
    assert tasks[1]["工作任务"] == "出台全面推进基层政务公开标准化规范化工作实施方案"
    assert tasks[1]["牵头责任单位"] == "县政府办公室，县政务公开办"
    assert tasks[1]["时限要求"] == "2020年8月底"
    assert tasks[2]["工作任务"] == (
        "按照省基层政务公开事项梳理指南和基层政务公开事项指引目录，"
        "编制县直26个试点领域指引目录并报送县政务公开办"
    )
    assert tasks[2]["主体责任单位"] == "县直26个试点领域业务主管部门、县公开办"
    assert tasks[3]["工作任务"] == "编制完善基层政务公开事项目录并按目录公开各类信息"
    assert tasks[18]["牵头责任单位"] == "县政务服务中心"
    assert tasks[25]["工作任务"] == "至少选择30%的乡镇（街道）、县直部门作为县级示范区和示范点"
    assert tasks[25]["时限要求"] == "2020年9月底前"
    assert tasks[32]["主体责任单位"] == "县政务公开办、县有关部门、各乡镇政府"
    assert tasks[32]["时限要求"] == "持续推进"
    assert tasks[28]["工作任务"].endswith("和“青阳县基层政务公开标准化规范化工作示范点”挂牌工作")


def test_no_stray_spaces_and_every_deadline_parses() -> None:
    for task in plan_data()["tasks"]:
        for value in task.values():
            assert not re.search(r"\s", str(value)), task
        parse_deadline(task["时限要求"])
    continuous = [t["序号"] for t in plan_data()["tasks"] if t["时限要求"] == "持续推进"]
    assert continuous == [30, 31, 32]


def test_every_text_is_in_the_seed_when_its_row_is_not_split() -> None:
    """Rows 3, 13, 23 and 28 run across a page break in the seed's text, interleaved with their
    unit cells; every other row's text is in the seed verbatim once spaces are removed."""
    if not SEED.exists():
        return
    annex = re.sub(r"\s+", "", SEED.read_text(encoding="utf-8").split("附件 1：", 1)[1])
    for task in plan_data()["tasks"]:
        if task["序号"] not in {3, 13, 23, 28}:
            assert task["工作任务"] in annex, task["序号"]


def test_header_and_annex_2() -> None:
    data = plan_data()
    assert data["plan"]["doc_number"] == "青政办秘〔2020〕51号"
    assert data["plan"]["issued_on"] == "2020-09-30"
    names = [d["name"] for d in data["annex2"]]
    assert len(names) == 19
    assert names[0] == "县发展改革委" and names[-1] == "县税务局"
