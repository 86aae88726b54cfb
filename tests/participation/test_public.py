"""The public pages of participation: the comment form's spam guards (trap field, minimum fill
time, throttles), what the public sees of comments and feedback, and the column's pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from gongkai.orgs.models import Unit, User
from gongkai.participation import services
from gongkai.participation.forms import started_token
from gongkai.participation.models import Comment, Consultation
from tests.participation.conftest import make_consultation

pytestmark = pytest.mark.django_db


def _url(consultation: Consultation) -> str:
    return f"/participation/consultation/{consultation.pk}/"


def _post(client: Client, consultation: Consultation, traveller: Any, **extra: str) -> Any:
    """Load the form, wait like a reader, post."""
    client.get(_url(consultation))
    token = started_token(consultation.pk)
    traveller.shift(dt.timedelta(seconds=30))
    data = {"text": "建议增加社区食堂。", "name": "", "contact": "", "started": token, **extra}
    return client.post(_url(consultation), data)


def test_comment_accepted_and_waits(consultation: Consultation, frozen: Any) -> None:
    client = Client()
    response = _post(client, consultation, frozen, name="张三", contact="13907971234")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.state == "pending" and comment.contact == "13907971234"
    page = client.get(_url(consultation)).content.decode()
    assert "建议增加社区食堂" not in page  # not before moderation
    assert "经审核后公开" in page


def test_honeypot_stores_nothing(consultation: Consultation, frozen: Any) -> None:
    response = _post(Client(), consultation, frozen, hp_note="http://spam.example")
    assert response.status_code == 302  # a robot is told nothing
    assert not Comment.objects.exists()


def test_too_fast_is_refused(consultation: Consultation, frozen: Any) -> None:
    client = Client()
    token = started_token(consultation.pk)
    frozen.shift(dt.timedelta(seconds=2))
    response = client.post(_url(consultation), {"text": "快", "started": token})
    assert response.status_code == 400
    assert "提交太快" in response.content.decode()
    # A token of another consultation, or a forged one, is refused too.
    response = client.post(_url(consultation), {"text": "x", "started": "1:forged"})
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_throttle_per_consultation_and_address(
    consultation: Consultation, frozen: Any, editor: User, department: Unit
) -> None:
    client = Client()
    for _ in range(3):
        assert _post(client, consultation, frozen).status_code == 302
    response = _post(client, consultation, frozen)
    assert response.status_code == 429
    assert "过于频繁" in response.content.decode()
    assert Comment.objects.count() == 3
    # Another consultation from the same address still takes comments, up to the address limit.
    other = make_consultation(editor, department)
    assert _post(client, other, frozen).status_code == 302


def test_no_form_before_or_after(editor: User, department: Unit) -> None:
    with time_machine.travel("2025-05-20 10:00 +0800", tick=False):
        consultation = make_consultation(editor, department)
        page = Client().get(_url(consultation)).content.decode()
        assert "提交意见</button>" not in page and "征求意见将于" in page
    with time_machine.travel("2025-07-01 10:00 +0800", tick=False) as traveller:
        client = Client()
        response = client.post(
            _url(consultation), {"text": "迟到的意见", "started": started_token(consultation.pk)}
        )
        traveller.shift(dt.timedelta(seconds=1))
        assert response.status_code == 400
        assert "征求意见已截止" in client.get(_url(consultation)).content.decode()
    assert not Comment.objects.exists()


def test_draft_is_not_public(frozen: Any, editor: User, department: Unit) -> None:
    draft = make_consultation(editor, department, publish=False)
    assert Client().get(_url(draft)).status_code == 404


def test_published_page_shows_masked_comments_and_feedback(
    consultation: Consultation, editor: User
) -> None:
    comment = services.comment_submit(
        consultation=consultation,
        name="王秀英",
        contact="wxy@example.com",
        text="身份证360735198506151233，建议延长开放时间。",
    )
    refused = services.comment_submit(consultation=consultation, text="广告内容甲乙")
    services.comment_publish(actor=editor, comment=comment)
    services.comment_refuse(actor=editor, comment=refused, reason="广告信息")
    with time_machine.travel("2025-07-02 10:00 +0800", tick=False):
        services.comment_adopt(
            actor=editor, comment=comment, adoption="not_adopted", reason="人手不足，暂不延长"
        )
        services.feedback_publish(actor=editor, consultation=consultation, text="感谢参与")
        page = Client().get(_url(consultation)).content.decode()
    assert "建议延长开放时间" in page
    assert "360735198506151233" not in page
    assert "wxy@example.com" not in page and "王秀英" not in page and "王*英" in page
    assert "广告内容甲乙" not in page
    assert "共收到意见2条，其中采纳0条，部分采纳0条，未采纳1条" in page
    assert "人手不足，暂不延长" in page
    assert "广告信息（1条）" in page


def test_column_pages(
    frozen: Any, consultation: Consultation, office: User, department: Unit
) -> None:
    services.decision_create(
        actor=office,
        year=2025,
        number=1,
        matter="石城县养老服务设施布局规划",
        unit=department,
        planned_time="2025年第三季度",
        hearing=True,
    )
    meeting = services.meeting_save(
        actor=office,
        title="县政府第1次常务会议",
        held_on=dt.date(2025, 6, 1),
        topics="议题一\n议题二",
        materials="纪要\nhttps://example.gov.cn/a.pdf",
        video_url="https://video.example.gov.cn/1",
    )
    client = Client()
    index = client.get("/participation/").content.decode()
    assert consultation.title in index and "还剩16天" in index
    decisions = client.get("/participation/decisions/2025/")
    assert "石城县养老服务设施布局规划" in decisions.content.decode()
    export = client.get("/participation/decisions/2025/export.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")
    assert client.get("/participation/decisions/1999/").status_code == 404
    page = client.get(f"/participation/meetings/{meeting.pk}/").content.decode()
    assert "议题二" in page and 'href="https://video.example.gov.cn/1"' in page


def test_staff_pages(
    consultation: Consultation, editor: User, other_editor: User, client: Client
) -> None:
    comment = services.comment_submit(consultation=consultation, text="意见", contact="13907971234")
    client.force_login(editor)
    page = client.get(f"/staff/participation/consultations/{consultation.pk}/")
    assert page.status_code == 200 and "13907971234" in page.content.decode()
    assert client.get("/staff/participation/").status_code == 200
    response = client.post(
        f"/staff/participation/comments/{comment.pk}/refuse/", {"reason": "与主题无关"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.state == "refused"
    outsider = Client()
    outsider.force_login(other_editor)
    assert outsider.get(f"/staff/participation/consultations/{consultation.pk}/").status_code == 404
    assert outsider.post(f"/staff/participation/comments/{comment.pk}/publish/").status_code == 404
    comment.refresh_from_db()
    assert comment.state == "refused"
