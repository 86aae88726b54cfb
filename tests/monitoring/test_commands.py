"""`gongkai monitor probe` against a real local HTTP server (a page that loads, one that fails,
one too slow for the time limit) and `gongkai monitor check` in JSON and text."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from gongkai.monitoring.models import Probe
from gongkai.orgs.models import Unit
from tests.monitoring.conftest import at, put

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(1.0)
        status = 500 if self.path == "/broken" else 200
        body = "<html>石城县人民政府</html>".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("monitor", *args, stdout=out)
    return out.getvalue()


def test_probe_stores_each_result(server: str) -> None:
    ok = json.loads(run("probe", "--url", f"{server}/"))
    assert ok["ok"] is True and ok["status"] == 200
    broken = json.loads(run("probe", "--url", f"{server}/broken"))
    assert broken["ok"] is False and broken["error"] == "HTTP 500"
    slow = json.loads(run("probe", "--url", f"{server}/slow", "--timeout", "0.2"))
    assert slow["ok"] is False and slow["error"] == "超时"
    assert list(Probe.objects.order_by("pk").values_list("ok", flat=True)) == [True, False, False]


def test_probe_refuses_other_schemes(db: object) -> None:
    with pytest.raises(CommandError, match="http://"):
        run("probe", "--url", "file:///etc/passwd")
    assert Probe.objects.count() == 0


def test_check_json_and_text(department: Unit) -> None:
    put(department, at("2024-10-30 10:00"), column="news", title="秋收工作动态")
    data = json.loads(run("check", "--date", "2024-10-31", "--format", "json"))
    assert data["as_of"] == "2024-10-31"
    outcomes = {r["rule"]: r["outcome"] for r in data["results"]}
    assert outcomes == {
        "unreachable": "not_evaluated",
        "home": "pass",
        "columns": "fail",  # the standard columns are mostly blank
        "interaction": "pass",
        "wording": "pass",
        "secret": "pass",
        "other": "pass",
    }
    assert data["verdict"] == "fail"
    text = run("check", "--date", "2024-10-31")
    assert text.startswith("2024-10-31 单项否决指标：不合格：单项否决（栏目不更新）")
    assert "[未评估] 站点无法访问" in text
    assert "为空白栏目" in text


def test_check_refuses_a_bad_date(db: object) -> None:
    with pytest.raises(CommandError, match="格式不正确"):
        run("check", "--date", "31/10/2024")
