"""A QGIS project (``.qgz``) over an exported GeoPackage: the layers grouped as in the
app (两极两带, 五个新城 …, group names in Chinese and English), each with the app's
colours and approximate outlines dashed, the GeoPackage referenced by a relative
path so the two files travel together.

Written by hand as QGIS 3 project XML (QGIS is not a dependency) for QGIS 3.22 LTR
upward, with a project CRS QGIS 3.22 takes (``SpatialRefSys/ProjectionsEnabled``);
QGIS fills in what a minimal project leaves out when it opens it. Tested by opening it
in headless QGIS where Debian's python3-qgis is installed.
"""

from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping

from layers.catalog import catalog
from layers.gpkg import datum_crs
from layers.metadata import layer_styles

__all__ = ["qgs_text", "qgz_bytes"]

_GEOMETRY = {"polygon": "Polygon", "line": "Line", "point": "Point"}
#: The oldest QGIS the project is written for (3.22 LTR, Debian 12's): a later QGIS
#: opens it without the "saved with a newer version" warning an earlier number avoids.
QGIS_VERSION = "3.22.0-Białowieża"


def _srs(parent: ET.Element, datum: str) -> None:
    crs = datum_crs(datum)
    ref = ET.SubElement(parent, "spatialrefsys")
    ET.SubElement(ref, "wkt").text = crs.to_wkt("WKT2_2019")
    ET.SubElement(ref, "authid").text = "EPSG:4326" if datum == "wgs84" else ""
    ET.SubElement(ref, "description").text = crs.name
    ET.SubElement(ref, "geographicflag").text = "true" if crs.is_geographic else "false"


def _layer_title(entry) -> str:
    return f"{entry.title_zh} / {entry.title_en}"


def qgs_text(gpkg_name: str, layer_ids, *, datum: str = "wgs84", title: str = "",
             group_names: Mapping[str, str] | None = None) -> str:
    """QGIS project XML with one layer per GeoPackage table of ``layer_ids``, grouped as in
    the app; ``group_names`` gives each group's shown name (its id where missing)."""
    chosen = [e for e in catalog() if e.id in set(layer_ids)]
    ids = {e.id: f"{e.id}_{uuid.uuid5(uuid.NAMESPACE_URL, gpkg_name + e.id).hex[:12]}"
           for e in chosen}
    styles = layer_styles([e.id for e in chosen])
    root = ET.Element("qgis", projectname=title or gpkg_name, version=QGIS_VERSION)
    ET.SubElement(root, "title").text = title or gpkg_name
    _srs(ET.SubElement(root, "projectCrs"), datum)
    tree = ET.SubElement(root, "layer-tree-group")
    groups: dict[str, ET.Element] = {}
    for e in reversed(chosen):  # top of the tree is drawn last: the base goes to the bottom
        if e.group not in groups:
            name = (group_names or {}).get(e.group, e.group)
            groups[e.group] = ET.SubElement(tree, "layer-tree-group", name=name,
                                            checked="Qt::Checked", expanded="1")
        ET.SubElement(groups[e.group], "layer-tree-layer", id=ids[e.id], name=_layer_title(e),
                      source=f"./{gpkg_name}|layername={e.id}", providerKey="ogr",
                      checked="Qt::Checked", expanded="1")
    layers_el = ET.SubElement(root, "projectlayers")
    for e in chosen:
        layer = ET.SubElement(layers_el, "maplayer", type="vector", geometry=_GEOMETRY[e.kind],
                              autoRefreshEnabled="0", refreshOnNotifyEnabled="0")
        ET.SubElement(layer, "id").text = ids[e.id]
        ET.SubElement(layer, "datasource").text = f"./{gpkg_name}|layername={e.id}"
        ET.SubElement(layer, "layername").text = _layer_title(e)
        _srs(ET.SubElement(layer, "srs"), datum)
        ET.SubElement(layer, "provider", encoding="UTF-8").text = "ogr"
        qml_root = ET.fromstring(styles[e.id][0].split("\n", 1)[1])
        renderer = qml_root.find("renderer-v2")
        if renderer is None:  # a bug: layers.styles.qml always writes one
            raise AssertionError(f"{e.id}: a QML style without renderer-v2")
        layer.append(renderer)
    props = ET.SubElement(root, "properties")
    ET.SubElement(ET.SubElement(props, "Paths"), "Absolute", type="bool").text = "false"
    srs = ET.SubElement(props, "SpatialRefSys")  # without it QGIS 3.22 has no project CRS
    ET.SubElement(srs, "ProjectionsEnabled", type="int").text = "1"
    if datum == "wgs84":
        ET.SubElement(srs, "ProjectCrs", type="QString").text = "EPSG:4326"
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body + "\n"


def qgz_bytes(gpkg_name: str, layer_ids, *, datum: str = "wgs84", title: str = "",
              group_names: Mapping[str, str] | None = None) -> bytes:
    """The ``.qgz`` (a zip holding the ``.qgs``) of :func:`qgs_text`."""
    buf = io.BytesIO()
    stem = gpkg_name.rsplit(".", 1)[0]
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{stem}.qgs", qgs_text(gpkg_name, layer_ids, datum=datum, title=title,
                                                  group_names=group_names))
    return buf.getvalue()
