"""The one place for paths and fixed settings. Nothing here reads the environment."""

from __future__ import annotations

from pathlib import Path

from geo.crs import STORAGE_CRS as _STORAGE_CRS

__all__ = [
    "BASE_DIR", "DATA_DIR", "LAYERS_DIR", "PROJECT_ROOT", "PROVENANCE_FILE", "SECTORS_FILE",
    "SEEDS_DIR", "STORAGE_CRS"
]

#: The project checkout (this file is ``<root>/layers/settings.py``).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
BASE_DIR = DATA_DIR / "base"
LAYERS_DIR = DATA_DIR / "layers"
SECTORS_FILE = DATA_DIR / "sectors.toml"
PROVENANCE_FILE = DATA_DIR / "provenance.json"

#: The policy texts that citations quote. They live beside the checkout
#: (``../shared/seeds``) and are not shipped in ``data/``; checks that need them
#: take the folder as an argument and report when it is absent.
SEEDS_DIR = PROJECT_ROOT.parent / "shared" / "seeds"

#: Storage CRS of every layer and firm table: WGS84 longitude/latitude.
STORAGE_CRS = _STORAGE_CRS
