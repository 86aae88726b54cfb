"""The demo county's policy interpretations (政策解读): forms varied, and a rate that differs by
unit, so the rate page (/staff/publications/interpretation/) and the monthly report have real
figures to show.

The generator (gongkai.demo.publications) publishes some policy documents' interpretations ten
minutes after them. This module, run before gongkai.demo.site.link_interpretations:

1. links each of those to its document with a form (解读形式) chosen from its title and id,
   through the publications service, so the forms vary;
2. gives two "model" departments (MODEL_UNITS) an interpretation of every document still
   without one, published the next day (in time: 同步发布), so their rate is 100%;
3. gives every third remaining document of the other units a late interpretation, published
   LATE_DAYS after it, so units show 按时、逾期解读 and 逾期未解读 side by side;
4. interprets the seeds' two policy documents (seed 001's 工作要点, seed 002's normative
   实施方案) through the services, as an editor and reviewer would today: years after the
   documents, so they count as 逾期解读 in their years.

Steps 2 and 3 cover the generated years (from 1 January of last year) and go in through
archive_import (keeping their dates), like the generated items.
The quiet units (publications.json "quiet") get nothing: they publish nothing on purpose.
Idempotent: step 1 only links unlinked items, steps 2–3 run once (their titles mark them) and
step 4 skips a seed that has an interpretation.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from gongkai.core import clock
from gongkai.demo.publications import publications_data
from gongkai.demo.site import INTERPRETATION_DELAY
from gongkai.orgs.models import Unit
from gongkai.publications import services
from gongkai.publications.archive import ArchiveItem, archive_import
from gongkai.publications.models import (
    Column,
    FiveClass,
    InterpretationForm,
    Publication,
)

# Departments that interpret every policy document in time (seed 001's ≥ 90% met).
MODEL_UNITS = ("FGW", "CZJ")
# A late interpretation comes this many calendar days after its document: more than the
# county's 3 working days even across the longest holiday.
LATE_DAYS = 20
IN_TIME_DAYS = 1
# The forms of the linked generated interpretations, in turn by id (graphic titles excepted).
FORM_CYCLE = (
    InterpretationForm.TEXT,
    InterpretationForm.QA,
    InterpretationForm.MEDIA,
    InterpretationForm.TEXT,
    InterpretationForm.PRESS,
    InterpretationForm.INTERVIEW,
)
# Title prefixes of the interpretations added here, by form (also how a second run sees them).
ADDED: dict[str, str] = {
    InterpretationForm.QA: "简明问答",
    InterpretationForm.TEXT: "文字解读",
    InterpretationForm.GRAPHIC: "图解",
    InterpretationForm.MEDIA: "视频解读",
}
ADDED_FORMS = tuple(ADDED)
BODY = (
    "<p>为便于群众和企业准确理解、用好政策，现将《{policy}》解读如下。</p>"
    "<p>一、出台背景。文件根据上级有关部署，结合我县实际制定，目的是把政策措施落到实处，"
    "让群众和企业看得懂、找得到、用得上。</p>"
    "<p>二、主要内容。文件明确了适用范围、工作目标、具体措施和责任分工，对办理条件、办理流程"
    "和办理时限作了规定，并列明了咨询渠道。</p>"
    "<p>三、与原有政策相比的变化。本次调整简化了申请材料，缩短了办理时限，扩大了受益范围。</p>"
    "<p>四、注意事项。符合条件的单位和个人可向{issuer}咨询，也可登录县政府门户网站查阅文件原文。"
    "</p>"
)


def _form_of(reading: Publication) -> str:
    if reading.title.startswith(("图解", "一图读懂")):
        return InterpretationForm.GRAPHIC
    return FORM_CYCLE[reading.pk % len(FORM_CYCLE)]


def link_generated() -> int:
    """Link the generator's interpretations to their documents, each with a form; how many."""
    readings = Publication.objects.published().filter(
        column__code="interpretation", interprets__isnull=True
    )
    linked = 0
    for reading in readings.select_related("unit").order_by("pk"):
        if reading.published_at is None:
            continue
        policy = (
            Publication.objects.published()
            .filter(
                unit_id=reading.unit_id,
                published_at=reading.published_at - INTERPRETATION_DELAY,
                doc_kind__in=services.POLICY_KINDS,
            )
            .first()
        )
        if policy is not None:
            services.publication_link_interpretation(
                actor=None, interpretation=reading, policy=policy, form=_form_of(reading)
            )
            linked += 1
    return linked


def _already_added() -> bool:
    column = Column.objects.filter(code="interpretation").first()
    return Publication.objects.filter(
        column=column, title__startswith=f"{ADDED[InterpretationForm.QA]}｜"
    ).exists()


def _item(policy: Publication, *, days: int, form: str, column: Column) -> ArchiveItem:
    """The archive item of one added interpretation, ``days`` after its document."""
    assert policy.published_at is not None
    published_at = policy.published_at + dt.timedelta(days=days)
    return ArchiveItem(
        unit=policy.unit,
        published_at=published_at,
        values={
            "title": f"{ADDED[form]}｜{policy.title}",
            "issuer": policy.issuer,
            "written_on": clock.localdate(published_at),
            "topic": policy.topic,
            "five_class": FiveClass.DECISION,
            "column": column,
            "domain": policy.domain,
            "body": BODY.format(policy=policy.title, issuer=policy.issuer),
            "interprets": policy,
            "interpretation_form": form,
        },
    )


def add_interpretations(*, today: dt.date) -> int:
    """Steps 2 and 3 of the module docstring, once; how many interpretations were added."""
    if _already_added():
        return 0
    column = Column.objects.get(code="interpretation")
    quiet = set(publications_data()["quiet"])
    waiting: dict[Unit, list[Publication]] = defaultdict(list)
    policies = (
        Publication.objects.published()
        .filter(
            doc_kind__in=services.POLICY_KINDS,
            interpretations__isnull=True,
            published_at__date__gte=dt.date(today.year - 1, 1, 1),
        )
        .exclude(unit__code__in=quiet)
        .select_related("unit", "topic", "domain")
        .order_by("published_at", "pk")
    )
    for policy in policies:
        waiting[policy.unit].append(policy)
    items: list[ArchiveItem] = []
    for unit, documents in sorted(waiting.items(), key=lambda kv: (kv[0].sort_order, kv[0].pk)):
        model = unit.code in MODEL_UNITS
        for number, policy in enumerate(documents):
            form = ADDED_FORMS[number % len(ADDED_FORMS)]
            if model:
                days = IN_TIME_DAYS
            elif number % 3 == 0:
                days = LATE_DAYS
            else:
                continue
            assert policy.published_at is not None
            if clock.localdate(policy.published_at) + dt.timedelta(days=days) >= today:
                continue
            items.append(_item(policy, days=days, form=form, column=column))
    archive_import(actor=None, items=items)
    return len(items)


# The seeds' policy documents and the form of their interpretation.
SEED_FORMS = {
    "石城县人民政府办公室关于印发石城县2022年政务公开工作要点的通知": InterpretationForm.QA,
    "青阳县人民政府办公室关于印发青阳县全面推进基层政务公开标准化规范化工作实施方案的通知": (
        InterpretationForm.GRAPHIC
    ),
}


def interpret_seeds() -> int:
    """Step 4 of the module docstring: draft, submit and approve (actor None: the command line)
    an interpretation of each seed policy document still without one; how many."""
    column = Column.objects.get(code="interpretation")
    done = 0
    for title, form in SEED_FORMS.items():
        policy = (
            Publication.objects.published()
            .filter(title=title, interpretations__isnull=True)
            .select_related("unit", "topic", "domain")
            .first()
        )
        if policy is None:
            continue
        values = _item(policy, days=0, form=form, column=column).values
        values["written_on"] = clock.today()
        values["title"] = f"{ADDED[form]}｜{title}"
        reading = services.publication_create(actor=None, unit=policy.unit, values=values)
        services.publication_submit(actor=None, publication=reading)
        services.publication_approve(actor=None, publication=reading, comment="谁起草、谁解读")
        done += 1
    return done


def load_interpretations() -> int:
    """Link the generated interpretations with their forms, add the in-time and late ones and
    interpret the seeds' policy documents; how many items changed."""
    today = clock.today()
    return link_generated() + add_interpretations(today=today) + interpret_seeds()
