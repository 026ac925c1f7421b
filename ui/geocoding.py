"""The optional online geocoding of an upload, as the app offers it — no Streamlit here.

The administrator turns it on on the server, never on the page: the app's secrets
(``geocoder_settings = "/path/to/geocoder.toml"`` in ``.streamlit/secrets.toml``) or the
environment variable :data:`SETTINGS_ENV` name the settings file ``shmap firms import
--geocoder`` takes (:mod:`firms.intake.geocode`); its key is read there and never shown.
The import is :func:`firms.intake.import_firm_list` with the geocoder, as for the command
line; what the geocoder did is worded here from the import's report.
"""

from __future__ import annotations

from collections.abc import Mapping

from firms.certainty import PRECISE_M
from firms.intake.geocode import PRECISION_BANDS_M, Settings, read_settings
from ui.i18n import t

__all__ = ["SECRET_NAME", "SETTINGS_ENV", "failure_text", "geocoder_rows", "limit_text",
           "offered", "provider_label", "settings_path", "summary_line"]

#: The app secret naming the geocoder settings file.
SECRET_NAME = "geocoder_settings"
#: The environment variable naming it (when the secret is not set).
SETTINGS_ENV = "SHMAP_GEOCODER"


def settings_path(secret_value: str, environ: Mapping[str, str]) -> str:
    """The settings file the server names (the secret first, then the environment), or ""."""
    return secret_value.strip() or environ.get(SETTINGS_ENV, "").strip()


def offered(path: str) -> Settings | None:
    """The settings the upload panel offers (None: not configured); a
    :class:`~layers.errors.UsageError` when named but not readable."""
    return read_settings(path) if path else None


def provider_label(provider: str, lang: str) -> str:
    return t(f"provider_{provider}", lang)


def _span(hi: int, lang: str) -> str:
    """A precision band (m) in words: "within ±50 m", "±300–1,000 m"."""
    i = PRECISION_BANDS_M.index(hi)
    return t("geocode_range", lang, lo=f"{PRECISION_BANDS_M[i - 1]:,}", hi=f"{hi:,}") if i \
        else t("geocode_within", lang, hi=f"{hi:,}")


def _band_label(hi: int, lang: str) -> str:
    """A precision band and how its firms are drawn and counted (:mod:`firms.certainty`)."""
    return t("geocode_band_point" if hi <= PRECISE_M else "geocode_band_ring", lang,
             span=_span(hi, lang))


def geocoder_rows(geocoded: Mapping | None, lang: str) -> list[tuple[str, str]]:
    """The import summary's rows for the geocoder (none when it was off): firms placed,
    per precision band, addresses and requests, and its failure in one line."""
    if not geocoded:
        return []
    provider = provider_label(str(geocoded["provider"]), lang)
    rows = [(t("geocode_placed_item", lang, provider=provider), f"{geocoded['placed']:,}")]
    rows += [(_band_label(int(hi), lang), f"{n:,}") for hi, n in geocoded["bands"].items()]
    rows += [(t(f"geocode_{k}", lang), f"{geocoded[k]:,}")
             for k in ("addresses", "requests", "cached")]
    failed = failure_text(geocoded, lang)
    if failed:
        rows.append((t("geocode_failed_item", lang), failed))
    limited = limit_text(geocoded, lang)
    if limited:
        rows.append((t("geocode_limit_item", lang), limited))
    return rows


def limit_text(geocoded: Mapping | None, lang: str) -> str | None:
    """What the limit on requests per import left unasked (None when it was not reached)."""
    limit = geocoded.get("limit") if geocoded else None
    return t("geocode_limit", lang, limit=f"{limit['max_requests']:,}",
             unasked=f"{limit['unasked']:,}") if limit else None


def failure_text(geocoded: Mapping | None, lang: str) -> str | None:
    """The one message for a failed geocoding service (None when it did not fail): what
    happened in the reader's language, the service's own words quoted, what was done."""
    failure = geocoded.get("failure") if geocoded else None
    if not geocoded or not failure:
        return None
    kind = str(failure["kind"])
    reason = t(f"geocode_failure_{kind}", lang, detail=str(failure.get("detail", "")))
    return t("geocode_failed", lang, provider=provider_label(str(geocoded["provider"]), lang),
             reason=reason, unasked=f"{failure['unasked']:,}")


def summary_line(geocoded: Mapping | None, lang: str) -> str | None:
    """One line for the sidebar right after an upload: firms placed by the geocoder, per
    precision band (None when it was off)."""
    if not geocoded:
        return None
    head = t("geocode_placed", lang, provider=provider_label(str(geocoded["provider"]), lang),
             n=f"{geocoded['placed']:,}")
    colon, sep = ("：", "，") if lang == "zh" else (": ", ", ")
    bands = [t("geocode_band_count", lang, span=_span(int(hi), lang), n=f"{n:,}")
             for hi, n in geocoded["bands"].items()]
    return head + (colon + sep.join(bands) if bands else "")
