"""Rows of plain values to a table for st.dataframe, without a trip through pandas.

Streamlit serialises every table to Arrow; building the Arrow table directly from Python rows
skips pandas' per-column type inference, which was most of the Results page's rerun time."""
from __future__ import annotations

from typing import Any, Sequence

import pyarrow as pa


def table(rows: Sequence[dict[str, Any]]) -> pa.Table:
    if not rows:
        return pa.table({})
    columns = list(rows[0])
    return pa.table({c: [r.get(c) for r in rows] for c in columns})
