"""Packaging: the project runs from its checkout, so a wheel or sdist is refused with a
message that says so and how to install, while the editable install works."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def backend():
    spec = importlib.util.spec_from_file_location("build_backend",
                                                  ROOT / "scripts" / "build_backend.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("hook", ["build_wheel", "build_sdist"])
def test_a_wheel_or_sdist_is_refused_by_name(hook, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        getattr(backend(), hook)(str(tmp_path))
    assert stop.value.code == 1
    said = capsys.readouterr().err
    assert "runs from its checkout" in said and "pip install -e ." in said
    assert list(tmp_path.iterdir()) == []  # nothing half-built is left


def test_the_editable_install_is_setuptools_own():
    from setuptools import build_meta

    assert backend().build_editable is build_meta.build_editable


@pytest.mark.subprocess
def test_pip_refuses_a_wheel_with_the_message(tmp_path):
    """The real path a user takes: ``pip wheel .`` fails and says why (no network: the
    venv's setuptools builds)."""
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                           "--no-build-isolation", "-w", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "runs from its checkout" in done.stdout + done.stderr
    assert not list(tmp_path.glob("*.whl"))


def test_the_installed_project_is_this_checkout():
    import cli.main
    import geo

    assert Path(geo.__file__).resolve().parent == ROOT / "geo"
    assert Path(cli.main.__file__).resolve().parent == ROOT / "cli"
