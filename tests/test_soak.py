"""The soak benchmark runs: two browser sessions on the real app stay apart.

Runs ``benchmarks/soak.py --sessions 2 --rounds 1`` (the app on a loopback port, headless
Debian Chromium) and checks that each session found its own firms and not the other's,
and that the figures are printed. Times are benchmark figures, not asserted.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.loopback, pytest.mark.subprocess,
              pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent


def test_two_sessions_see_only_their_own_firms(chromium):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "soak.py"), "--sessions", "2",
                           "--rounds", "1", "--rows", "200"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=420)
    out = done.stdout
    assert done.returncode == 0, done.stderr[-2000:]
    assert "sessions: 2" in out and "rounds: 1" in out
    assert re.search(r"server RSS MB: start \d+ peak \d+ end \d+", out)
    assert re.search(r"interaction s: p50 [\d.]+ p95 [\d.]+ \(n=12\)", out)
    assert "isolation: ok" in out, out
