"""The seed documents as a reader knows them: number, title, issuer, date.

``data/documents.csv`` maps each seed file (``003_6b82db74c365b8ba.txt``) to its
document (沪府办发〔2021〕10号《上海市战略性新兴产业和先导产业发展“十四五”规划》,
上海市人民政府办公厅, 2021-06-23), from the seeds' README. People read citations
as the document; the file name stays in the exports for machines.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from layers.settings import DATA_DIR

__all__ = ["DOCUMENTS_FILE", "document_citation", "document_file", "document_label", "document_name",
           "documents"]

DOCUMENTS_FILE = DATA_DIR / "documents.csv"


@cache
def documents(path: Path = DOCUMENTS_FILE) -> pd.DataFrame:
    """One row per seed file (the index): number, title_zh, title_en, author,
    issuer_zh, issuer_en, date (text)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False).set_index("file")


def document_label(file: str, *, lang: str = "zh") -> str:
    """The document a seed file holds, e.g. ``沪府办发〔2021〕10号《…规划》（上海市人民政府办公厅，
    2021-06-23）``; in English the title and issuer are translated, the number kept.
    A file the table lacks is named as it is."""
    docs = documents()
    if file not in docs.index:
        return file
    d = docs.loc[file]
    if lang == "zh":
        who = d["number"] or d["author"]
        return f"{who}《{d['title_zh']}》（{d['issuer_zh']}，{d['date']}）"
    who = f"{d['number']} " if d["number"] else ""
    return f"{who}“{d['title_en']}” ({d['issuer_en']}, {d['date']})"


def document_name(file: str) -> str:
    """The document's number (or author) and Chinese title, the form layers and exports
    carry: ``沪府办发〔2021〕10号《上海市战略性新兴产业和先导产业发展“十四五”规划》``.
    A file the table lacks is named as it is (``shmap validate`` reports it)."""
    docs = documents()
    if file not in docs.index:
        return file
    d = docs.loc[file]
    return f"{d['number'] or d['author']}《{d['title_zh']}》"


def document_file(name: str) -> str:
    """The seed file of a document named as :func:`document_name` gives it; a name the
    table lacks is returned as it is."""
    return _files_by_name().get(name, name)


@cache
def _files_by_name() -> dict[str, str]:
    return {document_name(f): f for f in documents().index}


def document_citation(file: str, section: str, *, quote: str = "", lang: str = "zh") -> str:
    """A citation as a reader reads it: the document, its section and the quote."""
    text = f"{document_label(file, lang=lang)} {section}".strip()
    return f"{text}：“{quote}”" if quote and lang == "zh" else (f"{text}: “{quote}”" if quote else text)
