"""How applicants' personal data is shown to everyone but the handling unit and the office.

Identity numbers, contacts and addresses are visible only to the handling unit and the office
(DOMAIN.md §4); everyone else, and they themselves until they ask (which is audited, see
services.applicant_details), sees the masked forms below.
"""

from __future__ import annotations

from gongkai import textcheck
from gongkai.applications.models import ApplicantType, Application

ADDRESS_SHOWN = 6


def _mask_email(value: str) -> str:
    local, at, domain = value.partition("@")
    if not at:
        return "*" * len(value)
    # A fixed number of stars, so the mask does not tell the name's length.
    return local[:1] + "***" + at + domain


def _mask_address(value: str) -> str:
    shown = min(ADDRESS_SHOWN, len(value) // 2)
    return value[:shown] + "*" * (len(value) - shown)


def masked_applicant(application: Application) -> dict[str, str]:
    """The applicant's data as everyone but the handling unit and the office sees it (and as
    they see it until they ask): identity numbers, contacts and addresses masked; a natural
    person's name masked, an organisation's name shown."""
    name = application.applicant_name
    return {
        "applicant_name": (
            textcheck.mask_name(name)
            if application.applicant_type == ApplicantType.NATURAL
            else name
        ),
        "id_kind": application.id_kind,
        "id_number": textcheck.mask_id_number(application.id_number),
        "contact_name": textcheck.mask_name(application.contact_name),
        "phone": textcheck.mask_mobile(application.phone),
        "email": _mask_email(application.email) if application.email else "",
        "address": _mask_address(application.address),
        "postcode": "*" * len(application.postcode),
    }
