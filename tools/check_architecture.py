"""Keep STYLE.md's architecture rules true as the code grows; run by `make test`.

Checks, over every module of the gongkai package:
- ``clock``, ``textcheck`` and ``official_docx`` import no Django (they are tested and benchmarked
  alone; the letter templates' build script runs in a bare checkout);
- no ``.update(status=...)`` outside a services module (transitions go through services);
- no ``utils.py`` / ``helpers.py`` grab-bags;
- no naive ``datetime.now()``, ``datetime.utcnow()`` or ``date.today()`` (use gongkai.core.clock);
- views never query restricted models directly (``Catalog.objects`` …): they use selectors;
- no app imports ``gongkai.portal`` or ``gongkai.api``.
Exit status 1 with one line per violation.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gongkai"
PURE_APPS = {"clock", "textcheck"}
PURE_MODULES = {"official_docx.py"}
COMPOSERS = {"portal", "api"}
RESTRICTED_MODELS = {
    "Catalog",
    "CatalogItem",
    "CatalogEvent",
    "Membership",
    "AuditEntry",
    "Application",
    "ApplicationEvent",
    "Consultation",
    "Letter",
}
GRAB_BAGS = {"utils.py", "helpers.py", "helper.py", "misc.py", "common.py"}


def _modules() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _app_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else ""


def _imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.lineno, node.module


def _call_name(node: ast.Call) -> str:
    parts: list[str] = []
    target: ast.expr = node.func
    while isinstance(target, ast.Attribute):
        parts.append(target.attr)
        target = target.value
    if isinstance(target, ast.Name):
        parts.append(target.id)
    return ".".join(reversed(parts))


def check(path: Path) -> list[str]:
    rel = path.relative_to(ROOT)
    app = _app_of(path)
    problems: list[str] = []
    if path.name in GRAB_BAGS:
        problems.append(f"{rel}: grab-bag module name; name the module for what it does")
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for lineno, module in _imports(tree):
        pure = app in PURE_APPS or (not app and path.name in PURE_MODULES)
        if pure and module.split(".")[0] == "django":
            problems.append(f"{rel}:{lineno}: {app or path.stem} must not import Django")
        top = module.split(".")
        if len(top) > 1 and top[0] == "gongkai" and top[1] in COMPOSERS and app not in COMPOSERS:
            problems.append(f"{rel}:{lineno}: apps must not import gongkai.{top[1]}")
    is_service = path.stem == "services" or "services" in path.parts
    is_view = path.stem == "views" or "views" in path.parts
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            sets_status = any(k.arg == "status" for k in node.keywords)
            if name.endswith(".update") and sets_status and not is_service:
                problems.append(f"{rel}:{node.lineno}: .update(status=...) outside services")
            if name in {"datetime.now", "datetime.datetime.now", "dt.datetime.now"} and not (
                node.args or node.keywords
            ):
                problems.append(f"{rel}:{node.lineno}: naive datetime.now(); use core.clock.now()")
            if name.endswith("utcnow") or name in {
                "date.today",
                "datetime.date.today",
                "dt.date.today",
            }:
                problems.append(f"{rel}:{node.lineno}: {name}(); use core.clock")
        if (
            is_view
            and isinstance(node, ast.Attribute)
            and node.attr == "objects"
            and isinstance(node.value, ast.Name)
            and node.value.id in RESTRICTED_MODELS
        ):
            problems.append(
                f"{rel}:{node.lineno}: views must read {node.value.id} through selectors"
            )
    return problems


def main() -> int:
    problems = [p for path in _modules() for p in check(path)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"architecture check failed: {len(problems)} problem(s)")
        return 1
    print("architecture check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
