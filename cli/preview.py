"""A static matplotlib preview of layers over the districts (for docs and checks)."""

from __future__ import annotations

import math

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from layers.catalog import LayerEntry  # noqa: E402
from layers.errors import UsageError  # noqa: E402
from ui.i18n import t  # noqa: E402

__all__ = ["CJK_FONTS", "PANELS", "check_image_path", "preview_figure"]

CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "DejaVu Sans"]


PANELS = (
    ("两极两带", "Two poles, two belts", ("poles", "service_belt", "manufacturing_belt", "axes", "manufacturing_nodes")),
    ("五个新城 · G60", "New towns · G60", ("new_towns", "g60")),
    ("集成电路“一体两翼”", "IC: one body, two wings", ("ic_one_body_two_wings",)),
    ("生物医药“1+5+X”", "Biomedicine 1+5+X", ("biomed_1_5_x",)),
    ("人工智能“4+X”", "AI 4+X", ("ai_4_x",)),
    ("金融科技 · 其他园区", "Fintech · other parks", ("fintech", "parks")),
)


def check_image_path(path: str) -> None:
    """Refuse an output whose extension matplotlib cannot write (before any drawing)."""
    kinds = Figure().canvas.get_supported_filetypes()
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    if suffix not in kinds:
        raise UsageError(f"cannot write {path}: {('.' + suffix) if suffix else 'no extension'} is "
                         f"not an image type; use .png, .svg or .pdf "
                         f"(or {', '.join('.' + k for k in sorted(kinds))})")


def _draw_layer(ax, gdf: gpd.GeoDataFrame, e: LayerEntry, lang: str, handles: list) -> None:
    st = e.style
    if e.kind == "polygon":
        for part, ls in ((gdf[~gdf["approximate"]], "-"), (gdf[gdf["approximate"]], "--")):
            if not part.empty:
                part.plot(ax=ax, facecolor=st.fill_color, alpha=st.fill_opacity, edgecolor="none")
                part.boundary.plot(ax=ax, color=st.color, linewidth=st.weight * 0.5, linestyle=ls)
        handles.append(Patch(facecolor=st.fill_color, edgecolor=st.color, alpha=0.6,
                             label=e.title(lang)))
    elif e.kind == "line":
        gdf.plot(ax=ax, color=st.color, linewidth=st.weight * 0.6, linestyle="--")
        handles.append(Line2D([], [], color=st.color, linestyle="--", label=e.title(lang)))
    else:
        gdf.plot(ax=ax, color=st.color, markersize=20)
        handles.append(Line2D([], [], color=st.color, marker="o", linestyle="", label=e.title(lang)))


def preview_figure(frames: dict[str, gpd.GeoDataFrame], entries: dict[str, LayerEntry],
                   districts: gpd.GeoDataFrame, *, lang: str = "zh",
                   bounds=(120.85, 30.68, 122.0, 31.52)) -> Figure:
    """Draw the layers in panels (see ``PANELS``) over the district outlines.

    Approximate shapes are dashed, exact ones solid. Layers in ``frames`` that no
    panel names get a panel of their own. ``bounds`` is the lon/lat view
    (x0, y0, x1, y1); the aspect ratio corrects for latitude.
    """
    plt.rcParams["font.sans-serif"] = CJK_FONTS
    panels = [(zh if lang == "zh" else en, [i for i in ids if i in frames])
              for zh, en, ids in PANELS]
    named = {i for _, ids in panels for i in ids}
    panels += [(entries[i].title(lang), [i]) for i in frames if i not in named]
    panels = [(t, ids) for t, ids in panels if ids]
    cols = min(3, len(panels))
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.2 * cols, 5.4 * rows), squeeze=False)
    x0, y0, x1, y1 = bounds
    for ax in axes.flat[len(panels):]:
        ax.axis("off")
    for ax, (title, ids) in zip(axes.flat, panels, strict=False):
        districts.boundary.plot(ax=ax, color="#999999", linewidth=0.5)
        handles: list = []
        for layer_id in ids:
            _draw_layer(ax, frames[layer_id], entries[layer_id], lang, handles)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
        ax.set_title(title)
        ax.tick_params(labelsize=7)
        ax.set_xlabel(f"{t('f_lon', lang)} (°)", fontsize=8)  # not the CRS's own English axis names
        ax.set_ylabel(f"{t('f_lat', lang)} (°)", fontsize=8)
        ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9)
    head = "上海战略性新兴产业空间布局（WGS84；虚线为近似或示意边界）" if lang == "zh" else \
        "Shanghai strategic-industry layout (WGS84; dashed outlines are approximate or schematic)"
    fig.suptitle(head, fontsize=14)
    fig.text(0.99, 0.005, t("preview_base", lang), ha="right", fontsize=7)
    fig.tight_layout(rect=(0, 0.012, 1, 0.975))  # room for the title and the attribution
    return fig
