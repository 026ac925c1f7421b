"""The GIS side of :mod:`cli.main`: ``shmap serve`` (the layers as OGC API – Features),
``shmap schema`` (the JSON Schema of the layer fields), and what ``shmap export`` writes
for GIS tools (the files with their companions, the GIS bundle, a PostGIS load)."""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd

import layers
from cli.inputs import firms_or_error, selected_layers, whole_number
from firms.output import firm_gpkg_facts
from firms.zone_export import with_zone_measures
from geo.datum import DATUMS, Datum, parse_datum
from layers.bundle import bundle_bytes
from layers.errors import UsageError
from layers.exporting import FORMATS, TILE_FORMATS, export_files
from layers.files import check_output, write_bytes, write_text
from layers.formats import output_name, output_path
from layers.qgis_project import qgz_bytes
from ui.i18n import GROUPS, group_label, sector_label, t

__all__ = ["EXPORT_FORMATS", "add_gis_commands", "load_postgis", "write_export"]

#: What ``shmap export -o`` writes: the file formats, vector tiles and the GIS bundle.
EXPORT_FORMATS = (*FORMATS, *TILE_FORMATS, "zip")


def write_export(frames: dict[str, gpd.GeoDataFrame], fmt: str, out: Path, datum: Datum, *,
                 firms: gpd.GeoDataFrame | None = None) -> Path:
    """Write frames to ``out`` (name suffixed with the datum when not WGS84) and its
    companions (``.csvt``, ``.qml``, ``.sld``; a ``.qgz`` QGIS project beside a GeoPackage),
    each whole or not at all, the zone measures of ``firms`` joined to the zone layers
    (and explained in the bundle's README); returns the main file's path."""
    out = check_output(output_path(out, datum=datum))
    frames, notes = with_zone_measures(frames, firms, word=t, sector_name=sector_label)
    groups = {g: f"{group_label(g, 'zh')} / {group_label(g, 'en')}" for g in GROUPS}
    if fmt == "zip":  # the GIS bundle: GeoPackage, .qgz, styles and a README
        name, content = bundle_bytes(frames, datum=datum, stem=out.stem, group_names=groups,
                                     notes=notes)
        write_bytes(out.parent / name, content)
        return out
    files = export_files(frames, fmt, datum=datum, stem=out.stem)
    if fmt == "gpkg":  # a QGIS project over the GeoPackage, layers grouped as in the app
        gpkg_name = next(iter(files))
        kept = [k for k, f in frames.items() if len(f)]
        files[output_name(out.stem, suffix="qgz", datum=datum)] = qgz_bytes(
            gpkg_name, kept, datum=parse_datum(datum), title=out.stem, group_names=groups)
    for name, content in files.items():
        write_bytes(out.parent / name, content)
    return out



def _cmd_schema(args) -> int:
    from layers.fieldtypes import json_schema_text

    text = json_schema_text()
    if not args.output:
        print(text, end="")
        return 0
    write_text(args.output, text)  # whole or not at all; a folder or missing folder refused
    print(f"wrote {args.output}")
    return 0


def load_postgis(frames, url: str, *, datum: str, firms=None) -> int:
    """``shmap export … --postgis URL``: the layers' SQL script (:mod:`layers.pgdump`) run by
    ``psql`` in one transaction — every table and style, or nothing; the zone measures of
    ``firms`` joined to the zones."""
    import os
    import shutil
    import subprocess
    import tempfile

    from cli.pg_url import without_password
    from layers.pgdump import postgis_sql

    if datum != "wgs84":
        raise UsageError("PostGIS tables are WGS84 (SRID 4326): export GCJ-02/BD-09 to a file")
    psql = shutil.which("psql")
    if psql is None:
        raise UsageError("--postgis needs psql (Debian postgresql-client); or write the SQL "
                         "with `shmap export … -o layers.gpkg` and load it with ogr2ogr")
    kept = [k for k, f in frames.items() if len(f)]
    frames = with_zone_measures(frames, firms, word=t, sector_name=sector_label)[0]
    # the password goes to psql in its environment: a command line is readable by anyone
    target, password = without_password(url)
    env = os.environ | ({"PGPASSWORD": password} if password is not None else {})
    with tempfile.NamedTemporaryFile("w", suffix=".sql", encoding="utf-8") as script:
        script.write(postgis_sql(frames))
        script.flush()
        result = subprocess.run([psql, target, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f",
                                 script.name], capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        errors = [line for line in result.stderr.splitlines() if "ERROR" in line or "FATAL" in line]
        reason = (errors or result.stderr.strip().splitlines() or ["psql failed"])[0]
        reason = reason.split("ERROR:", 1)[-1].split("FATAL:", 1)[-1].strip()
        raise UsageError(f"PostGIS load failed, nothing was changed: {reason}")
    print(f"loaded {len(kept)} layers into PostGIS ({', '.join(kept)}) with their QGIS styles")
    return 0


def _served_firms(args) -> gpd.GeoDataFrame | Path | None:
    """The firm list to serve: a GeoPackage ``shmap firms import`` wrote, as it is (checked
    first: one clear refusal when it is not one), or a firm file imported now."""
    if not args.firms:
        return None
    if Path(args.firms).suffix.lower() != ".gpkg":
        return firms_or_error(args.firms, args.datum).accepted
    if not firm_gpkg_facts(Path(args.firms))["id_indexed"]:
        print(f"note: {args.firms} has no index on `row` (an earlier import): one firm by id "
              "reads the whole table; import the list again for quick look-ups",
              file=sys.stderr, flush=True)
    return Path(args.firms)


def _cmd_serve(args) -> int:
    firms = _served_firms(args)  # before the service's imports: a refusal comes at once
    from cli.serve import ServeOptions, serve  # pygeoapi is imported only on this path

    ids = args.layers or [e.id for e in layers.catalog()]
    frames = selected_layers(ids, None)
    titles = {e.id: {"zh": e.title_zh, "en": e.title_en} for e in layers.catalog()}

    source = ""
    if args.postgis:  # SQLAlchemy and the PostgreSQL provider are imported only then
        from cli.pg_url import masked_url

        source = f" from PostGIS at {masked_url(args.postgis)}"

    def ready(url: str, served: list[str]) -> None:
        extra = " and the firms" if firms is not None else ""
        n = len([c for c in served if c in frames])
        print(f"serving {n} layers{extra}{source} as OGC API – Features at {url} "
              "(read-only; Ctrl-C stops)", flush=True)
        missing = [k for k in frames if k not in served]
        if args.postgis and missing:
            print(f"not in the database, not served: {', '.join(missing)}", file=sys.stderr,
                  flush=True)

    options = ServeOptions(host=args.host, port=args.port, token=args.token,
                           cors=[o for value in args.cors for o in value.split(",") if o],
                           postgis=args.postgis)
    serve(frames, titles=titles, firms=firms, options=options, ready=ready)
    return 0


def add_gis_commands(sub) -> None:
    """``serve`` (OGC API – Features) and ``schema`` (the fields' JSON Schema)."""
    s = sub.add_parser("serve", help="serve the layers as OGC API – Features (pygeoapi), read-only")
    s.add_argument("layers", nargs="*", metavar="LAYER", help="default: every layer")
    s.add_argument("--firms", help="also serve this firm list as `firms`: a GeoPackage `shmap "
                                   "firms import FILE -o firms.gpkg` wrote (served as it is: "
                                   "quick to start at any size), or a CSV/XLSX/GeoJSON file "
                                   "(imported at every start)")
    s.add_argument("--datum", choices=DATUMS, default="wgs84",
                   help="datum of the firm file's coordinates without a 坐标系 column (a firm "
                        "GeoPackage is WGS84 already)")
    s.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1 (this machine only)")
    s.add_argument("--port", type=whole_number(1, 65535), default=5000)
    s.add_argument("--token", help="access token the firm list needs (Authorization: Bearer "
                                   "TOKEN); required with --firms beyond 127.0.0.1; default "
                                   "$SHMAP_SERVE_TOKEN")
    s.add_argument("--postgis", metavar="URL",
                   help="serve the layers from this PostGIS database, as `shmap export … "
                        "--postgis URL` loaded them (postgresql://user@host:port/database; "
                        "a password is better in PGPASSWORD or ~/.pgpass than in the URL)")
    s.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                   help="allow browser pages from ORIGIN (repeatable, or * for any)")
    s.set_defaults(func=_cmd_serve)

    s = sub.add_parser("schema", help="print (or write) the JSON Schema of the layer fields")
    s.add_argument("-o", "--output", help="file to write (docs/layer-schema.json)")
    s.set_defaults(func=_cmd_schema)
