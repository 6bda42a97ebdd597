"""The shape of the code (README "Architecture", DESIGN.md "Layout"): dependencies point one way,
there are no import circles, imports sit at the top of modules, views leave state changes to the
services, and no module grows past what a reader takes in."""

import ast
import sys
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("szmz_security", "incidents", "assets", "media_control", "audits", "publishing", "secrecy")
# Generated migrations aside, a module a reader takes in at once (DESIGN.md: "under ~500 lines").
MAX_LINES = 550


def project_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def relative(path):
    return str(path.relative_to(ROOT))


def test_import_contracts_hold():
    """pyproject.toml [tool.importlinter]: the core imports no feature app outside its composition
    points, incidents import no other feature app, models import no services, views or API."""
    assert lint_imports(no_cache=True) == 0


def strongly_connected(graph, modules):
    """Tarjan's components of more than one module: each one is an import circle."""
    edges = {m: [i for i in graph.find_modules_directly_imported_by(m) if i in modules] for m in modules}
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in edges[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for module in sorted(modules):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return circles


def test_no_import_circles():
    """Every import counts, those inside functions too: a circle hidden in a function is a circle."""
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False)
    modules = {m for m in graph.modules if ".migrations" not in m}
    assert strongly_connected(graph, modules) == []


# Where Django wants an import inside a function: AppConfig.ready, and data migrations.
LATE_IMPORTS_ALLOWED = {"apps.py"}


def test_imports_at_the_top_of_modules():
    late = []
    for path in project_modules():
        if path.name in LATE_IMPORTS_ALLOWED:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                late += [
                    f"{relative(path)}:{sub.lineno}"
                    for sub in ast.walk(node)
                    if isinstance(sub, ast.Import | ast.ImportFrom)
                ]
    assert late == []


def view_modules():
    for path in project_modules():
        in_views = path.name in ("views.py", "api.py") or path.parent.name == "views"
        # The core's generic views hold the one transaction of an edit and of an action.
        if in_views and relative(path) != "szmz_security/core/views.py":
            yield path


@pytest.mark.parametrize("path", list(view_modules()), ids=relative)
def test_views_leave_state_changes_to_services(path):
    """No ``transaction.atomic`` and no ``_change_reason`` in a view or an API module: each state
    change, with its reason for the History tab, lives in a service."""
    tree = ast.parse(path.read_text())
    found = [
        f"{relative(path)}:{node.lineno}"
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr in ("atomic", "_change_reason"))
    ]
    assert found == []


def test_no_module_past_a_readers_length():
    long = {
        relative(path): n
        for path in project_modules()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


FEATURE_APPS = ("incidents", "assets", "media_control", "audits", "publishing", "secrecy")


@pytest.mark.parametrize(
    "path", [p for p in view_modules() if p.parts[len(ROOT.parts)] in FEATURE_APPS], ids=relative
)
def test_feature_views_have_one_gate(path):
    """A feature app's views and API decide access through the access rule (``visible_to``) or a
    service's rule, never with a ``has_perm`` of their own beside it."""
    tree = ast.parse(path.read_text())
    found = [
        f"{relative(path)}:{n.lineno}"
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and n.attr == "has_perm"
    ]
    assert found == []
