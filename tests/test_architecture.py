"""The import direction ARCHITECTURE.md draws, enforced on the source (every import, at the top of a module
or inside a function): tickets and core are leaves, nothing imports dashboard, no cycles between apps, and
an app imports another inside a function only in its AppConfig.ready() (where Django requires it)."""
import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = frozenset(path.parent.name for path in ROOT.glob("*/apps.py"))
PROJECT = "servicedesk"  # settings, root URLconf, Celery app: the composition root may import any app
LEAVES = {"core": set(), "tickets": {"core"}}  # what each leaf may import of the project
SKIPPED = ("migrations",)


def _modules():
    for app in sorted(APPS | {PROJECT}):
        for path in sorted((ROOT / app).rglob("*.py")):
            if not any(part in SKIPPED for part in path.relative_to(ROOT).parts):
                yield app, path


def _imports(tree: ast.AST):
    """(imported top-level package, line, enclosing function name or None) for every absolute import."""
    def walk(node, function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield from walk(child, child.name)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name.split(".")[0], child.lineno, function
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                yield child.module.split(".")[0], child.lineno, function
            yield from walk(child, function)
    yield from walk(tree, None)


def _edges() -> list[tuple[str, str, str, int, str | None]]:
    """(importing app, imported app, file, line, function) for imports of another project app."""
    found = []
    for app, path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target, line, function in _imports(tree):
            if target in APPS and target != app:
                found.append((app, target, str(path.relative_to(ROOT)), line, function))
    return found


def test_the_apps_are_found():
    assert {"tickets", "core", "sla", "warranty", "dashboard", "callbacks"} <= APPS


def test_tickets_and_core_import_no_other_app():
    wrong = [f"{file}:{line} imports {target}" for app, target, file, line, _f in _edges()
             if app in LEAVES and target not in LEAVES[app]]
    assert wrong == []


def test_nothing_imports_dashboard():
    wrong = [f"{file}:{line}" for app, target, file, line, _f in _edges() if target == "dashboard"]
    assert wrong == []


def test_no_import_cycles_between_apps():
    graph = defaultdict(set)
    for app, target, *_rest in _edges():
        if app != PROJECT:
            graph[app].add(target)
    cycles, state = [], {}

    def visit(app, path):
        state[app] = "open"
        for target in sorted(graph[app]):
            if state.get(target) == "open":
                cycles.append(" → ".join([*path[path.index(target):], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[app] = "done"

    for app in sorted(graph):
        if app not in state:
            visit(app, [app])
    assert cycles == []


def test_an_app_imports_another_inside_a_function_only_in_ready():
    """Function-local imports dodge cycles; the only place Django needs one is AppConfig.ready()."""
    wrong = [f"{file}:{line} imports {target} in {function}()" for app, target, file, line, function in _edges()
             if function is not None and function != "ready"]
    assert wrong == []
