"""Citations: a feature's quote must stand verbatim in the seed text it names.

The seed texts were extracted from PDFs and web pages, so line breaks and stray
spaces fall inside sentences. A quote is compared with its source after removing
all whitespace from both (as the seeds' README prescribes).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

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


def citation_text(file: str, section: str, quote: str) -> str:
    """The display form: ``003_….txt §五(一): “…”``."""
    return f"{file} {section}: “{quote}”"
