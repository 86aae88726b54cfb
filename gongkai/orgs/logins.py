"""What happens around a staff login: refuse while locked out, count and audit failures, lock
an account or an address out after too many, audit each login.

Both ways into an account go through here: /accounts/login/ and /admin/ (whose login page sends
people to ours, config/urls.py), the password and, for accounts with an authenticator, the
6-digit code (gongkai.orgs.account_pages). The lockout is the same whether or not the username
exists, so the answer never tells which usernames do.

The numbers (等保2.0 二级 asks for a limit on failed logins and a lockout; 信息安全技术 网络安全
等级保护基本要求 8.1.4.1):
- an account: 5 failures within 15 minutes lock it for 15 minutes. Five is more than a person
  who mistypes needs, and with the lockout a guesser gets at most 480 tries a day;
- an address: 30 failures within 15 minutes lock it for 15 minutes. A county's staff often
  reach the site through one government network address, so this is set well above what a
  whole office mistypes, and stops one machine from trying many usernames.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.core.audit import audit
from gongkai.orgs import throttle
from gongkai.orgs.models import User

logger = logging.getLogger(__name__)

USER_FAILURES = throttle.Rule(
    "login.user", limit=5, window=dt.timedelta(minutes=15), lock=dt.timedelta(minutes=15)
)
ADDRESS_FAILURES = throttle.Rule(
    "login.address", limit=30, window=dt.timedelta(minutes=15), lock=dt.timedelta(minutes=15)
)
# A username is stored in the audit summary cut to this length: attackers type anything there.
USERNAME_CHARS = 64


def locked_message(until: dt.datetime) -> str:
    """The lockout sentence: when to try again, and whom to ask; the same for every username."""
    return _(
        "登录失败次数过多，为保护账号安全，暂停登录。请于%(time)s后再试；"
        "忘记密码的，请联系县政务公开办重置。"
    ) % {"time": throttle.local_time(until)}


def refused_until(*, username: str, address: str) -> dt.datetime | None:
    """When this username from this address may try again, or None when it may now."""
    return throttle.first_blocked([(USER_FAILURES, username), (ADDRESS_FAILURES, address)])


def login_refused(*, username: str, address: str, until: dt.datetime) -> None:
    """A try during a lockout: logged, not audited (the password was not even checked, and an
    attack would fill the audit log with them); the lockout itself is audited when it begins."""
    logger.warning(
        "login refused during lockout: username=%r address=%s until=%s",
        username[:USERNAME_CHARS],
        address,
        until.isoformat(),
    )


def _account(username: str) -> User | None:
    return User.objects.filter(username=username).first() if username else None


@transaction.atomic
def login_failed(*, username: str, address: str, reason: str) -> dt.datetime | None:
    """Count and audit a failed login (a wrong password, or a wrong code after the right
    password); lock the account or the address out when it reaches its limit, auditing that too.
    Returns when the lockout ends if this failure began one, else None."""
    user = _account(username)
    shown = username[:USERNAME_CHARS]
    data = {"username": shown, "address": address, "reason": reason}
    label = _("验证码错误") if reason == "code" else _("用户名或密码错误")
    audit(
        actor=None,
        action="auth.login_failed",
        target=user,
        summary=_("登录失败（%(why)s）：%(name)s，来自%(address)s")
        % {"why": label, "name": shown, "address": address},
        data=data,
    )
    user_until = throttle.hit(USER_FAILURES, username)
    address_until = throttle.hit(ADDRESS_FAILURES, address) if address else None
    if user_until is not None:
        audit(
            actor=None,
            action="auth.locked",
            target=user,
            summary=_("账号%(name)s连续登录失败，锁定至%(time)s")
            % {"name": shown, "time": throttle.local_time(user_until)},
            data={**data, "scope": "user", "until": user_until.isoformat()},
        )
    if address_until is not None:
        audit(
            actor=None,
            action="auth.locked",
            target=None,
            summary=_("地址%(address)s登录失败过多，锁定至%(time)s")
            % {"address": address, "time": throttle.local_time(address_until)},
            data={**data, "scope": "address", "until": address_until.isoformat()},
        )
    times = [t for t in (user_until, address_until) if t is not None]
    return max(times) if times else None


@transaction.atomic
def login_succeeded(*, user: User, address: str, method: str) -> None:
    """Audit a login and forget the account's earlier failures (not the address's: one good
    password must not reset a guesser's count of other usernames)."""
    throttle.clear(USER_FAILURES, user.get_username())
    audit(
        actor=user,
        action="auth.login",
        target=user,
        summary=_("登录：%(name)s，来自%(address)s")
        % {"name": user.get_username(), "address": address},
        data={"address": address, "method": method},
    )


def unlock(user: Any) -> None:
    """End the account's lockout and forget its failures (the office has just reset it)."""
    throttle.clear(USER_FAILURES, user.get_username(), locks=True)
