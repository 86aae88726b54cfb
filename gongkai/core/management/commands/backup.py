"""`gongkai backup FILE`: the database and the uploaded files in one checked archive.

Runs while the site serves (gongkai.core.backup explains how the copy stays consistent). FILE
is a new file, or a folder in which the archive is named by the time
(gongkai-backup-YYYYmmdd-HHMMSS.tar.gz); ``--keep N`` then deletes all but the newest N there,
so a nightly cron line or systemd timer needs nothing else.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, transaction

from gongkai.core.audit import audit
from gongkai.core.backup import backup_create, backup_prune
from gongkai.core.checks import COMMAND_CHECKS
from gongkai.core.errors import GongkaiError

logger = logging.getLogger(__name__)
MB = 1024 * 1024


class Command(BaseCommand):
    requires_system_checks = COMMAND_CHECKS
    help = (
        "备份数据库和上传的文件到一个归档文件（网站运行时也可以备份）。FILE 为目录时，"
        "在其中按时间命名（gongkai-backup-年月日-时分秒.tar.gz）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="备份文件名（.tar.gz），或存放备份的目录")
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="FILE 为目录时，只保留其中最新的 N 份备份，删除更早的",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"])
        keep: int = options["keep"]
        if keep < 0 or (keep and not target.is_dir()):
            raise CommandError("--keep N 只能与一个目录一起使用，且 N 至少为 1。")
        try:
            result = backup_create(target)
            removed = backup_prune(target, keep=keep) if keep else []
        except GongkaiError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"已备份到 {result.path}：数据库 {result.database_bytes / MB:.1f} MB，"
            f"上传文件 {result.media_files} 个（{result.media_bytes / MB:.1f} MB），"
            f"归档 {result.archive_bytes / MB:.1f} MB，用时 {result.seconds:.1f} 秒。"
        )
        for path in removed:
            self.stdout.write(f"已删除较早的备份 {path.name}")
        try:
            with transaction.atomic():
                audit(
                    actor=None,
                    action="system.backup",
                    target_type="backup",
                    target_id=result.path.name[:64],
                    summary=f"备份到 {result.path}",
                    data={
                        "path": str(result.path),
                        "archive_bytes": result.archive_bytes,
                        "media_files": result.media_files,
                        "removed": [path.name for path in removed],
                    },
                )
        except DatabaseError as err:  # the backup is written; a busy log must not fail it
            logger.warning("backup: audit entry not written: %s", err)
