"""All SQL is parameterised: no value is ever formatted into SQL text.

An AST scan of every module of the package fails on a call to `.execute(`, `.executemany(`
or `.query(` whose SQL is an f-string, a `%`-formatted string, a `str.format(...)` call or
a concatenation (directly, or through a local variable assigned one of those). Composition
with psycopg's `sql.SQL(...).format(sql.Identifier(...))` is the allowed way to build SQL.
Ruff's S608 (SQL built by string formatting) is enabled as well, and checked here.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "trainer"
SQL_METHODS = {"execute", "executemany", "query"}


def _is_sql_composition(node: ast.expr) -> bool:
    """`sql.SQL("...")` / `SQL("...")` (and `.format`/`.join` on one): psycopg's safe way."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
            node.func.attr in ("format", "join")):
        node = node.func.value
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in ("SQL", "Composed", "Identifier", "Literal")
    return False


def _formatting(node: ast.expr) -> str | None:
    """How this expression formats a string, or None when it does not."""
    if isinstance(node, ast.JoinedStr):
        return "an f-string"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return "%-formatting"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return "string concatenation"
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format" and not _is_sql_composition(node)):
        return "str.format"
    return None


def _assignments(function: ast.AST) -> dict[str, list[ast.expr]]:
    found: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(
                node.target, ast.Name) and node.value is not None:
            value = node.value
            if isinstance(node, ast.AugAssign):  # `text += ...` is a concatenation
                value = ast.BinOp(left=node.target, op=node.op, right=node.value)
            found.setdefault(node.target.id, []).append(value)
    return found


def formatted_sql(source: str, filename: str = "<source>") -> list[str]:
    """One line per SQL-running call whose SQL text is built by string formatting."""
    tree = ast.parse(source, filename)
    problems = []
    scopes = [tree, *(n for n in ast.walk(tree)
                      if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))]
    seen: set[int] = set()
    for scope in reversed(scopes):  # innermost function first, for its local names
        names = _assignments(scope)
        for node in ast.walk(scope):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in SQL_METHODS) or id(node) in seen:
                continue
            seen.add(id(node))
            statement = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg in ("query", "statement")), None)
            if statement is None:
                continue
            candidates = [statement]
            if isinstance(statement, ast.Name):
                candidates += names.get(statement.id, [])
            for candidate in candidates:
                how = _formatting(candidate)
                if how is not None:
                    problems.append(f"{filename}:{node.lineno}: .{node.func.attr}() runs SQL "
                                    f"built with {how}")
    return problems


def test_the_scanner_catches_every_kind_of_formatting():
    bad = textwrap.dedent('''
        def f(conn, cur, repo, name, n):
            conn.execute(f"SELECT * FROM t WHERE name = '{name}'")
            cur.execute("SELECT * FROM t WHERE id = %s" % n)
            repo.query("SELECT * FROM t WHERE id = {}".format(n))
            cur.executemany("DELETE FROM t WHERE name = '" + name + "'", [])
            text = f"SELECT {n}"
            conn.execute(text)
            more = "SELECT "
            more += name
            repo.execute(statement=more)
    ''')
    problems = formatted_sql(bad)
    assert [p.split(": ", 1)[1] for p in problems] == [
        ".execute() runs SQL built with an f-string",
        ".execute() runs SQL built with %-formatting",
        ".query() runs SQL built with str.format",
        ".executemany() runs SQL built with string concatenation",
        ".execute() runs SQL built with an f-string",
        ".execute() runs SQL built with string concatenation",
    ]
    good = textwrap.dedent('''
        from psycopg import sql
        def f(conn, cur, repo, name, table):
            conn.execute("SELECT * FROM t WHERE name = %s", (name,))
            cur.execute(sql.SQL("SELECT * FROM {} WHERE id = %s").format(
                sql.Identifier(table)), (1,))
            repo.query(sql.SQL(", ").join([sql.Identifier(table)]))
            statement = sql.SQL("DROP TABLE {}").format(sql.Identifier(table))
            conn.execute(statement)
            conn.execute(LOADED_TEXT, {"name": name})
    ''')
    assert formatted_sql(good) == []


def test_no_sql_in_the_package_is_built_by_string_formatting():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10  # the scan really looked at the package
    problems = [problem for path in files
                for problem in formatted_sql(path.read_text(encoding="utf-8"),
                                             str(path.relative_to(ROOT)))]
    assert problems == []


def _ruff() -> str:
    found = Path(sys.executable).with_name("ruff")
    if found.exists():
        return str(found)
    which = shutil.which("ruff")
    if which is None:
        pytest.fail("ruff is not installed: `pip install -e '.[dev]'`")
    return which


def test_ruff_s608_is_enabled_and_catches_formatted_sql(tmp_path):
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "S608" in config["tool"]["ruff"]["lint"]["select"]
    clean = subprocess.run([_ruff(), "check", "--select", "S608", str(PACKAGE)],
                           capture_output=True, text=True, cwd=ROOT)
    assert clean.returncode == 0, clean.stdout
    sample = tmp_path / "sample.py"
    sample.write_text('def f(cur, name):\n'
                      '    cur.execute(f"SELECT * FROM orders WHERE notes = \'{name}\'")\n')
    caught = subprocess.run([_ruff(), "check", "--select", "S608", "--no-cache", str(sample)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert caught.returncode == 1
    assert "S608" in caught.stdout
