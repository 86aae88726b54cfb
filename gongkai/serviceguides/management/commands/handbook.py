"""`gongkai handbook [--unit CODE] --group unit|life-event --output FILE.docx`: the 办事一本通.

Compiles the county's (or one unit's) published service guides into the Word handbook, the same
file /banshi/handbook.docx serves (gongkai.serviceguides.handbook, with its cache). Every refusal
is one Chinese line and a non-zero exit: an unknown unit, a bad grouping, an output that cannot
be written, or no published guide to compile.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai import cli
from gongkai.core.checks import COMMAND_CHECKS
from gongkai.core.errors import GongkaiError
from gongkai.orgs.models import Unit


class Command(BaseCommand):
    requires_system_checks = COMMAND_CHECKS
    help = "Write the 办事一本通 (handbook of published service guides) as a Word (.docx) file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", default=None, help="unit code; the whole county without it")
        # Checked in handle (not choices=): argparse's refusal would be English.
        parser.add_argument("--group", default="unit", help="unit (by unit) or life-event")
        parser.add_argument("--output", type=Path, required=True, help="the .docx to write")

    def handle(self, *args: Any, **options: Any) -> None:
        from gongkai.serviceguides import handbook

        try:
            group = handbook.check_group(options["group"])
        except GongkaiError as exc:
            raise CommandError(exc.message) from exc
        unit = None
        if options["unit"] is not None:
            unit = Unit.objects.filter(code=options["unit"].strip().upper()).first()
            if unit is None:
                raise CommandError(
                    f"未知的单位代码“{options['unit']}”。可用 `gongkai units list` 查看单位代码。"
                )
        output: Path = options["output"]
        cli.check_output(output)
        try:
            handle, built = handbook.open_handbook_docx(unit=unit, group=group)
        except GongkaiError as exc:
            raise CommandError(exc.message) from exc
        with handle:
            data = handle.read()
        cli.write_output(output, data)
        self.stdout.write(
            json.dumps(
                {"output": str(output), "bytes": len(data), "cached": not built.fresh},
                ensure_ascii=False,
            )
        )
