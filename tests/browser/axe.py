"""axe-core, vendored from the npm registry (tests/browser/vendor/README.md), run in a page."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# axe's default rule set (WCAG 2.0-2.2 A and AA and its best practices; experimental rules
# off), violations only: passes and incomplete results would only slow the run down.
RUN_AXE = """
async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(' ')),
    html: violation.nodes.map((node) => node.html.slice(0, 160)),
  }));
}
"""


def axe_sha256() -> str:
    return hashlib.sha256(AXE.read_bytes()).hexdigest()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; the script is evaluated from the local file.

    Evaluated through the DevTools protocol rather than added as a <script> element, which the
    site's Content-Security-Policy refuses (inline script; gongkai.core.csp)."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return violations


def describe(violations: list[dict[str, Any]], limit: int = 8) -> str:
    """One paragraph per rule: its id, impact and help, then the first elements it failed on."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for target, html in list(zip(violation["targets"], violation["html"], strict=True))[:limit]:
            lines.append(f"    {target}    {html}")
        if len(violation["targets"]) > limit:
            lines.append(f"    … and {len(violation['targets']) - limit} more")
    return "\n".join(lines)
