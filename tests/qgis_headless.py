"""Run a script in headless QGIS (Debian's python3-qgis, run by Debian's python3 with
``QT_QPA_PLATFORM=offscreen``) and read the JSON it prints; the calling test is skipped,
saying so, where QGIS is not installed."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

DEBIAN_PYTHON = Path("/usr/bin/python3")
#: Starts QGIS with no display; a script adds its work and prints one JSON line.
PROLOGUE = """
import json, sys
from qgis.core import QgsApplication
app = QgsApplication([], False)
app.initQgis()
"""


def run_qgis(script: str, *args: str, cwd: Path | None = None) -> tuple[dict, str]:
    """(the JSON the script printed last, everything QGIS said)."""
    probe = subprocess.run([str(DEBIAN_PYTHON), "-c", "import qgis.core"], capture_output=True) \
        if DEBIAN_PYTHON.is_file() else None
    if probe is None or probe.returncode != 0:
        pytest.skip("QGIS (Debian python3-qgis) is not installed: apt-get install python3-qgis")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QGIS_PREFIX_PATH": "/usr"}
    env.pop("PYTHONPATH", None)
    result = subprocess.run([str(DEBIAN_PYTHON), "-c", PROLOGUE + script + "\napp.exitQgis()\n",
                             *args], env=env, capture_output=True, text=True, timeout=300,
                            cwd=cwd)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stdout + result.stderr
