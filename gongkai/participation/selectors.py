"""Reads of public participation: what the portal shows (published consultations with days left,
feedback counts, the catalog by year, meetings, matters) and what staff may open.

Who sees what: the public sees published consultations, published comments (masked) and the
feedback; the drafting unit's staff, the office and leaders see drafts and every comment with its
contact; other units' staff see only what the public sees.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from gongkai.core import clock
from gongkai.orgs import permissions
from gongkai.participation.models import (
    Adoption,
    Comment,
    CommentState,
    Consultation,
    ConsultationStatus,
    Decision,
    Matter,
    Meeting,
)

PUBLIC_STATUSES = (ConsultationStatus.PUBLISHED, ConsultationStatus.FEEDBACK)


# ---------------------------------------------------------------------------- the public's view


@dataclass(frozen=True)
class ConsultationRow:
    """A consultation as a list shows it: its phase in words and the days left while open."""

    consultation: Consultation
    phase: str  # upcoming / open / closed / feedback
    phase_label: str
    days_left: int  # while open: days to the close, the close day counted


def phase_of(consultation: Consultation, today: dt.date) -> tuple[str, str]:
    if consultation.status == ConsultationStatus.FEEDBACK:
        return "feedback", "已反馈"
    if consultation.status == ConsultationStatus.DRAFT:
        return "draft", "草稿"
    if today < consultation.opens_on:
        return "upcoming", "未开始"
    if today <= consultation.closes_on:
        return "open", "征求中"
    return "closed", "已截止"


def row(consultation: Consultation, today: dt.date) -> ConsultationRow:
    phase, label = phase_of(consultation, today)
    days_left = (consultation.closes_on - today).days + 1 if phase == "open" else 0
    return ConsultationRow(consultation, phase, label, days_left)


def public_consultations() -> QuerySet[Consultation]:
    return Consultation.objects.filter(status__in=PUBLIC_STATUSES).select_related("unit")


def consultation_rows(*, today: dt.date | None = None) -> dict[str, list[ConsultationRow]]:
    """The portal's lists: open (soonest close first), upcoming, closed awaiting feedback, and
    with feedback (latest first)."""
    today = today or clock.today()
    grouped: dict[str, list[ConsultationRow]] = {
        "open": [],
        "upcoming": [],
        "closed": [],
        "feedback": [],
    }
    for consultation in public_consultations():
        item = row(consultation, today)
        grouped[item.phase].append(item)
    grouped["open"].sort(key=lambda r: r.consultation.closes_on)
    return grouped


def public_consultation(pk: int) -> Consultation:
    """A published consultation, or 404 (a draft does not exist for the public)."""
    consultation = public_consultations().select_related("decision").filter(pk=pk).first()
    if consultation is None:
        raise Http404
    return consultation


def published_comments(consultation: Consultation) -> QuerySet[Comment]:
    """The comments the public may read (their masked text only)."""
    return consultation.comments.filter(state=CommentState.PUBLISHED)


@dataclass(frozen=True)
class Feedback:
    """The numbers of the published feedback, computed from the comments (never typed)."""

    received: int
    published: int
    refused: int
    adopted: int
    partly: int
    not_adopted: int
    # Reasons refused comments were kept off the page, with how many each.
    refusals: list[tuple[str, int]] = field(default_factory=list)


def feedback(consultation: Consultation) -> Feedback:
    states: Counter[str] = Counter()
    adoptions: Counter[str] = Counter()
    refusals: Counter[str] = Counter()
    for state, adoption, reason in consultation.comments.values_list(
        "state", "adoption", "refusal_reason"
    ):
        states[state] += 1
        if state == CommentState.PUBLISHED:
            adoptions[adoption] += 1
        elif state == CommentState.REFUSED:
            refusals[reason] += 1
    return Feedback(
        received=sum(states.values()),
        published=states[CommentState.PUBLISHED],
        refused=states[CommentState.REFUSED],
        adopted=adoptions[Adoption.ADOPTED],
        partly=adoptions[Adoption.PARTLY],
        not_adopted=adoptions[Adoption.NOT_ADOPTED],
        refusals=sorted(refusals.items(), key=lambda item: -item[1]),
    )


def decision_years() -> list[int]:
    """The years that have a catalog, latest first."""
    return list(Decision.objects.order_by("-year").values_list("year", flat=True).distinct())


def decisions_of(year: int) -> QuerySet[Decision]:
    return Decision.objects.filter(year=year).select_related("unit").order_by("number")


def meetings() -> QuerySet[Meeting]:
    return Meeting.objects.all()


def meeting(pk: int) -> Meeting:
    found = Meeting.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def matters(*, active_only: bool = True) -> QuerySet[Matter]:
    found = Matter.objects.select_related("unit")
    return found.filter(is_active=True) if active_only else found


# ---------------------------------------------------------------------------- staff


def _visible(user: Any) -> Q:
    ids = permissions.visible_unit_ids(user)
    if ids is None:
        return Q()
    return Q(unit_id__in=ids) | Q(status__in=PUBLIC_STATUSES)


def consultations_for(user: Any) -> QuerySet[Consultation]:
    """The consultations a staff member may open: every published one, and the drafts of the
    units they see."""
    return (
        Consultation.objects.filter(_visible(user))
        .select_related("unit")
        .annotate(
            comment_count=Count("comments"),
            pending_count=Count("comments", filter=Q(comments__state=CommentState.PENDING)),
        )
    )


def consultation_for(user: Any, pk: int) -> Consultation:
    """A consultation the user runs (the drafting unit's staff or the office), else 404: another
    unit's staff never see its comments' contacts or its drafts."""
    consultation = Consultation.objects.select_related("unit", "decision").filter(pk=pk).first()
    if consultation is None or not (
        permissions.can_run_consultation_of(user, consultation.unit)
        or (permissions.reads_everything(user))
    ):
        raise Http404
    return consultation


def comment_for(user: Any, pk: int) -> Comment:
    comment = Comment.objects.select_related("consultation__unit").filter(pk=pk).first()
    if comment is None or not permissions.can_run_consultation_of(user, comment.consultation.unit):
        raise Http404
    return comment


def decision_for(user: Any, pk: int) -> Decision:
    """A catalog row the user may edit (the office, or the undertaking unit), else 404."""
    decision = Decision.objects.select_related("unit").filter(pk=pk).first()
    if decision is None or not permissions.can_edit_decision_of(user, decision.unit):
        raise Http404
    return decision
