"""An uploaded firm list imported in named stages (read, check, place, classify),
each announced to a callback so the app can show progress — no Streamlit here."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from firms.importing import import_firm_table
from geo.firms import ImportResult
from geo.readers import table_from_bytes
from ui.i18n import column_label, t
from ui.phrases import phrase

__all__ = ["import_upload", "rejected_view"]


def import_upload(raw: bytes, name: str, *, datum: str, sheet: str | None = None,
                  stage: Callable[..., None] = lambda key, **values: None) -> ImportResult:
    """Import an upload's bytes, calling ``stage(label_key, **values)`` as each stage
    starts (``sheet``: the workbook sheet a person picked, or None for the only one
    with data): ``stage_read``, ``stage_check``, ``stage_place`` (only when some rows are
    placed by address) and ``stage_classify`` (with the counts)."""
    stage("stage_read", name=name)
    table, info = table_from_bytes(raw, name, sheet=sheet)
    info["file"] = name

    def progress(message: str) -> None:  # geo.firms.import_firms' own steps
        if message.startswith("checking"):
            stage("stage_check")
        elif message.startswith("placing"):
            stage("stage_place")

    result = import_firm_table(table, datum, info, progress)
    stage("stage_classify", accepted=f"{result.report['accepted']:,}",
          rejected=f"{result.report['rejected']:,}")
    return result


def rejected_view(rejected: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rejected rows for reading: the field in words, the reason in ``lang``
    (known patterns translated), the headers in words. The CSV keeps the original."""
    out = rejected.copy()
    if "field" in out:
        out["field"] = out["field"].map(lambda f: t(f"f_{f}", lang) if f"f_{f}" in _FIELDS else f)
    if "reason" in out:
        out["reason"] = out["reason"].map(lambda r: phrase(r, lang))
    return out.rename(columns=lambda c: column_label(c, lang))


_FIELDS = {f"f_{k}" for k in ("name", "name_en", "uscc", "lon", "lat", "address", "industry",
                              "industry_code", "employees", "datum", "precision_m", "geometry",
                              "duplicate")}
