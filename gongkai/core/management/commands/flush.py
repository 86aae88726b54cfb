"""`flush` that can empty the append-only audit log outside production.

Django's own ``flush`` (which pytest-django runs after every transactional test) deletes every
row; the audit log's triggers refuse that. Outside production the triggers are dropped for the
flush and put back after it; in production the command refuses, because the audit log must
survive everything short of restoring a backup.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from gongkai.core import auditchain


class Command(FlushCommand):
    help = FlushCommand.help + " Outside production only: the audit log is append-only."

    def handle(self, **options: Any) -> None:
        if settings.GONGKAI_ENV == "production":
            raise CommandError("生产环境不能清空数据库：审计日志只能追加，不能删除。")
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if "core_auditentry" not in connection.introspection.table_names():
            super().handle(**options)
            return
        auditchain.remove_triggers(connection)
        try:
            super().handle(**options)
        finally:
            auditchain.install_triggers(connection)
