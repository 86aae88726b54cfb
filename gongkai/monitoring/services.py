"""Every change the monitoring makes goes through these functions: checked, validated, audited.

The office (permissions.can_manage_monitoring) sets the columns' update classes, keeps the
new-media accounts, and records and cancels serious incidents; an account's owner unit records
its own posts (permissions.can_record_new_media_posts_of), the office anyone's. Probes come from
the server's command line (``gongkai monitor probe``), with no actor.
"""

from __future__ import annotations

import datetime as dt
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from gongkai.core import clock
from gongkai.core.audit import audit
from gongkai.core.errors import ValidationFailed
from gongkai.monitoring import posts_file
from gongkai.monitoring.freshness import class_label
from gongkai.monitoring.models import (
    Incident,
    IncidentKind,
    NewMediaAccount,
    NewMediaPost,
    Platform,
    PostSource,
    Probe,
)
from gongkai.monitoring.veto import PROBE_TIMEOUT_S
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, User
from gongkai.publications.models import Column

log = logging.getLogger(__name__)

Actor = User | None
OFFICE_ONLY = "只有县政务公开办可以管理网站与政务新媒体监测。"
ACCOUNT_FIELDS = ("platform", "name", "unit", "required_per_week", "is_active", "opened_on", "note")
PLATFORM_WORDS = {
    **{label: code for code, label in Platform.choices},
    **{code: code for code in Platform.values},
    "微信": Platform.WECHAT,
    "公众号": Platform.WECHAT,
    "微博": Platform.WEIBO,
    "头条": Platform.TOUTIAO,
    "头条号": Platform.TOUTIAO,
    "抖音号": Platform.DOUYIN,
    "快手号": Platform.KUAISHOU,
    "视频号": Platform.CHANNELS,
}


def _office(actor: Actor) -> None:
    permissions.require_pred(permissions.can_manage_monitoring, actor, message=OFFICE_ONLY)


# ---------------------------------------------------------------------------- columns


@transaction.atomic
def column_update_class_set(*, actor: Actor, column: Column, update_days: int | None) -> Column:
    """Set a column's update class (每日 1, 两周 14, 半年 183, 一年 365 or 不要求 None)."""
    _office(actor)
    if update_days is not None and not 1 <= update_days <= 3660:
        raise ValidationFailed("更新周期应为1到3660天，或选择“不要求”。", log="bad update_days")
    before = column.update_days
    if before == update_days:
        return column
    column.update_days = update_days
    column.save(update_fields=["update_days", "updated_at"])
    audit(
        actor=actor,
        action="monitoring.column_class",
        target=column,
        summary=f"栏目“{column.name}”更新要求：{class_label(before)} → {class_label(update_days)}",
        data={"before": before, "after": update_days},
    )
    return column


# ---------------------------------------------------------------------------- accounts


def _account_values(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"unknown account fields: {sorted(unknown)}")
    cleaned = dict(values)
    if "name" in cleaned:
        cleaned["name"] = str(cleaned["name"]).strip()
    return cleaned


def _save_account(account: NewMediaAccount) -> None:
    clash = NewMediaAccount.objects.filter(platform=account.platform, name=account.name).exclude(
        pk=account.pk
    )
    if clash.exists():
        raise ValidationFailed(
            f"{account.get_platform_display()}上已有名为“{account.name}”的账号。",
            log="duplicate new-media account",
        )
    try:
        account.full_clean()
    except ValidationError as exc:
        problems = [f"{k}：{'；'.join(v)}" for k, v in exc.message_dict.items()]
        raise ValidationFailed(
            "账号信息不完整或有误。", log="invalid new-media account", problems=problems
        ) from exc
    account.save()


@transaction.atomic
def account_create(*, actor: Actor, values: Mapping[str, Any]) -> NewMediaAccount:
    """Register a new-media account under its owner unit; the office only."""
    _office(actor)
    account = NewMediaAccount(**_account_values(values))
    _save_account(account)
    audit(
        actor=actor,
        action="monitoring.account_create",
        target=account,
        unit_code=account.unit.code,
        summary=f"登记政务新媒体账号：{account.described}",
    )
    return account


@transaction.atomic
def account_update(
    *, actor: Actor, account: NewMediaAccount, values: Mapping[str, Any]
) -> NewMediaAccount:
    """Change an account (rename, hand it to another unit, stop monitoring it); the office only."""
    _office(actor)
    cleaned = _account_values(values)
    changed = [k for k, v in cleaned.items() if getattr(account, k) != v]
    for key, value in cleaned.items():
        setattr(account, key, value)
    _save_account(account)
    audit(
        actor=actor,
        action="monitoring.account_update",
        target=account,
        unit_code=account.unit.code,
        summary=f"修改政务新媒体账号{account.described}：" + ("、".join(changed) or "（无改动）"),
        data={"changed": changed},
    )
    return account


# ---------------------------------------------------------------------------- posts


def _check_post(title: str, published_on: dt.date | None, url: str) -> list[str]:
    problems = []
    if not title:
        problems.append("标题不能为空")
    elif len(title) > 300:
        problems.append("标题不能超过300个字")
    if published_on is None:
        problems.append("发布日期不能为空")
    elif published_on > clock.today():
        problems.append(f"发布日期{published_on.isoformat()}晚于今天")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            problems.append(f"链接“{url[:60]}”不是有效的网址（应以http://或https://开头）")
        if len(url) > 500:
            problems.append("链接不能超过500个字符")
    return problems


@transaction.atomic
def post_record(
    *,
    actor: Actor,
    account: NewMediaAccount,
    published_on: dt.date,
    title: str,
    url: str = "",
) -> NewMediaPost:
    """Record one post of an account; its owner unit's staff or the office."""
    permissions.require_pred(
        permissions.can_record_new_media_posts_of,
        actor,
        account.unit,
        message=f"只有{account.unit.name}或县政务公开办可以录入“{account.name}”的发布记录。",
    )
    title, url = title.strip(), url.strip()
    problems = _check_post(title, published_on, url)
    if problems:
        raise ValidationFailed("；".join(problems) + "。", log="invalid new-media post")
    if NewMediaPost.objects.filter(
        account=account, published_on=published_on, title=title
    ).exists():
        raise ValidationFailed(
            f"“{account.name}”{published_on.isoformat()}发布的“{title}”已经录入过。",
            log="duplicate new-media post",
        )
    post = NewMediaPost.objects.create(
        account=account, published_on=published_on, title=title, url=url, recorded_by=actor
    )
    audit(
        actor=actor,
        action="monitoring.post_record",
        target=post,
        unit_code=account.unit.code,
        summary=f"录入{account.described}{published_on.isoformat()}的发布记录：{title}",
    )
    return post


@transaction.atomic
def post_remove(*, actor: Actor, post: NewMediaPost) -> None:
    """Remove a post recorded by mistake; whoever may record the account's posts."""
    account = post.account
    permissions.require_pred(
        permissions.can_record_new_media_posts_of,
        actor,
        account.unit,
        message=f"只有{account.unit.name}或县政务公开办可以删除“{account.name}”的发布记录。",
    )
    audit(
        actor=actor,
        action="monitoring.post_remove",
        target=post,
        unit_code=account.unit.code,
        summary=f"删除{account.described}{post.published_on.isoformat()}的发布记录：{post.title}",
        data={"published_on": post.published_on.isoformat(), "title": post.title},
    )
    post.delete()


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    created: int
    skipped: int  # already recorded, or repeated in the file
    accounts: int


def _find_account(
    row: posts_file.Row, by_key: dict[tuple[str, str], NewMediaAccount]
) -> NewMediaAccount | str:
    """The account a row names, or the Chinese problem."""
    if not row.account:
        return "账号名称不能为空"
    if row.platform:
        platform = PLATFORM_WORDS.get(row.platform)
        if platform is None:
            return f"平台“{row.platform}”无法识别（可填：{'、'.join(Platform.labels)}）"
        found = by_key.get((str(platform), row.account))
        if found is None:
            return f"没有登记{Platform(platform).label}账号“{row.account}”，请先由县政务公开办登记"
        return found
    matches = [a for (_, name), a in by_key.items() if name == row.account]
    if not matches:
        return f"没有登记名为“{row.account}”的账号，请先由县政务公开办登记"
    if len(matches) > 1:
        return f"多个平台都有名为“{row.account}”的账号，请填写平台"
    return matches[0]


def posts_import(*, actor: Actor, data: bytes, dry_run: bool = False) -> ImportSummary:
    """Import posting records from an .xlsx or .csv file, all or nothing.

    Every row must name a registered account the actor may record for (its owner unit, or the
    office for any), a date not after today and a title; any problem refuses the whole file with
    a Chinese list by row number (ValidationFailed.problems). Rows already recorded (same
    account, date and title) or repeated in the file are skipped, so importing a file twice adds
    nothing. The file is read before the write transaction opens (issue 12).
    """
    if actor is None or not permissions.is_staff_member(actor):
        permissions.require(False, "请先登录。", log="anonymous post import")
    table = posts_file.read(data)
    return _posts_import_table(actor=actor, table=table, dry_run=dry_run)


@transaction.atomic
def _posts_import_table(
    *, actor: Actor, table: posts_file.PostsTable, dry_run: bool
) -> ImportSummary:
    """Check and record the read rows of posts_import, under one transaction."""
    problems = list(table.problems)
    by_key = {(a.platform, a.name): a for a in NewMediaAccount.objects.select_related("unit").all()}
    allowed: dict[int, bool] = {}
    planned: dict[tuple[int, dt.date, str], posts_file.Row] = {}
    targets: dict[tuple[int, dt.date, str], NewMediaAccount] = {}
    skipped = 0
    for row in table.rows:
        found = _find_account(row, by_key)
        row_problems = [found] if isinstance(found, str) else []
        if not isinstance(found, str):
            if found.unit_id not in allowed:
                allowed[found.unit_id] = permissions.can_record_new_media_posts_of(
                    actor, found.unit
                )
            if not allowed[found.unit_id]:
                row_problems.append(f"您不能录入{found.unit.name}的账号“{found.name}”的发布记录")
        if row.published_on is None and row.day_text:
            row_problems.append(f"发布日期“{row.day_text}”无法识别，请写成2024-10-08")
            row_problems.extend(p for p in _check_post(row.title, dt.date.min, row.link))
        else:
            row_problems.extend(_check_post(row.title, row.published_on, row.link))
        if row_problems:
            problems.append(f"第{row.number}行：{'；'.join(row_problems)}。")
            continue
        assert not isinstance(found, str) and row.published_on is not None
        key = (found.pk, row.published_on, row.title)
        if key in planned:
            skipped += 1
            continue
        planned[key] = row
        targets[key] = found
    if problems:
        raise ValidationFailed(
            f"文件中有{len(problems)}处问题，没有导入任何记录；请修改后重新导入。",
            log=f"new-media post import refused: {len(problems)} problems",
            problems=problems,
        )
    existing: set[tuple[int, dt.date, str]] = set()
    if planned:
        days = [k[1] for k in planned]
        existing = set(
            NewMediaPost.objects.filter(
                account__in={k[0] for k in planned},
                published_on__gte=min(days),
                published_on__lte=max(days),
            ).values_list("account_id", "published_on", "title")
        )
    fresh = [k for k in planned if k not in existing]
    skipped += len(planned) - len(fresh)
    NewMediaPost.objects.bulk_create(
        [
            NewMediaPost(
                account=targets[k],
                published_on=k[1],
                title=k[2],
                url=planned[k].link,
                source=PostSource.IMPORTED,
                recorded_by=actor,
            )
            for k in fresh
        ],
        batch_size=1000,
    )
    summary = ImportSummary(
        rows=len(table.rows),
        created=len(fresh),
        skipped=skipped,
        accounts=len({k[0] for k in fresh}),
    )
    if fresh:
        first = targets[fresh[0]]
        audit(
            actor=actor,
            action="monitoring.posts_import",
            target=first,
            unit_code=first.unit.code,
            summary=f"导入政务新媒体发布记录{summary.created}条（{summary.accounts}个账号）",
            data={"rows": summary.rows, "created": summary.created, "skipped": summary.skipped},
        )
    if dry_run:
        transaction.set_rollback(True)
    return summary


# ---------------------------------------------------------------------------- probes


@dataclass(frozen=True)
class Fetched:
    ok: bool
    status_code: int | None
    elapsed_ms: int
    error: str


def fetch(url: str, *, timeout: float = PROBE_TIMEOUT_S) -> Fetched:
    """Load ``url`` once, as a visitor would; ok when it answers 2xx/3xx within ``timeout``."""
    request = urllib.request.Request(url, headers={"User-Agent": "gongkai-monitor/1"})  # noqa: S310 - http(s) checked by the caller
    began = perf_counter()
    status: int | None = None
    error = ""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
            response.read(1024 * 1024)  # the page must arrive, not just the headers
    except urllib.error.HTTPError as exc:
        status = exc.code
        error = f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        error = "超时" if isinstance(reason, TimeoutError) else f"无法连接（{reason}）"
    elapsed = round((perf_counter() - began) * 1000)
    if not error and elapsed > timeout * 1000:
        error = "超时"
    ok = not error and status is not None and status < 400
    return Fetched(ok=ok, status_code=status, elapsed_ms=elapsed, error=error[:300])


@transaction.atomic
def probe_record(*, url: str, fetched: Fetched, checked_at: dt.datetime | None = None) -> Probe:
    """Store one probe of the site (the server's command line; cron runs it)."""
    if not url.startswith(("http://", "https://")):
        raise ValidationFailed("检测地址应以http://或https://开头。", log=f"bad probe url {url!r}")
    return Probe.objects.create(
        url=url[:500],
        checked_at=checked_at or clock.now(),
        ok=fetched.ok,
        status_code=fetched.status_code,
        elapsed_ms=fetched.elapsed_ms,
        error=fetched.error,
    )


# ---------------------------------------------------------------------------- incidents


@transaction.atomic
def incident_record(
    *,
    actor: Actor,
    kind: str,
    occurred_on: dt.date,
    description: str,
    unit: Unit | None = None,
    evidence: str = "",
) -> Incident:
    """Record a serious problem of the site (a single-veto item the office cannot measure)."""
    _office(actor)
    if kind not in IncidentKind.values:
        raise ValidationFailed("请选择问题类别。", log=f"bad incident kind {kind!r}")
    description = description.strip()
    if not description:
        raise ValidationFailed("请写明问题情况。", log="incident without description")
    if occurred_on > clock.today():
        raise ValidationFailed("发现日期不能晚于今天。", log="incident in the future")
    incident = Incident.objects.create(
        kind=kind,
        occurred_on=occurred_on,
        description=description,
        unit=unit,
        evidence=evidence.strip()[:500],
        recorded_by=actor,
    )
    audit(
        actor=actor,
        action="monitoring.incident_record",
        target=incident,
        unit_code=unit.code if unit else "",
        summary=f"登记{incident.get_kind_display()}：{description}",
    )
    return incident


@transaction.atomic
def incident_cancel(*, actor: Actor, incident: Incident, reason: str) -> Incident:
    """Cancel an incident recorded by mistake; it stays on record with the reason."""
    _office(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请写明撤销原因。", log="incident cancel without reason")
    if incident.is_cancelled:
        raise ValidationFailed("这条记录已经撤销。", log="incident already cancelled")
    incident.cancelled_at = clock.now()
    incident.cancel_reason = reason
    incident.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    audit(
        actor=actor,
        action="monitoring.incident_cancel",
        target=incident,
        unit_code=incident.unit.code if incident.unit else "",
        summary=f"撤销{incident.get_kind_display()}记录：{reason}",
    )
    return incident
