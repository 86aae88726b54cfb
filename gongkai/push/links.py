"""The signed links of a subscription's mails: confirm (lapses after GONGKAI_PUSH_CONFIRM_DAYS),
unsubscribe and manage (kept working as long as the subscription's secret is unchanged, since
people click them in old mails). No login: the signature is the proof of holding the mailbox."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from gongkai.core.errors import ValidationFailed
from gongkai.push.models import Subscription

CONFIRM, UNSUBSCRIBE, MANAGE = "confirm", "unsubscribe", "manage"
PURPOSES = (CONFIRM, UNSUBSCRIBE, MANAGE)
# Links in mails sent by the command line need the site's address; the demo serves locally.
FALLBACK_SITE = "http://127.0.0.1:8000"


def _salt(purpose: str) -> str:
    return f"gongkai.push.{purpose}"


def token_for(subscription: Subscription, purpose: str) -> str:
    """A signed token naming the subscription and its current secret, for one purpose."""
    return signing.dumps({"s": subscription.pk, "k": subscription.secret}, salt=_salt(purpose))


def subscription_for(token: str, purpose: str) -> Subscription:
    """The subscription a token names; ValidationFailed when tampered with, lapsed (confirm
    links only), for another purpose, or voided by a new secret."""
    max_age = settings.GONGKAI_PUSH_CONFIRM_DAYS * 86400 if purpose == CONFIRM else None
    try:
        value = signing.loads(token, salt=_salt(purpose), max_age=max_age)
    except signing.SignatureExpired as err:
        raise ValidationFailed(
            "确认链接已过期，请重新订阅。", log=f"push {purpose} link expired"
        ) from err
    except signing.BadSignature as err:
        raise ValidationFailed(
            "链接无效，请检查是否完整复制了邮件中的链接。", log=f"push {purpose} bad signature"
        ) from err
    pk = value.get("s") if isinstance(value, dict) else None
    subscription = Subscription.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if subscription is None or subscription.secret != value.get("k"):
        raise ValidationFailed("链接已失效。", log=f"push {purpose} link names no subscription")
    return subscription


def site_url() -> str:
    return (settings.GONGKAI_SITE_URL or FALLBACK_SITE).rstrip("/")


def absolute(path: str) -> str:
    return site_url() + path


def link(subscription: Subscription, purpose: str) -> str:
    """The absolute address of the subscription's page for ``purpose``."""
    return absolute(reverse(f"push:{purpose}", args=[token_for(subscription, purpose)]))
