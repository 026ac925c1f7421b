"""The app's live map: st_folium keeps the map's frame while the base's script stays the
same, and swaps only the overlays. The base must therefore not change with what the
user does (layers, a zone opened, the language, a choropleth, firms), and everything
that does change must come with the overlays."""

from __future__ import annotations

from streamlit_folium import _get_map_string, generate_js_hash

import layers
from firms.demo import demo_firms
from ui.app_data import display_base
from ui.i18n import t
from ui.livemap import live_map
from ui.map_extras import Attribution, DrawTexts, FitBesideLegend, ZoneLabels
from ui.webmap import MapOptions

ENTRIES = {e.id: e for e in layers.catalog()}


def frames(*ids: str) -> dict:
    return {i: layers.load(i) for i in ids}


def base_key(layer_ids, firms=None, **options) -> str:
    """The component key st_folium derives from the base's script (a new key: a new frame)."""
    base = live_map(frames(*layer_ids), ENTRIES, firms, MapOptions(**options), display_base()).base
    base.get_root().render()
    return generate_js_hash(_get_map_string(base), "map")


def test_the_frame_stays_whatever_the_user_turns_on_opens_or_reads_it_in():
    first = base_key(["poles"])
    assert base_key(["poles", "new_towns", "parks"]) == first
    assert base_key(["poles"], selected="pole_zhangjiang") == first
    assert base_key(["poles"], lang="en") == first
    assert base_key(["poles"], fit_token=3, view=(31.2, 121.5, 12.0)) == first
    assert base_key(["poles"], firms=demo_firms().head(300)) == first
    # another basemap is another frame
    assert base_key(["poles"], basemap="osm") != first


def test_what_changes_comes_with_the_overlays_and_the_words_in_the_language():
    said = {}
    for lang in ("zh", "en"):
        live = live_map(frames("poles", "new_towns"), ENTRIES, demo_firms().head(300),
                        MapOptions(lang=lang, selected="pole_zhangjiang"), display_base())
        names = [g.layer_name for g in live.overlays[:-1]]
        assert names[:2] == [ENTRIES["poles"].title(lang), ENTRIES["new_towns"].title(lang)]
        extras = list(live.overlays[-1]._children.values())
        kinds = {type(e) for e in extras}
        assert {Attribution, DrawTexts, FitBesideLegend, ZoneLabels} <= kinds
        fit = next(e for e in extras if isinstance(e, FitBesideLegend))
        south, west = fit.bounds[0]
        zhangjiang = layers.load("poles").loc["pole_zhangjiang"].geometry.bounds
        assert abs(south - zhangjiang[1]) < 1e-3 and abs(west - zhangjiang[0]) < 1e-3
        said[lang] = (next(e for e in extras if isinstance(e, Attribution)).text,
                      next(e for e in extras if isinstance(e, DrawTexts)).control_texts)
        assert said[lang] == (t("preview_base", lang), {k: t(k, lang) for k in said[lang][1]})
    assert said["zh"] != said["en"]


def test_a_fit_is_made_once_per_target_not_for_every_swap():
    def token(**options) -> str:
        live = live_map(frames("poles"), ENTRIES, None, MapOptions(**options))
        return next(e.token for e in live.overlays[-1]._children.values()
                    if isinstance(e, FitBesideLegend))

    assert token() == token()  # the same overlays again (a moved view): no new fit
    assert token(selected="pole_lingang") != token()
    assert token(fit_token=1) != token()  # "whole city" pressed again


def test_turning_a_layer_on_or_off_keeps_the_view():
    def token(*layer_ids: str) -> str:
        live = live_map(frames(*layer_ids), ENTRIES, None, MapOptions())
        return next(e.token for e in live.overlays[-1]._children.values()
                    if isinstance(e, FitBesideLegend))

    assert token("poles") == token("poles", "new_towns") == token("new_towns")
