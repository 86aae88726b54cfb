"""The public's pages of 政策找人: subscribe, confirm, manage, unsubscribe (no account; the signed
link in the mail is the proof), and the Atom feed of each audience tag (gongkai.push.feeds).

Confirm and unsubscribe show one button and act on POST: mail scanners open links, and must not
confirm or end a subscription by doing so. The unsubscribe POST takes no CSRF token, because mail
programs post it themselves (RFC 8058 one-click, the List-Unsubscribe-Post header); the signed
token is what authorises it."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from gongkai.core.errors import GongkaiError
from gongkai.orgs import throttle
from gongkai.push import links, selectors, services
from gongkai.push.forms import CriteriaForm, SubscribeForm
from gongkai.push.models import Subscription, SubscriptionStatus

# Subscribing mails a stranger's address, so both the sender and the address are limited: an
# address (a village's shared one has room) 10 requests an hour; one mailbox 3 confirmation
# mails a day, so nobody can flood someone else's inbox through us.
SUBSCRIBE_PER_ADDRESS = throttle.Rule("push.address", limit=10, window=dt.timedelta(hours=1))
SUBSCRIBE_PER_EMAIL = throttle.Rule("push.email", limit=3, window=dt.timedelta(days=1))
DONE_KEY = "gongkai.push.requested"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _tag_feeds() -> list[dict[str, str]]:
    return [
        {"name": tag.name, "code": tag.code, "description": tag.description}
        for tag in selectors.active_tags()
    ]


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    """政策找人: choose what to hear about, give an address, confirm from the mail."""
    status = 200
    if request.method != "POST":
        form = SubscribeForm()
    else:
        form = SubscribeForm(request.POST)
        status = 400
        if form.is_valid():
            email = form.cleaned_data["email"].strip().lower()
            address = throttle.client_address(request)
            until = throttle.first_blocked(
                [(SUBSCRIBE_PER_ADDRESS, address), (SUBSCRIBE_PER_EMAIL, email)]
            )
            if until is not None:
                form.add_error(
                    None,
                    _("订阅请求过多，请在%(time)s以后再试。")
                    % {"time": throttle.local_time(until)},
                )
                status = 429
            else:
                try:
                    services.subscription_request(email=email, **form.values())
                except GongkaiError as err:
                    form.add_error(None, err.message)
                else:
                    throttle.hit(SUBSCRIBE_PER_ADDRESS, address)
                    throttle.hit(SUBSCRIBE_PER_EMAIL, email)
                    request.session[DONE_KEY] = True
                    return redirect("push:requested")
    context = {"form": form, "feeds": _tag_feeds()}
    return _no_store(render(request, "push/subscribe.html", context, status=status))


@require_safe
def requested(request: HttpRequest) -> HttpResponse:
    """Tell the person to look for the confirmation mail."""
    if not request.session.pop(DONE_KEY, False):
        return redirect("push:subscribe")
    return _no_store(render(request, "push/requested.html"))


def _message(
    request: HttpRequest,
    title: str,
    message: str,
    *,
    manage: str = "",
    again: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = {"title": title, "message": message, "manage": manage, "again": again}
    return _no_store(render(request, "push/message.html", context, status=status))


def _refused(request: HttpRequest, err: GongkaiError) -> HttpResponse:
    return _message(request, _("链接无法使用"), err.message, again=True, status=400)


def _describe(subscription: Subscription) -> dict[str, object]:
    return {
        "tags": [t.name for t in subscription.tags.all()],
        "domains": [d.name for d in subscription.domains.all()],
        "units": [u.name for u in subscription.units.all()],
        "keywords": subscription.keyword_list,
        "frequency": subscription.get_frequency_display(),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The double opt-in link: one button confirms."""
    try:
        subscription = links.subscription_for(token, links.CONFIRM)
        if request.method == "POST":
            subscription = services.subscription_confirm(token=token)
            return _message(
                request,
                _("订阅成功"),
                _("您已确认订阅，今后有相符的新信息发布时会发邮件告诉您。"),
                manage=links.token_for(subscription, links.MANAGE),
            )
    except GongkaiError as err:
        return _refused(request, err)
    context = {
        "subscription": _describe(subscription),
        "active": subscription.status == SubscriptionStatus.ACTIVE,
        "ended": subscription.status == SubscriptionStatus.ENDED,
    }
    return _no_store(render(request, "push/confirm.html", context))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One button ends the subscription; mail programs post here directly (RFC 8058)."""
    done = _("您已退订，不会再收到推送邮件。")
    try:
        subscription = links.subscription_for(token, links.UNSUBSCRIBE)
    except GongkaiError as err:
        if request.method == "POST":
            # Unsubscribing twice: the first one changed the secret, so the link no longer
            # names the subscription; that is what the person wanted.
            return _message(request, _("已退订"), done, again=True)
        return _refused(request, err)
    if request.method == "POST":
        services.subscription_end(subscription=subscription, how="邮件中的退订链接")
        return _message(request, _("已退订"), done, again=True)
    return _no_store(render(request, "push/unsubscribe.html", {"token": token}))


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """Change what a confirmed subscription asks for and how often, or end it."""
    try:
        subscription = links.subscription_for(token, links.MANAGE)
    except GongkaiError as err:
        return _refused(request, err)
    if subscription.status != SubscriptionStatus.ACTIVE:
        return _message(
            request,
            _("订阅未生效"),
            _("这项订阅尚未确认或已退订，请重新订阅。"),
            again=True,
        )
    status = 200
    if request.method == "POST":
        form = CriteriaForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.subscription_update(subscription=subscription, **form.values())
            except GongkaiError as err:
                form.add_error(None, err.message)
            else:
                return _message(
                    request, _("已保存"), _("订阅已修改，今后按新的条件推送。"), manage=token
                )
    else:
        form = CriteriaForm(
            initial={
                "tags": list(subscription.tags.all()),
                "domains": list(subscription.domains.all()),
                "units": list(subscription.units.all()),
                "keywords": subscription.keywords,
                "frequency": subscription.frequency,
            }
        )
    context = {"form": form, "unsubscribe": links.token_for(subscription, links.UNSUBSCRIBE)}
    return _no_store(render(request, "push/manage.html", context, status=status))
