"""Figures for placing firms by address: N address-only firms against the same N firms with
coordinates (the bound: the import with nothing to place).

    python benchmarks/placement.py [--n 100000] [--repeat 3] [--json]

Both lists are the same SYNTHETIC firms (``firms.synth``) with the same addresses, one also
with 经度/纬度 (so only the placement differs). The addresses are written as registry
exports write them (a zone, a 街道/镇 with or without an outline, or a 区 only; 24 forms
over all 16 districts, each with its own street number, so every address is distinct). Each is imported from CSV bytes in memory
(``import_firm_list``, best of ``--repeat``), then joined to the new towns
(``join_and_count``: certain and possible counts). ``import_ratio`` and ``join_ratio``
are address-only over coordinates; the target is ≤ 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

#: Address forms as exports write them; ``{n}`` is a street number.
FORMS = (
    "中国（上海）自由贸易试验区临港新片区环湖西二路{n}号", "上海市浦东新区张江高科技园区蔡伦路{n}号",
    "上海市浦东新区张江镇祖冲之路{n}号", "上海市黄浦区南京东路街道九江路{n}号",
    "上海市徐汇区漕河泾开发区宜山路{n}号", "上海市长宁区新华路街道番禺路{n}号",
    "上海市静安区市北高新技术服务业园区江场三路{n}号", "上海市普陀区长寿路街道长寿路{n}号",
    "上海市虹口区北外滩街道东大名路{n}号", "上海市杨浦区五角场街道国定路{n}号",
    "上海市闵行区紫竹科学园区东川路{n}号", "上海市宝山区罗店镇美丹路{n}号",
    "上海市嘉定区安亭镇墨玉南路{n}号", "上海市嘉定区马陆镇白银路{n}号",
    "上海市金山区山阳镇亭卫公路{n}号", "上海市松江区九亭镇沪亭北路{n}号",
    "上海市松江区车墩镇车都大道{n}号", "上海市青浦区徐泾镇诸光路{n}号",
    "上海市奉贤区金汇镇金碧路{n}号", "上海市崇明区城桥镇八一路{n}号",
    "上海市松江区某路{n}号", "上海市嘉定区安亭墨玉路{n}号", "中国（上海）自由贸易试验区张江路{n}号",
    "上海市浦东新区川沙新镇华夏东路{n}号",
)


def lists(n: int) -> tuple[bytes, bytes]:
    """(with coordinates, address only) CSV bytes of the same ``n`` synthetic firms, both
    with the same addresses (an export carries them either way)."""
    from firms.synth import synthetic_firms

    firms = synthetic_firms(n, seed=7)
    names = firms["企业名称"].astype(str).tolist()
    lon, lat = firms["经度"].to_numpy(), firms["纬度"].to_numpy()
    places = [FORMS[i % len(FORMS)].format(n=i + 1) for i in range(n)]
    coords = "企业名称,企业地址,经度,纬度\n" + "".join(
        f"{a},{p},{x:.6f},{y:.6f}\n" for a, p, x, y in zip(names, places, lon, lat, strict=True))
    addresses = "企业名称,企业地址\n" + "".join(
        f"{a},{p}\n" for a, p in zip(names, places, strict=True))
    return coords.encode("utf-8"), addresses.encode("utf-8")


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    import layers
    from firms.intake import import_firm_list
    from firms.intake.places import shanghai_places
    from firms.zones import join_and_count

    shanghai_places()  # the named places are made once per process, outside the timing
    towns = layers.load("new_towns")
    coords, addresses = lists(args.n)
    out: dict = {"n": args.n, "repeat": args.repeat}
    for key, raw in (("coords", coords), ("address", addresses)):
        seconds, result = best(lambda r=raw: import_firm_list(r, name="firms.csv", points=False),
                               args.repeat)
        out[f"{key}_import_s"] = round(seconds, 3)
        out[f"{key}_accepted"] = result.report["accepted"]
        out[f"{key}_levels"] = result.report["placement_levels"]
        firms = result.accepted
        join_s, joined = best(lambda f=firms: join_and_count(f, towns), args.repeat)
        out[f"{key}_join_s"] = round(join_s, 3)
        out[f"{key}_certain_pairs"] = len(joined.pairs)
        out[f"{key}_possible_pairs"] = 0 if joined.possible is None else len(joined.possible)
    out["import_ratio"] = round(out["address_import_s"] / out["coords_import_s"], 2)
    out["join_ratio"] = round(out["address_join_s"] / max(out["coords_join_s"], 1e-9), 2)
    out["total_ratio"] = round((out["address_import_s"] + out["address_join_s"])
                               / (out["coords_import_s"] + out["coords_join_s"]), 2)
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        for k, v in out.items():
            print(f"{k:>24}: {v}")
    return out


if __name__ == "__main__":
    main()
