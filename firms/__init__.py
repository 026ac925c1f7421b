"""Firm analytics over the layers: firm intake (:mod:`firms.intake`: read, check, place,
classify), the join to the zones and measures, the shortlist, synthetic demo firms, firm
lists written out, and the dask engine for registers too large for memory."""
