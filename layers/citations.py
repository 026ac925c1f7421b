"""Citations: a feature's quote must stand verbatim in the seed text it names.

The seed texts were extracted from PDFs and web pages, so line breaks and stray
spaces fall inside sentences. A quote is compared with its source after removing
all whitespace from both (as the seeds' README prescribes).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

__all__ = ["citation_text", "quote_problem", "quote_problems", "squeeze"]

_WS = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """The text with every whitespace character removed."""
    return _WS.sub("", text)


@cache
def _squeezed_seed(path: Path) -> str:
    return squeeze(path.read_text(encoding="utf-8"))


def quote_problem(seeds_dir: Path, file: str, quote: str) -> str | None:
    """Why a quote fails to check against ``seeds_dir/file``, or ``None`` if it is found."""
    if not quote or not squeeze(quote):
        return "empty quote"
    path = seeds_dir / file
    if not path.is_file():
        return f"seed file {file} not found in {seeds_dir}"
    if squeeze(quote) not in _squeezed_seed(path):
        return f"quote not found verbatim in {file}: {quote[:40]}…"
    return None


def quote_problems(rows, *, seeds_dir: Path | None, where) -> list[str]:
    """``"<where(row)>: <why>"`` for each row (with ``source_file`` and ``quote``
    attributes, e.g. from ``itertuples``) whose quote fails :func:`quote_problem`.
    Nothing is checked when ``seeds_dir`` is absent (the seeds ship beside the
    checkout, not in it)."""
    if seeds_dir is None or not Path(seeds_dir).is_dir():
        return []
    found = ((where(r), quote_problem(Path(seeds_dir), r.source_file, r.quote)) for r in rows)
    return [f"{w}: {why}" for w, why in found if why]


def citation_text(file: str, section: str, quote: str) -> str:
    """The display form: ``003_….txt §五(一): “…”``."""
    return f"{file} {section}: “{quote}”"
