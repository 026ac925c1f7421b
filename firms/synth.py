"""Synthetic firms for demos and benchmarks — labelled synthetic in every row.

None of these firms exists. Names read ``合成企业0000001（synthetic）``, the
``synthetic`` column says ``yes``, no credit code is generated, and files are
named ``firms_synthetic_n<N>_seed<S>.csv``. Locations and sectors follow the
layout so that maps show clusters: 55 % of firms fall inside the zones of the
sector-system, pole, new-town and park layers, most of them in a sector the zone
is designated for; the rest spread over the districts (half of them in the
central districts and 浦东) with 35 % unclassified. Coordinates are WGS84.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

import layers
from firms.intake.classify import code_table
from geo.metric import area_km2
from geo.prepared import prepared_copy
from layers.files import replacing
from layers.schema import split_list
from layers.sectors import sector_ids, taxonomy

__all__ = [
    "CENTRAL", "CLUSTER_LAYERS", "CLUSTER_SHARE", "DESIGNATED_SHARE", "OTHER_INDUSTRIES",
    "UNCLASSIFIED_SHARE", "points_in", "synthetic_file_name", "synthetic_firms",
    "write_synthetic"
]

CLUSTER_SHARE = 0.55
DESIGNATED_SHARE = 0.7
UNCLASSIFIED_SHARE = 0.35
CLUSTER_LAYERS = ("poles", "new_towns", "ic_one_body_two_wings", "biomed_1_5_x", "ai_4_x",
                  "parks", "service_belt")
CENTRAL = ("黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "浦东新区")
OTHER_INDUSTRIES = ("批发和零售业", "商务服务业", "餐饮业", "房地产业", "建筑业", "物流仓储",
                    "教育培训", "文化娱乐")


def synthetic_file_name(n: int, seed: int) -> str:
    return f"firms_synthetic_n{n}_seed{seed}.csv"


def points_in(geom: BaseGeometry, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``k`` points uniformly inside a lon/lat polygon (rejection sampling in its box)."""
    x0, y0, x1, y1 = geom.bounds
    geom = prepared_copy(geom)
    xs, ys = [], []
    got = 0
    fill = max(geom.area / ((x1 - x0) * (y1 - y0)), 0.01)
    while got < k:
        m = int((k - got) / fill * 1.2) + 16
        x = rng.uniform(x0, x1, m)
        y = rng.uniform(y0, y1, m)
        inside = shapely.contains_xy(geom, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        got += int(inside.sum())
    return np.concatenate(xs)[:k], np.concatenate(ys)[:k]


def _industry_texts(sectors: np.ndarray, rng: np.random.Generator
                    ) -> tuple[list[str], list[str]]:
    codes_by_sector: dict[str, list[str]] = {}
    for c, sid in code_table().items():
        codes_by_sector.setdefault(sid, []).append(c)
    names = {s.id: s.name_zh for s in taxonomy()}
    aliases = {s.id: [a for a in s.aliases if not a.isascii()] or [s.name_zh] for s in taxonomy()}
    use_code = rng.random(len(sectors)) < 0.5
    industry: list[str] = []
    code: list[str] = []
    for s, by_code in zip(sectors, use_code, strict=True):
        if s == "unclassified":
            industry.append(OTHER_INDUSTRIES[rng.integers(len(OTHER_INDUSTRIES))])
            code.append("")
        elif by_code and s in codes_by_sector:
            c = codes_by_sector[s][rng.integers(len(codes_by_sector[s]))]
            code.append(c.ljust(4, str(rng.integers(1, 10))))
            industry.append(names[s])
        else:
            opts = aliases[s]
            industry.append(opts[rng.integers(len(opts))])
            code.append("")
    return industry, code


def synthetic_firms(n: int, seed: int = 1) -> pd.DataFrame:
    """A table of ``n`` synthetic firms with the headers a registry export uses."""
    rng = np.random.default_rng(seed)
    all_sectors = np.array(sector_ids())
    zones = pd.concat([layers.load(i) for i in CLUSTER_LAYERS])
    zones = zones[zones.geom_type.isin(["Polygon", "MultiPolygon"]) & (zones["sectors"] != "")]
    weight = np.sqrt(np.asarray(area_km2(zones.geometry.values)))
    n_cluster = int(n * CLUSTER_SHARE)
    pick = rng.choice(len(zones), size=n_cluster, p=weight / weight.sum())
    lon = np.empty(n)
    lat = np.empty(n)
    sector = np.empty(n, dtype=object)
    for z in np.unique(pick):
        idx = np.flatnonzero(pick == z)
        lon[idx], lat[idx] = points_in(zones.geometry.iloc[z], len(idx), rng)
        designated = np.array(split_list(zones["sectors"].iloc[z]))
        own = rng.random(len(idx)) < DESIGNATED_SHARE
        sector[idx] = np.where(own, rng.choice(designated, len(idx)), rng.choice(all_sectors, len(idx)))
    districts = layers.load("districts")
    rest = np.arange(n_cluster, n)
    central = rng.random(len(rest)) < 0.5
    for mask, names in ((central, list(CENTRAL)), (~central, list(districts["name_zh"]))):
        geom = shapely.union_all(districts.set_index("name_zh").loc[names].geometry.values)
        lon[rest[mask]], lat[rest[mask]] = points_in(geom, int(mask.sum()), rng)
    unclassified = rng.random(len(rest)) < UNCLASSIFIED_SHARE
    sector[rest] = np.where(unclassified, "unclassified", rng.choice(all_sectors, len(rest)))
    industry, code = _industry_texts(sector, rng)
    employees = np.maximum(1, rng.lognormal(3.0, 1.2, n).round()).astype(int)
    return pd.DataFrame({
        "企业名称": [f"合成企业{i:07d}（synthetic）" for i in range(1, n + 1)],
        "经度": np.round(lon, 6),
        "纬度": np.round(lat, 6),
        "坐标系": "WGS84",
        "行业": industry,
        "国民经济行业代码": code,
        "从业人员": employees,
        "synthetic": "yes",
    })


def write_synthetic(n: int, seed: int, folder: Path) -> Path:
    """Write the synthetic table as UTF-8 CSV under its labelled file name."""
    path = Path(folder) / synthetic_file_name(n, seed)
    with replacing(path) as fh:
        synthetic_firms(n, seed).to_csv(fh, index=False)
    return path
