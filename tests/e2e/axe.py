"""Accessibility checks with axe-core, installed from npm (`npm install` at the project root, `npm ci` in CI)."""

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(page, *, impacts=BLOCKING_IMPACTS) -> list[dict]:
    """Run axe-core on the page as it is now; return its violations whose impact is in `impacts`."""
    if not AXE_JS.exists():
        pytest.skip(f"axe-core is not installed ({AXE_JS.relative_to(PROJECT_ROOT)} is missing): "
                    "run `npm install` at the project root (in CI: `npm ci`)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern (a
        # <script> element added to the page would be refused: the site allows no inline script).
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    violations = page.evaluate(
        "async () => (await window.axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [violation for violation in violations if violation["impact"] in impacts]


def axe_report(violations: list[dict]) -> str:
    """Readable enough to fix a template from the test output alone."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)
