"""A guide's standard elements (办事指南要素) as the public reads them, in the standard order.

One place decides the order and the wording of 办理时限, 办理地点和时间 and 咨询和监督电话, so the
guide page, the 一次告知 notice, the web 办事一本通 and its Word file never disagree (seeds 002,
004: 事项名称、设定依据、申请条件、办理材料、办理流程、办理时限、办理地点和时间、收费标准、咨询和
监督电话、常见问题).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from gongkai.serviceguides.models import LifeEvent, Material, Question, ServiceItem

# The standard elements, in order. 办理材料, 办理流程 and 常见问题 are shown as a table, numbered
# steps and questions; the others as text.
NAME, BASIS, CONDITIONS, MATERIALS, PROCESS = (
    "事项名称",
    "设定依据",
    "申请条件",
    "办理材料",
    "办理流程",
)
TIME_LIMIT, PLACE, FEE, PHONES, QUESTIONS = (
    "办理时限",
    "办理地点和时间",
    "收费标准",
    "咨询和监督电话",
    "常见问题",
)
ELEMENT_LABELS = [
    NAME,
    BASIS,
    CONDITIONS,
    MATERIALS,
    PROCESS,
    TIME_LIMIT,
    PLACE,
    FEE,
    PHONES,
    QUESTIONS,
]
MATERIAL_HEADERS = ["序号", "材料名称", "来源", "形式", "份数", "是否必需", "备注"]
MISSING = "—"
# A step's own number as offices often type it (1. 1、 （一） 一、 第一步：), dropped because the
# steps are numbered when shown.
STEP_NUMBER = re.compile(
    r"^\s*(?:[(（]?[0-9一二三四五六七八九十]+[)）.．、:：](?![0-9])|第[0-9一二三四五六七八九十]+步[:：、]?)\s*"
)


@dataclass
class MaterialRow:
    """One line of the materials table; the file flags say which downloads exist."""

    number: int
    material: Material
    source: str
    form: str
    copies: str
    required: str
    note: str
    has_sample: bool
    has_blank: bool

    @property
    def cells(self) -> list[str]:
        """The row's text under MATERIAL_HEADERS."""
        return [
            str(self.number),
            self.material.name,
            self.source,
            self.form,
            self.copies,
            self.required,
            self.note,
        ]


@dataclass
class GuideElements:
    """A guide ready to show: every element's text, the materials' rows, the steps, the
    questions. Built from a ServiceItem whose materials and questions were prefetched."""

    service: ServiceItem
    texts: dict[str, str]
    materials: list[MaterialRow] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    life_events: list[LifeEvent] = field(default_factory=list)

    def text_elements(self, labels: Iterable[str]) -> list[tuple[str, str]]:
        return [(label, self.texts[label]) for label in labels]

    # The text elements by name, for templates (which cannot index by a Chinese key).
    @property
    def name(self) -> str:
        return self.texts[NAME]

    @property
    def basis(self) -> str:
        return self.texts[BASIS]

    @property
    def conditions(self) -> str:
        return self.texts[CONDITIONS]

    @property
    def time_limit(self) -> str:
        return self.texts[TIME_LIMIT]

    @property
    def place(self) -> str:
        return self.texts[PLACE]

    @property
    def fee(self) -> str:
        return self.texts[FEE]

    @property
    def phones(self) -> str:
        return self.texts[PHONES]


def _lines(*pairs: tuple[str, str]) -> str:
    """“办理地点：…” lines of the parts that are filled in, or the dash."""
    shown = [f"{label}：{value.strip()}" for label, value in pairs if value.strip()]
    return "\n".join(shown) or MISSING


def guide_elements(service: ServiceItem) -> GuideElements:
    """The elements of ``service`` as text (materials, questions and life events prefetched)."""
    texts = {
        NAME: service.name,
        BASIS: service.basis.strip() or MISSING,
        CONDITIONS: service.conditions.strip() or MISSING,
        TIME_LIMIT: service.time_limit_display or MISSING,
        PLACE: _lines(
            ("办理地点", service.place),
            ("办理时间", service.hours),
            ("网上办理", service.online_url),
        ),
        FEE: service.fee.strip() or MISSING,
        PHONES: _lines(
            ("咨询电话", service.consult_phone), ("监督投诉电话", service.supervise_phone)
        ),
    }
    rows = [
        MaterialRow(
            number=number,
            material=material,
            source=material.get_source_display(),
            form=material.get_form_display(),
            copies=f"{material.copies}份",
            required="是" if material.required else "否",
            note=material.note,
            has_sample=bool(material.sample),
            has_blank=bool(material.blank_form),
        )
        for number, material in enumerate(service.materials.all(), start=1)
    ]
    return GuideElements(
        service=service,
        texts=texts,
        materials=rows,
        steps=[STEP_NUMBER.sub("", step, count=1) or step for step in service.process_steps],
        questions=list(service.questions.all()),
        life_events=list(service.life_events.all()),
    )


def with_elements(guides: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    """``guides`` with what guide_elements reads fetched in four queries, however many."""
    return guides.select_related("unit").prefetch_related(
        Prefetch("materials", queryset=Material.objects.order_by("sort_order", "pk")),
        Prefetch("questions", queryset=Question.objects.order_by("sort_order", "pk")),
        Prefetch("life_events", queryset=LifeEvent.objects.order_by("sort_order", "code")),
    )
