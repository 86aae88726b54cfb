"""Every action code a service writes to the audit log has a Chinese name (core/audit_labels.py).

The codes are found in the source, not listed here: literal ``action="x.y"`` arguments, and for a
composed code (``action=f"publication.{action}"`` inside a helper) the literal values the module's
calls pass to that helper's parameter. Two helpers are fed from enumerations rather than
literals; their values come from the enumerations themselves.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongkai.applications.models import EventKind
from gongkai.catalog.models import CatalogAction
from gongkai.core.audit_labels import ACTION_LABELS, action_label

SOURCE = Path(__file__).resolve().parents[2] / "gongkai"

# Composed codes whose variable part comes from an enumeration, not from literals at the calls.
FROM_ENUMS = {
    "application.": [str(kind) for kind in EventKind],
    "catalog.": [str(action) for action in CatalogAction],
}


def _action_arguments(tree: ast.AST) -> Iterator[tuple[ast.FunctionDef | None, ast.expr]]:
    """Each ``action=`` keyword of a call, with the function it sits in."""
    stack: list[tuple[ast.AST, ast.FunctionDef | None]] = [(tree, None)]
    while stack:
        node, function = stack.pop()
        if isinstance(node, ast.FunctionDef):
            function = node
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "action":
                    yield function, keyword.value
        stack.extend((child, function) for child in ast.iter_child_nodes(node))


def _literals(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def _passed(tree: ast.AST, function: ast.FunctionDef, parameter: str, depth: int = 3) -> list[str]:
    """The literal values the module's calls of ``function`` give ``parameter``; where a call
    passes on a parameter of its own function (``_part_changed(item, actor, action, …)`` calling
    ``_record(item, actor, action, …)``), the values that function's callers give it, a few
    levels deep."""
    names = [argument.arg for argument in function.args.args]
    position = names.index(parameter) if parameter in names else None
    values: list[str] = []
    for caller in [None, *[n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]]:
        body = tree if caller is None else caller
        for node in ast.walk(body):
            if not isinstance(node, ast.Call):
                continue
            callee = node.func
            name = callee.id if isinstance(callee, ast.Name) else getattr(callee, "attr", "")
            if name != function.name:
                continue
            given = [k.value for k in node.keywords if k.arg == parameter]
            if position is not None and position < len(node.args):
                given.append(node.args[position])
            for value in given:
                literal = _literals(value)
                if literal:
                    values += literal
                elif (
                    caller is not None
                    and depth > 0
                    and isinstance(value, ast.Name)
                    and value.id in [a.arg for a in caller.args.args]
                ):
                    values += _passed(tree, caller, value.id, depth - 1)
    return sorted(set(values))


def _codes() -> set[str]:
    codes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function, value in _action_arguments(tree):
            literal = _literals(value)
            if literal:
                codes.update(code for code in literal if "." in code)
                continue
            if not isinstance(value, ast.JoinedStr) or len(value.values) != 2:
                continue
            head, tail = value.values
            if not (isinstance(head, ast.Constant) and isinstance(tail, ast.FormattedValue)):
                continue
            prefix = str(head.value)
            variable = tail.value
            if prefix in FROM_ENUMS:
                codes.update(prefix + verb for verb in FROM_ENUMS[prefix])
                continue
            assert isinstance(variable, ast.Name) and function is not None, (
                f"{path}: composed action {prefix}… needs its values listed in FROM_ENUMS"
            )
            verbs = _passed(tree, function, variable.id)
            assert verbs, f"{path}: no literal values found for {prefix}{{{variable.id}}}"
            codes.update(prefix + verb for verb in verbs)
    return codes


def test_the_scan_finds_the_codes_it_should() -> None:
    """Guards the scan itself: a literal code, a composed one and an enumerated one."""
    codes = _codes()
    assert {"auth.login", "publication.approve", "publication.keep", "application.replied"} <= codes
    assert "participation.comment_refuse" in codes
    assert "ledger.evidence_add" in codes
    assert "service.question_remove" in codes  # through _part_changed, then _record
    assert {"checkword.activate", "checkword.deactivate"} <= codes


def test_every_action_code_has_a_chinese_name() -> None:
    missing = sorted(code for code in _codes() if code not in ACTION_LABELS)
    assert not missing, f"add these to gongkai/core/audit_labels.py: {missing}"


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("publication.approve", "政府信息：审核通过"),
        ("auth.login", "登录"),
        ("old.code", "old.code"),
    ],
)
def test_action_label(code: str, label: str) -> None:
    assert action_label(code) == label
