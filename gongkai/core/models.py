"""The base every gongkai model builds on, and the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone


def staff_reference(verbose_name: str) -> models.ForeignKey[Any, Any]:
    """A nullable reference to the staff member who did something (None: the command line).

    PROTECT, because records of who acted are kept for as long as the act; no reverse accessor,
    because nobody asks a user for everything that mentions them.
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class BaseModel(models.Model):
    """Abstract base: every row knows when it was created and last changed (aware datetimes)."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Audit entries are read, never changed: bulk update and delete are refused here, and by
    database triggers for anything that bypasses the ORM (migration 0004)."""

    def update(self, **kwargs: Any) -> int:
        raise AuditLogReadOnly("the audit log is append-only: entries cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogReadOnly("the audit log is append-only: entries cannot be deleted")

    def chain_order(self) -> AuditEntryQuerySet:
        """Entries in the order they were chained (oldest first)."""
        return self.order_by("id")


class AuditLogReadOnly(Exception):
    """Someone tried to change or remove an audit entry (the log is append-only)."""


class AuditEntry(models.Model):
    """One sensitive action: who did what to which record, in which unit, and when.

    Rows are only ever added, through ``gongkai.core.audit.audit``, which chains them: each
    stores the hash of the entry before it (``prev_hash``) and its own (``hash``, SHA-256 over
    its fields and ``prev_hash``), so ``gongkai audit verify`` finds any row changed or removed
    behind the application's back. Saving an existing row or deleting one is refused here and
    by database triggers.
    """

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = staff_reference("操作人")
    action = models.CharField("操作", max_length=64, db_index=True)
    target_type = models.CharField("对象类型", max_length=64, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    unit_code = models.CharField("单位代码", max_length=32, blank=True, db_index=True)
    summary = models.CharField("摘要", max_length=500, blank=True)
    data: models.JSONField[Any] = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField("上一条哈希", max_length=64, blank=True, editable=False)
    hash = models.CharField("哈希", max_length=64, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Chain and insert a new entry (gongkai.core.auditchain); an entry already saved
        cannot be saved again (append-only)."""
        if not self._state.adding or self.pk is not None:
            raise AuditLogReadOnly("the audit log is append-only: entries cannot be changed")
        from gongkai.core import auditchain

        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            auditchain.chain([self], using=using)
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Refused: the audit log is append-only."""
        raise AuditLogReadOnly("the audit log is append-only: entries cannot be deleted")


class Lease(models.Model):
    """A named lock that lapses on its own: one row per name, held by ``holder`` until
    ``expires_at`` (gongkai.core.leases).

    A row rather than a database lock because it must work the same on SQLite and PostgreSQL,
    across processes and machines, and a holder that crashed must not block the work forever.
    """

    name = models.CharField("名称", max_length=100, unique=True)
    holder = models.CharField("持有者", max_length=200, blank=True)
    expires_at = models.DateTimeField("到期时间")

    class Meta:
        verbose_name = "运行锁"
        verbose_name_plural = "运行锁"

    def __str__(self) -> str:
        return f"{self.name} ({self.holder or '-'} until {self.expires_at:%Y-%m-%d %H:%M:%S})"


class TaskRun(models.Model):
    """When a scheduled task (``gongkai tick``) last ran and how it ended, one row per task, so
    a tick run every minute does daily work once a day."""

    name = models.CharField("任务", max_length=64, unique=True)
    started_at = models.DateTimeField("最近开始", null=True, blank=True)
    finished_at = models.DateTimeField("最近结束", null=True, blank=True)
    ok = models.BooleanField("最近是否成功", null=True, blank=True)
    outcome: models.JSONField[Any] = models.JSONField("最近结果", default=dict, blank=True)
    error = models.TextField("最近错误", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "定时任务运行记录"
        verbose_name_plural = "定时任务运行记录"

    def __str__(self) -> str:
        return f"{self.name}: {self.finished_at or 'never'}"
