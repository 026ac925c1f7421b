"""A throwaway PostgreSQL + PostGIS on loopback for the tests: ``initdb`` in a temporary
folder, ``pg_ctl start`` on a free port (as the ``postgres`` user when the tests run as
root, which PostgreSQL refuses to run as), stopped and removed at the end. Skipped,
saying so, where Debian's postgresql and postgresql-15-postgis-3 are not installed."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from webpage import free_port

USER = "shmap"
DATABASE = "gis"


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _postgis_installed(bindir: Path) -> bool:
    return bool(glob.glob(f"/usr/share/postgresql/{bindir.parent.name}/extension/postgis.control"))


@contextlib.contextmanager
def postgis_server():
    """Yields ``postgresql://shmap@127.0.0.1:PORT/gis`` with the postgis extension."""
    bindir = _bindir()
    if bindir is None or not _postgis_installed(bindir) or shutil.which("psql") is None:
        pytest.skip("PostgreSQL + PostGIS not installed (Debian postgresql, "
                    "postgresql-15-postgis-3): `make sysdeps` installs them")
    folder = Path(tempfile.mkdtemp(prefix="shmap-pg-"))
    run_as: list[str] = []
    if os.getuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    data, log = folder / "data", folder / "log"

    def pg(*args: str) -> None:
        subprocess.run([*run_as, *args], check=True, capture_output=True, timeout=120)

    try:
        pg(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", USER, "-E", "UTF8",
           "--locale", "C.UTF-8")
        pg(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o",
           f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start")
        url = f"postgresql://{USER}@127.0.0.1:{port}/{DATABASE}"
        subprocess.run(["createdb", "-h", "127.0.0.1", "-p", str(port), "-U", USER, DATABASE],
                       check=True, capture_output=True, timeout=60)
        psql(url, "CREATE EXTENSION postgis")
        yield url
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast",
                            "stop"], capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def postgis_with_layers(layer_ids: list[str]):
    """:func:`postgis_server` after ``shmap export LAYERS --postgis URL``; yields the URL."""
    with postgis_server() as url:
        result = subprocess.run([sys.executable, "-m", "cli.main", "export", *layer_ids,
                                 "--postgis", url], capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        yield url


def psql(url: str, sql: str) -> list[list[str]]:
    """Rows of one SQL statement (fields as text, ``|``-separated output split)."""
    out = subprocess.run(["psql", url, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    return [line.split("|") for line in out.splitlines() if line]
