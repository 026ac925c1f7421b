"""An upload's import as the app shows it: each stage's line in the reader's language, and
the rejected rows for reading — no Streamlit here. The import itself is
:func:`firms.intake.import_firm_list`, the one entry point."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from firms.intake.messages import Said
from ui.i18n import column_label, t
from ui.phrases import phrase

__all__ = ["rejected_view", "stage_line"]


def stage_line(key: str, values: Mapping[str, object], lang: str, *,
               escape: Callable[[str], str] = str) -> str:
    """The line a person reads when import stage ``key`` starts (its figures grouped by
    thousands, file names passed through ``escape``)."""
    words = {n: f"{v:,}" if isinstance(v, int) else escape(str(v)) for n, v in values.items()}
    return t(f"stage_{key}", lang, **words)


def rejected_view(rejected: pd.DataFrame, lang: str, *,
                  messages: Mapping[str, Said] | None = None) -> pd.DataFrame:
    """The rejected rows for reading: the field in words, the reason in ``lang``
    (by the import's record of what it said), the headers in words. The CSV keeps the original."""
    out = rejected.copy()
    if "field" in out:
        out["field"] = out["field"].map(lambda f: t(f"f_{f}", lang) if f"f_{f}" in _FIELDS else f)
    if "reason" in out:
        out["reason"] = out["reason"].map(lambda r: phrase(r, lang, messages))
    return out.rename(columns=lambda c: column_label(c, lang))


_FIELDS = {f"f_{k}" for k in ("name", "name_en", "uscc", "lon", "lat", "address", "industry",
                              "industry_code", "employees", "datum", "precision_m", "geometry",
                              "duplicate")}
