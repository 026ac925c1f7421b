"""The house: one concern per package, imports only downwards, small files and functions.

Floors, lowest first: ``geo`` (pure computation) ← ``layers`` (layer data) ←
``firms`` (firm analytics) ← ``ui`` (what a person sees) ← ``app.py``. A module
may import its own floor and the floors below, never one above.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ("geo", "layers", "firms", "ui")
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).glob("*.py"))


def first_party_imports(path: Path) -> set[str]:
    """The project packages a module imports (top-level names only)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(FLOORS)


@pytest.mark.parametrize("package", FLOORS)
def test_a_package_imports_only_its_own_floor_and_those_below(package):
    allowed = set(FLOORS[:FLOORS.index(package) + 1])
    wrong = {f"{p.relative_to(ROOT)} imports {sorted(first_party_imports(p) - allowed)}"
             for p in modules(package) if first_party_imports(p) - allowed}
    assert not wrong, wrong


def test_the_rule_catches_an_import_from_above(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("from ui.webmap import build_map\nimport layers\n", encoding="utf-8")
    assert first_party_imports(bad) == {"ui", "layers"}


def project_files() -> list[Path]:
    files = [p for pkg in FLOORS for p in modules(pkg)]
    return files + [ROOT / "app.py", *sorted((ROOT / "benchmarks").glob("*.py")),
                    *sorted((ROOT / "scripts").glob("*.py"))]


@pytest.mark.parametrize("path", project_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_files_and_functions_stay_small(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_FILE_LINES
    long = [f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
            for node in ast.walk(ast.parse(text))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, long


@pytest.mark.parametrize("path", [p for pkg in FLOORS for p in modules(pkg)
                                  if not p.name.startswith("_")],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_public_modules_declare_their_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {t.id for node in tree.body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)}
    assert "__all__" in names
