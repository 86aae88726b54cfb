"""Optional second step at login for office accounts: a 6-digit code from an authenticator app
(TOTP, RFC 6238) through django-otp's TOTP devices.

The office's accounts can change every unit's work and reset other staff's passwords, so they may
add a code to their password; the other staff log in with the password alone. An account has at
most one confirmed device; enrolling makes an unconfirmed one, confirmed by the first right code.
The QR code is drawn as SVG by ``qrcode`` (no image library needed).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.core import clock
from gongkai.orgs.models import User

DEVICE_NAME = "身份验证器"
CODE_PATTERN = re.compile(r"^\d{6}$")


def confirmed_device(user: User) -> TOTPDevice | None:
    """The account's authenticator, once confirmed; None when it logs in with a password alone."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device the enrolment page shows, made on first visit and kept until it is
    confirmed, so reloading the page does not change the secret under the person scanning it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app that cannot scan."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code."""
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,
    )
    svg: str = image.to_string(encoding="unicode")
    return svg


def wait_seconds(device: TOTPDevice) -> int:
    """Seconds before django-otp accepts another try after failures (1, 2, 4, 8 … seconds), so
    the page can say so instead of counting a correct code typed too soon as wrong."""
    allowed, info = device.verify_is_allowed()
    if allowed or not info or "locked_until" not in info:
        return 0
    until: dt.datetime = info["locked_until"]
    return max(1, math.ceil((until - clock.now()).total_seconds()))


def code_is_valid(device: TOTPDevice, code: str) -> bool:
    """Whether ``code`` is the device's current code. django-otp refuses a code used before and,
    after failures, any code for a growing delay (its own throttle, besides ours)."""
    code = code.strip().replace(" ", "")
    if not CODE_PATTERN.match(code):
        return False
    return bool(device.verify_token(code))
