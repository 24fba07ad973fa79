"""The package's shape: no import cycle anywhere, small modules, SQL only in .sql files,
and a pytest plugin that changes no one else's test runs."""

from __future__ import annotations

import ast
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from tests.conftest import ROOT, clean_env

PACKAGE = ROOT / "trainer"
SQL_WORDS = ("SELECT ", "INSERT ", "UPDATE ", "DELETE ", "CREATE ", "ALTER ", "DROP ",
             "TRUNCATE ", "BEGIN", "ROLLBACK", "WITH ")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Every trainer module `name` imports, anywhere in it (in functions too), with the
    packages whose __init__ that import runs (other than name's own ancestors)."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            parts = target.split(".")
            for depth in range(1, len(parts) + 1):
                candidate = ".".join(parts[:depth])
                if candidate in known and not name.startswith(candidate + ".") \
                        and candidate != name:
                    found.add(candidate)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, set(known)) for name, path in known.items()}


def test_no_import_cycle_anywhere_in_the_package():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_engine_never_imports_notebook_grading_or_lesson_code():
    graph = import_graph()
    for name, imported in graph.items():
        if name.startswith(("trainer.db", "trainer.jobs")):
            upward = {m for m in imported
                      if m.startswith(("trainer.notebook", "trainer.grading", "trainer.lessons",
                                       "trainer.course", "trainer.lesson", "trainer.plugin"))}
            assert upward == set(), f"{name} imports {sorted(upward)}"


def test_grading_names_no_lesson():
    for name, imported in import_graph().items():
        if name.startswith("trainer.grading"):
            assert not [m for m in imported if m.startswith("trainer.lessons")], name


def test_no_module_is_longer_than_about_300_lines():
    long = {name: lines for name, path in modules().items()
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 300}
    assert long == {}


def test_every_sql_statement_is_in_a_sql_file():
    found = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value.lstrip().upper()
                if text.startswith(SQL_WORDS) and ("%(" in node.value or " FROM " in text
                                                   or text.rstrip() in ("BEGIN", "ROLLBACK")
                                                   or " INTO " in text or " SET " in text):
                    found.append(f"{name}:{node.lineno}: {node.value.strip()[:50]!r}")
    assert found == []


def test_the_sql_finder_finds_inline_sql(tmp_path):
    assert "SELECT * FROM oban_jobs WHERE id = %(id)s".upper().startswith(SQL_WORDS)


def test_the_plugin_is_no_entry_point():
    assert [e for e in entry_points(group="pytest11") if e.value.startswith("trainer")] == []


def test_a_project_with_the_trainer_installed_runs_pytest_untouched(tmp_path):
    (tmp_path / "test_trivial.py").write_text("def test_sums():\n    assert 1 + 1 == 2\n")
    (tmp_path / "conftest.py").write_text(
        "import sys\n\n"
        "def pytest_sessionfinish(session):\n"
        "    loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'trainer')\n"
        "    print('trainer modules loaded:', loaded)\n"
    )
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider"],
                            cwd=tmp_path, env=clean_env(), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "trainer modules loaded: []" in result.stdout
    assert "PostgreSQL" not in result.stdout + result.stderr
