"""Staff account pages under /accounts/: login (with the lockout and, for accounts with an
authenticator, the 6-digit code), the admin's login sent here, changing one's own password,
enrolling an authenticator, and the office's page for resetting staff passwords and removing a
lost authenticator.

Access is decided by gongkai.orgs.permissions through the services and selectors; every change is
made and audited by gongkai.orgs.services, every login by gongkai.orgs.logins.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gongkai.core import clock
from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.orgs import logins, permissions, selectors, services, throttle, two_factor
from gongkai.orgs.forms import AccountSearchForm, CodeForm, StaffAuthenticationForm
from gongkai.orgs.models import User
from gongkai.orgs.staff_pages import denied, flash_error, staff_user

# The password was right and the account has an authenticator: who is waiting for the code.
PENDING_KEY = "gongkai.orgs.pending_login"
# How long the code may take after the password (an app shows a new code every 30 seconds).
PENDING_AGE = dt.timedelta(minutes=5)
WRONG_CODE = _lazy("验证码不正确，请输入验证器上当前显示的6位数字。")


def _wait_message(seconds: int) -> str:
    return _("输入过快，请%(seconds)d秒后再输入验证码。") % {"seconds": seconds}


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


class StaffLoginView(auth_views.LoginView):
    """/accounts/login/: the password, then (for accounts with an authenticator) the code.

    A lockout answers 429 with its sentence; a right password with an authenticator keeps the
    visitor anonymous until the code is right (login_code)."""

    template_name = "registration/login.html"
    authentication_form = StaffAuthenticationForm

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(form, "locked", False):
            response.status_code = 429
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        user: User = form.get_user()
        address = throttle.client_address(self.request)
        if two_factor.confirmed_device(user) is None:
            logins.login_succeeded(user=user, address=address, method="password")
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            # The password as it was checked: a reset meanwhile voids this step.
            "hash": user.get_session_auth_hash(),
            "backend": getattr(user, "backend", ""),
            "at": clock.now().isoformat(),
            "next": self.get_redirect_url(),
        }
        return redirect("login_code")


def _pending(request: HttpRequest) -> tuple[User, dict[str, str]] | None:
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None
    started = dt.datetime.fromisoformat(pending["at"])
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    stale = clock.now() - started > PENDING_AGE
    if user is None or stale or user.get_session_auth_hash() != pending.get("hash"):
        request.session.pop(PENDING_KEY, None)
        return None
    return user, pending


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: the 6-digit code of the account's authenticator. A wrong code counts as
    a failed login (the same lockout as a wrong password); a right one logs in."""
    found = _pending(request)
    if found is None:
        messages.info(request, _("请重新输入用户名和密码。"))
        return redirect("login")
    user, pending = found
    device = two_factor.confirmed_device(user)
    if device is None:  # the office removed it meanwhile
        request.session.pop(PENDING_KEY, None)
        return redirect("login")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        address = throttle.client_address(request)
        username = user.get_username()
        until = logins.refused_until(username=username, address=address)
        wait = two_factor.wait_seconds(device)
        if until is not None:
            logins.login_refused(username=username, address=address, until=until)
        elif wait:
            form.add_error("code", _wait_message(wait))
            status = 429
        elif two_factor.code_is_valid(device, form.cleaned_data["code"]):
            request.session.pop(PENDING_KEY, None)
            auth_login(request, user, backend=pending["backend"] or None)
            logins.login_succeeded(user=user, address=address, method="password+totp")
            return redirect(pending["next"] or reverse("staff:home"))
        else:
            until = logins.login_failed(username=username, address=address, reason="code")
            if until is None:
                form.add_error("code", WRONG_CODE)
                status = 400
        if until is not None:
            # Locked out: the password step is over too, so the code alone gets nowhere.
            request.session.pop(PENDING_KEY, None)
            form.add_error(None, logins.locked_message(until))
            status = 429
    elif request.method == "POST":
        status = 400
    return _no_store(render(request, "registration/login_code.html", {"form": form}, status=status))


@require_http_methods(["GET", "HEAD", "POST"])
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own login page is not used: it would bypass the lockout and the code. Send
    people to ours, back to where the admin wanted them afterwards."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


class PasswordChangeView(auth_views.PasswordChangeView):
    """/accounts/password/: change one's own password (also the page a forced change sends
    people to, after the office reset it). A wrong old password counts as a failed login."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("staff:home")
    form_class = PasswordChangeForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["forced"] = getattr(self.request.user, "must_change_password", False)
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        user = staff_user(self.request)
        services.user_password_change(actor=user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("密码已修改。其他设备上的登录已失效。"))
        return redirect(self.get_success_url())

    def form_invalid(self, form: Any) -> HttpResponse:
        if "old_password" in form.errors:
            user = staff_user(self.request)
            logins.login_failed(
                username=user.get_username(),
                address=throttle.client_address(self.request),
                reason="password",
            )
        response = super().form_invalid(form)
        response.status_code = 400
        return response


@login_required
@require_safe
def account_home(request: HttpRequest) -> HttpResponse:
    """我的账号: change the password, the authenticator (office), the office's account page."""
    user = staff_user(request)
    context = {
        "can_enrol": permissions.can_enrol_authenticator(user),
        "has_authenticator": two_factor.confirmed_device(user) is not None,
        "manages_accounts": permissions.is_office(user),
    }
    return render(request, "registration/account.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def authenticator(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (office accounts): scan the QR code or type the secret, then
    confirm with the first code; or remove one's own (with a current code)."""
    user = staff_user(request)
    if not permissions.can_enrol_authenticator(user):
        raise PermissionDenied(_("只有县政务公开办的账号可以启用身份验证器。"))
    confirmed = two_factor.confirmed_device(user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        address = throttle.client_address(request)
        until = logins.refused_until(username=user.get_username(), address=address)
        device = confirmed or two_factor.enrolment_device(user)
        wait = two_factor.wait_seconds(device)
        if until is not None:
            form.add_error(None, logins.locked_message(until))
            status = 429
        elif wait:
            form.add_error("code", _wait_message(wait))
            status = 429
        elif confirmed is None:
            try:
                ok = services.authenticator_confirm(actor=user, code=code)
            except AccessDenied as err:
                raise denied(err) from err
            except GongkaiError as err:
                flash_error(request, err)
                return redirect("account_authenticator")
            if ok:
                messages.success(
                    request, _("身份验证器已启用：以后登录时，输入密码后还需输入6位验证码。")
                )
                return redirect("account_home")
            status = _wrong_code(request, form, user)
        elif two_factor.code_is_valid(confirmed, code):
            services.authenticator_remove(actor=user, user=user)
            messages.success(request, _("身份验证器已移除：以后登录只需密码。"))
            return redirect("account_home")
        else:
            status = _wrong_code(request, form, user)
    elif request.method == "POST":
        status = 400
    context: dict[str, Any] = {"form": form, "confirmed": confirmed is not None}
    if confirmed is None:
        device = two_factor.enrolment_device(user)
        # The SVG is drawn by qrcode from our own otpauth:// address, not from anyone's input.
        context["qr_svg"] = mark_safe(two_factor.qr_svg(device))  # noqa: S308
        context["secret"] = two_factor.secret_text(device)
    return _no_store(render(request, "registration/authenticator.html", context, status=status))


def _wrong_code(request: HttpRequest, form: CodeForm, user: User) -> int:
    """A wrong code on the authenticator page counts as a failed login (someone at an unlocked
    screen guessing); returns the answer's status."""
    until = logins.login_failed(
        username=user.get_username(), address=throttle.client_address(request), reason="code"
    )
    if until is not None:
        form.add_error(None, logins.locked_message(until))
        return 429
    form.add_error("code", WRONG_CODE)
    return 400


@login_required
@require_safe
def account_list(request: HttpRequest) -> HttpResponse:
    """The office's staff accounts: find one, reset its password or remove its authenticator."""
    user = staff_user(request)
    if not permissions.is_office(user):
        raise PermissionDenied(_("只有县政务公开办可以管理工作人员账号。"))
    form = AccountSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    accounts, total = selectors.accounts_managed_by(user, query=query)
    context = {"form": form, "accounts": accounts, "total": total, "query": query}
    return render(request, "registration/account_list.html", context)


def _managed_account(request: HttpRequest, pk: int) -> tuple[User, User]:
    user = staff_user(request)
    if not permissions.is_office(user):
        raise PermissionDenied(_("只有县政务公开办可以管理工作人员账号。"))
    account = selectors.account_managed_by(user, pk)
    if account is None:
        raise Http404(_("没有找到该账号，或该账号不由您管理。"))
    return user, account


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then reset a staff member's password (it ends their sessions, so not on one click of
    a list); the temporary password is shown on this answer only (never stored in clear, never
    sent again)."""
    user, account = _managed_account(request, pk)
    if request.method != "POST":
        return render(request, "registration/account_reset_confirm.html", {"account": account})
    try:
        password = services.user_password_reset(actor=user, user=account)
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
        return redirect("account_list")
    context = {"account": account, "password": password}
    return _no_store(render(request, "registration/account_reset_done.html", context))


@login_required
@require_POST
def account_remove_authenticator(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a staff member's authenticator (a lost phone): they log in with the password."""
    user, account = _managed_account(request, pk)
    try:
        removed = services.authenticator_remove(actor=user, user=account)
    except AccessDenied as err:
        raise denied(err) from err
    if removed:
        messages.success(
            request, _("已移除%(name)s的身份验证器。") % {"name": account.full_name or account}
        )
    else:
        messages.info(request, _("%(name)s没有启用身份验证器。") % {"name": account})
    return redirect("account_list")
