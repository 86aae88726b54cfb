"""`gongkai restore FILE`: put a backup made by `gongkai backup` back in place.

Stop the site first (gongkai serve and gongkai tick). The archive is checked whole before
anything changes (gongkai.core.backup.backup_restore); a site that holds data is replaced only
with ``--force``, and its database and uploads are then kept as ``*.before-restore-<time>``.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from gongkai.core.audit import audit
from gongkai.core.backup import backup_restore, describe_counts
from gongkai.core.checks import COMMAND_CHECKS
from gongkai.core.errors import GongkaiError

logger = logging.getLogger(__name__)


def _local(moment: str) -> str:
    """The backup's time in the county's time zone, to the minute."""
    try:
        return f"{timezone.localtime(dt.datetime.fromisoformat(moment)):%Y-%m-%d %H:%M}"
    except (TypeError, ValueError):
        return moment or "未知时间"


class Command(BaseCommand):
    requires_system_checks = COMMAND_CHECKS
    help = (
        "从 gongkai backup 生成的备份恢复数据库和上传的文件（请先停止网站和定时任务）。"
        "先完整检查备份，有问题则不做任何改动。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="备份文件（gongkai-backup-….tar.gz）")
        parser.add_argument(
            "--force",
            action="store_true",
            help="当前站点已有数据时也恢复；原有数据库和上传文件改名保留为 *.before-restore-<时间>",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["file"])
        # This process's own connection must not hold the file that is about to be replaced.
        connections.close_all()
        try:
            result = backup_restore(archive, force=options["force"])
        except GongkaiError as exc:
            raise CommandError(exc.message) from exc
        connections.close_all()
        counts = describe_counts(result.counts) or "没有数据"
        self.stdout.write(
            f"已从 {archive.name} 恢复（备份于 {_local(result.created_at)}，"
            f"gongkai {result.gongkai_version}，"
            f"{result.engine}）：{counts}，上传文件{result.media_files}个。"
        )
        for path in result.set_aside:
            self.stdout.write(f"原有数据已保留为 {path}")
        if result.pending_migrations:
            self.stdout.write(
                f"备份来自较早的版本，还有 {result.pending_migrations} 个数据库迁移未应用："
                "请运行 gongkai migrate，再启动网站。"
            )
            return  # the restored schema may not have the audit log's current columns yet
        try:
            with transaction.atomic():
                audit(
                    actor=None,
                    action="system.restore",
                    target_type="backup",
                    target_id=archive.name[:64],
                    summary=f"从 {archive.name} 恢复",
                    data={
                        "archive": str(archive.absolute()),
                        "created_at": result.created_at,
                        "counts": result.counts,
                        "media_files": result.media_files,
                        "set_aside": [str(path) for path in result.set_aside],
                    },
                )
        except DatabaseError as err:
            logger.warning("restore: audit entry not written: %s", err)
