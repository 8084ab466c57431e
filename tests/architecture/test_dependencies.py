"""The direction of dependencies between apps (docs/architecture.md), checked on every import.

Each app may import only the apps in lower layers. A forbidden import fails this test with the
file and line, so a shortcut across the layers cannot land unnoticed. Imports under
`TYPE_CHECKING` count too: a type is a dependency of the code that names it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Lowest first. An app may import its own modules and any app of a lower layer, nothing else.
LAYERS: list[set[str]] = [
    {"accounts"},  # the user and their role
    {"portal"},  # settings, the access policy's engine, middleware, navigation
    {"audit"},  # the access log: who read which child's record (written by every app's views)
    {"cases"},  # the case, its clock (statutory, deadlines), workflow, letters, documents
    {"events"},  # the event feed and webhooks: written by the core's hooks and every app above
    {"notifications"},  # the outbox and its delivery
    {"families"},  # children, families, consent; the front door and the family's tracker
    {"advice", "assignment"},  # advice requests; caseworker assignment and priority
    {"plans"},  # the EHC plan, consultations, reviews
    {"correspondence"},  # the council's letter wording, letters made by the worker, bulk letters
    {"casework", "panels"},  # the caseworker's workbench and sweep; panels and decisions
    {"schools"},  # schools after the request: school-led reviews, provision delivered, transfers
    {"members"},  # elected members' enquiries: a separate context that only reads cases
    {"quality"},  # plan audits, surveys, complaints, contact log, telling families when late
    {"sen2"},  # the DfE SEN2 return: reads every app's facts, writes only corrections
    {"reporting"},  # the performance dashboard: reads every app's figures, writes none of them
    {"governance"},  # subject access, retention, legal holds and pages: read every app
    {"integrations"},  # the integration API: reads every app, writes through their services
    {"root"},  # URLs and the demo: the composition root
]

# Most specific first: (module prefix, app).
APPS: list[tuple[str, str]] = [
    ("ehcp_portal.accounts", "accounts"),
    ("ehcp_portal.audit", "audit"),
    ("ehcp_portal.urls", "root"),
    ("ehcp_portal.demo", "root"),
    ("ehcp_portal.management", "root"),
    ("ehcp_portal.context_processors", "root"),  # the header reads every app's counts
    ("ehcp_portal.governance", "governance"),
    ("ehcp_portal", "portal"),
    ("cases.integrations", "integrations"),
    ("cases.advice", "advice"),
    ("cases.events", "events"),
    ("cases.assignment", "assignment"),
    ("cases.casework", "casework"),
    ("cases.members", "members"),
    ("cases.schools", "schools"),
    ("cases.quality", "quality"),
    ("cases.reporting", "reporting"),
    ("cases.sen2", "sen2"),
    ("cases.plans", "plans"),
    ("cases.correspondence", "correspondence"),
    ("cases", "cases"),
    ("families", "families"),
    ("panels", "panels"),
    ("notifications", "notifications"),
]

LAYER_OF = {app: i for i, layer in enumerate(LAYERS) for app in layer}


def app_of(module: str) -> str | None:
    for prefix, app in APPS:
        if module == prefix or module.startswith(prefix + "."):
            return app
    return None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from cases import access` names a module of cases: the same app either way.
    return found


def source_files() -> list[Path]:
    files = []
    for package in ("ehcp_portal", "cases", "families", "panels", "notifications"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                files.append(path)
    return files


def forbidden_imports() -> list[str]:
    problems = []
    for path in source_files():
        source_app = app_of(module_name(path))
        assert source_app is not None, path
        for line, target in imports_of(path):
            target_app = app_of(target)
            if target_app is None or target_app == source_app:
                continue
            if LAYER_OF[target_app] >= LAYER_OF[source_app]:
                problems.append(
                    f"{path.relative_to(ROOT)}:{line} {source_app} imports {target} ({target_app})"
                )
    return problems


def test_every_app_is_in_a_layer():
    assert {app for _, app in APPS} == set(LAYER_OF)


def test_apps_import_only_lower_layers():
    problems = forbidden_imports()
    assert not problems, "Imports against the direction of dependencies:\n" + "\n".join(problems)


def test_the_check_catches_a_forbidden_import(tmp_path, monkeypatch):
    """The test can fail: a cases module importing families is reported."""
    bad = ROOT / "cases" / "_architecture_probe.py"
    bad.write_text("from families.models import Child\n")
    try:
        problems = forbidden_imports()
    finally:
        bad.unlink()
    assert any("_architecture_probe.py:1 cases imports families.models" in p for p in problems)
