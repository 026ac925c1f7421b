"""Firm lists as people read them in a table or a CSV: headers in words, sectors by
name, placements in the reader's language; the user's own columns kept as they
came. Pure."""

from __future__ import annotations

import pandas as pd

from firms.intake.places import placement_messages
from ui.i18n import sector_labels, t
from ui.labels_zones import FIRM_COLUMNS
from ui.phrases import phrase

__all__ = ["firm_list_frame"]


def firm_list_frame(firms: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``firms`` (accepted rows of an import) without geometry, sector ids as names,
    yes/no in words, placements translated and headers in words in ``lang``."""
    out = pd.DataFrame(firms.drop(columns="geometry", errors="ignore")).copy()
    labels = sector_labels(lang)
    if "sector" in out:
        out["sector"] = out["sector"].map(lambda s: labels.get(s, s) if isinstance(s, str) else s)
    if "placement" in out:
        said = placement_messages()
        out["placement"] = out["placement"].map(lambda p: phrase(p, lang, said) if isinstance(p, str)
                                                else p)
    for col in ("uscc_valid", "synthetic"):
        if col in out:
            out[col] = out[col].map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v))
                                    else t("yes" if v in (True, "yes") else "no", lang))
    return out.rename(columns=lambda c: FIRM_COLUMNS[c][0 if lang == "zh" else 1]
                      if c in FIRM_COLUMNS else c)
