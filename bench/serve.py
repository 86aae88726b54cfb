"""How many public detail pages per second the production server answers, and how fast.

Issue 10 asks detail pages (/xxgk/<pk>/) for ≥ 300 requests/s at 32 concurrent clients with
p99 < 250 ms under the production server. This benchmark builds (or reuses) a database of
``BENCH_SERVE_ITEMS`` synthetic items (default 100,000; bench.database.insert_publications, with
realistic bodies cut from bench/corpus/), starts ``gongkai serve`` exactly as docs/deploy runs it
(GONGKAI_ENV=production, collected static files, GONGKAI_WORKERS or the default of two per core
plus one) on a free loopback port, drives ``BENCH_SERVE_CLIENTS`` (32) concurrent clients over
random detail URLs for ``BENCH_SERVE_SECONDS`` (20), and reports requests/s, p50/p95/p99 and
errors. It also reports where the CPU went during the run — the server's processes, the load
generator's own, and everyone else's on the machine (other jobs share it; a run is only as good
as the machine was quiet) — and, before the run, one request profiled in-process: its SQL
queries and how its time splits between the view and the rest.

The load generator is wrk (Debian/Ubuntu: ``apt-get install wrk``; macOS: ``brew install wrk``)
when it is on PATH, else a lean asyncio client in this process (``BENCH_SERVE_LOADGEN=python``
forces it); either way its CPU time is measured, since it runs on the same cores as the server.

    python -m bench.serve                     # SQLite in $BENCH_SERVE_DIR (default var/bench-serve)
    DATABASE_URL=postgres://…/gk_bench python -m bench.serve   # PostgreSQL (database must exist)
    BENCH_SERVE_CONDITIONAL=1 python -m bench.serve            # clients revalidate (If-None-Match)

Also: ``BENCH_SERVE_WORKERS`` (instead of GONGKAI_WORKERS' default), ``BENCH_SERVE_SETTINGS`` (a
settings module of your own that imports config.settings, to measure a variant),
``BENCH_SERVE_LOADGEN`` (wrk or python). The database is filled once and reused by later runs
(it is left in place: delete the folder, or the PostgreSQL database, to start again). With
PostgreSQL on the same machine its CPU time is counted with the other processes', not the
server's. Results: bench/results/serve.json (``BENCH_NAME`` to name it otherwise).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "corpus" / "notices.jsonl"
ITEMS = int(os.environ.get("BENCH_SERVE_ITEMS", "100000"))
CLIENTS = int(os.environ.get("BENCH_SERVE_CLIENTS", "32"))
SECONDS = float(os.environ.get("BENCH_SERVE_SECONDS", "20"))
WORKERS = os.environ.get("BENCH_SERVE_WORKERS", "")
LOADGEN = os.environ.get("BENCH_SERVE_LOADGEN", "wrk" if shutil.which("wrk") else "python")
CONDITIONAL = os.environ.get("BENCH_SERVE_CONDITIONAL", "") == "1"
SAMPLE = 20_000  # distinct detail URLs the clients pick from
UNITS = 300
TARGET = {"requests_per_s": 300, "p99_ms": 250, "clients": 32}


def bench_env() -> dict[str, str]:
    """The production environment of docs/deploy, on loopback, for both this process and the
    server: the same variables mean the same database and static files for both."""
    folder = Path(os.environ.get("BENCH_SERVE_DIR", str(ROOT / "var" / "bench-serve"))).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GONGKAI_", "DJANGO_")) and k not in {"DEBUG", "SECRET_KEY"}
    }
    env.update(
        GONGKAI_ENV="production",
        # A fresh key each run: nothing the benchmark stores outlives it.
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        GONGKAI_VAR_DIR=str(folder),
        SECURE_COOKIES="0",
        # Loopback without the proxy: plain http, not redirected to https.
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        # A settings module of your own (one that imports config.settings, as docs/deploy
        # describes for object storage or a cache server) to measure a variant.
        DJANGO_SETTINGS_MODULE=os.environ.get("BENCH_SERVE_SETTINGS", "config.settings"),
    )
    if WORKERS:
        env["GONGKAI_WORKERS"] = WORKERS
    return env


# ---------------------------------------------------------------------------- the data


def prepare() -> dict[str, Any]:
    """Migrate, collect static files and fill the database unless it already holds ITEMS."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from gongkai.publications.models import Publication

    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    have = Publication.objects.count()
    filled = False
    if have < ITEMS:
        from bench.database import insert_publications

        rng = random.Random(300)  # noqa: S311 - reproducible test data, not security
        with transaction.atomic():
            units = _units()
            insert_publications(
                ITEMS - have, units=units, rng=rng, start=dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
            )
            _bodies(rng)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # SQLite and PostgreSQL alike: plans for the new size
        filled = True
    return {
        "items": Publication.objects.count(),
        "filled_now": filled,
        "prepare_s": round(time.perf_counter() - began, 1),
    }


def _units() -> list[int]:
    from gongkai.orgs.models import Unit, UnitKind

    county, _created = Unit.objects.get_or_create(
        code="BENCH", defaults={"name": "基准测试县人民政府", "kind": UnitKind.COUNTY}
    )
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"B{n:04d}",
                name=f"基准单位{n}",
                kind=UnitKind.DEPARTMENT if n % 3 else UnitKind.TOWNSHIP,
                parent=county,
            )
            for n in range(UNITS)
        ],
        ignore_conflicts=True,
    )
    return list(Unit.objects.filter(parent=county).values_list("pk", flat=True))


def _bodies(rng: random.Random) -> None:
    """Give the synthetic items real titles and bodies of 800–2,000 characters in <p> paragraphs
    (insert_publications leaves them empty; a detail page's cost depends on its body)."""
    from django.db import connection

    from gongkai.publications.models import Publication

    notices = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    table = Publication._meta.db_table
    variants = 64
    with connection.cursor() as cursor:
        for n in range(variants):
            notice = notices[n % len(notices)]
            paragraphs = [p.strip() for p in notice["text"].split("\n") if p.strip()]
            text = "\n".join(paragraphs)[: rng.randint(800, 2000)]
            body = "".join(f"<p>{p}</p>" for p in text.split("\n"))
            cursor.execute(
                f"UPDATE {table} SET title = %s, body = %s, body_text = %s WHERE id %% %s = %s",  # noqa: S608 - constants only
                [notice["title"][:300], body, text, variants, n],
            )


def sample_paths(count: int = SAMPLE) -> list[str]:
    """Detail URLs of random items with a public page (published or withdrawn)."""
    from gongkai.publications.models import Publication

    ids = list(Publication.objects.on_portal().values_list("pk", flat=True))
    rng = random.Random(7)  # noqa: S311 - which pages to ask for, not security
    return [f"/xxgk/{pk}/" for pk in rng.sample(ids, min(count, len(ids)))]


# ---------------------------------------------------------------------------- one request


def profile_one(paths: list[str]) -> dict[str, Any]:
    """Detail requests in-process, warm, through the whole handler (middleware included): the
    median time, one request's queries, and where 200 requests' time went (cProfile): the ORM
    (building the queries and running them; the database's own share apart), template
    rendering, and the rest (middleware, URL resolution, the view's own Python)."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for path in paths[:50]:
        client.get(path)
    times = []
    for path in paths[50:250]:
        began = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(paths[300])
    queries = list(captured.captured_queries)  # a view of connection.queries: copy it now
    profiler = cProfile.Profile()
    profiler.enable()
    for path in paths[300:500]:
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in stats.values())  # tottime of everything

    def cumulative(file_end: str, name: str) -> float:
        return sum(
            row[3] for (file, _line, func), row in stats.items()
            if file.endswith(file_end) and func == name
        )  # fmt: skip

    orm = cumulative("django/db/models/query.py", "_fetch_all")
    database = cumulative("django/db/backends/utils.py", "_execute")
    render = cumulative("django/template/backends/django.py", "render")
    return {
        "in_process_p50_ms": round(statistics.median(times), 2),
        "queries": len(queries),
        "sql": [q["sql"][:160] for q in queries],
        "bytes": len(response.content),
        "headers": {
            k: response[k] for k in ("Cache-Control", "ETag", "Last-Modified") if k in response
        },
        "profiled_share": {
            "orm": round(orm / total, 2),
            "of_which_database": round(database / total, 2),
            "template_render": round(render / total, 2),
            "rest": round(1 - (orm + render) / total, 2),
        },
    }


# ---------------------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def server(env: dict[str, str]) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """`gongkai serve` on a free loopback port, stopped (SIGTERM, graceful) afterwards."""
    port = _free_port()
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "gongkai.cli", "serve", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not _healthy(port):
            if process.poll() is not None:
                log.seek(0)
                raise SystemExit(f"gongkai serve stopped:\n{log.read()}")
            if time.monotonic() > deadline:
                raise SystemExit("gongkai serve did not answer /healthz within 120 s")
            time.sleep(0.3)
        yield port, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        log.seek(0)
        head = log.read().splitlines()[:3]
        print("server: " + " | ".join(head), flush=True)
        log.close()


def _healthy(port: int) -> bool:
    try:
        status, _ = _get(port, "/healthz")
    except OSError:
        return False
    return status == 200


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One GET over a fresh connection (gunicorn's sync workers close after each response)."""
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n".encode()
        )
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    data = b"".join(chunks)
    return int(data[9:12]), data


def _etag_of(port: int, path: str) -> str:
    _status, data = _get(port, path)
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    found = re.search(r"(?im)^etag:\s*(.+?)\s*$", head)
    return found.group(1) if found else ""


# ---------------------------------------------------------------------------- CPU accounting


def _ticks(pid: int) -> int:
    """User + system clock ticks of one process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[1]) == pid:
                    found.append(int(entry.name))
    return found


def _server_ticks(pid: int) -> int:
    total = 0
    for each in [pid, *_children(pid)]:
        with contextlib.suppress(OSError):
            total += _ticks(each)
    return total


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of every core since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuWindow:
    """CPU seconds spent during a run by the server, by this process and its children (the load
    generator) and by everyone else on the machine."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.hz = os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> CpuWindow:
        self.wall = time.perf_counter()
        self.server = _server_ticks(self.server_pid)
        self.machine = _machine_ticks()
        self.own = os.times()
        return self

    def __exit__(self, *exc: object) -> None:
        wall = time.perf_counter() - self.wall
        server = (_server_ticks(self.server_pid) - self.server) / self.hz
        busy, total = (a - b for a, b in zip(_machine_ticks(), self.machine, strict=True))
        own = os.times()
        loadgen = (own.user + own.system + own.children_user + own.children_system) - (
            self.own.user + self.own.system + self.own.children_user + self.own.children_system
        )
        cores = os.cpu_count() or 1
        machine_busy = busy / self.hz
        self.result = {
            "wall_s": round(wall, 2),
            "cores": cores,
            "machine_busy_core_s": round(machine_busy, 1),
            "server_core_s": round(server, 1),
            "loadgen_core_s": round(loadgen, 1),
            "others_core_s": round(max(0.0, machine_busy - server - loadgen), 1),
            "machine_busy_share": round(busy / max(total, 1), 3),
        }


# ---------------------------------------------------------------------------- load generators

WRK_SCRIPT = """
local paths = {%(paths)s}
local conditional = %(conditional)s
local etags = {%(etags)s}
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
init = function(args)
  math.randomseed(seed * 7919 + os.time())
end
request = function()
  local n = math.random(#paths)
  if conditional and etags[n] ~= "" then
    return wrk.format("GET", paths[n], {["If-None-Match"] = etags[n]})
  end
  return wrk.format("GET", paths[n])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK-JSON {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"p50_us\\": %%d, \\"p95_us\\": %%d, " ..
    "\\"p99_us\\": %%d, \\"max_us\\": %%d, \\"connect\\": %%d, \\"read\\": %%d, \\"write\\": %%d, " ..
    "\\"status\\": %%d, \\"timeout\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def run_wrk(port: int, paths: list[str], etags: list[str], seconds: float) -> dict[str, Any]:
    """wrk with a Lua script that picks a random detail URL per request."""
    quoted = ",".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            WRK_SCRIPT
            % {
                "paths": quoted,
                "conditional": "true" if CONDITIONAL else "false",
                "etags": ",".join(json.dumps(e) for e in etags) if etags else "",
            }
        )
    try:
        threads = min(CLIENTS, os.cpu_count() or 1)
        done = subprocess.run(  # noqa: S603 - wrk, our arguments
            [
                shutil.which("wrk") or "wrk",
                f"-t{threads}",
                f"-c{CLIENTS}",
                f"-d{int(seconds)}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}/",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script.name)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK-JSON "))
    raw = json.loads(line.removeprefix("WRK-JSON "))
    errors = {k: raw[k] for k in ("connect", "read", "write", "status", "timeout") if raw[k]}
    return {
        "loadgen": "wrk",
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "errors": sum(errors.values()),
        "error_kinds": errors,
    }


async def _client(
    port: int,
    paths: list[str],
    etags: list[str],
    stop: float,
    rng: random.Random,
    latencies: list[float],
    errors: dict[str, int],
) -> None:
    while time.perf_counter() < stop:
        n = rng.randrange(len(paths))
        extra = f"If-None-Match: {etags[n]}\r\n" if CONDITIONAL and etags and etags[n] else ""
        request = (
            f"GET {paths[n]} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n"
        ).encode()
        began = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            data = await asyncio.wait_for(reader.read(), timeout=10)  # to EOF: the server closes
            writer.close()
        except (OSError, TimeoutError) as err:
            errors[type(err).__name__] = errors.get(type(err).__name__, 0) + 1
            continue
        latencies.append(time.perf_counter() - began)
        if data[9:12] not in (b"200", b"304"):
            errors["status"] = errors.get("status", 0) + 1


def run_python(port: int, paths: list[str], etags: list[str], seconds: float) -> dict[str, Any]:
    """The fallback load generator: CLIENTS asyncio connections in this process, one request
    per connection (as gunicorn's sync workers answer), each to a random detail URL."""
    latencies: list[float] = []
    errors: dict[str, int] = {}

    async def drive() -> float:
        began = time.perf_counter()
        stop = began + seconds
        await asyncio.gather(
            *(
                _client(port, paths, etags, stop, random.Random(n), latencies, errors)  # noqa: S311
                for n in range(CLIENTS)
            )
        )
        return time.perf_counter() - began

    elapsed = asyncio.run(drive())
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1)

    return {
        "loadgen": "python-asyncio",
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else 0.0,
        "errors": sum(errors.values()),
        "error_kinds": errors,
    }


# ---------------------------------------------------------------------------- main


def measure(env: dict[str, str]) -> None:
    import django

    django.setup()
    from django.conf import settings

    from bench.database import write_results

    print(f"preparing {ITEMS} items in {env.get('DATABASE_URL') or env['GONGKAI_VAR_DIR']}")
    results: dict[str, Any] = {"target": TARGET, "data": prepare()}
    paths = sample_paths()
    results["profile_one_request"] = profile_one(paths)
    print(f"one request: {json.dumps(results['profile_one_request'], ensure_ascii=False)}")
    from django.db import connection

    connection.close()
    load = os.getloadavg()
    with server(env) as (port, process):
        etags = [_etag_of(port, p) for p in paths[:2000]] if CONDITIONAL else []
        if etags:
            paths = paths[: len(etags)]
        # Warm every worker: templates compiled, connections open, pages in the OS cache.
        warm = run_python if LOADGEN == "python" else run_wrk
        warm(port, paths, etags, 3)
        with CpuWindow(process.pid) as cpu:
            run = warm(port, paths, etags, SECONDS)
    met = run["requests_per_s"] >= TARGET["requests_per_s"] and run["p99_ms"] < TARGET["p99_ms"]
    results.update(
        {
            "command": "python -m bench.serve",
            "settings_module": env.get("DJANGO_SETTINGS_MODULE", "config.settings"),
            "workers": int(env.get("GONGKAI_WORKERS") or settings.GONGKAI_WORKERS),
            "clients": CLIENTS,
            "seconds": SECONDS,
            "conditional": CONDITIONAL,
            "load_average_before": [round(x, 2) for x in load],
            "run": run,
            "cpu": cpu.result,
            "server_cpu_ms_per_request": round(
                cpu.result["server_core_s"] * 1000 / max(run["requests"], 1), 2
            ),
            # What the cores would answer with nobody else on them, from the CPU time the server
            # and the load generator spent per request (a floor: sharing inflates CPU time too).
            "requests_per_s_if_alone": round(
                cpu.result["cores"]
                * max(run["requests"], 1)
                / max(cpu.result["server_core_s"] + cpu.result["loadgen_core_s"], 0.01),
                0,
            ),
            "target_met": met,
        }
    )
    print(json.dumps({k: results[k] for k in ("run", "cpu", "workers")}, ensure_ascii=False))
    print(
        f"detail pages: {run['requests_per_s']} req/s, p50 {run['p50_ms']} ms, "
        f"p95 {run['p95_ms']} ms, p99 {run['p99_ms']} ms, {run['errors']} errors "
        f"({CLIENTS} clients, {results['workers']} workers, {run['loadgen']}); target "
        f"≥ {TARGET['requests_per_s']} req/s, p99 < {TARGET['p99_ms']} ms: "
        f"{'met' if met else 'MISSED'}; server {results['server_cpu_ms_per_request']} ms CPU a "
        f"request (~{results['requests_per_s_if_alone']:.0f} req/s with the cores to itself); "
        f"other processes used {cpu.result['others_core_s']} of "
        f"{cpu.result['wall_s'] * cpu.result['cores']:.0f} core-s",
        flush=True,
    )
    write_results(os.environ.get("BENCH_NAME", "serve"), results)


def main() -> None:
    if os.environ.get("BENCH_SERVE_CHILD"):
        measure({**os.environ})
        return
    # Settings are read once per process: measure in a child with the production environment,
    # whatever this process was started with (e.g. from `python -m bench`).
    done = subprocess.run(
        [sys.executable, "-m", "bench.serve"],
        cwd=ROOT,
        env={**bench_env(), "BENCH_SERVE_CHILD": "1"},
        check=False,
    )
    raise SystemExit(done.returncode)


if __name__ == "__main__":
    main()
