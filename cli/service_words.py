"""The words of ``shmap serve``'s HTML pages, in Chinese and English, from
:mod:`ui.i18n`: compiled into the gettext catalogues pygeoapi renders its pages with
(its ``server.locale_dir``; the templates ask for each word by its key), and the
language structs (``{"zh": …, "en": …}``) pygeoapi picks titles and
descriptions from by the request's ``?lang=`` or ``Accept-Language``."""

from __future__ import annotations

from pathlib import Path

from ui.i18n import COLUMNS, FIRM_COLUMNS, LABELS, column_label, t

__all__ = ["LANGUAGES", "bilingual", "write_catalogues"]

#: The service's languages, the first the default (pygeoapi's ``server.languages``):
#: bare languages, so that any zh-* (or en-*) of a request's Accept-Language matches.
LANGUAGES = ("zh", "en")
#: Keys of the page words, and the prefix of a column's label in the catalogues.
PAGE_PREFIX = "svc_"
COLUMN_PREFIX = "col:"
#: Keys of the layer fields' labels that ui.i18n.COLUMNS does not hold.
FIELD_PREFIX = "svc_col_"


def bilingual(key: str, **values) -> dict[str, str]:
    """The label ``key`` as a pygeoapi language struct; ``values`` that are themselves
    language structs are filled in each language."""
    return {lang: t(key, lang, **{k: v[lang] if isinstance(v, dict) else v
                                  for k, v in values.items()})
            for lang in LANGUAGES}


def catalogue_entries(lang: str) -> dict[str, str]:
    """msgid → text in ``lang``: every page word by its key, every column (of the
    layers and of a firm list) by ``col:`` and its name."""
    words = {key: t(key, lang) for key in LABELS if key.startswith(PAGE_PREFIX)}
    words.update({COLUMN_PREFIX + c: zh if lang == "zh" else en
                  for c, (zh, en) in FIRM_COLUMNS.items()})
    words.update({COLUMN_PREFIX + c: column_label(c, lang) for c in COLUMNS})
    words.update({COLUMN_PREFIX + key[len(FIELD_PREFIX):]: t(key, lang) for key in LABELS
                  if key.startswith(FIELD_PREFIX)})
    return words


def write_catalogues(folder: Path) -> Path:
    """Write ``folder/locale/<lang>/LC_MESSAGES/messages.mo`` for each language; the
    locale folder (pygeoapi's ``server.locale_dir``)."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    root = folder / "locale"
    for lang in LANGUAGES:
        catalog = Catalog(locale=lang, domain="messages")
        for msgid, text in catalogue_entries(lang).items():
            catalog.add(msgid, text)
        target = root / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        with open(target / "messages.mo", "wb") as fh:
            write_mo(fh, catalog)
    return root
