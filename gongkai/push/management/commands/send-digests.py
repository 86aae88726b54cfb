"""`gongkai send-digests`: send the pending immediate pushes and, from the digest hour, the daily
digests (gongkai.push.services.deliveries_send). Safe to run twice and at once; `gongkai tick`
runs the same every few minutes."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.checks import COMMAND_CHECKS
from gongkai.push import services


class Command(BaseCommand):
    help = "Send pending policy pushes and today's daily digests (exactly once)."
    requires_system_checks = COMMAND_CHECKS

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.deliveries_send()
        if result.busy:
            self.stdout.write("busy: another send is running; nothing done")
            return
        self.stdout.write(json.dumps(result.summary()))
        if result.failed:
            raise CommandError(f"{result.failed} mail(s) failed; they are retried at the next run")
