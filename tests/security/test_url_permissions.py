"""Every URL of the site, walked from the resolver, against the unit boundary (issue 12).

Unit X (县民政局) owns one object of every kind a staff URL can name: a draft with a secret title,
an attachment, an import job, an application with its letter and consultation, a new-media
account with a post, an incident, a work plan's part with its evidence, a rectification item, a
catalog with an item, an error report from the public, its annual report; its internal text is
marked (SECRETS). Then for every staff URL (/staff/…, and /accounts/… but the way in and out):

- the public (anonymous) is sent to the login page, for GET and for POST;
- other units' staff (a department's holding every role a unit gives, a township's, a village's
  clerk) get 403 or 404 for anything of unit X and for the office's own pages, for GET and for
  POST (the test client skips CSRF), and the POST changes nothing (no audit entry, none of unit
  X's rows); pages every staff member has (their lists, their forms) may open but never show
  unit X's internal text.

Every public URL and API endpoint that can name an unpublished object of unit X answers 404 to
everyone outside it. The table below says, for every URL name, how to fill its path and what
is expected; a URL added without a row fails test_every_url_has_a_rule, so no URL is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gongkai.accesspoints.models import AccessPoint
from gongkai.applications import services as applications
from gongkai.applications.models import Consultation, ConsultationKind, Letter, LetterKind
from gongkai.assessment import services as assessment
from gongkai.assessment.models import Indicator, IndicatorSet, Measure, RectificationSource
from gongkai.catalog.models import CatalogStatus
from gongkai.core.models import AuditEntry
from gongkai.interaction import services as interaction
from gongkai.interaction.models import Message
from gongkai.ledger import services as ledger
from gongkai.ledger.models import Evidence
from gongkai.monitoring.models import (
    Incident,
    IncidentKind,
    NewMediaAccount,
    NewMediaPost,
    Platform,
)
from gongkai.orgs.models import Role, Unit, UnitKind, User
from gongkai.participation import services as participation
from gongkai.participation.models import Comment as ParticipationComment
from gongkai.portal.models import ErrorKind, ErrorReport
from gongkai.publications import services as publications
from gongkai.publications.models import Attachment, CheckWord, Column, ImportJob, WordKind
from gongkai.reports.models import AnnualReport
from tests.factories import (
    CatalogFactory,
    CatalogItemFactory,
    MembershipFactory,
    UnitFactory,
    UserFactory,
)
from tests.publications.test_services import values

pytestmark = pytest.mark.django_db

SECRET_TITLE = "县民政局内部草稿甲乙丙"
SECRET_APPLICANT = "申请人丁戊己"
# Unit X's other internal text: its account of a task, its rectification report, an evidence
# file's and an import's names, its draft catalog's item.
SECRETS = (
    SECRET_TITLE,
    SECRET_APPLICANT,
    "落实情况庚辛壬",
    "整改情况癸子丑",
    "佐证材料寅卯辰.pdf",
    "导入文件巳午未.xlsx",
    "目录事项申酉戌",
    "整改问题亥甲乙",
    "所需信息丙丁戊",
)
TODAY = "2025-06-30 10:00 +0800"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# ---------------------------------------------------------------------------- unit X's world


@dataclass
class World:
    unit: Unit
    township: Unit
    objects: dict[str, Any]

    def pk(self, name: str) -> dict[str, Any]:
        return {"pk": self.objects[name].pk}


def _user(username: str, *grants: tuple[Unit, str]) -> User:
    user: User = UserFactory(username=username)
    for unit, role in grants:
        MembershipFactory(user=user, unit=unit, role=role)
    return user


def build_world(department: Unit, township: Unit, office: User, domain: Any, media: Any) -> World:
    """One object of every kind for unit X (the department), made through the services where
    that is short and written to the tables where only its existence matters."""
    editor = _user("x_editor", (department, Role.EDITOR))
    handler = _user("x_handler", (department, Role.HANDLER))
    draft = publications.publication_create(
        actor=editor, unit=department, values=values(title=SECRET_TITLE)
    )
    attachment = Attachment(publication=draft, name="x.pdf", kind="pdf", size=len(PDF), sha256="0")
    attachment.file.save("x.pdf", ContentFile(PDF))
    job = ImportJob.objects.create(
        unit=department, created_by=editor, file="imports/x.xlsx", filename=SECRETS[5]
    )
    application, _code = applications.application_register(
        actor=handler,
        unit=department,
        channel="in_person",
        values={
            "applicant_type": "natural",
            "applicant_name": SECRET_APPLICANT,
            "id_kind": "居民身份证",
            "id_number": "360735198506151233",
            "phone": "13807971234",
            "description": SECRETS[8],
        },
        submitted_on=dt.date(2025, 4, 1),  # overdue by now: the overdue lists show it
    )
    letter = Letter.objects.create(
        application=application,
        kind=LetterKind.SUPPLEMENT,
        file="letters/x.docx",
        issued_on=dt.date(2025, 4, 1),
    )
    consultation = Consultation.objects.create(
        application=application,
        kind=ConsultationKind.values[0],
        party="某公司",
        sent_on=dt.date(2025, 4, 1),
    )
    account = NewMediaAccount.objects.create(
        platform=Platform.WECHAT, name="石城民政", unit=department
    )
    post = NewMediaPost.objects.create(
        account=account, published_on=dt.date(2025, 6, 1), title="民政动态"
    )
    incident = Incident.objects.create(
        kind=IncidentKind.WORDING,
        occurred_on=dt.date(2025, 6, 1),
        unit=department,
        description="表述错误",
    )
    plan = ledger.plan_create(actor=office, title="工作方案", year=2025, doc_number="测〔2025〕1号")
    task = ledger.task_create(
        actor=office,
        plan=plan,
        number=1,
        text="编制完善基层政务公开事项目录",
        lead_text="县政务公开办",
        responsible_text="县民政局",
        deadline_text="2025年5月底",  # overdue by now
    )
    part = task.assignments.get(unit=department)
    evidence = Evidence(assignment=part, name=SECRETS[4], kind="pdf", size=len(PDF), sha256="0")
    evidence.file.save("x.pdf", ContentFile(PDF))
    ledger.assignment_report(actor=editor, assignment=part, report=SECRETS[2])
    indicator_set = IndicatorSet.objects.create(year=2025, name="2025年度考核")
    indicator = Indicator.objects.create(
        indicator_set=indicator_set, name="发布数量", weight=10, measure=Measure.VOLUME
    )
    rectification = assessment.rectification_create(
        actor=office,
        unit=department,
        title=SECRETS[7],
        source=RectificationSource.values[0],
        found_on=dt.date(2025, 6, 1),
        deadline=dt.date(2025, 7, 31),
    )
    assessment.rectification_report(actor=editor, rectification=rectification, text=SECRETS[3])
    report = ErrorReport.objects.create(
        receipt_no="JC2025063000001",
        page_url="/xxgk/",
        kind=ErrorKind.CONTENT,
        description="错字",
    )
    catalog = CatalogFactory(unit=department, version=2025, status=CatalogStatus.DRAFT)
    item = CatalogItemFactory(catalog=catalog, domain=domain, level1=SECRETS[6])
    AnnualReport.objects.create(year=2024, unit=department)
    participation_objects = participation_world(department, editor, office)
    return World(
        unit=department,
        township=UnitFactory(
            code="GTZ", name="高田镇", kind=UnitKind.TOWNSHIP, parent=township.parent
        ),
        objects={
            "editor": editor,
            "draft": draft,
            "attachment": attachment,
            "job": job,
            "word": CheckWord.objects.create(word="测试敏感词", kind=WordKind.SENSITIVE),
            "application": application,
            "letter": letter,
            "consultation": consultation,
            "column": Column.objects.order_by("pk").first(),
            "account": account,
            "post": post,
            "incident": incident,
            "plan": plan,
            "task": task,
            "part": part,
            "evidence": evidence,
            "set": indicator_set,
            "indicator": indicator,
            "rectification": rectification,
            "report": report,
            "catalog": catalog,
            "item": item,
            **participation_objects,
            "message": interaction_message(department, office),
            "access_point": AccessPoint.objects.create(  # E: a place unit X runs (issue 14)
                unit=department, kind="other", name="救助窗口", address="一楼", hours="工作日"
            ),
            **service_world(department, editor),  # A: a draft guide of unit X (issue 14)
        },
    )


def service_world(department: Unit, editor: User) -> dict[str, Any]:
    """A draft service guide of unit X named with the secret title, with a material holding a
    sample file and a question (A: 办事指南, issue 14)."""
    from gongkai.serviceguides import services as serviceguides
    from gongkai.serviceguides.models import Material

    service = serviceguides.service_item_create(
        actor=editor, unit=department, values={"name": SECRET_TITLE}
    )
    material = Material(service=service, name="申请书")
    material.sample.save("x.pdf", ContentFile(PDF), save=False)
    material.save()
    question = serviceguides.question_add(actor=editor, service=service, question="问", answer="答")
    return {"service": service, "material": material, "question": question}


def interaction_message(department: Unit, office: User) -> Message:
    """A message to unit X, unanswered, with a secret title and the writer's name (issue 13)."""
    message, _code = interaction.message_submit(
        box="consult",
        values={"category": "policy", "title": SECRET_TITLE, "body": "内容", "name": "丁戊己"},
    )
    return interaction.message_assign(actor=office, message=message, unit=department)


def participation_world(department: Unit, editor: User, office: User) -> dict[str, Any]:
    """Unit X's draft consultation (secret title) with a comment, a catalog row, a meeting and
    a participation matter (issue 13)."""
    consultation = participation.consultation_create(
        actor=editor,
        unit=department,
        title=SECRET_TITLE,
        draft_text="征求意见稿",
        opens_on=dt.date(2025, 7, 1),
        closes_on=dt.date(2025, 7, 30),
    )
    comment = ParticipationComment.objects.create(consultation=consultation, text="意见")
    decision = participation.decision_create(
        actor=office, year=2025, number=1, matter="决策事项", unit=department, planned_time="7月"
    )
    meeting = participation.meeting_save(
        actor=office, title="常务会议", held_on=dt.date(2025, 6, 1), topics="议题"
    )
    matter = participation.matter_save(
        actor=office, title="参与事项", unit=department, ways="座谈会"
    )
    return {
        "p_consultation": consultation,
        "p_comment": comment,
        "p_decision": decision,
        "p_meeting": meeting,
        "p_matter": matter,
    }


# ---------------------------------------------------------------------------- the table

Kwargs = Callable[[World], dict[str, Any]]
NONE: Kwargs = lambda w: {}  # noqa: E731


def _pk(name: str) -> Kwargs:
    return lambda w: w.pk(name)


def _code(w: World) -> dict[str, Any]:
    return {"code": w.unit.code}


def _month(w: World) -> dict[str, Any]:
    return {"year": 2025, "month": 5}


def _annual(w: World) -> dict[str, Any]:
    return {"year": 2024, "scope": w.unit.code}


def _plan_unit(w: World) -> dict[str, Any]:
    return {"pk": w.objects["plan"].pk, "code": w.unit.code}


@dataclass(frozen=True)
class Rule:
    """How to fill a URL's path, and who may open it.

    ``deny``: another unit's staff gets 403 or 404 (the URL names unit X's work, or is the
    office's). ``any``: every staff member has this page (their own lists and forms); it may
    open for another unit's staff but must not show unit X's secrets.
    """

    kwargs: Kwargs
    outsider: str = "deny"


DENY, ANY = "deny", "any"
STAFF: dict[str, Rule] = {
    # publications
    "publications:list": Rule(NONE, ANY),
    "publications:create": Rule(NONE, ANY),
    "publications:review": Rule(NONE, ANY),
    "publications:words": Rule(NONE),
    "publications:interpretation": Rule(NONE, ANY),
    "publications:word_active": Rule(_pk("word")),
    "publications:subsidy_import": Rule(NONE, ANY),
    "publications:import": Rule(NONE, ANY),
    "publications:import_job": Rule(_pk("job")),
    "publications:import_job_confirm": Rule(_pk("job")),
    "publications:detail": Rule(_pk("draft")),
    "publications:edit": Rule(_pk("draft")),
    "publications:submit": Rule(_pk("draft")),
    "publications:approve": Rule(_pk("draft")),
    "publications:return": Rule(_pk("draft")),
    "publications:withdraw": Rule(_pk("draft")),
    "publications:retained_review": Rule(_pk("draft")),
    "publications:validity": Rule(_pk("draft")),
    "publications:attach": Rule(_pk("draft")),
    "publications:attachment": Rule(_pk("attachment")),
    "publications:detach": Rule(_pk("attachment")),
    # applications
    "applications:list": Rule(NONE, ANY),
    "applications:overdue": Rule(NONE, ANY),
    "applications:report": Rule(NONE, ANY),
    "applications:register": Rule(NONE, ANY),
    "applications:import": Rule(NONE, ANY),
    "applications:letter_templates": Rule(NONE),
    "applications:letter_template": Rule(lambda w: {"kind": "supplement"}),
    "applications:letter_template_upload": Rule(lambda w: {"kind": "supplement"}),
    "applications:letter_template_reset": Rule(lambda w: {"kind": "supplement"}),
    "applications:letter": Rule(_pk("letter")),
    "applications:consultation_answered": Rule(_pk("consultation")),
    "applications:consultation_delivered": Rule(_pk("consultation")),
    **{
        f"applications:{step}": Rule(_pk("application"))
        for step in [
            "detail",
            "applicant",
            "confirm",
            "accept",
            "route",
            "supplement",
            "supplemented",
            "lapse",
            "consult",
            "reasons",
            "defer",
            "extend",
            "fee",
            "fee_received",
            "fee_paid",
            "fee_lapse",
            "reply",
            "withdraw",
            "deliver",
            "archive",
            "letter_generate",
        ]
    },
    # reports
    "reports:monthly": Rule(NONE),
    "reports:monthly_report": Rule(_month),
    "reports:monthly_docx": Rule(_month),
    "reports:monthly_edit": Rule(_month),
    "reports:annual": Rule(NONE, ANY),
    "reports:annual_report": Rule(_annual),
    "reports:annual_docx": Rule(_annual),
    "reports:annual_edit": Rule(_annual),
    "reports:annual_finalize": Rule(_annual),
    "reports:annual_publish": Rule(_annual),
    "reports:annual_reopen": Rule(_annual),
    # monitoring
    "monitoring:overview": Rule(NONE),
    "monitoring:columns": Rule(NONE),
    "monitoring:column_class": Rule(_pk("column")),
    "monitoring:accounts": Rule(NONE, ANY),
    "monitoring:account_create": Rule(NONE, ANY),
    "monitoring:posts_import": Rule(NONE, ANY),
    "monitoring:account": Rule(_pk("account")),
    "monitoring:account_edit": Rule(_pk("account")),
    "monitoring:post_remove": Rule(_pk("post")),
    "monitoring:probes": Rule(NONE),
    "monitoring:incidents": Rule(NONE),
    "monitoring:incident_cancel": Rule(_pk("incident")),
    # ledger
    "ledger:plans": Rule(NONE, ANY),
    "ledger:plan_create": Rule(NONE),
    "ledger:plan": Rule(_pk("plan"), ANY),
    "ledger:plan_edit": Rule(_pk("plan")),
    "ledger:task_create": Rule(_pk("plan")),
    "ledger:plan_import": Rule(_pk("plan")),
    "ledger:plan_export": Rule(_pk("plan")),
    "ledger:task": Rule(_pk("task"), ANY),
    "ledger:task_edit": Rule(_pk("task")),
    "ledger:unit": Rule(_plan_unit),
    "ledger:unit_zip": Rule(_plan_unit),
    "ledger:unit_xlsx": Rule(_plan_unit),
    "ledger:assignment": Rule(_pk("part")),
    "ledger:assignment_report": Rule(_pk("part")),
    "ledger:evidence_upload": Rule(_pk("part")),
    "ledger:assignment_confirm": Rule(_pk("part")),
    "ledger:assignment_return": Rule(_pk("part")),
    "ledger:evidence": Rule(_pk("evidence")),
    "ledger:evidence_remove": Rule(_pk("evidence")),
    "ledger:overdue": Rule(NONE, ANY),
    # assessment
    "assessment:dashboard": Rule(NONE),
    "assessment:sets": Rule(NONE),
    "assessment:set_detail": Rule(_pk("set")),
    "assessment:set_xlsx": Rule(_pk("set")),
    "assessment:set_freeze": Rule(_pk("set")),
    "assessment:indicator_add": Rule(_pk("set")),
    "assessment:indicator_edit": Rule(_pk("indicator")),
    "assessment:indicator_remove": Rule(_pk("indicator")),
    "assessment:manual_scores": Rule(_pk("indicator")),
    "assessment:rectifications": Rule(NONE, ANY),
    "assessment:rectification_new": Rule(NONE),
    "assessment:rectification_detail": Rule(_pk("rectification")),
    "assessment:rectification_report": Rule(_pk("rectification")),
    "assessment:rectification_return": Rule(_pk("rectification")),
    "assessment:rectification_close": Rule(_pk("rectification")),
    # public participation (issue 13)
    "participation:staff_home": Rule(NONE, ANY),
    "participation:decision_create": Rule(NONE),
    "participation:decision_edit": Rule(_pk("p_decision")),
    "participation:consultation_create": Rule(NONE, ANY),
    "participation:staff_consultation": Rule(_pk("p_consultation")),
    "participation:consultation_edit": Rule(_pk("p_consultation")),
    "participation:consultation_publish": Rule(_pk("p_consultation")),
    "participation:feedback_publish": Rule(_pk("p_consultation")),
    "participation:comment_publish": Rule(_pk("p_comment")),
    "participation:comment_refuse": Rule(_pk("p_comment")),
    "participation:comment_adopt": Rule(_pk("p_comment")),
    "participation:meeting_create": Rule(NONE),
    "participation:meeting_edit": Rule(_pk("p_meeting")),
    "participation:matter_create": Rule(NONE),
    "participation:matter_edit": Rule(_pk("p_matter")),
    # the site's settings and the public's error reports
    "site:settings": Rule(NONE),
    # The old 找错 queue and step only lead to the message list (issue 13), which has its rules.
    "site:error_reports": Rule(NONE, ANY),
    "site:error_report_handle": Rule(_pk("report"), ANY),
    # messages (政民互动, issue 13): a unit's messages are its own; the settings the office's
    "interaction:list": Rule(NONE, ANY),
    "interaction:settings": Rule(NONE),
    **{
        f"interaction:{name}": Rule(_pk("message"))
        for name in ("detail", "assign", "transfer", "simple", "reply", "review", "invalid")
    },
    # catalogs, guides, the staff home
    "staff:home": Rule(NONE, ANY),
    "staff:catalog_create": Rule(NONE, ANY),
    "staff:catalog_import": Rule(NONE, ANY),
    "staff:catalog_detail": Rule(_pk("catalog")),
    "staff:catalog_export": Rule(_pk("catalog")),
    "staff:catalog_submit": Rule(_pk("catalog")),
    "staff:catalog_approve": Rule(_pk("catalog")),
    "staff:catalog_return": Rule(_pk("catalog")),
    "staff:catalog_report": Rule(_pk("catalog")),
    "staff:catalog_consistency": Rule(_pk("catalog")),
    "staff:item_add": Rule(_pk("catalog")),
    "staff:item_edit": Rule(_pk("item")),
    "staff:item_delete": Rule(_pk("item")),
    "staff:unit_villages": Rule(lambda w: {"code": w.township.code}),  # not qjz_all's
    "staff:guide_list": Rule(NONE, ANY),
    "staff:guide_edit": Rule(_code),
    "staff:audit_log": Rule(NONE),
    "staff:audit_verify": Rule(NONE),
    # one's own account (/accounts/), and the office's management of everyone's
    "account_home": Rule(NONE, ANY),
    "password_change": Rule(NONE, ANY),
    "account_authenticator": Rule(NONE, ANY),
    "account_list": Rule(NONE),
    "account_reset_password": Rule(_pk("editor")),
    "account_remove_authenticator": Rule(_pk("editor")),
    # 政策找人 (issue 13): the office's overview, an item's audience tags
    "push_staff:overview": Rule(NONE),
    "push_staff:tags": Rule(_pk("draft")),
    "push_staff:tag_new": Rule(NONE),
    "push_staff:tag_edit": Rule(lambda w: {"pk": 1}),
    # D: 专题专栏 (issue 14): the office's topics, their rules and sections
    "topics:staff_list": Rule(NONE),
    "topics:staff_new": Rule(NONE),
    "topics:staff_edit": Rule(lambda w: {"pk": 1}),
    "topics:section_new": Rule(lambda w: {"pk": 1}),
    "topics:section_edit": Rule(lambda w: {"pk": 1, "section_pk": 1}),
    "topics:section_delete": Rule(lambda w: {"pk": 1, "section_pk": 1}),
    # A: 办事指南 (issue 14): every staff member's own list, form, import and export; unit X's
    # guide, its materials and questions are unit X's
    "serviceguides:list": Rule(NONE, ANY),
    "serviceguides:create": Rule(NONE, ANY),
    "serviceguides:import": Rule(NONE, ANY),
    "serviceguides:export": Rule(NONE, ANY),
    **{
        f"serviceguides:{name}": Rule(_pk("service"))
        for name in (
            "detail",
            "edit",
            "submit",
            "publish",
            "return",
            "withdraw",
            "delete",
            "material_add",
            "question_add",
        )
    },
    "serviceguides:material_edit": Rule(lambda w: {"material_pk": w.objects["material"].pk}),
    "serviceguides:material_file": Rule(
        lambda w: {"pk": w.objects["material"].pk, "which": "sample"}
    ),
    "serviceguides:question_edit": Rule(lambda w: {"question_pk": w.objects["question"].pk}),
    "serviceguides:remove": Rule(lambda w: {"kind": "material", "pk": w.objects["material"].pk}),
    # C: public enterprises (issue 14): the office's list and form
    "enterprises:list": Rule(NONE),
    # E: 查阅点 (issue 14): every editor's own list and form; unit X's place is unit X's
    "accesspoints:staff_list": Rule(NONE, ANY),
    "accesspoints:staff_create": Rule(NONE, ANY),
    "accesspoints:staff_edit": Rule(_pk("access_point")),
    "accesspoints:staff_set_active": Rule(_pk("access_point")),
}

# Public pages and the read API: the public's by design. Those that can name an object of unit
# X that is not published must answer 404 to everyone outside the unit (PUBLIC_UNPUBLISHED).
PUBLIC_UNPUBLISHED: dict[str, Kwargs] = {
    "portal:publication": _pk("draft"),
    "portal:attachment": _pk("attachment"),
    "portal:catalog_item": _pk("item"),
    "api:publication": _pk("draft"),
    "participation:consultation": _pk("p_consultation"),
    "interaction:published_detail": _pk("message"),  # unanswered: not published
    # B: 办事服务 (issue 14): unit X's draft guide, its 一次告知 and its material's sample
    "banshi:guide": _pk("service"),
    "banshi:notice": _pk("service"),
    "banshi:material": lambda w: {"pk": w.objects["material"].pk, "which": "sample"},
}


def _domain(w: World) -> dict[str, Any]:
    return {"code": w.objects["item"].domain.code}


def _column(w: World) -> dict[str, Any]:
    return {"code": w.objects["draft"].column.code}


# Every other public URL, with its path filled with unit X's unit, domain and column: none may
# show unit X's internal text (SECRETS).
PUBLIC_PLAIN = (
    "home",
    "catalog_index",
    "catalog_units",
    "disclosure",
    "guide",
    "unit_directory",
    "normative",
    "search",
    "apply",
    "apply_done",
    "apply_track",
    "feed_latest",
    "contact",
    "sitemap",
    "jiucuo",
    "jiucuo_done",
    "large_font",
    "enterprises",  # C: 公共企事业单位适用主体清单 (issue 14)
)
PUBLIC: dict[str, Kwargs] = {
    "healthz": NONE,
    "login": NONE,
    "login_code": NONE,
    "logout": NONE,
    "api:not_found": NONE,  # a catch-all pattern: tried at NOT_FOUND_PATH
    **{f"portal:{name}": NONE for name in PUBLIC_PLAIN},
    "portal:catalog_domain": _domain,
    "portal:catalog_domain_unit": lambda w: {**_domain(w), "unit_code": w.unit.code},
    "portal:catalog_unit": _code,
    "portal:catalog_unit_export": _code,
    "portal:column": _column,
    "portal:guide_unit": _code,
    "portal:browse_unit": _code,
    "portal:browse_domain": _domain,
    "portal:browse_five": lambda w: {"five_class": w.objects["draft"].five_class},
    "portal:browse_year": lambda w: {"year": 2025},
    "portal:apply_letter": lambda w: {"token": "1:2:3"},
    "portal:feed_unit": _code,
    "portal:feed_domain": _domain,
    "portal:feed_column": _column,
    **{f"api:{name}": NONE for name in ("publications", "catalogs", "units", "openapi", "docs")},
    "api:catalog": _code,
    # 政策找人: the subscription pages (signed tokens) and the tag feeds
    "push:subscribe": NONE,
    "push:requested": NONE,
    "push:confirm": lambda w: {"token": "1:2:3"},
    "push:unsubscribe": lambda w: {"token": "1:2:3"},
    "push:manage": lambda w: {"token": "1:2:3"},
    "push:feed": lambda w: {"code": "laonianren"},
    **{
        f"interaction:{name}": NONE for name in ("index", "done", "track", "rate", "published_list")
    },
    "interaction:write": lambda w: {"box": "consult"},
    # D: 专题专栏 (issue 14)
    "portal:topics": NONE,
    "portal:topic": lambda w: {"slug": "yingshang"},
    "portal:feed_topic": lambda w: {"slug": "yingshang"},
    "participation:index": NONE,
    "participation:meetings": NONE,
    "participation:meeting": _pk("p_meeting"),
    "participation:decisions": lambda w: {"year": 2025},
    "participation:decisions_export": lambda w: {"year": 2025},
    # E: 查阅点 and kiosk mode (issue 14)
    **{f"accesspoints:{name}": NONE for name in ("list", "kiosk", "kiosk_start", "kiosk_exit")},
    # B: 办事服务 and 办事一本通 (issue 14)
    **{f"banshi:{name}": NONE for name in ("index", "handbook", "handbook_docx")},
    **PUBLIC_UNPUBLISHED,
}


NOT_FOUND_PATH = "/api/no-such-endpoint/"
# Where a protected page lives: everything under /staff/ and /accounts/ but the way in and out.
PROTECTED = ("staff/", "accounts/")
WAY_IN = {"login", "login_code", "logout"}


def protected(route: str, name: str) -> bool:
    return route.startswith(PROTECTED) and name not in WAY_IN


def _walk(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield prefix + str(pattern.pattern), name


def site_urls() -> list[tuple[str, str]]:
    """(route, name) of every URL except Django's admin (guarded by is_staff, see the last
    test), which the table need not list one by one."""
    return [
        (route, name) for route, name in _walk(get_resolver()) if not route.startswith("admin/")
    ]


def test_every_url_has_a_rule() -> None:
    """A URL added without a row in STAFF or PUBLIC fails here: decide who may open it first."""
    found = site_urls()
    staff = {name for route, name in found if protected(route, name)}
    others = {name for route, name in found if not protected(route, name)}
    assert staff - set(STAFF) == set(), "staff URLs without a rule"
    assert others - set(PUBLIC) == set(), "public URLs without a rule"
    assert set(STAFF) - staff == set(), "rules for staff URLs that no longer exist"
    assert set(PUBLIC) - others == set(), "rules for public URLs that no longer exist"


# ---------------------------------------------------------------------------- the walk


@pytest.fixture
def world(
    department: Unit, township: Unit, office: User, domain: Any, settings: Any, tmp_path: Any
) -> Iterator[World]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with time_machine.travel(TODAY, tick=False):
        yield build_world(department, township, office, domain, settings.MEDIA_ROOT)


@pytest.fixture
def outsider(other_department: Unit) -> User:
    """Another unit's staff member with every role a unit gives."""
    return _user(
        "zjj_all",
        (other_department, Role.EDITOR),
        (other_department, Role.REVIEWER),
        (other_department, Role.HANDLER),
    )


@pytest.fixture
def outsiders(outsider: User, township: Unit, village: Unit) -> list[User]:
    """Other units' staff: a department's, a township's (which reads its villages, not the
    county's departments) and a village's clerk."""
    return [
        outsider,
        _user(
            "qjz_all", (township, Role.EDITOR), (township, Role.REVIEWER), (township, Role.HANDLER)
        ),
        _user("qjz01_clerk", (village, Role.VILLAGE_CLERK)),
    ]


def _state(world: World) -> tuple[Any, ...]:
    """What a refused POST must leave as it was: the audit log's length and unit X's rows."""
    rows = []
    for obj in world.objects.values():
        if obj is None or not hasattr(obj, "refresh_from_db"):
            continue
        fresh = type(obj).objects.filter(pk=obj.pk).values().first()
        rows.append((type(obj).__name__, obj.pk, repr(sorted((fresh or {}).items()))))
    return (AuditEntry.objects.count(), *rows)


def _to_login(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        resolve_url(settings.LOGIN_URL) + "?next="
    )


def _leaks(response: Any) -> bool:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    return any(secret in text for secret in SECRETS)


def test_staff_urls_keep_the_public_and_other_units_out(
    world: World, outsiders: list[User]
) -> None:
    anonymous = Client()
    others = []
    for user in outsiders:
        client = Client()
        client.force_login(user)
        others.append(client)
    problems: list[str] = []
    tried = 0
    for route, name in site_urls():
        if not protected(route, name):
            continue
        rule = STAFF[name]
        url = reverse(name, kwargs=rule.kwargs(world))
        before = _state(world)
        for method in ("get", "post"):
            tried += 1
            response = getattr(anonymous, method)(url)
            if not (_to_login(response) or response.status_code == 405):
                problems.append(
                    f"anonymous {method.upper()} {url} ({name}): {response.status_code}"
                )
            for user, other in zip(outsiders, others, strict=True):
                response = getattr(other, method)(url)
                status = response.status_code
                who = f"{user.username} {method.upper()} {url} ({name})"
                if rule.outsider == DENY and status not in (403, 404, 405):
                    problems.append(f"{who}: {status}")
                elif rule.outsider == ANY and status == 200 and _leaks(response):
                    problems.append(f"{who}: shows unit X's data")
        after = _state(world)
        # A page of one's own may audit what one did there (a failed password change); unit
        # X's rows stay as they were whatever the page.
        if after[rule.outsider == ANY :] != before[rule.outsider == ANY :]:
            problems.append(f"{url} ({name}): a refused request changed something")
    assert tried > 200
    assert problems == [], "\n".join(problems)


def test_public_urls_never_show_unit_xs_unpublished_work(world: World, outsider: User) -> None:
    other = Client()
    other.force_login(outsider)
    problems = []
    for name, kwargs in PUBLIC.items():
        url = NOT_FOUND_PATH if name == "api:not_found" else reverse(name, kwargs=kwargs(world))
        for who, client in (("anonymous", Client()), ("other unit", other)):
            response = client.get(url, {"q": "内部草稿", "unit": world.unit.code})
            if name in PUBLIC_UNPUBLISHED and response.status_code != 404:
                problems.append(f"{who} GET {url} ({name}): {response.status_code}")
            elif response.status_code == 200 and _leaks(response):
                problems.append(f"{who} GET {url} ({name}): shows unit X's data")
    assert problems == [], "\n".join(problems)


def test_the_admin_site_needs_a_django_staff_account(outsider: User) -> None:
    assert _to_login_admin(Client().get("/admin/"))
    other = Client()
    other.force_login(outsider)
    assert _to_login_admin(other.get("/admin/orgs/user/"))


def _to_login_admin(response: Any) -> bool:
    return response.status_code == 302 and "/admin/login/" in response["Location"]
