"""Every change to public participation: the decisions catalog, consultations and their comments,
the feedback, meetings and participation matters.

Each function checks permission (gongkai.orgs.permissions) and the allowed transition, validates,
saves and writes the audit entry in one transaction. The public's comments come in through
``comment_submit`` (no actor: spam checks and throttles are the page's, before it calls here).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db import transaction

from gongkai import textcheck
from gongkai.core import clock
from gongkai.core.audit import audit
from gongkai.core.errors import InvalidTransition, ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit
from gongkai.participation.models import (
    MIN_CONSULTATION_DAYS,
    Adoption,
    Comment,
    CommentState,
    Consultation,
    ConsultationStatus,
    Decision,
    DecisionStatus,
    Matter,
    Meeting,
)
from gongkai.publications import checks, masking

CONSULTATION_ALLOWED: dict[str, set[str]] = {
    ConsultationStatus.DRAFT: {ConsultationStatus.PUBLISHED},
    ConsultationStatus.PUBLISHED: {ConsultationStatus.FEEDBACK},
    ConsultationStatus.FEEDBACK: set(),
}
# A moderator may change their mind either way; a comment is never removed.
COMMENT_ALLOWED: dict[str, set[str]] = {
    CommentState.PENDING: {CommentState.PUBLISHED, CommentState.REFUSED},
    CommentState.PUBLISHED: {CommentState.REFUSED},
    CommentState.REFUSED: {CommentState.PUBLISHED},
}
MAX_COMMENT_CHARS = 5000


def _changes(obj: Any, values: dict[str, Any]) -> dict[str, list[str]]:
    """{field: [before, after]} of the values that differ, as text for the audit entry."""
    changed: dict[str, list[str]] = {}
    for name, value in values.items():
        before = getattr(obj, name)
        if before != value:
            changed[name] = [str(before), str(value)]
    return changed


# ---------------------------------------------------------------------------- decisions catalog

DECISION_FIELDS = ("year", "number", "matter", "unit", "planned_time", "hearing", "status", "note")
# What the undertaking unit may change on its own rows; the rest is the office's catalog.
UNIT_DECISION_FIELDS = frozenset({"planned_time", "hearing", "status", "note"})


def _check_decision(values: dict[str, Any]) -> None:
    if not str(values.get("matter", "")).strip():
        raise ValidationFailed("请填写决策事项。", log="decision: empty matter")
    status = values.get("status")
    if (
        status in (DecisionStatus.ADJUSTED, DecisionStatus.WITHDRAWN)
        and not str(values.get("note", "")).strip()
    ):
        raise ValidationFailed(
            "调整或撤销决策事项时，请在备注中说明调整内容或撤销理由。", log="decision: no note"
        )


@transaction.atomic
def decision_create(
    *,
    actor: Any,
    year: int,
    number: int,
    matter: str,
    unit: Unit,
    planned_time: str,
    hearing: bool = False,
    status: str = DecisionStatus.DRAFTING,
    note: str = "",
) -> Decision:
    """Add a row to a year's catalog (the office). Published on the portal at once: the catalog
    is approved by the county government before the office enters it."""
    permissions.require(
        permissions.can_manage_participation(actor),
        "只有县政务公开办可以编制重大行政决策事项目录。",
    )
    values = {
        "year": year,
        "number": number,
        "matter": matter.strip(),
        "unit": unit,
        "planned_time": planned_time.strip(),
        "hearing": hearing,
        "status": status,
        "note": note.strip(),
    }
    _check_decision(values)
    if Decision.objects.filter(year=year, number=number).exists():
        raise ValidationFailed(
            f"{year}年目录已有序号{number}，请换一个序号。", log="decision: duplicate number"
        )
    decision = Decision.objects.create(**values)
    audit(
        actor=actor,
        action="participation.decision_create",
        target=decision,
        unit_code=unit.code,
        summary=f"{year}年重大行政决策事项：{decision.matter}",
    )
    return decision


@transaction.atomic
def decision_update(*, actor: Any, decision: Decision, **values: Any) -> Decision:
    """Change a row: the office any field, the undertaking unit its time, hearing, status and
    note. The page shows the row's updated date; the audit entry keeps before and after."""
    permissions.require(
        permissions.can_edit_decision_of(actor, decision.unit),
        "只有县政务公开办或承办单位可以更新该决策事项。",
    )
    unknown = set(values) - set(DECISION_FIELDS)
    if unknown:
        raise ValueError(f"unknown decision fields: {sorted(unknown)}")
    if not permissions.can_manage_participation(actor):
        values = {k: v for k, v in values.items() if k in UNIT_DECISION_FIELDS}
    if isinstance(values.get("matter"), str):
        values["matter"] = values["matter"].strip()
    merged = {name: getattr(decision, name) for name in DECISION_FIELDS} | values
    _check_decision(merged)
    if (
        Decision.objects.filter(year=merged["year"], number=merged["number"])
        .exclude(pk=decision.pk)
        .exists()
    ):
        raise ValidationFailed("该年度目录已有这个序号，请换一个序号。", log="decision: duplicate")
    changes = _changes(decision, values)
    if not changes:
        return decision
    for name, value in values.items():
        setattr(decision, name, value)
    decision.save()
    audit(
        actor=actor,
        action="participation.decision_update",
        target=decision,
        unit_code=decision.unit.code,
        summary=f"更新重大行政决策事项：{decision.matter}",
        data={"changes": changes},
    )
    return decision


# ---------------------------------------------------------------------------- consultations


def period_problem(opens_on: dt.date, closes_on: dt.date, short_reason: str) -> str:
    """Why the period cannot be used, or "": the close must not precede the opening, and a
    period under 30 days (both ends counted) needs its reason (重大行政决策程序暂行条例第十五条:
    公开征求意见的期限一般不少于30日)."""
    if closes_on < opens_on:
        return "截止日期不能早于开始日期。"
    days = (closes_on - opens_on).days + 1
    if days < MIN_CONSULTATION_DAYS and not short_reason.strip():
        return (
            f"征求意见期限为{days}日，少于30日（《重大行政决策程序暂行条例》第十五条：一般不少于30日），"
            "请填写缩短期限的理由，理由将向社会公开。"
        )
    return ""


CONSULTATION_FIELDS = (
    "title",
    "decision",
    "summary",
    "draft_text",
    "attachment_url",
    "opens_on",
    "closes_on",
    "short_reason",
)


def _check_consultation(values: dict[str, Any]) -> None:
    if not str(values.get("title", "")).strip() or not str(values.get("draft_text", "")).strip():
        raise ValidationFailed("请填写标题和征求意见稿。", log="consultation: empty")
    problem = period_problem(values["opens_on"], values["closes_on"], values["short_reason"])
    if problem:
        raise ValidationFailed(problem, log="consultation: period")


@transaction.atomic
def consultation_create(*, actor: Any, unit: Unit, **values: Any) -> Consultation:
    """Draft a consultation for ``unit`` (its editor or reviewer, or the office)."""
    permissions.require(
        permissions.can_run_consultation_of(actor, unit),
        "只有起草单位或县政务公开办可以起草征求意见。",
    )
    values = {name: values.get(name, "") for name in CONSULTATION_FIELDS} | {
        "decision": values.get("decision")
    }
    values["short_reason"] = str(values["short_reason"] or "").strip()
    _check_consultation(values)
    consultation = Consultation.objects.create(
        unit=unit, created_by=actor if getattr(actor, "is_authenticated", False) else None, **values
    )
    audit(
        actor=actor,
        action="participation.consultation_create",
        target=consultation,
        unit_code=unit.code,
        summary=f"起草征求意见：{consultation.title}",
    )
    return consultation


@transaction.atomic
def consultation_update(*, actor: Any, consultation: Consultation, **values: Any) -> Consultation:
    """Edit a consultation before it is published; after that only its close may move later
    (an extension), so what the public commented on stays what was published."""
    permissions.require(
        permissions.can_run_consultation_of(actor, consultation.unit),
        "只有起草单位或县政务公开办可以修改征求意见。",
    )
    unknown = set(values) - set(CONSULTATION_FIELDS)
    if unknown:
        raise ValueError(f"unknown consultation fields: {sorted(unknown)}")
    if consultation.status == ConsultationStatus.FEEDBACK:
        raise InvalidTransition("已发布反馈的征求意见不能修改。", log="consultation: feedback")
    if consultation.status == ConsultationStatus.PUBLISHED:
        changed = {k for k, v in values.items() if getattr(consultation, k) != v}
        if changed - {"closes_on", "short_reason"}:
            raise InvalidTransition(
                "征求意见已发布，只能延长截止日期；内容需要修改的，请重新发布征求意见。",
                log="consultation: published edit",
            )
        if values.get("closes_on", consultation.closes_on) < consultation.closes_on:
            raise InvalidTransition("已发布的征求意见不能提前截止。", log="consultation: shorten")
    merged = {name: getattr(consultation, name) for name in CONSULTATION_FIELDS} | values
    merged["short_reason"] = str(merged["short_reason"] or "").strip()
    _check_consultation(merged)
    changes = _changes(consultation, values)
    for name, value in merged.items():
        setattr(consultation, name, value)
    consultation.save()
    audit(
        actor=actor,
        action="participation.consultation_update",
        target=consultation,
        unit_code=consultation.unit.code,
        summary=f"修改征求意见：{consultation.title}",
        data={"changes": changes},
    )
    return consultation


@transaction.atomic
def consultation_publish(*, actor: Any, consultation: Consultation) -> Consultation:
    """Publish the draft on the portal; comments are taken from ``opens_on`` to ``closes_on``.
    A period that has already ended cannot be published."""
    permissions.require(
        permissions.can_run_consultation_of(actor, consultation.unit),
        "只有起草单位或县政务公开办可以发布征求意见。",
    )
    _transition(consultation, ConsultationStatus.PUBLISHED)
    _check_consultation({name: getattr(consultation, name) for name in CONSULTATION_FIELDS})
    if consultation.closes_on < clock.today():
        raise ValidationFailed("截止日期已过，请修改日期后再发布。", log="consultation: past")
    consultation.status = ConsultationStatus.PUBLISHED
    consultation.published_at = clock.now()
    consultation.save(update_fields=["status", "published_at", "updated_at"])
    audit(
        actor=actor,
        action="participation.consultation_publish",
        target=consultation,
        unit_code=consultation.unit.code,
        summary=f"发布征求意见：{consultation.title}（{consultation.days}日）",
        data={"short_reason": consultation.short_reason} if consultation.is_short else {},
    )
    return consultation


def _transition(consultation: Consultation, to: str) -> None:
    if to not in CONSULTATION_ALLOWED[consultation.status]:
        raise InvalidTransition(
            f"“{consultation.get_status_display()}”的征求意见不能这样操作。",
            log=f"consultation {consultation.pk}: {consultation.status} -> {to}",
        )


# ---------------------------------------------------------------------------- comments


@transaction.atomic
def comment_submit(
    *, consultation: Consultation, text: str, name: str = "", contact: str = ""
) -> Comment:
    """Take one comment from the public while the consultation is open (county date); it waits
    for moderation. Spam checks and throttles are the page's, before this is called."""
    if not consultation.is_open_on(clock.today()):
        raise ValidationFailed(
            "该征求意见不在征求期内，不能提交意见。", log="comment: consultation not open"
        )
    text = text.strip()
    if not text:
        raise ValidationFailed("请填写意见内容。", log="comment: empty")
    if len(text) > MAX_COMMENT_CHARS:
        raise ValidationFailed(
            f"意见内容请不要超过{MAX_COMMENT_CHARS}字。", log="comment: too long"
        )
    comment = Comment.objects.create(
        consultation=consultation, name=name.strip(), contact=contact.strip(), text=text
    )
    audit(
        actor=None,
        action="participation.comment_submit",
        target=comment,
        unit_code=consultation.unit.code,
        summary=f"收到公众意见：{consultation.title}",
    )
    return comment


def masked_comment(text: str, name: str) -> tuple[str, str]:
    """The published text and signature of a comment: ID, bank-card and phone numbers masked by
    the checks before publishing (gongkai.publications.masking), the name masked as publicity
    lists mask names (张*明); no name is signed 网友."""
    published = masking.mask_plain(text, checks.checker()).text
    signature = textcheck.mask_name(name) if name else "网友"
    return published, signature


def _require_moderator(actor: Any, consultation: Consultation) -> None:
    permissions.require(
        permissions.can_run_consultation_of(actor, consultation.unit),
        "只有起草单位或县政务公开办可以审核该征求意见的留言。",
    )


@transaction.atomic
def comment_publish(*, actor: Any, comment: Comment) -> Comment:
    """Publish a comment with its personal data masked; the original is kept as received."""
    _require_moderator(actor, comment.consultation)
    _comment_transition(comment, CommentState.PUBLISHED)
    comment.published_text, comment.published_name = masked_comment(comment.text, comment.name)
    comment.refusal_reason = ""
    return _moderated(
        actor,
        comment,
        CommentState.PUBLISHED,
        "publish",
        f"公开公众意见：{comment.consultation.title}",
    )


@transaction.atomic
def comment_refuse(*, actor: Any, comment: Comment, reason: str) -> Comment:
    """Keep a comment off the public page with its reason; it still counts as received."""
    _require_moderator(actor, comment.consultation)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请填写不予公开的理由。", log="comment: refuse without reason")
    _comment_transition(comment, CommentState.REFUSED)
    comment.refusal_reason = reason[:300]
    comment.published_text = ""
    return _moderated(
        actor,
        comment,
        CommentState.REFUSED,
        "refuse",
        f"不予公开公众意见：{comment.refusal_reason}",
    )


def _moderated(actor: Any, comment: Comment, state: str, verb: str, summary: str) -> Comment:
    """Save a moderation step (the new state, who and when, and the texts the caller set) and
    write its audit entry: publishing and refusing differ only in what they set before it."""
    comment.state = state
    comment.moderated_by = actor
    comment.moderated_at = clock.now()
    comment.save(
        update_fields=[
            "state",
            "refusal_reason",
            "published_text",
            "published_name",
            "moderated_by",
            "moderated_at",
            "updated_at",
        ]
    )
    audit(
        actor=actor,
        action=f"participation.comment_{verb}",
        target=comment,
        unit_code=comment.consultation.unit.code,
        summary=summary,
    )
    return comment


def _comment_transition(comment: Comment, to: str) -> None:
    if comment.consultation.status == ConsultationStatus.FEEDBACK:
        raise InvalidTransition("反馈已发布，留言不能再改变。", log="comment: after feedback")
    if to not in COMMENT_ALLOWED[comment.state]:
        raise InvalidTransition(
            f"“{comment.get_state_display()}”的留言不能这样操作。",
            log=f"comment {comment.pk}: {comment.state} -> {to}",
        )


@transaction.atomic
def comment_adopt(*, actor: Any, comment: Comment, adoption: str, reason: str = "") -> Comment:
    """Record whether an opinion was adopted; not (or partly) adopted needs the reason, which
    the feedback publishes."""
    _require_moderator(actor, comment.consultation)
    if comment.consultation.status == ConsultationStatus.FEEDBACK:
        raise InvalidTransition("反馈已发布，采纳情况不能再改变。", log="adopt: after feedback")
    if adoption not in Adoption.values or adoption == Adoption.UNDECIDED:
        raise ValidationFailed("请选择采纳情况。", log="adopt: bad value")
    reason = reason.strip()
    if adoption in (Adoption.NOT_ADOPTED, Adoption.PARTLY) and not reason:
        raise ValidationFailed("未采纳或部分采纳的意见，请说明理由。", log="adopt: no reason")
    comment.adoption = adoption
    comment.adoption_reason = reason
    comment.save(update_fields=["adoption", "adoption_reason", "updated_at"])
    audit(
        actor=actor,
        action="participation.comment_adopt",
        target=comment,
        unit_code=comment.consultation.unit.code,
        summary=f"采纳情况：{comment.get_adoption_display()}",
    )
    return comment


@transaction.atomic
def feedback_publish(*, actor: Any, consultation: Consultation, text: str) -> Consultation:
    """Publish the feedback (意见采纳情况反馈) once the period has ended: every comment moderated,
    every published one marked adopted or not, with reasons for those not adopted."""
    _require_moderator(actor, consultation)
    _transition(consultation, ConsultationStatus.FEEDBACK)
    if consultation.closes_on >= clock.today():
        raise ValidationFailed("征求意见期结束后才能发布采纳情况反馈。", log="feedback: still open")
    comments = list(consultation.comments.all())
    problems = []
    if any(c.state == CommentState.PENDING for c in comments):
        problems.append("还有待审核的留言。")
    if any(c.state == CommentState.PUBLISHED and not c.adoption for c in comments):
        problems.append("还有已公开的意见未填写采纳情况。")
    if problems:
        raise ValidationFailed(
            "反馈还不能发布：" + "".join(problems), log="feedback: incomplete", problems=problems
        )
    consultation.status = ConsultationStatus.FEEDBACK
    consultation.feedback_text = text.strip()
    consultation.feedback_at = clock.now()
    consultation.save(update_fields=["status", "feedback_text", "feedback_at", "updated_at"])
    audit(
        actor=actor,
        action="participation.feedback_publish",
        target=consultation,
        unit_code=consultation.unit.code,
        summary=f"发布意见采纳情况反馈：{consultation.title}",
        data={"comments": len(comments)},
    )
    return consultation


# ---------------------------------------------------------------------------- meetings, matters

MEETING_FIELDS = ("title", "held_on", "topics", "materials", "video_url")
MATTER_FIELDS = ("title", "unit", "ways", "description", "link", "is_active")


def _require_office(actor: Any) -> None:
    permissions.require(
        permissions.can_manage_participation(actor), "只有县政务公开办可以维护该栏目。"
    )


@transaction.atomic
def meeting_save(*, actor: Any, meeting: Meeting | None = None, **values: Any) -> Meeting:
    """Add or change a published executive meeting (会议公开)."""
    saved = _office_row_save(
        actor, Meeting, meeting, values, MEETING_FIELDS, "会议名称", "meeting_save", "会议公开"
    )
    return cast(Meeting, saved)


@transaction.atomic
def matter_save(*, actor: Any, matter: Matter | None = None, **values: Any) -> Matter:
    """Add or change a matter open to public participation."""
    saved = _office_row_save(
        actor, Matter, matter, values, MATTER_FIELDS, "事项名称", "matter_save", "公众参与事项"
    )
    return cast(Matter, saved)


def _office_row_save(
    actor: Any,
    model: type[Meeting] | type[Matter],
    row: Meeting | Matter | None,
    values: dict[str, Any],
    fields: Any,
    title_label: str,
    verb: str,
    what: str,
) -> Meeting | Matter:
    """The office's rows of the column (meetings, participation matters): checked, created or
    changed, and audited with what changed — the same steps for both kinds."""
    _require_office(actor)
    values = {k: v for k, v in values.items() if k in fields}
    if not str(values.get("title", row.title if row else "")).strip():
        raise ValidationFailed(f"请填写{title_label}。", log=f"{verb}: empty title")
    changes = _changes(row, values) if row else {}
    if row is None:
        row = model.objects.create(**values)
    else:
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
    unit = getattr(row, "unit", None)
    audit(
        actor=actor,
        action=f"participation.{verb}",
        target=row,
        unit_code=unit.code if unit is not None else "",
        summary=f"{what}：{row.title}",
        data={"changes": changes},
    )
    return row
