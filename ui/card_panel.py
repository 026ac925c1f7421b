"""Streamlit block of a zone's park card: its lines and the one-page briefing as PNG
and PDF (made when clicked). Widgets only; the card is :mod:`ui.park_card`, the page
:mod:`ui.briefing`."""

from __future__ import annotations

import streamlit as st

from layers.formats import output_name
from ui.briefing import briefing_bytes, briefing_figure
from ui.firm_filters import YEAR_RANGE
from ui.i18n import sector_labels, t

__all__ = ["card_panel", "filters_text"]


def filters_text(sectors, kinds, *, basis: str, lang: str) -> str:
    """The filters a briefing was made under, in words: sectors, zone kinds, the firm
    data and the founding years every count follows (when narrowed)."""
    labels = sector_labels(lang)
    sep = "、" if lang == "zh" else ", "
    years = st.session_state.get(YEAR_RANGE)
    return t("card_filters_text", lang,
             sectors=sep.join(labels.get(s, s) for s in sectors) or t("all_sectors", lang),
             kinds=sep.join(t(f"kind_{k}", lang) for k in kinds), firms=t(f"basis_word_{basis}", lang)
             ) + (t("card_filters_years", lang, first=years[0], last=years[1]) if years else "")


def card_panel(card, zone, *, districts, firms, filters: str, colour: str, dashed: bool,
               synthetic: bool, lang: str, shown=()) -> None:
    """The card's lines (but those labelled as in ``shown``, already on screen) and its
    briefing downloads (PNG, PDF; the page holds every line)."""
    st.markdown(f"**{t('card_title', lang)}**")
    for label, text in card.lines:
        if label in shown:
            continue
        st.markdown(f"**{label}**")
        st.text(text)

    def page(fmt: str) -> bytes:
        return briefing_bytes(briefing_figure(card, zone, districts=districts, firms=firms,
                                              filters=filters, lang=lang, colour=colour,
                                              dashed=dashed, synthetic=synthetic), fmt)

    stem = output_name(f"briefing_{zone.index[0]}", suffix="png")
    left, right = st.columns(2)
    left.download_button(t("card_png", lang), lambda: page("png"), file_name=stem,
                         mime="image/png", key="dl_card_png")
    right.download_button(t("card_pdf", lang), lambda: page("pdf"),
                          file_name=stem.rsplit(".", 1)[0] + ".pdf", mime="application/pdf",
                          key="dl_card_pdf")
