"""The project's build backend: setuptools for an editable install, a clear refusal for
a wheel or an sdist.

The project runs from its checkout: its top-level packages (``geo``, ``layers``,
``firms``, ``ui``, ``cli``) find ``data/`` and ``static/`` beside them, and names that
generic would collide with other projects' in a shared site-packages. So the only
install is the editable one that ``make run`` and ``make test`` make
(``pip install -e .``); a wheel or sdist is refused with this message rather than built
half-working.
"""

from __future__ import annotations

import sys

from setuptools import build_meta as _setuptools

__all__ = ["build_editable", "build_sdist", "build_wheel", "get_requires_for_build_editable",
           "get_requires_for_build_sdist", "get_requires_for_build_wheel",
           "prepare_metadata_for_build_editable", "prepare_metadata_for_build_wheel"]

REFUSAL = ("shanghai-cluster-map runs from its checkout (its data/ and static/ folders sit "
           "beside the code), so it is not built as a wheel or sdist. Install it editable "
           "from the checkout instead: `pip install -e .` — `make run` and `make test` do "
           "this for you.")

build_editable = _setuptools.build_editable
get_requires_for_build_editable = _setuptools.get_requires_for_build_editable
prepare_metadata_for_build_editable = _setuptools.prepare_metadata_for_build_editable
get_requires_for_build_wheel = _setuptools.get_requires_for_build_wheel
get_requires_for_build_sdist = _setuptools.get_requires_for_build_sdist
prepare_metadata_for_build_wheel = _setuptools.prepare_metadata_for_build_wheel


def _refuse() -> None:
    print(f"error: {REFUSAL}", file=sys.stderr)
    raise SystemExit(1)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    """Refused: the project is installed editable only (see the module's note)."""
    _refuse()


def build_sdist(sdist_directory, config_settings=None):
    """Refused: the project is installed editable only (see the module's note)."""
    _refuse()
