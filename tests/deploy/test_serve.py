"""`gongkai serve` in production mode, as a county runs it: refuses incomplete settings, an
unmigrated database and missing static files; then serves /healthz and the home page."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GONGKAI = [sys.executable, "-m", "gongkai.cli"]


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DJANGO_"))}
    keep = {
        k: v
        for k, v in keep.items()
        if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    env = {
        **keep,
        "GONGKAI_ENV": "production",
        "SECRET_KEY": "test-only-key-" + "0123456789abcdef" * 4,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "GONGKAI_VAR_DIR": str(var_dir),
    }
    env.update(extra)
    return {k: v for k, v in env.items() if v != ""}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        [*GONGKAI, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _get(url: str, *, https: bool = True) -> tuple[int, dict[str, str], bytes]:
    """GET as through the proxy, which says whether the visitor came over https."""
    headers = {"Host": "127.0.0.1", **({"X-Forwarded-Proto": "https"} if https else {})}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("ALLOWED_HOSTS", "set ALLOWED_HOSTS"),
        ("GONGKAI_VAR_DIR", "set GONGKAI_VAR_DIR"),
    ],
)
def test_production_refuses_incomplete_settings(tmp_path: Path, missing: str, message: str) -> None:
    result = _run(_env(tmp_path, **{missing: ""}), "serve")
    assert result.returncode != 0
    assert message in result.stderr
    assert _run(_env(tmp_path, **{missing: ""}), "check").returncode != 0


def test_production_refuses_a_relative_var_dir_and_a_bad_site_url(tmp_path: Path) -> None:
    result = _run(
        _env(tmp_path, GONGKAI_VAR_DIR="var", GONGKAI_SITE_URL="www.example.gov.cn"), "check"
    )
    assert result.returncode != 0
    assert "absolute path" in result.stderr and "GONGKAI_SITE_URL" in result.stderr


def test_serve_answers_health_checks_and_pages(tmp_path: Path) -> None:
    """One test, because migrating a fresh database takes a while: each refusal, then serving."""
    log_file = tmp_path / "gongkai.log"
    env = _env(tmp_path, GONGKAI_WORKERS="2", GONGKAI_LOG_FILE=str(log_file))
    refused = _run(env, "serve")
    assert refused.returncode != 0 and "gongkai migrate" in refused.stderr
    assert _run(env, "migrate", "--noinput", "-v0").returncode == 0
    refused = _run(env, "serve")
    assert refused.returncode != 0 and "gongkai collectstatic" in refused.stderr
    done = _run(env, "collectstatic", "--noinput", "-v0")
    assert done.returncode == 0, done.stderr
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command
        [*GONGKAI, "serve", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = _get(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None, server.communicate()[0]
                assert time.monotonic() < deadline, "gongkai serve did not start"
                time.sleep(0.3)
        assert status == 200
        assert json.loads(body) == {"status": "ok", "database": "ok"}
        assert "no-store" in headers["Cache-Control"]
        status, headers, body = _get(f"{base}/")
        assert status == 200 and "石城县" in body.decode()
        stylesheet = body.decode().split('rel="stylesheet" href="')[1].split('"')[0]
        assert _get(f"{base}{stylesheet}")[0] == 200  # WhiteNoise serves the collected files
        # Behind the proxy over https: HSTS and the Content-Security-Policy on every page.
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        # Plain http is sent to https, except the proxy's health check.
        status, headers, _body = _get(f"{base}/", https=False)
        assert status == 301 and headers["Location"] == "https://127.0.0.1/"
        assert _get(f"{base}/healthz", https=False)[0] == 200
        # A server error leaves its traceback in the log (stderr and GONGKAI_LOG_FILE), not only
        # the access-log line.
        with sqlite3.connect(tmp_path / "db.sqlite3") as db:
            db.execute("ALTER TABLE publications_publication RENAME TO gone_for_the_test")
        assert _get(f"{base}/")[0] == 500
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=60)[0]
    assert server.returncode == 0, output
    assert "2 workers" in output and "/healthz" in output
    for log in (output, log_file.read_text(encoding="utf-8")):
        assert "ERROR" in log and "django.request Internal Server Error: /" in log
        assert "Traceback (most recent call last)" in log
        assert "no such table: publications_publication" in log
