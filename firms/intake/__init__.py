"""Firm intake: reading a firm list (CSV/XLSX/GeoJSON), finding its headers, checking
its rows, placing and classifying them. One entry point: :func:`import_firm_list`."""

from firms.intake.load import STAGES, import_firm_list

__all__ = ["STAGES", "import_firm_list"]
