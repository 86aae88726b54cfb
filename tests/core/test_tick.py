"""`gongkai tick`: each task at its own interval, a failing task does not stop the others, two
ticks at once run the work once, and `--status` tells what ran."""

from __future__ import annotations

import datetime as dt
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from gongkai.core.leases import lease_acquire, lease_release
from gongkai.core.management.commands import tick
from gongkai.core.models import TaskRun
from gongkai.core.scheduling import TICK_LEASE, Task, run_tick
from gongkai.monitoring.models import Probe

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def _ran(out: str) -> list[str]:
    return [line.split(":")[0] for line in out.splitlines() if ": ok" in line or "FAILED" in line]


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.mark.django_db
def test_each_task_runs_once_per_interval(frozen: time_machine.Coordinates) -> None:
    out = StringIO()
    call_command("tick", stdout=out)
    assert _ran(out.getvalue()) == [task.name for task in tick.TASKS]
    again = StringIO()
    call_command("tick", stdout=again)
    # a minute later only the every-tick task (the import queue) runs again
    assert _ran(again.getvalue()) == ["publications.imports"]
    frozen.shift(dt.timedelta(hours=1))
    later = StringIO()
    call_command("tick", stdout=later)
    assert _ran(later.getvalue()) == [
        "applications.reminders",
        "monitoring.probe",
        "push.send",
        "publications.imports",
    ]
    frozen.shift(dt.timedelta(days=1))
    assert _ran(_tick()) == [task.name for task in tick.TASKS]


def _tick(*args: str) -> str:
    out = StringIO()
    call_command("tick", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_status_lists_every_task(frozen: time_machine.Coordinates) -> None:
    before = _tick("--status")
    assert all(f"{task.name}" in before for task in tick.TASKS)
    assert before.count("never ran") == len(tick.TASKS)
    _tick()
    after = _tick("--status")
    assert "never ran" not in after
    assert "applications.due_dates" in after and "every 1d" in after and " ok " in after


def _boom() -> dict[str, Any]:
    raise RuntimeError("the disk is full")


@pytest.mark.django_db
def test_a_failing_task_does_not_stop_the_others(
    frozen: time_machine.Coordinates, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    tasks = [
        Task("first", dt.timedelta(hours=1), lambda: calls.append("first") or {}, "一"),
        Task("broken", dt.timedelta(days=1), _boom, "坏"),
        Task("last", dt.timedelta(hours=1), lambda: calls.append("last") or {}, "末"),
    ]
    monkeypatch.setattr(tick, "TASKS", tasks)
    out = StringIO()
    with pytest.raises(CommandError, match="1 task\\(s\\) failed: broken"):
        call_command("tick", stdout=out)
    assert calls == ["first", "last"]
    assert "broken: FAILED RuntimeError: the disk is full" in out.getvalue()
    broken = TaskRun.objects.get(name="broken")
    assert broken.ok is False and "disk is full" in broken.error
    assert TaskRun.objects.get(name="last").ok is True
    # a failed daily task is retried after RETRY_AFTER, not a day later nor every minute
    frozen.shift(dt.timedelta(minutes=5))
    assert run_tick(tasks).failed == []
    frozen.shift(dt.timedelta(minutes=15))
    assert [o.name for o in run_tick(tasks).failed] == ["broken"]


@pytest.mark.django_db
def test_one_task_on_demand(frozen: time_machine.Coordinates) -> None:
    _tick()
    assert _ran(_tick("--task", "publications.review_due")) == ["publications.review_due"]
    with pytest.raises(CommandError, match="Unknown task"):
        _tick("--task", "nonsense")


def test_two_ticks_at_once_run_the_work_once(committed: None, transactional_db: None) -> None:
    inside = threading.Event()
    go_on = threading.Event()
    runs: list[str] = []

    def slow() -> dict[str, Any]:
        runs.append("slow")
        inside.set()
        assert go_on.wait(30)
        return {}

    tasks = [Task("slow", dt.timedelta(hours=1), slow, "慢")]
    results: list[Any] = []

    def first() -> None:
        try:
            results.append(run_tick(tasks))
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(30)
        second = run_tick(tasks)  # this thread, its own connection to the same SQLite file
        assert second.busy and second.outcomes == []
    finally:
        go_on.set()
        thread.join(30)
    assert not results[0].busy and results[0].outcomes[0].ok
    assert runs == ["slow"]
    # and once the first has finished, a tick runs again (the task itself is not due)
    third = run_tick(tasks)
    assert not third.busy and not third.outcomes[0].ran


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update(GONGKAI_ENV="test", **extra)
    return env


def test_the_command_says_busy_and_exits_0_while_another_tick_runs(
    committed: None, transactional_db: None
) -> None:
    assert lease_acquire(TICK_LEASE, holder="elsewhere", ttl=dt.timedelta(minutes=5))
    database = connection.settings_dict["NAME"]
    result = subprocess.run(
        [sys.executable, "-m", "gongkai.cli", "tick"],
        cwd=ROOT,
        env=_env(DATABASE_URL=f"sqlite:///{database}"),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "busy" in result.stdout
    assert not TaskRun.objects.exists()
    lease_release(TICK_LEASE, holder="elsewhere")


class _Site(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write("<h1>石城县人民政府</h1>".encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.django_db
def test_the_site_probe_runs_when_the_site_is_configured(settings: Any) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.GONGKAI_SITE_URL = f"http://127.0.0.1:{server.server_port}/"
        assert "monitoring.probe: ok" in _tick("--task", "monitoring.probe")
    finally:
        server.shutdown()
    probe = Probe.objects.get()
    assert probe.ok and probe.status_code == 200 and probe.url == settings.GONGKAI_SITE_URL
