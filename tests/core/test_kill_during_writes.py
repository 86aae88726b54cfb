"""The real server killed (SIGKILL, master and workers at once) in the middle of public writes
loses nothing it acknowledged, and leaves a database that passes PRAGMA integrity_check and
serves again after a restart; a backup taken in the middle of the stream is consistent and holds
every write acknowledged before it began.

The writes are 找错 reports (我为政府网站找错): public, CSRF-protected, answered with a receipt
number (受理编号) on the page the form redirects to; each client sends its own X-Forwarded-For
(the server trusts it from loopback, as from the proxy), so the per-sender limit of five an hour
does not stop the stream. A receipt number counts as acknowledged once the client has read it.
"""

from __future__ import annotations

import contextlib
import http.client
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from gongkai.core.backup import Site, backup_create, backup_restore, sqlite_connect

ROOT = Path(__file__).resolve().parents[2]
GONGKAI = [sys.executable, "-m", "gongkai.cli"]
CLIENTS = 4
ACKNOWLEDGED_BEFORE_KILL = 40
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT = re.compile(r"<strong>(JC\d{13,})</strong>")


def _env(var_dir: Path) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GONGKAI_", "DJANGO_")) and k != "DATABASE_URL"
    }
    return {**keep, "GONGKAI_ENV": "test", "GONGKAI_VAR_DIR": str(var_dir)}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start(var_dir: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`gongkai serve` with two workers in a process group of its own; waits for /healthz."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command
        [*GONGKAI, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=_env(var_dir),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:  # noqa: S310
                assert response.status == 200
                return server, base
        except OSError:
            assert server.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "gongkai serve did not start"
            time.sleep(0.1)


class Client(threading.Thread):
    """One member of the public filing reports one after another until the server goes away."""

    def __init__(self, number: int, base: str, acknowledged: list[str]) -> None:
        super().__init__(daemon=True)
        self.number = number
        self.base = base
        self.acknowledged = acknowledged
        self.sent = 0
        self.error: BaseException | None = None
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def run(self) -> None:
        try:
            page = self.opener.open(f"{self.base}/jiucuo/", timeout=10).read().decode()
            token = TOKEN.search(page)
            assert token, page[:500]
            while True:
                self.sent += 1
                receipt = self.file_report(token.group(1))
                self.acknowledged.append(receipt)
        except (OSError, http.client.HTTPException):
            return  # the server was killed (refused, reset, or cut off mid-answer): stop
        except BaseException as err:  # a complete answer without a receipt: the test fails
            self.error = err

    def file_report(self, token: str) -> str:
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "page_url": f"{self.base}/x/{self.number}/{self.sent}",
                "kind": "typo",
                "description": f"第{self.number}位读者的第{self.sent}条：错别字。",
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{self.base}/jiucuo/",
            data=data,
            headers={"X-Forwarded-For": f"10.{self.number}.{self.sent // 250}.{self.sent % 250}"},
        )
        # The form answers 302 to the receipt page, which urllib follows with a GET.
        with self.opener.open(request, timeout=10) as response:
            page = response.read().decode()
        found = RECEIPT.search(page)
        assert found, page[:500]
        return found.group(1)


def test_killed_server_loses_no_acknowledged_write(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    log = tmp_path / "serve.log"
    migrated = subprocess.run(  # noqa: S603 - our own command
        [*GONGKAI, "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=_env(var_dir),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert migrated.returncode == 0, migrated.stderr
    site = Site(
        database={"ENGINE": "django.db.backends.sqlite3", "NAME": str(var_dir / "db.sqlite3")},
        media_root=var_dir / "media",
    )
    server, base = _start(var_dir, log)
    acknowledged: list[str] = []
    clients = [Client(n, base, acknowledged) for n in range(1, CLIENTS + 1)]
    try:
        for client in clients:
            client.start()
        deadline = time.monotonic() + 120
        while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL // 2:
            assert any(c.is_alive() for c in clients), log.read_text(errors="replace")
            assert time.monotonic() < deadline, "too few writes acknowledged"
            time.sleep(0.01)
        # A backup in the middle of the stream (gongkai backup while the site serves).
        acknowledged_at_backup = list(acknowledged)
        backup = backup_create(tmp_path, site=site).path
        while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL:
            assert any(c.is_alive() for c in clients), log.read_text(errors="replace")
            assert time.monotonic() < deadline, "too few writes acknowledged"
            time.sleep(0.01)
        os.killpg(server.pid, signal.SIGKILL)  # mid-stream: the clients are still writing
        server.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
    for client in clients:
        client.join(timeout=30)
        assert not client.is_alive() and client.error is None, client.error
    acknowledged_at_kill = list(acknowledged)
    assert len(acknowledged_at_kill) >= ACKNOWLEDGED_BEFORE_KILL
    assert sum(c.sent for c in clients) > len(acknowledged_at_kill)  # some were cut off

    # Opened as the next server would open it: SQLite replays the WAL the killed one left.
    with contextlib.closing(sqlite_connect(var_dir / "db.sqlite3")) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = {
            row[0] for row in connection.execute("SELECT tracking_no FROM interaction_message")
        }
    assert set(acknowledged_at_kill) <= stored
    assert len(set(acknowledged_at_kill)) == len(acknowledged_at_kill)

    # The backup taken mid-stream holds everything acknowledged before it began.
    restored = Site(
        database={"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "r" / "db")},
        media_root=tmp_path / "r" / "media",
    )
    backup_restore(backup, site=restored)
    with contextlib.closing(sqlite_connect(restored.sqlite_path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        in_backup = {
            row[0] for row in connection.execute("SELECT tracking_no FROM interaction_message")
        }
    assert set(acknowledged_at_backup) <= in_backup <= stored

    server, base = _start(var_dir, log)
    try:
        with urllib.request.urlopen(f"{base}/", timeout=10) as response:  # noqa: S310
            assert response.status == 200
        again: list[str] = []
        client = Client(99, base, again)
        page = client.opener.open(f"{base}/jiucuo/", timeout=10).read().decode()
        token = TOKEN.search(page)
        assert token
        receipt = client.file_report(token.group(1))
        assert receipt not in stored
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
