"""The rules of public participation through its services: the 30-day period (暂行条例第十五条),
comments only while open, moderation that never loses a comment, masking, feedback counts and
who may do what."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
import time_machine
from django.db import models

from gongkai.core.errors import AccessDenied, GongkaiError, InvalidTransition, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from gongkai.participation import exports, selectors, services
from gongkai.participation.models import (
    Adoption,
    Comment,
    CommentState,
    Consultation,
    ConsultationStatus,
    DecisionStatus,
)
from tests.participation.conftest import make_consultation

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def refused(kind: type[GongkaiError], says: str) -> Iterator[None]:
    """Expect ``kind`` with ``says`` in its Chinese message (the exception's str is the log)."""
    with pytest.raises(kind) as caught:
        yield
    assert says in caught.value.message


# ---------------------------------------------------------------------------- the 30-day period


@pytest.mark.parametrize(
    ("closes_on", "reason", "problem"),
    [
        (dt.date(2025, 6, 30), "", False),  # 30 days, both ends counted
        (dt.date(2025, 6, 29), "", True),  # 29 days needs a reason
        (dt.date(2025, 6, 29), "情况紧急", False),
        (dt.date(2025, 6, 1), "   ", True),  # blank reason is no reason
        (dt.date(2025, 5, 31), "情况紧急", True),  # closes before it opens
    ],
)
def test_period_under_30_days_needs_a_reason(
    closes_on: dt.date, reason: str, problem: bool
) -> None:
    found = services.period_problem(dt.date(2025, 6, 1), closes_on, reason)
    assert bool(found) is problem
    if problem and closes_on >= dt.date(2025, 6, 1):
        assert "少于30日" in found and "第十五条" in found


def test_short_consultation_keeps_and_shows_its_reason(
    frozen: Any, editor: User, department: Unit, client: Any
) -> None:
    with refused(ValidationFailed, "少于30日"):
        make_consultation(editor, department, closes_on=dt.date(2025, 6, 15))
    short = make_consultation(
        editor, department, closes_on=dt.date(2025, 6, 15), short_reason="防汛工作急需，缩短为15日"
    )
    assert short.is_short and short.days == 15
    page = client.get(f"/participation/consultation/{short.pk}/").content.decode()
    assert "防汛工作急需，缩短为15日" in page
    assert "期限少于30日的理由" in page


# ---------------------------------------------------------------------------- open and close


def test_comments_only_while_open(editor: User, department: Unit) -> None:
    with time_machine.travel("2025-05-20 10:00 +0800", tick=False):
        consultation = make_consultation(editor, department)
        with refused(ValidationFailed, "不在征求期内"):
            services.comment_submit(consultation=consultation, text="太早了")
    for moment in ("2025-06-01 00:01 +0800", "2025-06-30 23:59 +0800"):
        with time_machine.travel(moment, tick=False):
            services.comment_submit(consultation=consultation, text="期内的意见")
    with (
        time_machine.travel("2025-07-01 00:01 +0800", tick=False),
        refused(ValidationFailed, "不在征求期内"),
    ):
        services.comment_submit(consultation=consultation, text="太晚了")
    assert consultation.comments.count() == 2


def test_draft_takes_no_comments(frozen: Any, editor: User, department: Unit) -> None:
    draft = make_consultation(editor, department, publish=False)
    with pytest.raises(ValidationFailed):
        services.comment_submit(consultation=draft, text="草稿")


def test_published_consultation_only_extends(consultation: Consultation, editor: User) -> None:
    with pytest.raises(InvalidTransition):
        services.consultation_update(actor=editor, consultation=consultation, draft_text="改了内容")
    with pytest.raises(InvalidTransition):
        services.consultation_update(
            actor=editor, consultation=consultation, closes_on=dt.date(2025, 6, 20)
        )
    services.consultation_update(
        actor=editor, consultation=consultation, closes_on=dt.date(2025, 7, 10)
    )
    assert consultation.closes_on == dt.date(2025, 7, 10)


# ---------------------------------------------------------------------------- moderation


def test_refused_comment_is_kept_with_its_reason(consultation: Consultation, editor: User) -> None:
    comment = services.comment_submit(consultation=consultation, text="广告：加微信")
    with pytest.raises(ValidationFailed):
        services.comment_refuse(actor=editor, comment=comment, reason=" ")
    services.comment_refuse(actor=editor, comment=comment, reason="广告信息")
    kept = Comment.objects.get(pk=comment.pk)
    assert kept.state == CommentState.REFUSED
    assert kept.refusal_reason == "广告信息"
    assert kept.text == "广告：加微信"
    assert not selectors.published_comments(consultation).exists()
    assert AuditEntry.objects.filter(action="participation.comment_refuse").count() == 1


def test_published_comment_is_masked(consultation: Consultation, editor: User) -> None:
    comment = services.comment_submit(
        consultation=consultation,
        name="王秀英",
        contact="13807975678",
        text="我的身份证号360735198506151233，电话13807971234，建议增加养老床位。",
    )
    services.comment_publish(actor=editor, comment=comment)
    comment.refresh_from_db()
    assert "360735198506151233" not in comment.published_text
    assert "13807971234" not in comment.published_text
    assert "建议增加养老床位" in comment.published_text
    assert comment.published_name == "王*英"
    assert "360735198506151233" in comment.text  # the original is kept for the unit


def test_another_unit_cannot_moderate(
    consultation: Consultation, other_editor: User, village_clerk: User, office: User
) -> None:
    comment = services.comment_submit(consultation=consultation, text="意见")
    for outsider in (other_editor, village_clerk):
        with pytest.raises(AccessDenied):
            services.comment_publish(actor=outsider, comment=comment)
        with pytest.raises(AccessDenied):
            services.comment_refuse(actor=outsider, comment=comment, reason="无关")
        with pytest.raises(AccessDenied):
            services.feedback_publish(actor=outsider, consultation=consultation, text="")
    services.comment_publish(actor=office, comment=comment)  # the office may


def test_another_unit_cannot_draft_for_a_unit(
    frozen: Any, other_editor: User, department: Unit
) -> None:
    with pytest.raises(AccessDenied):
        make_consultation(other_editor, department)


# ---------------------------------------------------------------------------- feedback


def test_feedback_counts_and_preconditions(consultation: Consultation, editor: User) -> None:
    texts = ["采纳的意见", "部分采纳的意见", "未采纳的意见一", "未采纳的意见二", "广告"]
    comments = [services.comment_submit(consultation=consultation, text=t) for t in texts]
    with refused(ValidationFailed, "征求意见期结束后"):
        services.feedback_publish(actor=editor, consultation=consultation, text="")
    with time_machine.travel("2025-07-02 10:00 +0800", tick=False):
        with refused(ValidationFailed, "待审核"):
            services.feedback_publish(actor=editor, consultation=consultation, text="")
        for comment in comments[:4]:
            services.comment_publish(actor=editor, comment=comment)
        services.comment_refuse(actor=editor, comment=comments[4], reason="广告信息")
        with refused(ValidationFailed, "未填写采纳情况"):
            services.feedback_publish(actor=editor, consultation=consultation, text="")
        with refused(ValidationFailed, "说明理由"):
            services.comment_adopt(actor=editor, comment=comments[2], adoption=Adoption.NOT_ADOPTED)
        services.comment_adopt(actor=editor, comment=comments[0], adoption=Adoption.ADOPTED)
        services.comment_adopt(
            actor=editor, comment=comments[1], adoption=Adoption.PARTLY, reason="部分已有规定"
        )
        for comment in comments[2:4]:
            services.comment_adopt(
                actor=editor, comment=comment, adoption=Adoption.NOT_ADOPTED, reason="超出权限"
            )
        services.feedback_publish(actor=editor, consultation=consultation, text="归类说明")
        with pytest.raises(InvalidTransition):
            services.comment_refuse(actor=editor, comment=comments[0], reason="改主意")
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.FEEDBACK
    numbers = selectors.feedback(consultation)
    assert (numbers.received, numbers.adopted, numbers.partly, numbers.not_adopted) == (5, 1, 1, 2)
    assert numbers.refused == 1 and numbers.refusals == [("广告信息", 1)]


# ---------------------------------------------------------------------------- decisions catalog


def test_decision_catalog_edits(
    frozen: Any, office: User, editor: User, other_editor: User, department: Unit
) -> None:
    with pytest.raises(AccessDenied):
        services.decision_create(
            actor=editor, year=2025, number=1, matter="x", unit=department, planned_time="6月"
        )
    decision = services.decision_create(
        actor=office,
        year=2025,
        number=1,
        matter='=HYPERLINK("http://evil.example","x")',
        unit=department,
        planned_time="2025年第三季度",
        hearing=True,
    )
    with pytest.raises(AccessDenied):
        services.decision_update(actor=other_editor, decision=decision, status="decided")
    with refused(ValidationFailed, "备注"):
        services.decision_update(actor=editor, decision=decision, status=DecisionStatus.ADJUSTED)
    # The undertaking unit updates its progress; the matter and unit stay the office's.
    services.decision_update(
        actor=editor,
        decision=decision,
        status=DecisionStatus.ADJUSTED,
        note="推迟到第四季度",
        matter="改名",
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.ADJUSTED and decision.matter.startswith("=HYPERLINK")
    entry = AuditEntry.objects.get(action="participation.decision_update")
    assert entry.data["changes"]["status"] == ["drafting", "adjusted"]
    # The export keeps the matter as text, never a formula.
    book = openpyxl.load_workbook(io.BytesIO(exports.decisions_xlsx(2025)))
    cell = book.active.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_consultation_models_never_deleted() -> None:
    field = Comment._meta.get_field("consultation")
    assert field.remote_field.on_delete is models.PROTECT
