"""Every table in the console can be downloaded as CSV (UTF-8 with a BOM, so Excel reads Chinese)."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

from flask import Response

from .texts import CSV_FLAGS, CSV_HEADERS, CSV_VALUES

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value, column: str = "") -> str:
    """A value as staff read it: yes / no for a flag, a coded value (an RFM segment, a ledger kind) in words."""
    if isinstance(value, bool):
        value = CSV_FLAGS[value]
    elif isinstance(value, str):
        value = CSV_VALUES.get(column, {}).get(value, value)
    text = "" if value is None else str(value)
    # a cell that a spreadsheet would run as a formula is quoted as text (CSV injection)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([CSV_HEADERS.get(name, name) for name in header])
    for row in rows:
        writer.writerow([_cell(v, header[i] if i < len(header) else "") for i, v in enumerate(row)])
    return Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
