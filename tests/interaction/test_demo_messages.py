"""The demo's messages (issue 13): one in each box; answered on time and published with the
writer's ID and phone masked, overdue, private, and unanswered over 3 months (flagged); loaded
once."""

from __future__ import annotations

import pytest
import time_machine

from gongkai.core import clock
from gongkai.demo.interaction import load_interaction
from gongkai.interaction import selectors
from gongkai.interaction.models import Box, Message, Status
from gongkai.orgs.models import Role, Unit, User
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@time_machine.travel("2025-06-30 10:00 +0800", tick=False)
def test_the_demo_messages_show_every_state(
    office: User, department: Unit, other_department: Unit
) -> None:
    handler = UserFactory(username="mzj_handler")
    MembershipFactory(user=handler, unit=department, role=Role.HANDLER)
    units = {"MZJ": department, "ZJJ": other_department}
    users = {"office": office, "mzj_handler": handler}
    assert load_interaction(units=units, users=users) == 5
    assert load_interaction(units=units, users=users) == 0
    assert set(Message.objects.values_list("box", flat=True)) == set(Box.values)
    today = clock.today()
    published = list(selectors.published_messages())
    assert {m.box for m in published} == {Box.CONSULT, Box.JIUCUO}
    consult = next(m for m in published if m.box == Box.CONSULT)
    assert consult.replied_on is not None and consult.due_on is not None
    assert consult.replied_on <= consult.due_on
    assert "360735198506151233" not in consult.public_body
    assert "13907971234" not in consult.public_body and "刘春生" not in consult.public_reply
    assert Message.objects.filter(allow_publish=False, status=Status.REPLIED).count() == 1
    assert selectors.overdue_count(units=None, today=today) == 2
    assert len(selectors.stale_messages(today)) == 1
