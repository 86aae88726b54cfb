"""Render a letter template within limits of time, memory and size (issue 12).

An office template is data uploaded through the web, and Jinja's sandbox keeps it from reaching
Python's internals but not from spending the server: ``{% for a in range(100000) %}{% for b in
range(100000) %}`` ran for minutes and ``{{ 'x'*3000000000 }}`` allocated 3 GB inside a request.
Two layers stop that:

1. ``LimitedEnvironment`` refuses the known ways early, with a message that says which: ``*``,
   ``**``, ``+`` and ``%`` whose result would be too long, ``range`` above ``MAX_RANGE``, string
   methods and filters asked for a huge width or count, loops and calls beyond ``MAX_STEPS`` or
   past the deadline, and a rendered part longer than ``MAX_OUTPUT_CHARS``.
2. ``render_isolated`` runs the render in a forked child with an address-space limit
   (``CHILD_MEMORY_BYTES`` above what the process already maps) and a wall-clock timeout
   (``CHILD_SECONDS``), so a trick the first layer does not know still ends in a refusal instead
   of a worker that swaps or hangs. Costs a few milliseconds per letter (bench/letter_render.py).

A refusal is ``LimitExceeded`` (a Jinja ``TemplateError`` carrying a Chinese ``reason``), which
gongkai.applications.letters turns into 模板运行超出限制：….
"""

from __future__ import annotations

import functools
import logging
import os
import pickle
import re
import resource
import select
import signal
import string
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment

logger = logging.getLogger(__name__)

# A letter is a few pages; one value longer than this (characters, or items of a list) is not.
MAX_TEXT = 200_000
# The longest rendered part (document.xml, a header…): the XML of a 50-page template is ~2 MB.
MAX_OUTPUT_CHARS = 5_000_000
# range() in a template; Jinja's own sandbox allows 100 000.
MAX_RANGE = 10_000
# A width, count or repeat passed to a filter or string method (truncate(255), indent(4)…).
MAX_COUNT = 1_000
# Integers: 1024 bits is ~300 digits, plenty for fees and dates.
MAX_INT_BITS = 1024
# Loop iterations plus calls in one render: the built-in letters take a few dozen.
MAX_STEPS = 100_000
# Time for one render in the sandbox; the child gets CHILD_SECONDS in all.
SECONDS = 5.0
CHILD_SECONDS = 10.0
# Memory the child may map beyond what the server process already has mapped.
CHILD_MEMORY_BYTES = 512 * 1024 * 1024

_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[a-zA-Z%]")
_DIGITS = re.compile(r"\d+")


class LimitExceeded(TemplateError):
    """The template asked for more time, memory or output than a letter may take."""

    def __init__(self, reason: str, log: str) -> None:
        super().__init__(log)
        self.reason = reason
        self.log = log


def _too_long(what: str, size: int) -> LimitExceeded:
    return LimitExceeded(
        f"{what}过长（超过{MAX_TEXT:,}个字符）", f"{what}: {size} items over {MAX_TEXT}"
    )


def _count(value: Any) -> int:
    """Refuse a width, count or repeat above MAX_COUNT; return it."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_COUNT:
        raise LimitExceeded(f"宽度或次数{value}过大（最多{MAX_COUNT}）", f"count {value}")
    return int(value) if isinstance(value, int) else 0


def _check_size(what: str, size: int) -> None:
    if size > MAX_TEXT:
        raise _too_long(what, size)


def _check_percent(fmt: str, args: Any) -> None:
    """Bound ``fmt % args`` before it runs: no huge or ``*`` widths, and no more output than
    its fields times the longest argument."""
    fields = 0
    for match in _PERCENT_FIELD.finditer(fmt):
        for number in match.groups():
            if number == "*":
                raise LimitExceeded("格式中的宽度不能由参数指定", "percent format with *")
            if number:
                _count(int(number))
        fields += 1
    values = (
        args.values() if isinstance(args, dict) else args if isinstance(args, tuple) else [args]
    )
    longest = max((len(str(value)) for value in values), default=0)
    _check_size("格式化的结果", len(fmt) + fields * (longest + MAX_COUNT))


def _check_format(fmt: str, args: Iterable[Any], kwargs: dict[str, Any]) -> None:
    """Bound ``fmt.format(...)`` the same way: widths in its fields at most MAX_COUNT."""
    fields = 0
    for _text, name, spec, _conversion in string.Formatter().parse(fmt):
        if name is None:
            continue
        fields += 1
        if spec and "{" in spec:
            raise LimitExceeded("格式中的宽度不能由参数指定", "nested format spec")
        for number in _DIGITS.findall(spec or ""):
            _count(int(number))
    values = [*args, *kwargs.values()]
    longest = max((len(str(value)) for value in values), default=0)
    _check_size("格式化的结果", len(fmt) + fields * (longest + MAX_COUNT))


def _check_join(items: Any, separator: Any) -> list[Any]:
    listed = list(items)
    size = sum(len(str(item)) for item in listed) + len(str(separator)) * len(listed)
    _check_size("连接的结果", size)
    return listed


def _check_replace(text: Any, old: Any, new: Any, count: Any = -1) -> None:
    text, old, new = str(text), str(old), str(new)
    found = len(text) + 1 if not old else text.count(old)
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    _check_size("替换的结果", len(text) + found * len(new))


def _check_str_method(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Bound the string methods that can grow a string: widths, tab sizes, joins, replaces."""
    text: str = method.__self__
    name = method.__name__
    if name in ("ljust", "rjust", "center", "zfill"):
        width = args[0] if args else kwargs.get("width", 0)
        if isinstance(width, int):
            _check_size("填充的结果", width)
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        _check_size("展开的结果", len(text) * max(_count(size), 1))
    elif name == "join" and args:
        _check_join(args[0], text)
    elif name == "replace" and len(args) >= 2:
        _check_replace(text, args[0], args[1], args[2] if len(args) > 2 else -1)


def _limited_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter so its widths and counts are at most MAX_COUNT, join/replace/format are
    bounded before they run, and its result is at most MAX_TEXT long."""
    # pass_context / pass_eval_context filters get one leading argument before the value.
    skip = 2 if getattr(function, "jinja_pass_arg", None) else 1

    @functools.wraps(function)
    def limited(*args: Any, **kwargs: Any) -> Any:
        rest = args[skip:]
        if name == "join" and len(args) > skip - 1:
            separator = rest[0] if rest else kwargs.get("d", "")
            value = _check_join(args[skip - 1], separator)
            args = (*args[: skip - 1], value, *rest)
        elif name == "replace" and len(rest) >= 2:
            _check_replace(args[skip - 1], rest[0], rest[1], rest[2] if len(rest) > 2 else -1)
        elif name == "format":
            _check_percent(str(args[0]), kwargs or tuple(rest))
        elif name == "indent":
            text = str(args[0])
            width = rest[0] if rest else kwargs.get("width", 4)
            pad = len(width) if isinstance(width, str) else _count(width)
            _check_size("缩进的结果", len(text) + (text.count("\n") + 1) * pad)
        else:
            for value in (*rest, *kwargs.values()):
                _count(value)
        result = function(*args, **kwargs)
        if isinstance(result, str | list | tuple):
            _check_size("过滤器的结果", len(result))
        return result

    return limited


class LimitedEnvironment(SandboxedEnvironment):
    """Jinja's sandbox with budgets: see the module docstring. One environment per render (it
    counts the render's steps and holds its deadline)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.steps = 0
        self.deadline = time.monotonic() + SECONDS
        # lipsum(n) writes n paragraphs of filler: nothing a letter needs.
        self.globals.pop("lipsum", None)
        self.globals["range"] = self.limited_range
        self.filters = {name: _limited_filter(name, f) for name, f in self.filters.items()}

    # -- budgets

    def step(self) -> None:
        """Count one loop iteration or call; refuse past MAX_STEPS or the deadline."""
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise LimitExceeded(
                f"循环或调用次数过多（超过{MAX_STEPS:,}次）", f"more than {MAX_STEPS} steps"
            )
        if self.steps % 1000 == 0 and time.monotonic() > self.deadline:
            raise LimitExceeded("运行时间过长", f"past the {SECONDS}s deadline")

    def guard_loop(self, iterable: Any) -> Iterator[Any]:
        """Every ``{% for %}`` iterates through here (see _parse)."""
        for item in iterable:
            self.step()
            yield item

    def limited_range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > MAX_RANGE:
            raise LimitExceeded(
                f"range 的范围过大（最多{MAX_RANGE:,}个数）", f"range of {len(numbers)}"
            )
        return numbers

    def concat(self, pieces: Iterable[str]) -> str:
        """Join a rendered part, refusing once it passes MAX_OUTPUT_CHARS."""
        out: list[str] = []
        size = 0
        for piece in pieces:
            size += len(piece)
            if size > MAX_OUTPUT_CHARS:
                raise LimitExceeded(
                    f"生成的文书过长（超过{MAX_OUTPUT_CHARS:,}个字符）",
                    f"output over {MAX_OUTPUT_CHARS} chars",
                )
            out.append(piece)
        return "".join(out)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Route every loop through guard_loop, which the template cannot rebind (it is an
        attribute of the environment, not a name in the template)."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            guard = nodes.EnvironmentAttribute("guard_loop", lineno=loop.lineno)
            loop.iter = nodes.Call(guard, [loop.iter], [], None, None, lineno=loop.lineno)
        return tree

    # -- sandbox hooks

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.step()
        if isinstance(getattr(__obj, "__self__", None), str):
            _check_str_method(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        formatter = super().wrap_str_format(value)
        if formatter is None:
            return None
        fmt = str(value.__self__)

        def checked(*args: Any, **kwargs: Any) -> str:
            mapping = args[0] if value.__name__ == "format_map" and args else {}
            _check_format(fmt, args, {**kwargs, **(mapping if isinstance(mapping, dict) else {})})
            return formatter(*args, **kwargs)

        return checked

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Refuse ``*``, ``**``, ``+`` and ``%`` whose result would be too big, before computing."""
        sized = (str, list, tuple)
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, sized) and isinstance(times, int):
                    _check_size("重复的结果", len(seq) * times)
            if isinstance(left, int) and isinstance(right, int):
                self._check_bits(left.bit_length() + right.bit_length())
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
                self._check_bits(right * left.bit_length())
        elif operator == "+":
            if isinstance(left, sized) and isinstance(right, sized):
                _check_size("连接的结果", len(left) + len(right))
        elif operator == "%" and isinstance(left, str):
            _check_percent(left, right)
        return super().call_binop(context, operator, left, right)

    @staticmethod
    def _check_bits(bits: int) -> None:
        if bits > MAX_INT_BITS:
            raise LimitExceeded("计算的数值过大", f"integer of about {bits} bits")


# ------------------------------------------------------------------------------- the child


def _mapped_bytes() -> int:
    """Address space the process maps now (Linux); 0 where /proc is not there."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _child(
    work: Callable[[], bytes], write_fd: int, memory: int, describe: Callable[[Exception], str]
) -> None:
    """In the forked child: limit memory, run ``work`` and send back ("ok", bytes) or
    ("error", reason, log), then leave without running the parent's exit handlers."""
    try:
        mapped = _mapped_bytes()
        if mapped:
            limit = mapped + memory
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            outcome: tuple[Any, ...] = ("ok", work())
        except MemoryError:
            outcome = ("limit", "占用内存过多", "out of memory in the render child")
        except LimitExceeded as exc:
            outcome = ("limit", exc.reason, exc.log)
        except Exception as exc:
            outcome = ("error", type(exc).__name__, str(exc)[:2000], describe(exc))
        payload = pickle.dumps(outcome)
        view = memoryview(payload)
        while view:
            view = view[os.write(write_fd, view) :]
    finally:
        os._exit(0)


class RenderFailed(Exception):
    """A render in the child failed: ``problem`` is the Chinese description, ``log`` English."""

    def __init__(self, problem: str, log: str) -> None:
        super().__init__(log)
        self.problem = problem
        self.log = log


def render_isolated(
    work: Callable[[], bytes],
    *,
    describe: Callable[[Exception], str],
    seconds: float | None = None,
    memory: int | None = None,
) -> bytes:
    """Run ``work`` in a forked child with ``memory`` bytes of address space beyond the
    parent's and ``seconds`` of wall time, and return what it returns.

    Raises LimitExceeded when the child ran out of either (or the sandbox refused), and
    RenderFailed with ``describe(exc)`` for any other error in the template. Where there is no
    fork (not Linux), runs ``work`` here. The child touches no database and ends with
    os._exit, so the parent's connections and files are left as they were. ``seconds`` and
    ``memory`` default to CHILD_SECONDS and CHILD_MEMORY_BYTES.
    """
    if not hasattr(os, "fork"):
        return work()
    seconds = CHILD_SECONDS if seconds is None else seconds
    memory = CHILD_MEMORY_BYTES if memory is None else memory
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        os.close(read_fd)
        _child(work, write_fd, memory, describe)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if timed_out:
        logger.warning("letter render child killed after %ss", seconds)
        raise LimitExceeded("运行时间过长", f"render child killed after {seconds}s")
    if not chunks:
        raise LimitExceeded("占用内存过多", "render child died without an answer")
    outcome = pickle.loads(b"".join(chunks))  # noqa: S301 - our own child's answer
    if outcome[0] == "ok":
        return bytes(outcome[1])
    if outcome[0] == "limit":
        raise LimitExceeded(outcome[1], outcome[2])
    raise RenderFailed(outcome[3], f"{outcome[1]}: {outcome[2]}")
