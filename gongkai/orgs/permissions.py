"""Every access predicate of gongkai, in one module.

Services call ``require(...)`` with one of these predicates before changing anything; selectors
filter with ``visible_unit_ids``. Views never decide access themselves, so a unit boundary is
enforced here or nowhere.

The rules (DOMAIN.md §1): a unit's staff see and change their own unit's work only; the county
disclosure office (公开办) sees everything and reviews catalogs; leaders read everything and change
nothing; a township's staff may read (not change) the lists of the villages under it, because the
township guides them (seed 002, seed 004 task 13); likewise a department's reviewer may read (not
change) the work of the public enterprises it supervises (行业主管部门, seed 001 item 9).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q

from gongkai.core.errors import AccessDenied
from gongkai.orgs.models import GUIDE_UNIT_KINDS, Membership, Role, Unit, UnitKind

_CACHE_ATTR = "_gongkai_roles"

EDIT_ROLES = frozenset({Role.EDITOR, Role.VILLAGE_CLERK})
SUBMIT_ROLES = frozenset({Role.EDITOR, Role.REVIEWER, Role.VILLAGE_CLERK})


def roles_by_unit(user: Any) -> dict[int, frozenset[str]]:
    """Return {unit id: roles} for the user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached: dict[int, frozenset[str]] | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    found: dict[int, set[str]] = {}
    for unit_id, role in Membership.objects.filter(user=user, unit__is_active=True).values_list(
        "unit_id", "role"
    ):
        found.setdefault(unit_id, set()).add(role)
    result = {unit_id: frozenset(roles) for unit_id, roles in found.items()}
    setattr(user, _CACHE_ATTR, result)
    return result


def forget_roles(user: Any) -> None:
    """Drop the cached roles, after memberships change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _has_role_anywhere(user: Any, role: str) -> bool:
    return any(role in roles for roles in roles_by_unit(user).values())


def is_staff_member(user: Any) -> bool:
    """Whether the user holds any role at all (or is a superuser)."""
    return bool(roles_by_unit(user)) or bool(getattr(user, "is_superuser", False))


def is_office(user: Any) -> bool:
    """Whether the user works for the county disclosure office (公开办)."""
    return bool(getattr(user, "is_superuser", False)) or _has_role_anywhere(user, Role.OFFICE)


def is_leader(user: Any) -> bool:
    return _has_role_anywhere(user, Role.LEADER)


def reads_everything(user: Any) -> bool:
    """The office and leaders read every unit's work."""
    return is_office(user) or is_leader(user)


def has_role(user: Any, unit: Unit, roles: Iterable[str]) -> bool:
    """Whether the user holds one of ``roles`` in exactly this unit."""
    held = roles_by_unit(user).get(unit.pk, frozenset())
    return bool(held & frozenset(roles))


def visible_unit_ids(user: Any) -> set[int] | None:
    """Return the ids of units whose internal work the user may read; None means all units."""
    if reads_everything(user):
        return None
    own = set(roles_by_unit(user))
    if not own:
        return set()
    townships = Unit.objects.filter(pk__in=own).exclude(kind=UnitKind.VILLAGE)
    read_also = Q(parent__in=townships, kind=UnitKind.VILLAGE)
    supervising = supervising_unit_ids(user)
    if supervising:
        read_also |= Q(supervisor_id__in=supervising, kind=UnitKind.ENTERPRISE)
    return own | set(Unit.objects.filter(read_also).values_list("pk", flat=True))


def can_view_unit(user: Any, unit: Unit) -> bool:
    ids = visible_unit_ids(user)
    return ids is None or unit.pk in ids


def can_edit_catalog_of(user: Any, unit: Unit) -> bool:
    """Editors (村务管理员 in villages) draft and edit their own unit's catalog."""
    return has_role(user, unit, EDIT_ROLES)


def can_submit_catalog_of(user: Any, unit: Unit) -> bool:
    """The unit's editor or reviewer sends its catalog to the county office."""
    return has_role(user, unit, SUBMIT_ROLES)


def can_review_catalogs(user: Any) -> bool:
    """Only the county disclosure office approves or returns catalogs (seed 004 task 2–3)."""
    return is_office(user)


def can_manage_units(user: Any) -> bool:
    """The office keeps the organisation tree, staff accounts and their roles."""
    return is_office(user)


def can_edit_guide_of(user: Any, unit: Unit) -> bool:
    """The office keeps every unit's 政府信息公开指南 details (addresses, hours, access points,
    added text); a unit's editor (信息员) keeps its own, since the unit knows first when they
    change. Only units that have a guide (GUIDE_UNIT_KINDS)."""
    if unit.kind not in GUIDE_UNIT_KINDS:
        return False
    return is_office(user) or has_role(user, unit, {Role.EDITOR})


def edits_some_guide(user: Any) -> bool:
    """Whether the user keeps some unit's guide (the office, or an editor anywhere): what the
    staff home offers; can_edit_guide_of decides per unit."""
    return is_office(user) or _has_role_anywhere(user, Role.EDITOR)


def can_manage_account_of(user: Any, account: Any) -> bool:
    """The office resets staff passwords and removes a lost authenticator (it keeps the staff
    accounts, can_manage_units). Another office member's or a superuser's account only a
    superuser may, so no office member can take over a colleague's account with equal powers;
    nobody does it to their own account (they change their password themselves)."""
    if account is None or getattr(account, "pk", None) == getattr(user, "pk", None):
        return False
    if getattr(user, "is_superuser", False):
        return True
    if not is_office(user):
        return False
    return not getattr(account, "is_superuser", False) and not is_office(account)


def can_enrol_authenticator(user: Any) -> bool:
    """Office accounts (and superusers) may add a 6-digit code to their login (optional TOTP)."""
    return is_office(user)


def can_manage_guidelines(user: Any) -> bool:
    """The office owns the standard: domains and guideline templates."""
    return is_office(user)


def can_draft_publication_of(user: Any, unit: Unit) -> bool:
    """Editors (村务管理员 in villages) draft and edit their own unit's information."""
    return has_role(user, unit, EDIT_ROLES)


def can_approve_publication_of(user: Any, unit: Unit) -> bool:
    """The unit's reviewer (审核人) signs off its information (三审); a village's postings may also
    be signed off by its township's reviewer, since most villages have no reviewer of their own."""
    if has_role(user, unit, {Role.REVIEWER}):
        return True
    return (
        unit.kind == UnitKind.VILLAGE
        and unit.parent is not None
        and has_role(user, unit.parent, {Role.REVIEWER})
    )


def can_tag_publication_of(user: Any, unit: Unit) -> bool:
    """Who an item concerns (政策找人's audience tags) is set by those who write or sign it off."""
    return can_draft_publication_of(user, unit) or can_approve_publication_of(user, unit)


def can_manage_push(user: Any) -> bool:
    """政策找人's tag list and ending a subscription for its owner are the office's."""
    return is_office(user)


def can_import_subsidies_for(user: Any, village: Unit) -> bool:
    """Subsidy payout lists are compiled by the township and posted per village (seed 001 item 8);
    the village's clerk may post its own."""
    if has_role(user, village, {Role.VILLAGE_CLERK, Role.EDITOR}):
        return True
    return village.parent is not None and has_role(user, village.parent, {Role.EDITOR})


def can_manage_calendar(user: Any) -> bool:
    """The office keeps the working-day calendar for years the State Council data lacks."""
    return is_office(user)


def can_manage_check_words(user: Any) -> bool:
    """The office keeps the dictionaries of wrong and sensitive words."""
    return is_office(user)


def can_handle_applications_of(user: Any, unit: Unit) -> bool:
    """The unit's handlers (承办人) take its applications through their steps; the county office
    (the 政府信息公开工作机构) may act on any unit's."""
    return has_role(user, unit, {Role.HANDLER}) or is_office(user)


def can_see_applicant_of(user: Any, unit: Unit) -> bool:
    """Applicants' identity and contact data are visible to the handling unit and the office only
    (DOMAIN.md §4); everyone else sees them masked."""
    return bool(roles_by_unit(user).get(unit.pk)) or is_office(user)


def registers_applications(user: Any) -> bool:
    """Whether the user registers applications for some unit (the office or a handler): what the
    staff home offers; can_handle_applications_of decides per unit."""
    return is_office(user) or _has_role_anywhere(user, Role.HANDLER)


def imports_subsidies(user: Any) -> bool:
    """Whether the user posts subsidy payout lists for some village (a township's editor, a
    village's clerk or editor): what the staff home offers; can_import_subsidies_for decides per
    village."""
    units = Unit.objects.filter(pk__in=roles_by_unit(user)).only("kind")
    for unit in units:
        roles = roles_by_unit(user)[unit.pk]
        if unit.kind == UnitKind.VILLAGE and roles & {Role.VILLAGE_CLERK, Role.EDITOR}:
            return True
        if (
            Role.EDITOR in roles
            and Unit.objects.filter(parent=unit, kind=UnitKind.VILLAGE).exists()
        ):
            return True
    return False


def can_approve_extension(user: Any, unit: Unit) -> bool:
    """An extension needs the consent of the head of the handling agency's own 政府信息公开工作
    机构 (条例第四条, 第三十三条第二款): the unit's reviewer (审核人), not the county office, which
    is the 主管部门 of 第三条. The office is the county government's own 工作机构, so it approves
    for applications to the county government."""
    if has_role(user, unit, {Role.REVIEWER}):
        return True
    return unit.kind == UnitKind.COUNTY and is_office(user)


def can_route_application(user: Any, unit: Unit) -> bool:
    """The county's unified intake (the office) routes an application to the unit responsible;
    a unit's handler may pass on one that reached it by mistake, before answering it."""
    return is_office(user) or has_role(user, unit, {Role.HANDLER})


def can_manage_letter_templates(user: Any) -> bool:
    """The office keeps the county's letter templates, so every unit's letters read alike (seed
    002: the national reply norms)."""
    return is_office(user)


def can_write_annual_report(user: Any, unit: Unit | None) -> bool:
    """The office writes the county government's annual report (unit None) and may write any
    unit's; a unit's reviewer writes its own (条例第四十九条第一款: each department reports)."""
    if is_office(user):
        return True
    return unit is not None and has_role(user, unit, {Role.REVIEWER})


def can_manage_monitoring(user: Any) -> bool:
    """The office runs the site monitoring: columns' update classes, new-media accounts, probes
    and incidents (国办秘函〔2019〕19号 makes the county's office answerable for its site)."""
    return is_office(user)


def can_record_new_media_posts_of(user: Any, unit: Unit) -> bool:
    """A new-media account's owner unit (its editor or reviewer) records its own posts; the office
    records or imports anyone's."""
    return is_office(user) or has_role(user, unit, SUBMIT_ROLES)


def can_manage_work_plans(user: Any) -> bool:
    """The office writes the work plan and its tasks and accepts or returns the units' work
    (seed 004: 县政务公开办每月跟踪督办)."""
    return is_office(user)


def can_report_task_of(user: Any, unit: Unit) -> bool:
    """A responsible unit's editor or reviewer reports its own part of a task and uploads its
    evidence (佐证材料); the office may do it for any unit."""
    return is_office(user) or has_role(user, unit, SUBMIT_ROLES)


def can_manage_assessment(user: Any) -> bool:
    """The office keeps the indicators, enters the scores no query can measure, and opens and
    closes rectification items (整改)."""
    return is_office(user)


def can_report_rectification_of(user: Any, unit: Unit) -> bool:
    """The unit that owns a rectification item reports what it did; only the office closes it."""
    return is_office(user) or has_role(user, unit, SUBMIT_ROLES)


# ---------------------------------------------------------------------- separation of duties
# Whoever wrote an item cannot be the one who signs it off, even when they hold both roles (an
# editor who is also the unit's reviewer, an office member who reported a unit's part for it):
# 等保2.0 二级 asks for separated duties, and the county's 三审 only means something if the
# second pair of eyes is another person's. "Wrote" means wrote any of the content that is being
# signed off: the creator, and everyone who changed the content afterwards (an edit, an attached
# file, a report), since a reviewer who rewrote someone else's draft would otherwise approve their
# own words. Each app works out who wrote an item (its history) and asks here.

SELF_REVIEW_MESSAGE = "起草人不能审核自己起草的信息，请由本单位其他审核人审核。"
SELF_REVIEW_CATALOG_MESSAGE = "起草人不能审核自己编制的目录，请由县政务公开办其他工作人员审核。"
SELF_REVIEW_REPORT_MESSAGE = "报送人不能确认自己报送的内容，请由县政务公开办其他工作人员确认。"


# --- K: messages from the public (gongkai.interaction, issue 13) ---
MESSAGE_ROLES = frozenset({Role.HANDLER, Role.EDITOR, Role.REVIEWER})


def can_manage_messages(user: Any) -> bool:
    """The county office assigns, transfers, reviews and closes messages and sets their clock."""
    return is_office(user)


def can_handle_messages_of(user: Any, unit: Unit | None) -> bool:
    """The unit a message is assigned to answers it (承办人、信息员、审核人); the office may too."""
    return is_office(user) or (unit is not None and has_role(user, unit, MESSAGE_ROLES))


def can_see_writer_of(user: Any, unit: Unit | None) -> bool:
    """A writer's name and contacts are seen by the handling unit and the office only; everyone
    else (leaders, a unit the message was transferred away from) sees them masked."""
    return is_office(user) or (unit is not None and bool(roles_by_unit(user).get(unit.pk)))


# --- end K ---


# --- C: public enterprises (公共企事业单位, issue 14; docs/adr/0023) ---
def supervising_unit_ids(user: Any) -> set[int]:
    """The units where the user is a reviewer (审核人): a supervising department's reviewer reads
    its public enterprises' drafts and items (visible_unit_ids), to guide their disclosure as the
    行业主管部门 must (seed 001 item 9). Reading only: every change still needs a role in the
    enterprise itself."""
    return {unit_id for unit_id, roles in roles_by_unit(user).items() if Role.REVIEWER in roles}


# --- end C ---


def wrote_any_of(user: Any, writer_ids: Iterable[int | None]) -> bool:
    """Whether the user is among the writers of an item (by user id; None entries, the command
    line or deleted accounts, match no one)."""
    pk = getattr(user, "pk", None)
    return pk is not None and pk in set(writer_ids)


def may_sign_off(user: Any, writer_ids: Iterable[int | None]) -> bool:
    """Whether the user may approve, confirm or close an item written by ``writer_ids``: only if
    they wrote none of it. The role check (who may sign off at all) is separate."""
    return not wrote_any_of(user, writer_ids)


def require_not_writer(user: Any, writer_ids: Iterable[int | None], message: str) -> None:
    """Raise AccessDenied with ``message`` when the user wrote any of the item."""
    require(may_sign_off(user, writer_ids), message, log="access denied: separation of duties")


def require(allowed: bool, message: str, *, log: str = "") -> None:
    """Raise AccessDenied with a Chinese message unless ``allowed``."""
    if not allowed:
        raise AccessDenied(message, log=log or "access denied")


def require_pred(pred: Callable[..., bool], user: Any, *args: Any, message: str) -> None:
    """Raise AccessDenied unless ``pred(user, *args)`` holds."""
    require(pred(user, *args), message, log=f"access denied: {pred.__name__}")


# ---------------------------------------------------------------------- public participation (J)
def can_manage_participation(user: Any) -> bool:
    """The office keeps the catalog of major decisions, the participation matters and the
    meetings (the county government publishes them; seed 000)."""
    return is_office(user)


def can_edit_decision_of(user: Any, unit: Unit) -> bool:
    """The office edits any row of the decisions catalog; the undertaking unit's editor or
    reviewer updates its own rows (status, time, note) as the matter moves."""
    return is_office(user) or has_role(user, unit, SUBMIT_ROLES)


def can_run_consultation_of(user: Any, unit: Unit) -> bool:
    """The drafting unit's editor or reviewer drafts a consultation, moderates its comments and
    publishes the feedback; the office may do it for any unit. Another unit never may."""
    return is_office(user) or has_role(user, unit, SUBMIT_ROLES)


# --- A: service guides (办事服务公开, gongkai.serviceguides, issue 14) ---
SELF_PUBLISH_SERVICE_MESSAGE = (
    "起草人不能发布自己编写的办事指南，请由本单位审核人或县政务公开办发布。"
)


def can_draft_service_of(user: Any, unit: Unit) -> bool:
    """A unit's editor (村务管理员 in villages) drafts and changes its service guides."""
    return has_role(user, unit, EDIT_ROLES)


def can_submit_service_of(user: Any, unit: Unit) -> bool:
    """The unit's editor or reviewer sends a guide for review."""
    return has_role(user, unit, SUBMIT_ROLES)


def can_publish_service_of(user: Any, unit: Unit) -> bool:
    """The unit's reviewer (a village's: its township's too, as for publications) or the county
    office publishes, returns and withdraws a guide; separation of duties is checked apart."""
    return is_office(user) or can_approve_publication_of(user, unit)


def drafts_some_service(user: Any) -> bool:
    """Whether the staff home offers the service guides: anyone who drafts, submits or publishes
    some unit's guides; the per-unit predicates above decide each guide."""
    return is_office(user) or any(
        roles & (SUBMIT_ROLES | {Role.REVIEWER}) for roles in roles_by_unit(user).values()
    )


# --- end A ---


# --- D: topic pages (专题专栏, gongkai.topics, issue 14) ---
def can_manage_topics(user: Any) -> bool:
    """The county office sets up the site's topic pages and their rules (it runs the site's
    structure, seed 001 item 11); units publish into them through their own items."""
    return is_office(user)


# --- end D ---


# --- E: offline access points (政务公开专区、查阅点; gongkai.accesspoints, issue 14) ---
def can_manage_access_points_of(user: Any, unit: Unit) -> bool:
    """The office keeps every access point; a unit's editor (a village's 村务管理员) keeps the
    places its own unit runs, and a township's editor its villages' 查阅点, which the township
    sets up for them (seed 000). ``unit.parent`` should be loaded with the unit."""
    if is_office(user) or has_role(user, unit, EDIT_ROLES):
        return True
    parent = unit.parent if unit.kind == UnitKind.VILLAGE else None
    return parent is not None and has_role(user, parent, {Role.EDITOR})


def manages_some_access_points(user: Any) -> bool:
    """Whether the staff pages of access points offer the user anything to keep."""
    return is_office(user) or any(roles & EDIT_ROLES for roles in roles_by_unit(user).values())


# --- end E ---
