"""Every change to units, staff accounts and their roles goes through these functions.

Each one checks permission, validates, saves and writes the audit log in one transaction, so the
demo loader, management commands and (later) the office's pages create units and staff the same
way. The ``*_ensure`` and ``membership_grant`` functions are idempotent: they return what already
exists and change nothing, so a loader can be re-run safely.

``actor=None`` means the server's own command line, trusted like the database itself (as in
``gongkai.catalog.services``); a signed-in actor must belong to the county disclosure office,
which keeps the organisation tree (DOMAIN.md §1).
"""

from __future__ import annotations

import re
import secrets

from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.core.audit import audit
from gongkai.core.errors import ValidationFailed
from gongkai.orgs import logins, permissions, two_factor
from gongkai.orgs.models import SUPERVISOR_KINDS, Membership, Role, Sector, Unit, UnitKind, User

Actor = User | None

UNIT_CODE_PATTERN = re.compile(r"^[A-Z0-9]{1,32}$")

# Which kinds of unit each kind may sit under (DOMAIN.md §1: county → office, departments,
# stationed units, townships and the community committee → villages and communities).
ALLOWED_PARENT_KINDS: dict[str, frozenset[str]] = {
    UnitKind.COUNTY: frozenset(),
    UnitKind.OFFICE: frozenset({UnitKind.COUNTY}),
    UnitKind.DEPARTMENT: frozenset({UnitKind.COUNTY}),
    UnitKind.STATIONED: frozenset({UnitKind.COUNTY}),
    UnitKind.TOWNSHIP: frozenset({UnitKind.COUNTY}),
    UnitKind.COMMUNITY: frozenset({UnitKind.COUNTY}),
    UnitKind.VILLAGE: frozenset({UnitKind.TOWNSHIP, UnitKind.COMMUNITY}),
    # Under the county in the tree; who supervises it is Unit.supervisor (docs/adr/0023).
    UnitKind.ENTERPRISE: frozenset({UnitKind.COUNTY}),
}

# Roles tied to one kind of unit: the village clerk keeps a village's list, the office role is
# held in the disclosure office. Other roles may be held in any unit.
ROLE_UNIT_KINDS: dict[str, frozenset[str]] = {
    Role.VILLAGE_CLERK: frozenset({UnitKind.VILLAGE}),
    Role.OFFICE: frozenset({UnitKind.OFFICE}),
}


def _require_manager(actor: Actor, message: str) -> None:
    if actor is not None:
        permissions.require(permissions.can_manage_units(actor), message)


def _check_unit(*, code: str, name: str, kind: str, parent: Unit | None) -> None:
    if not UNIT_CODE_PATTERN.match(code):
        raise ValidationFailed(
            f"单位代码“{code}”不符合要求：请只用大写英文字母和数字，不超过32位。",
            log=f"bad unit code {code!r}",
        )
    if not name.strip():
        raise ValidationFailed("请填写单位名称。", log="unit name empty")
    if kind not in ALLOWED_PARENT_KINDS:
        raise ValidationFailed(f"无法识别的单位类型“{kind}”。", log=f"unknown unit kind {kind!r}")
    allowed = ALLOWED_PARENT_KINDS[kind]
    label = UnitKind(kind).label
    if not allowed and parent is not None:
        raise ValidationFailed(f"{label}是最上级单位，不能设置上级单位。", log="county with parent")
    if allowed and (parent is None or parent.kind not in allowed):
        names = "、".join(UnitKind(k).label for k in sorted(allowed))
        raise ValidationFailed(
            f"{label}“{name}”的上级单位应为{names}。",
            log=f"unit {code}: parent kind {parent.kind if parent else None} not allowed",
        )


def _check_enterprise(*, kind: str, sector: str, supervisor: Unit | None) -> None:
    """A public enterprise (公共企事业单位) names its sector and its supervising county department
    (行业主管部门); no other kind of unit has either (Unit.clean, docs/adr/0023)."""
    if kind != UnitKind.ENTERPRISE:
        if sector or supervisor is not None:
            raise ValidationFailed(
                "只有公共企事业单位设行业领域和行业主管部门。",
                log=f"sector/supervisor on unit kind {kind}",
            )
        return
    if sector not in Sector.values:
        raise ValidationFailed(
            "请选择公共企事业单位的行业领域。", log=f"enterprise sector {sector!r}"
        )
    if supervisor is None or supervisor.kind not in SUPERVISOR_KINDS or not supervisor.is_active:
        raise ValidationFailed(
            "请选择公共企事业单位的行业主管部门（在用的县直部门）。",
            log=f"enterprise supervisor {supervisor.code if supervisor else None} not allowed",
        )


@transaction.atomic
def unit_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    sort_order: int = 0,
    sector: str = "",
    supervisor: Unit | None = None,
) -> Unit:
    """Add a unit to the organisation tree.

    The code goes into index numbers (索引号) and never changes, so it is checked here rather than
    left to the database constraint; code and name must both be unused. A public enterprise
    also needs ``sector`` and ``supervisor`` (seed 001 item 9).
    """
    _require_manager(actor, "只有县政务公开办可以新增单位。")
    name = name.strip()
    _check_unit(code=code, name=name, kind=kind, parent=parent)
    _check_enterprise(kind=kind, sector=sector, supervisor=supervisor)
    if Unit.objects.filter(code=code).exists():
        raise ValidationFailed(
            f"单位代码“{code}”已被使用，请换一个。", log=f"unit code {code} taken"
        )
    if Unit.objects.filter(name=name).exists():
        raise ValidationFailed(f"已有名为“{name}”的单位。", log=f"unit name {name} taken")
    unit = Unit.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        sort_order=sort_order,
        sector=sector,
        supervisor=supervisor,
    )
    data: dict[str, str | None] = {"parent": parent.code if parent else None}
    if supervisor is not None:
        data.update(sector=sector, supervisor=supervisor.code)
    audit(
        actor=actor,
        action="unit.create",
        target=unit,
        unit_code=code,
        summary=f"新增单位 {name}（{UnitKind(kind).label}）",
        data=data,
    )
    return unit


@transaction.atomic
def enterprise_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    sector: str,
    supervisor: Unit,
    sort_order: int = 0,
) -> Unit:
    """Add a public enterprise or institution (公共企事业单位, seed 001 item 9) under the county.

    It sits under the top of the tree like a department; ``supervisor`` is the county department
    that supervises its disclosure (行业主管部门), whose reviewers then read its work
    (permissions.visible_unit_ids). Its editors and reviewers are granted like any unit's.
    """
    _require_manager(actor, "只有县政务公开办可以新增公共企事业单位。")
    county = Unit.objects.active().filter(kind=UnitKind.COUNTY, parent__isnull=True).first()
    if county is None:
        raise ValidationFailed("请先建立县人民政府单位。", log="no county unit for an enterprise")
    return unit_create(
        actor=actor,
        code=code,
        name=name,
        kind=UnitKind.ENTERPRISE,
        parent=county,
        sort_order=sort_order,
        sector=sector,
        supervisor=supervisor,
    )


@transaction.atomic
def unit_ensure(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    sort_order: int = 0,
    sector: str = "",
    supervisor: Unit | None = None,
) -> tuple[Unit, bool]:
    """Return the unit with ``code``, creating it as described when it does not exist yet.

    An existing unit is returned unchanged (the office may have renamed or moved it since), so a
    loader can be re-run without undoing the office's work. Returns (unit, created).
    """
    _require_manager(actor, "只有县政务公开办可以新增单位。")
    existing = Unit.objects.filter(code=code).first()
    if existing is not None:
        return existing, False
    return (
        unit_create(
            actor=actor,
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            sort_order=sort_order,
            sector=sector,
            supervisor=supervisor,
        ),
        True,
    )


@transaction.atomic
def user_ensure(
    *, actor: Actor, username: str, full_name: str, password_hash: str | None = None
) -> tuple[User, bool]:
    """Return the staff account ``username``, creating it when missing.

    ``password_hash`` is an already hashed password (``make_password``), so a loader creating
    many accounts hashes once; None leaves the account without a usable password until one is
    set. An existing account is returned unchanged, its password included. Returns (user, created).
    """
    _require_manager(actor, "只有县政务公开办可以新增工作人员账号。")
    username = username.strip()
    if not username:
        raise ValidationFailed("请填写用户名。", log="username empty")
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing, False
    user = User(username=username, full_name=full_name.strip())
    if password_hash is None:
        user.set_unusable_password()
    else:
        try:
            identify_hasher(password_hash)
        except ValueError:
            raise ValidationFailed(
                "密码须先经过加密处理。", log="password_hash is not a recognised hash"
            ) from None
        user.password = password_hash
    user.save()
    audit(
        actor=actor,
        action="user.create",
        target=user,
        summary=f"新增工作人员账号 {username}（{user.full_name}）",
    )
    return user, True


@transaction.atomic
def membership_grant(*, actor: Actor, user: User, unit: Unit, role: str) -> tuple[Membership, bool]:
    """Give a user a role in a unit; granting a role the user already holds changes nothing.

    A village clerk's role only exists in a village and the office role only in the disclosure
    office, because the permission predicates read them that way. Returns (membership, created).
    """
    _require_manager(actor, "只有县政务公开办可以分配岗位。")
    if role not in Role.values:
        raise ValidationFailed(f"无法识别的角色“{role}”。", log=f"unknown role {role!r}")
    kinds = ROLE_UNIT_KINDS.get(role)
    if kinds is not None and unit.kind not in kinds:
        raise ValidationFailed(
            f"“{Role(role).label}”只能设在{'、'.join(UnitKind(k).label for k in sorted(kinds))}。",
            log=f"role {role} not allowed in unit kind {unit.kind}",
        )
    if not unit.is_active:
        raise ValidationFailed(
            f"{unit.name}已停用，不能分配岗位。", log=f"unit {unit.code} inactive"
        )
    membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        permissions.forget_roles(user)
        audit(
            actor=actor,
            action="membership.grant",
            target=membership,
            unit_code=unit.code,
            summary=f"{user.username} 任 {unit.name} {Role(role).label}",
        )
    return membership, created


# What a unit's 政府信息公开指南 is built from (gongkai.portal.views.guide), in the order of the
# staff form: the 受理机构's contact details, the access points, and the office's added text.
GUIDE_FIELDS = (
    "full_name",
    "address",
    "office_hours",
    "phone",
    "fax",
    "email",
    "postal_address",
    "postcode",
    "access_points",
    "guide_extra",
)
POSTCODE_PATTERN = re.compile(r"^\d{6}$")


def _label(name: str) -> str:
    """The Chinese label of a Unit field, as the staff form shows it."""
    return str(getattr(Unit._meta.get_field(name), "verbose_name", name))


def _clean_guide_values(values: dict[str, str]) -> dict[str, str]:
    unknown = set(values) - set(GUIDE_FIELDS)
    if unknown:
        raise ValueError(f"not guide fields: {sorted(unknown)}")
    cleaned = {name: str(value or "").strip() for name, value in values.items()}
    for name, text in cleaned.items():
        limit = getattr(Unit._meta.get_field(name), "max_length", None)
        if limit and len(text) > limit:
            raise ValidationFailed(
                f"“{_label(name)}”不能超过{limit}个字，现有{len(text)}个字。",
                log=f"guide field {name} too long",
            )
    if cleaned.get("postcode") and not POSTCODE_PATTERN.match(cleaned["postcode"]):
        raise ValidationFailed("邮政编码应为6位数字，如342700。", log="bad postcode")
    if cleaned.get("email"):
        try:
            validate_email(cleaned["email"])
        except DjangoValidationError:
            raise ValidationFailed(
                "电子邮箱的格式不对，请写成 name@example.cn 的样子。", log="bad guide email"
            ) from None
    return cleaned


@transaction.atomic
def unit_guide_update(*, actor: Actor, unit: Unit, values: dict[str, str]) -> Unit:
    """Change the details a unit's 政府信息公开指南 shows (GUIDE_FIELDS): the office for any unit,
    the unit's editor for their own (permissions.can_edit_guide_of); None is the command line.

    Only the fields given are changed; the guide is built from the unit at request time, so the
    public page shows the change at once. Nothing changed, nothing written; otherwise one audit
    entry names the fields changed.
    """
    if actor is not None:
        permissions.require(
            permissions.can_edit_guide_of(actor, unit),
            "只有县政务公开办或本单位信息员可以修改本单位的政府信息公开指南。",
            log="access denied: can_edit_guide_of",
        )
    cleaned = _clean_guide_values(values)
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    changed = [name for name, text in cleaned.items() if getattr(locked, name) != text]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, cleaned[name])
    locked.save(update_fields=[*changed, "updated_at"])
    labels = "、".join(_label(name) for name in changed)
    audit(
        actor=actor,
        action="unit.guide_update",
        target=locked,
        unit_code=locked.code,
        summary=f"修改{locked.name}政府信息公开指南：{labels}",
        data={"changed": changed},
    )
    return locked


# A temporary password the office reads out or hands over: 12 characters without the ones people
# confuse (0/O, 1/l/I), about 70 bits; it works only for choosing a new password.
TEMPORARY_PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"  # noqa: S105
TEMPORARY_PASSWORD_LENGTH = 12


def _require_account_manager(actor: User, account: User, message: str) -> None:
    permissions.require(
        permissions.can_manage_account_of(actor, account),
        message,
        log="access denied: can_manage_account_of",
    )


@transaction.atomic
def user_password_change(*, actor: User, password: str) -> None:
    """Set the signed-in person's own new password (already checked by the form: the old one
    and the password validators) and lift a forced change; audited without the password.

    Other sessions of the account end, since the session hash follows the password; the view
    keeps the current one (update_session_auth_hash)."""
    forced = actor.must_change_password
    actor.set_password(password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    audit(
        actor=actor,
        action="auth.password_change",
        target=actor,
        summary=f"{actor.username} 修改了自己的密码" + ("（重置后首次登录）" if forced else ""),
        data={"forced": forced},
    )


@transaction.atomic
def user_password_reset(*, actor: User, user: User) -> str:
    """Give a staff account a temporary password and return it, to be shown once to the office.

    The account must choose a new password at its next login (must_change_password); its
    sessions end and a lockout is lifted. Only for accounts the office manages
    (permissions.can_manage_account_of). The audit entry never holds the password."""
    _require_account_manager(actor, user, "只有县政务公开办可以重置其他工作人员的密码。")
    if not user.is_active:
        raise ValidationFailed(
            f"账号“{user.username}”已停用，不能重置密码。", log=f"reset of inactive {user.pk}"
        )
    password = "".join(
        secrets.choice(TEMPORARY_PASSWORD_ALPHABET) for _ in range(TEMPORARY_PASSWORD_LENGTH)
    )
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    logins.unlock(user)
    audit(
        actor=actor,
        action="auth.password_reset",
        target=user,
        summary=f"重置 {user.username}（{user.full_name}）的密码，须在下次登录时修改",
    )
    return password


@transaction.atomic
def authenticator_confirm(*, actor: User, code: str) -> bool:
    """Confirm the person's own enrolment with the first code the app shows; from then on their
    login asks for a code. Returns False (and changes nothing) for a wrong code."""
    permissions.require(
        permissions.can_enrol_authenticator(actor),
        "只有县政务公开办的账号可以启用身份验证器。",
        log="access denied: can_enrol_authenticator",
    )
    if two_factor.confirmed_device(actor) is not None:
        raise ValidationFailed("您已启用身份验证器。", log="authenticator already confirmed")
    device = two_factor.enrolment_device(actor)
    if not two_factor.code_is_valid(device, code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit(
        actor=actor,
        action="auth.otp_enrol",
        target=actor,
        summary=f"{actor.username} 启用了身份验证器（登录时须输入6位验证码）",
    )
    return True


@transaction.atomic
def authenticator_remove(*, actor: User, user: User) -> int:
    """Remove an account's authenticator (a lost or replaced phone), so it logs in with the
    password alone until it enrols again: the person themselves, or the office for an account it
    manages. Returns how many devices were removed."""
    if actor.pk != user.pk:
        _require_account_manager(actor, user, "只有县政务公开办可以移除其他工作人员的身份验证器。")
    removed: int = TOTPDevice.objects.filter(user=user).delete()[0]
    if removed:
        whose = "自己的" if actor.pk == user.pk else f"{user.username}（{user.full_name}）的"
        audit(
            actor=actor,
            action="auth.otp_remove",
            target=user,
            summary=f"移除{whose}身份验证器",
        )
    return removed
