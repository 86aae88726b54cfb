"""What production must be told before it starts, as Django system checks.

config/settings.py already refuses, at import, what would be unsafe (DEBUG on, the development
secret key). What is merely missing — the host names, where files live — is checked here, so
`gongkai serve`, `gongkai tick`, `gongkai migrate` and `gongkai check` refuse to run with one line
per missing value, while tools that only import the settings still can.

Django runs the system checks before every management command. Its URL checks import the whole
URLconf — every view module, and through them openpyxl, python-docx and jinja2 — which is more
than half of a command's start-up (0.35 s of 0.6 s here). Commands that serve no page run
COMMAND_CHECKS instead: every check but the URL ones. `gongkai check`, `serve` and `migrate`
still run them all.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

#: The tag of gongkai's own checks (``gongkai check --tag gongkai`` runs only them).
GONGKAI = "gongkai"

#: What a command that serves no page checks (its ``requires_system_checks``): everything but
#: Django's URL checks (Tags.urls), which import every view.
COMMAND_CHECKS = [
    GONGKAI,
    Tags.admin,
    Tags.caches,
    Tags.compatibility,
    Tags.database,
    Tags.files,
    Tags.models,
    Tags.security,
    Tags.signals,
    Tags.staticfiles,
    Tags.templates,
    Tags.translation,
]


@register(GONGKAI)
def production_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every production setting that is missing or unusable, each with what to set."""
    if settings.GONGKAI_ENV != "production":
        return []
    errors: list[CheckMessage] = []
    if not settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "Refusing to start: set ALLOWED_HOSTS to the site's host names, comma-separated "
                "(e.g. ALLOWED_HOSTS=gongkai.example.gov.cn)",
                id="gongkai.E001",
            )
        )
    if not os.environ.get("GONGKAI_VAR_DIR", "").strip():
        errors.append(
            Error(
                "Refusing to start: set GONGKAI_VAR_DIR to an absolute folder for uploads, "
                "collected static files and (without DATABASE_URL) the SQLite database, "
                "e.g. GONGKAI_VAR_DIR=/srv/gongkai/var",
                id="gongkai.E002",
            )
        )
    elif not settings.VAR_DIR.is_absolute():
        errors.append(
            Error(
                f"Refusing to start: GONGKAI_VAR_DIR must be an absolute path, not {settings.VAR_DIR}",
                id="gongkai.E003",
            )
        )
    site = settings.GONGKAI_SITE_URL
    if site and not site.startswith(("http://", "https://")):
        errors.append(
            Error(
                f"Refusing to start: GONGKAI_SITE_URL must start with http:// or https://, not {site!r}",
                id="gongkai.E004",
            )
        )
    return errors
