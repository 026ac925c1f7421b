"""One error family per floor: every error a user can meet is a ``ShmapError``.

The families: ``geo.errors`` (``GeoError`` and its kinds), ``layers.errors``
(``LayersError`` …) and ``firms.intake.errors`` (``IntakeError`` …), all under the
root ``geo.errors.ShmapError``. A plain ``ValueError``, ``TypeError`` or ``KeyError``
raised by project code is allowed only where it asserts an invariant that no user
input can break, and each such raise is listed below with its reason.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

from geo.errors import ShmapError

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geo", "layers", "firms", "ui", "cli")
BUILTINS = {"ValueError", "TypeError", "KeyError"}
FAMILIES = ("geo.errors", "layers.errors", "firms.intake.errors")

#: (file, function, exception) → why a plain builtin is right there.
ALLOWED = {
    ("geo/join.py", "SortedPoints.__init__", "ValueError"):
        "lon and lat come from one firm table (firm_lonlat): unequal lengths are a caller's bug",
    ("geo/join.py", "zone_pairs", "ValueError"):
        "ids and geometries come from one layer frame: unequal lengths are a caller's bug",
    ("cli/gpkg_provider.py", "typed_value", "ValueError"):
        "caught three lines below and answered as pygeoapi's invalid-query error (HTTP 400)",
    ("cli/service_app.py", "_local_ref", "ValueError"):
        "pygeoapi's OpenAPI document refers only to schemas the service ships: a missing one is a bug",
}


def _raised_name(node: ast.Raise) -> str | None:
    """The name of the class a ``raise`` statement raises (``raise X`` or ``raise X(...)``)."""
    exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    return exc.id if isinstance(exc, ast.Name) else None


def builtin_raises() -> set[tuple[str, str, str]]:
    """(file, enclosing function as Class.method, exception) of each raise of a builtin."""
    found: set[tuple[str, str, str]] = set()

    def walk(node: ast.AST, path: str, scope: tuple[str, ...]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                walk(child, path, (*scope, child.name))
                continue
            if isinstance(child, ast.Raise) and _raised_name(child) in BUILTINS:
                found.add((path, ".".join(scope) or "<module>", str(_raised_name(child))))
            walk(child, path, scope)

    for package in PACKAGES:
        for file in sorted((ROOT / package).rglob("*.py")):
            walk(ast.parse(file.read_text(encoding="utf-8")), file.relative_to(ROOT).as_posix(), ())
    return found


def test_no_plain_builtin_error_where_a_user_can_meet_it():
    unlisted = sorted(builtin_raises() - set(ALLOWED))
    assert not unlisted, ("raise the floor's error family (geo.errors, layers.errors, "
                          f"firms.intake.errors) or list the invariant in ALLOWED: {unlisted}")


def test_every_allowed_raise_still_exists():
    assert not set(ALLOWED) - builtin_raises(), "remove the entries whose raise is gone"


def test_the_scan_sees_a_plain_raise():
    tree = ast.parse("def f(x):\n    if x:\n        raise ValueError('bad')\n    raise KeyError\n")
    names = [_raised_name(n) for n in ast.walk(tree) if isinstance(n, ast.Raise)]
    assert sorted(names) == ["KeyError", "ValueError"]


@pytest.mark.parametrize("module", FAMILIES)
def test_every_family_class_is_a_shmap_error(module):
    classes = [obj for _, obj in inspect.getmembers(importlib.import_module(module), inspect.isclass)
               if obj.__module__ == module]
    assert classes, f"{module} defines no error class"
    for cls in classes:
        assert issubclass(cls, ShmapError), f"{module}.{cls.__name__} is not a ShmapError"
        assert cls.__name__ in importlib.import_module(module).__all__


def test_a_users_bad_names_raise_the_family():
    from geo.breaks import class_breaks
    from geo.datum import parse_datum
    from geo.errors import DatumError, GeoError
    from layers.catalog import entry
    from layers.errors import UsageError
    from layers.sectors import parse_sector_ids, sector

    with pytest.raises(DatumError, match="unknown datum 'beijing54'"):
        parse_datum("beijing54")
    with pytest.raises(GeoError, match="unknown class-break method 'jenks'"):
        class_breaks([1, 2, 3], method="jenks")
    with pytest.raises(UsageError, match="unknown layer 'nowhere'"):
        entry("nowhere")
    with pytest.raises(UsageError, match="unknown sector 'chips'"):
        sector("chips")
    with pytest.raises(UsageError, match="unknown sector 'chips'"):
        parse_sector_ids(["chips"])
