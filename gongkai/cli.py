"""The `gongkai` console script: Django's manage.py under the project's own name.

People at a county office run these commands; a Python traceback tells them nothing and may show
paths and data. So every way out is one line in Chinese (issue 12):

- a refusal (CommandError, bad arguments) is printed by Django as before, exit 1 or 2;
- a settings problem (ImproperlyConfigured: production without SECRET_KEY, ALLOWED_HOSTS…),
  raised while config.settings is imported or while the apps load, prints ``配置错误：<message>``
  and exits 2 (any other error while reading the settings, e.g. an unknown DATABASE_URL scheme,
  too, with its traceback in the log); settings are imported here first, before Django's ManagementUtility, which would
  otherwise swallow the error and report the command as unknown, or re-raise it with a traceback;
- anything else is a bug: ``内部错误：…，详细信息已写入日志 <file>`` and exit 1, with the English
  traceback written to GONGKAI_LOG_FILE (or var/log/gongkai-errors.log) through logging, never
  to the terminal (the configured console handler is stderr, so it is not used for this).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

# Years a command accepts in a date or a --year: the platform's calendar range (gongkai.workdays).
FIRST_YEAR = 2000
LAST_YEAR = 2100

EXIT_CONFIG = 2
EXIT_BUG = 1
EXIT_INTERRUPTED = 130
ERROR_LOG_NAME = "gongkai-errors.log"

logger = logging.getLogger("gongkai.cli")


def _error_log_paths() -> list[Path]:
    """Where the traceback of a failed command may go, in order of preference."""
    paths: list[Path] = []
    try:
        from django.conf import settings

        if getattr(settings, "GONGKAI_LOG_FILE", ""):
            paths.append(Path(settings.GONGKAI_LOG_FILE))
        paths.append(Path(settings.VAR_DIR) / "log" / ERROR_LOG_NAME)
    except Exception:  # noqa: S110 - settings themselves may be what failed
        pass
    paths.append(Path(tempfile.gettempdir()) / ERROR_LOG_NAME)
    return paths


def _log_traceback(exc: BaseException) -> Path | None:
    """Write ``exc`` with its traceback to the first error log that can be opened; return it."""
    for path in _error_log_paths():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(path, encoding="utf-8")
        except OSError:
            continue
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(process)d %(name)s %(message)s")
        )
        # A logger of its own, not propagating: the project's handlers write to stderr.
        crash = logging.getLogger("gongkai.cli.crash")
        crash.propagate = False
        crash.addHandler(handler)
        try:
            crash.error("command `gongkai %s` failed", " ".join(sys.argv[1:3]), exc_info=exc)
        finally:
            crash.removeHandler(handler)
            handler.close()
        return path
    return None


def _bug(exc: BaseException) -> int:
    where = _log_traceback(exc)
    kind = type(exc).__name__
    from django.db import DatabaseError

    what = (
        f"数据库出错（{kind}），请确认数据库可以连接、已运行 gongkai migrate"
        if isinstance(exc, DatabaseError)
        else f"命令未能完成（{kind}）"
    )
    if where is not None:
        sys.stderr.write(f"内部错误：{what}，详细信息已写入日志 {where}。\n")
    else:
        sys.stderr.write(f"内部错误：{what}，详细信息未能写入日志（日志目录不可写）。\n")
    return EXIT_BUG


def _config_error(exc: BaseException) -> int:
    message = " ".join(str(exc).split()) or type(exc).__name__
    sys.stderr.write(f"配置错误：{message}\n")
    return EXIT_CONFIG


def run(argv: list[str]) -> int:
    """Run one command line; return the exit status (never raises, never prints a traceback)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - imports config.settings now, see the docstring
    except ImproperlyConfigured as exc:
        return _config_error(exc)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        # Anything else raised while reading the settings is a setting too (an unknown scheme
        # in DATABASE_URL…): say so, and keep the traceback for whoever debugs it.
        where = _log_traceback(exc)
        logged = f"，详细信息已写入日志 {where}" if where is not None else ""
        detail = " ".join(str(exc).split())[:200]
        sys.stderr.write(f"配置错误：读取设置时出错（{type(exc).__name__}: {detail}）{logged}。\n")
        return EXIT_CONFIG
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except SystemExit as exc:
        code = exc.code
        if isinstance(code, str):
            sys.stderr.write(f"{code}\n")
        return code if isinstance(code, int) else (0 if code is None else 1)
    except ImproperlyConfigured as exc:
        return _config_error(exc)
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (`gongkai … | head`): nothing to say to it.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BUG
    except Exception as exc:
        return _bug(exc)
    return 0


# ------------------------------------------------------------------------------- arguments
# Checks our commands share for their file, date and number arguments, so that each refuses bad
# input with one Chinese line (CommandError) before doing any work.


def _command_error(message: str) -> Exception:
    from django.core.management.base import CommandError

    return CommandError(message)


def read_input(path: Path, *, what: str = "文件") -> bytes:
    """Read a command's input file, or refuse: missing, a folder, or unreadable."""
    if path.is_dir():
        raise _command_error(f"“{path}”是文件夹，请指定要导入的{what}。")
    if not path.is_file():
        raise _command_error(f"找不到文件：{path}")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _command_error(f"无法读取文件“{path}”：{exc.strerror or exc}。") from exc


def check_output(path: Path) -> None:
    """Refuse, before any work, an output path that cannot be written: a folder, a file in a
    folder that does not exist, or no permission."""
    if path.is_dir():
        raise _command_error(f"输出“{path}”是文件夹，请在后面写上文件名。")
    folder = path.parent
    if not folder.is_dir():
        raise _command_error(f"输出文件夹“{folder}”不存在，请先创建或换一个位置。")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise _command_error(f"没有权限写入“{path}”，请换一个位置。")


def write_output(path: Path, data: bytes) -> None:
    """Write a command's output file, or refuse with one line (checked again: the disk may be
    full, the folder removed meanwhile)."""
    check_output(path)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise _command_error(f"无法写入“{path}”：{exc.strerror or exc}。") from exc


def check_year(year: int, *, what: str = "年份") -> int:
    """Refuse a year outside FIRST_YEAR..LAST_YEAR (which also keeps it inside the database's
    integers and Python's dates)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _command_error(f"{what}应为{FIRST_YEAR}至{LAST_YEAR}之间的年份，收到“{year}”。")
    return year


def main() -> None:
    """Run a management command, e.g. `gongkai catalog import FILE.xlsx --unit MZJ`."""
    sys.exit(run(sys.argv))


if __name__ == "__main__":
    main()
