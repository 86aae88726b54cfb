"""The demo's public participation (issue 13): a consultation from draft to published feedback,
one open, a short one with its reason, this year's catalog and meetings."""

from __future__ import annotations

import pytest
from django.test import Client

from gongkai.core.models import AuditEntry
from gongkai.participation import selectors
from gongkai.participation.models import Decision, DecisionStatus, Meeting

pytestmark = pytest.mark.django_db


def test_demo_participation(demo: str) -> None:
    rows = selectors.consultation_rows()
    finished = rows["feedback"][0].consultation
    numbers = selectors.feedback(finished)
    assert (numbers.received, numbers.adopted, numbers.partly, numbers.not_adopted) == (5, 2, 1, 1)
    assert numbers.refused == 1
    assert len(rows["open"]) == 2
    short = [r.consultation for r in rows["open"] if r.consultation.is_short]
    assert len(short) == 1 and short[0].short_reason
    assert Decision.objects.filter(year=2026).count() == 6
    assert Decision.objects.filter(status=DecisionStatus.WITHDRAWN).exclude(note="").exists()
    assert Meeting.objects.exclude(video_url="").exists()
    assert AuditEntry.objects.filter(action="participation.feedback_publish").count() == 1
    page = Client().get(f"/participation/consultation/{finished.pk}/").content.decode()
    assert "360735198506151233" not in page and "360735********1233" in page
    assert "未采纳1条" in page
