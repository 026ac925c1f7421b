"""No internal reference anywhere a user or a GIS file can see: the layer data, the app's
words (the i18n tables and what a zone's 来源 tab shows) and every export format. An
internal reference is one of our file names (.md/.txt/.py/.csv/.toml/.json), a seed file's
hash name, an issue number, a module path, a tool id or an emoji
(:func:`layers.evidence.internal_references`)."""

import json
import sqlite3

import geopandas as gpd
import pyarrow.parquet as pq
import pyogrio
import pytest

import layers
from layers.catalog import catalog, layer_files, read_layer_file
from layers.evidence import internal_references
from layers.exporting import FORMATS, export_files
from layers.settings import LAYERS_DIR
from ui import i18n
from ui.views import zone_details, zone_sources

#: Files a user is told to create or read by name: not references to our internals.
USER_FILES = (".streamlit/secrets.toml",)


def _found(texts) -> list[str]:
    found = []
    for where, text in texts:
        for user_file in USER_FILES:
            text = str(text).replace(user_file, "")
        found += [f"{where}: {hit}" for hit in internal_references(text)]
    return found


def test_the_scan_finds_each_kind_of_internal_reference():
    text = ("per BOUNDARIES.md; 003_6b82db74c365b8ba.txt; issue 12; geo.datum.gcj02_to_wgs84; "
            "find_string id 1; ✅ ❓ ☑️")
    kinds = {hit.split(":")[0] for hit in internal_references(text)}
    assert kinds == {"a file name", "a seed file name", "an issue number", "a module path",
                     "a tool id", "an internal document", "an emoji"}
    assert internal_references("沪府办发〔2021〕10号《…》§五(一)：“…” app.sheitc.sh.gov.cn/gg/693682.htm "
                               "(121.5276, 31.2749) ±1.5 km, 2.67 km², 长阳路1687号") == []


def test_the_layer_data_names_no_internal_reference():
    texts = []
    for path in sorted(LAYERS_DIR.glob("*.geojson")):
        texts.append((path.name, path.read_text(encoding="utf-8")))
    for e in catalog():
        texts += [(f"{e.id} {k}", getattr(e, k)) for k in ("title_zh", "title_en", "source",
                                                            "description")]
    for path in layer_files().values():
        definition = read_layer_file(path)
        feats = definition.get("feature", []) + [definition.get("each_district", {})]
        texts += [(f"{path.name} {f.get('id')} {k}", f.get(k, "")) for f in feats
                  for k in ("summary_zh", "summary_en", "notes", "method_note",
                            "official_area_source", "area_difference")]
    assert _found(texts) == []


def test_the_apps_words_name_no_internal_reference():
    tables = [i18n.LABELS, i18n.COLUMNS, i18n.KINDS, i18n.GROUPS, i18n.DATUM_NAMES]
    texts = [(f"i18n {key}", " / ".join(v)) for table in tables for key, v in table.items()]
    texts += [(f"role {k}", v) for k, v in i18n.ROLES.items()]
    for layer_id, gdf in layers.load_all().items():
        entry = layers.entry(layer_id)
        for _, row in gdf.iterrows():
            for lang in ("zh", "en"):
                shown = zone_sources(row, lang) + zone_details(row, entry, lang)
                texts += [(f"{row['id']} {lang} {label}", f"{label} {text}") for label, text in shown]
    assert len(texts) > 1000
    assert _found(texts) == []


def _binary_texts(name: str, content: bytes, tmp_path) -> list[tuple[str, str]]:
    """Every text a GIS tool reads from a binary export: attribute values and metadata."""
    path = tmp_path / name
    path.write_bytes(content)
    if name.endswith(".parquet"):
        table = gpd.read_parquet(path).drop(columns="geometry")
        meta = pq.read_schema(path).metadata or {}
        return ([(f"{name} {col}", " | ".join(map(str, table[col].tolist()))) for col in table]
                + [(f"{name} metadata", v.decode("utf-8", "replace")) for v in meta.values()])
    texts = []
    for layer_name, _kind in pyogrio.list_layers(path):
        table = pyogrio.read_dataframe(path, layer=layer_name, read_geometry=False)
        texts += [(f"{name} {layer_name} {col}", " | ".join(map(str, table[col].tolist())))
                  for col in table.columns]
        info = pyogrio.read_info(path, layer=layer_name)
        texts.append((f"{name} {layer_name} metadata", json.dumps(info.get("layer_metadata"),
                                                                  ensure_ascii=False)))
    if name.endswith(".gpkg"):
        with sqlite3.connect(path) as con:
            for table in ("gpkg_contents", "gpkg_metadata"):
                rows = con.execute(f"SELECT * FROM {table}").fetchall()
                texts.append((f"{name} {table}", json.dumps(rows, ensure_ascii=False)))
    return texts


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_format_names_no_internal_reference(fmt, tmp_path):
    files = export_files(layers.load_all(), fmt)
    texts = []
    for name, content in files.items():
        if name.endswith((".gpkg", ".fgb", ".parquet")):
            texts += _binary_texts(name, content, tmp_path)
        else:
            texts.append((name, content.decode("utf-8-sig")))
    assert any("沪府办发〔2021〕10号《" in text for _, text in texts)  # the readable citation
    assert any("summary" in where or "summary_zh" in text for where, text in texts)
    assert _found(texts) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sources_tab_speaks_the_chosen_language(lang):
    """The 来源 tab of every zone: Chinese in the Chinese app (names, quotes, document
    numbers, acronyms and web addresses aside), English in the English one."""
    from wording import text_problems
    shown = [(f"{row['id']} {label}", text) for gdf in layers.load_all().values()
             for _, row in gdf.iterrows() for label, text in zone_sources(row, lang)]
    assert text_problems(shown, lang) == []
    summaries = [text for where, text in shown if where.endswith(i18n.t("evidence", lang))]
    assert len(summaries) > 100 and all(len(s) > 40 for s in summaries)
