"""Firm analytics over the layers: import a firm list, classify it, place it, join it
to the zones and measure, shortlist zones for a sector, synthetic demo firms, and the
dask engine for registers too large for memory."""
