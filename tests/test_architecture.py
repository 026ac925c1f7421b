"""The house: one concern per floor, imports only downwards, no circles, each floor's
outside libraries listed, small files and functions, every module on the map.

Floors, lowest first: ``geo`` (the spatial core) ← ``layers`` (layer data and its
files) ← ``firms.intake`` (reading a firm list) ← ``firms`` (firm analytics) ← ``ui``
(the web app) and ``cli`` (the command line and the OGC API service), side by side ←
``app.py``. A module may import its own floor and the floors below, never one above;
``cli`` takes from ``ui`` only its words (``ui.i18n``). Every rule reads every module of
every subpackage.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geo", "layers", "firms", "ui", "cli")
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60

#: floor → its rank; two floors of one rank may not import each other.
RANKS = {"geo": 0, "layers": 1, "firms.intake": 2, "firms": 3, "ui": 4, "cli": 4, "app": 5}
#: what a floor may take from a floor of its own rank (or above): the shared words.
SIDEWAYS = {"cli": {"ui.i18n"}}

#: the outside libraries each floor may import (the standard library is always allowed).
BASE = {"numpy", "pandas", "geopandas", "shapely", "pyproj", "pyarrow"}
LIBRARIES = {
    "geo": BASE,
    "layers": BASE | {"pyogrio"},
    "firms.intake": BASE | {"openpyxl", "defusedxml", "python_calamine", "ijson", "ahocorasick"},
    "firms": BASE | {"dask", "dask_geopandas", "distributed", "fsspec"},
    "ui": BASE | {"streamlit", "folium", "branca", "jinja2", "pypinyin", "matplotlib", "playwright"},
    "cli": BASE | {"matplotlib", "pygeoapi", "werkzeug", "yaml", "waitress", "babel",
                   "sqlalchemy", "geoalchemy2"},
    "app": {"streamlit", "streamlit_folium"},
}


def project_modules() -> dict[str, Path]:
    """Every project module by dotted name (packages by their own name), app.py as ``app``."""
    found = {"app": ROOT / "app.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = project_modules()


def floor_of(module: str) -> str:
    """The floor a dotted module name lives on."""
    return "firms.intake" if module.startswith("firms.intake") else module.split(".")[0]


def imports_of(path: Path) -> list[str]:
    """The dotted names a module imports (absolute imports only; the project uses no
    relative ones), ``from pkg import sub`` resolved to the submodule where it is one."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            subs = [f"{node.module}.{a.name}" for a in node.names
                    if f"{node.module}.{a.name}" in MODULES]
            names += subs or [node.module]
    return names


def project_imports(path: Path) -> set[str]:
    """The project modules a module imports."""
    out = set()
    for name in imports_of(path):
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name:
            out.add(name)
    return out


def wrong_imports(module: str, path: Path) -> list[str]:
    """Imports of ``module`` that run up a floor or sideways without leave."""
    here = floor_of(module)
    wrong = []
    for target in project_imports(path):
        there = floor_of(target)
        if there == here:
            continue
        sideways = any(target == s or target.startswith(s + ".") for s in SIDEWAYS.get(here, ()))
        if RANKS[there] >= RANKS[here] and not sideways:
            wrong.append(f"{module} imports {target} ({there} is not below {here})")
    return wrong


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_its_own_floor_and_those_below(module):
    assert not wrong_imports(module, MODULES[module])


def test_the_floor_rule_catches_an_import_from_above_and_sideways(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("from ui.webmap import build_map\nfrom firms import zones\n"
                   "from cli.inputs import selected_layers\nfrom ui.i18n import t\n",
                   encoding="utf-8")
    def targets(module):
        return sorted(w.split(" ")[2] for w in wrong_imports(module, bad))

    assert targets("firms.intake.readers") == ["cli.inputs", "firms.zones", "ui.i18n",
                                                "ui.webmap"]
    assert targets("cli.main") == ["ui.webmap"]  # the words of ui, ui.i18n, are allowed
    assert targets("ui.views") == ["cli.inputs"]


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports (a package's ``__init__`` imports count
    for the package; a module does not depend on its own package's ``__init__``)."""
    return {m: {t for t in project_imports(p) if not m.startswith(t + ".")}
            for m, p in MODULES.items()}


def test_no_module_imports_itself_through_others():
    assert circles(import_graph()) == []


def test_the_circle_rule_catches_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_floor_imports_only_its_listed_outside_libraries(module):
    allowed = LIBRARIES[floor_of(module)]
    outside = {n.split(".")[0] for n in imports_of(MODULES[module])
               if n.split(".")[0] not in sys.stdlib_module_names
               and n.split(".")[0] not in PACKAGES}
    assert outside <= allowed, f"{module}: {sorted(outside - allowed)} not listed for its floor"


@pytest.mark.subprocess
def test_the_command_line_starts_without_the_web_app():
    """``shmap`` builds its whole parser and runs a command without importing the web
    floor's libraries (the process boundary is the point: a fresh interpreter)."""
    code = ("import sys, contextlib, io\nimport cli.main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    status = cli.main.main(['layers'])\n"
            "print(status, sorted(m for m in ('streamlit', 'folium', 'streamlit_folium', "
            "'branca') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True).stdout.strip()
    assert out == "0 []"


def project_files() -> list[Path]:
    return [*MODULES.values(), *sorted((ROOT / "benchmarks").glob("*.py")),
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


@pytest.mark.parametrize("module", [m for m, p in MODULES.items()
                                    if m != "app" and not p.name.startswith("_")])
def test_public_modules_declare_their_names(module):
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    names = {t.id for node in tree.body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)}
    assert "__all__" in names


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_is_on_the_map_of_the_house(module):
    """docs/architecture.md names every module by its path."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert f"`{MODULES[module].relative_to(ROOT).as_posix()}`" in doc
