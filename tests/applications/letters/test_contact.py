"""Letters print the handling unit's enquiry telephone number when the unit has one."""

from __future__ import annotations

from gongkai.applications import letters, services
from gongkai.orgs.models import Unit, User
from tests.applications.letters.building import fresh, letter_text, register


def test_reply_letter_prints_the_units_phone(department: Unit, handler: User) -> None:
    department.phone = "0797-5712345"
    department.save()
    application = register(handler, department)
    services.application_accept(actor=handler, application=application)
    services.application_reply(
        actor=handler, application=fresh(application), on=application.received_on, outcome="grant"
    )
    letter = letters.letter_generate(
        actor=handler, application=fresh(application), kind="reply_grant"
    )
    assert "联系电话：0797-5712345" in letter_text(letter)
