"""`gongkai serve`: the production web server (gunicorn) for config.wsgi:application.

Listens on GONGKAI_BIND (default 127.0.0.1:8000, behind the reverse proxy of docs/deploy/) with
GONGKAI_WORKERS processes (default two per core plus one); WhiteNoise serves the static files, so
nothing else is needed. Before it listens it refuses, with one line each, what would fail later:
missing production settings (gongkai.core.checks, run as for every command), migrations not
applied, static files not collected. Stops on SIGTERM (systemd) or Ctrl-C, finishing requests in
flight.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):  # type: ignore[misc]
    """gunicorn run from inside the command, as its documentation's custom application."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from config.wsgi import application

        return application


def _check_bind(address: str) -> None:
    """Refuse an address gunicorn would choke on with a traceback (a port out of range)."""
    if address.startswith(("unix:", "fd://")):
        return
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or not 1 <= int(port) <= 65535 or not host:
        raise CommandError(
            f"Refusing to start: bind address {address!r} must be host:port with a port "
            "from 1 to 65535 (e.g. 127.0.0.1:8000) / 监听地址应写成 主机:端口，端口为1至65535"
        )


class Command(BaseCommand):
    help = "Serve gongkai with gunicorn (the production server); settings from the environment."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", help=f"address:port (GONGKAI_BIND, now {settings.GONGKAI_BIND})"
        )
        parser.add_argument(
            "--workers",
            type=int,
            help=f"worker processes (GONGKAI_WORKERS, now {settings.GONGKAI_WORKERS})",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            help=f"seconds per request (GONGKAI_TIMEOUT, now {settings.GONGKAI_TIMEOUT})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._refuse_unready()
        workers = options["workers"] or settings.GONGKAI_WORKERS
        if workers < 1:
            raise CommandError("GONGKAI_WORKERS must be at least 1.")
        bind = [part.strip() for part in (options["bind"] or settings.GONGKAI_BIND).split(",")]
        for address in bind:
            _check_bind(address)
        config: dict[str, Any] = {
            "bind": [
                part.strip() for part in (options["bind"] or settings.GONGKAI_BIND).split(",")
            ],
            "workers": workers,
            "timeout": options["timeout"] or settings.GONGKAI_TIMEOUT,
            "graceful_timeout": 30,
            "accesslog": "-",
            "errorlog": "-",
            "proc_name": "gongkai",
            # No control socket in $HOME: nothing here uses it, and a service user may have no home.
            "control_socket_disable": True,
        }
        # The workers open their own connections; none may be inherited across the fork.
        connections.close_all()
        self.stdout.write(
            f"gongkai serve: {settings.GONGKAI_ENV} on {', '.join(bind)}, {workers} workers"
        )
        self.stdout.flush()
        _Server(config).run()

    def _refuse_unready(self) -> None:
        """Refuse to listen on a database that is not migrated or, in production, without the
        collected static files the pages link to."""
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            raise CommandError(
                f"Refusing to start: {len(pending)} database migrations are not applied; "
                "run `gongkai migrate` first."
            )
        if settings.GONGKAI_ENV == "production":
            manifest = settings.STATIC_ROOT / "staticfiles.json"
            if not manifest.exists():
                raise CommandError(
                    f"Refusing to start: no collected static files in {settings.STATIC_ROOT}; "
                    "run `gongkai collectstatic --noinput` first."
                )
