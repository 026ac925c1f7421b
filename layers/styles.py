"""A layer's drawing style as QGIS QML and OGC SLD 1.1 text, with the app's rule:
features with ``approximate`` true are outlined dashed (dash 6, gap 4 pixels), the
others solid.

Colours are hex (``#rrggbb``); ``weight`` is the outline width in pixels;
``fill_opacity`` 0–1. ``kind`` is the layer's geometry kind: polygon, line or point.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

__all__ = ["DASH_PATTERN", "qml", "sld"]

#: Dash and gap lengths, pixels (the app draws ``dashArray: "6 4"``).
DASH_PATTERN = (6, 4)
_APPROX_FILTER = '"approximate" = true'
_SYMBOL_TYPES = {"polygon": "fill", "line": "line", "point": "marker"}
_SYMBOL_CLASSES = {"polygon": "SimpleFill", "line": "SimpleLine", "point": "SimpleMarker"}


def _rgba(hex_colour: str, alpha: float = 1.0) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(alpha * 255)}"


def _symbol_options(kind: str, dashed: bool, *, color, fill_color, fill_opacity, weight) -> dict:
    dash = "dash" if dashed else "solid"
    pattern = ";".join(str(v) for v in DASH_PATTERN)
    if kind == "line":
        return {"line_color": _rgba(color), "line_width": str(weight), "line_width_unit": "Pixel",
                "line_style": dash, "use_custom_dash": "1" if dashed else "0",
                "customdash": pattern, "customdash_unit": "Pixel"}
    common = {"outline_color": _rgba(color), "outline_width": str(weight),
              "outline_width_unit": "Pixel", "outline_style": dash}
    if kind == "point":
        return {**common, "color": _rgba(fill_color, fill_opacity), "name": "circle",
                "size": "12", "size_unit": "Pixel"}
    return {**common, "color": _rgba(fill_color, fill_opacity), "style": "solid"}


def qml(kind: str, *, color: str, fill_color: str, fill_opacity: float, weight: float) -> str:
    """QGIS style (QML) text: a rule-based renderer, ``"approximate" = true`` dashed."""
    root = ET.Element("qgis", version="3.28.0", styleCategories="Symbology")
    renderer = ET.SubElement(root, "renderer-v2", type="RuleRenderer", symbollevels="0",
                             enableorderby="0", forceraster="0")
    rules = ET.SubElement(renderer, "rules", key="{root}")
    ET.SubElement(rules, "rule", key="{approximate}", symbol="0", filter=_APPROX_FILTER,
                  label="approximate outline (dashed) / 近似轮廓（虚线）")
    ET.SubElement(rules, "rule", key="{exact}", symbol="1", filter="ELSE",
                  label="outline / 轮廓")
    symbols = ET.SubElement(renderer, "symbols")
    for name, dashed in (("0", True), ("1", False)):
        symbol = ET.SubElement(symbols, "symbol", type=_SYMBOL_TYPES[kind], name=name, alpha="1",
                               clip_to_extent="1", force_rhr="0")
        layer = ET.SubElement(symbol, "layer", {"class": _SYMBOL_CLASSES[kind], "enabled": "1",
                                                "locked": "0", "pass": "0"})
        options = _symbol_options(kind, dashed, color=color, fill_color=fill_color,
                                  fill_opacity=fill_opacity, weight=weight)
        option_map = ET.SubElement(layer, "Option", type="Map")
        for k, v in options.items():
            ET.SubElement(option_map, "Option", name=k, type="QString", value=v)
        for k, v in options.items():  # QGIS before 3.26 reads <prop>
            ET.SubElement(layer, "prop", k=k, v=v)
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body + "\n"


_NS = {"": "http://www.opengis.net/sld", "se": "http://www.opengis.net/se",
       "ogc": "http://www.opengis.net/ogc", "xlink": "http://www.w3.org/1999/xlink",
       "xsi": "http://www.w3.org/2001/XMLSchema-instance"}


def _se(parent, tag, text=None, **attrs):
    el = ET.SubElement(parent, f"{{{_NS['se']}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _param(parent, name, value):
    _se(parent, "SvgParameter", str(value), name=name)


def _stroke(parent, color, weight, dashed):
    stroke = _se(parent, "Stroke")
    _param(stroke, "stroke", color)
    _param(stroke, "stroke-width", weight)
    if dashed:
        _param(stroke, "stroke-dasharray", " ".join(str(v) for v in DASH_PATTERN))


def _symbolizer(rule, kind, dashed, *, color, fill_color, fill_opacity, weight):
    if kind == "line":
        _stroke(_se(rule, "LineSymbolizer"), color, weight, dashed)
        return
    graphic = None
    if kind == "point":
        graphic = _se(_se(rule, "PointSymbolizer"), "Graphic")
        target = _se(graphic, "Mark")
        _se(target, "WellKnownName", "circle")
    else:
        target = _se(rule, "PolygonSymbolizer")
    fill = _se(target, "Fill")
    _param(fill, "fill", fill_color)
    _param(fill, "fill-opacity", fill_opacity)
    _stroke(target, color, weight, dashed)
    if graphic is not None:
        _se(graphic, "Size", "12")


def sld(name: str, kind: str, *, color: str, fill_color: str, fill_opacity: float,
        weight: float) -> str:
    """OGC SLD 1.1 text of the style: a rule per value of ``approximate`` (true dashed)."""
    for prefix, uri in _NS.items():
        ET.register_namespace(prefix, uri)
    root = ET.Element(f"{{{_NS['']}}}StyledLayerDescriptor", {
        "version": "1.1.0",
        f"{{{_NS['xsi']}}}schemaLocation": "http://www.opengis.net/sld "
                                           "http://schemas.opengis.net/sld/1.1.0/"
                                           "StyledLayerDescriptor.xsd"})
    layer = ET.SubElement(root, f"{{{_NS['']}}}NamedLayer")
    _se(layer, "Name", name)
    style = ET.SubElement(layer, f"{{{_NS['']}}}UserStyle")
    _se(style, "Name", name)
    fts = _se(style, "FeatureTypeStyle")
    for label, value, dashed in (("approximate (dashed)", "true", True),
                                 ("outline", "false", False)):
        rule = _se(fts, "Rule")
        _se(rule, "Name", label)
        flt = ET.SubElement(rule, f"{{{_NS['ogc']}}}Filter")
        eq = ET.SubElement(flt, f"{{{_NS['ogc']}}}PropertyIsEqualTo")
        ET.SubElement(eq, f"{{{_NS['ogc']}}}PropertyName").text = "approximate"
        ET.SubElement(eq, f"{{{_NS['ogc']}}}Literal").text = value
        _symbolizer(rule, kind, dashed, color=color, fill_color=fill_color,
                    fill_opacity=fill_opacity, weight=weight)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
