"""``shmap serve`` (the layers as OGC API – Features) and ``shmap schema`` (the JSON
Schema of the layer fields): the GIS commands of :mod:`cli.main`."""

from __future__ import annotations

import layers
from cli.inputs import firms_or_error, selected_layers, whole_number
from geo.datum import DATUMS
from layers.files import write_text

__all__ = ["add_gis_commands"]


def _cmd_schema(args) -> int:
    from layers.fieldtypes import json_schema_text

    text = json_schema_text()
    if not args.output:
        print(text, end="")
        return 0
    write_text(args.output, text)  # whole or not at all; a folder or missing folder refused
    print(f"wrote {args.output}")
    return 0


def _cmd_serve(args) -> int:
    from cli.serve import serve  # pygeoapi is imported only on this path

    ids = args.layers or [e.id for e in layers.catalog()]
    frames = selected_layers(ids, None)
    titles = {e.id: f"{e.title_en} / {e.title_zh}" for e in layers.catalog()}
    firms = firms_or_error(args.firms, args.datum).accepted if args.firms else None

    def ready(url: str) -> None:
        extra = " and the firms" if firms is not None else ""
        print(f"serving {len(frames)} layers{extra} as OGC API – Features at {url} "
              "(read-only; Ctrl-C stops)", flush=True)

    serve(frames, titles=titles, firms=firms, host=args.host, port=args.port, ready=ready)
    return 0


def add_gis_commands(sub) -> None:
    """``serve`` (OGC API – Features) and ``schema`` (the fields' JSON Schema)."""
    s = sub.add_parser("serve", help="serve the layers as OGC API – Features (pygeoapi), read-only")
    s.add_argument("layers", nargs="*", metavar="LAYER", help="default: every layer")
    s.add_argument("--firms", help="also serve this firm file (CSV/XLSX/GeoJSON) as `firms`")
    s.add_argument("--datum", choices=DATUMS, default="wgs84",
                   help="datum of the firm file's coordinates without a 坐标系 column")
    s.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1 (this machine only)")
    s.add_argument("--port", type=whole_number(1, 65535), default=5000)
    s.set_defaults(func=_cmd_serve)

    s = sub.add_parser("schema", help="print (or write) the JSON Schema of the layer fields")
    s.add_argument("-o", "--output", help="file to write (docs/layer-schema.json)")
    s.set_defaults(func=_cmd_schema)
