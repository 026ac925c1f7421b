"""Fetch the map's browser libraries from the npm registry into static/vendor/.

The app serves Leaflet and its plugins itself (Streamlit static serving), so the
map works with no internet and no CDN. Versions and tarball hashes are pinned in
``static/vendor.json``; a tarball whose sha256 differs is refused. Run by
``make setup``; needs ``npm`` (it only downloads, it installs nothing).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "static" / "vendor.json"
VENDOR = ROOT / "static" / "vendor"


def _complete(spec: dict) -> bool:
    folder = VENDOR / spec["name"]
    return all((folder / Path(f).name if not f.startswith("dist/images/")
                else folder / "images" / Path(f).name).is_file() for f in spec["files"])


def fetch(spec: dict, work: Path) -> None:
    name, version = spec["name"], spec["version"]
    out = subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=work, check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    tgz = work / out
    digest = hashlib.sha256(tgz.read_bytes()).hexdigest()
    if digest != spec["sha256"]:
        raise SystemExit(f"{name}@{version}: tarball sha256 {digest} does not match the pin")
    folder = VENDOR / name
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "images").mkdir(parents=True)
    with tarfile.open(tgz) as tar:
        for f in spec["files"]:
            data = tar.extractfile(f"package/{f}").read()
            target = folder / "images" / Path(f).name if f.startswith("dist/images/") \
                else folder / Path(f).name
            target.write_bytes(data)
    print(f"fetched {name}@{version} → {folder.relative_to(ROOT)}")


def main() -> int:
    specs = json.loads(MANIFEST.read_text(encoding="utf-8"))["packages"]
    todo = [s for s in specs if not _complete(s)]
    if not todo:
        return 0
    if shutil.which("npm") is None:
        print("npm is needed once to fetch the map libraries (apt-get install npm)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for spec in todo:
            fetch(spec, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
