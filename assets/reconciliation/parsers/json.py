"""A scan sent as JSON rows through the API."""

from .rows import ALIAS_TO_COLUMN, COLUMN_LABELS, ScanRejected, header_key, validated


def parse_rows(rows):
    """A ``ParsedScan`` from JSON rows ``[{"ip":…, "mac":…, "hostname":…, "time":…}]`` (the
    column aliases of CSV headers are accepted as keys too); ``line`` is the row's 1-based index."""
    if not isinstance(rows, list):
        raise ScanRejected([{"line": 0, "errors": {"rows": "rows 须为列表。"}}])
    numbered = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            numbered.append((index, {}))
            continue
        data = {}
        for key, value in row.items():
            column = key if key in COLUMN_LABELS else ALIAS_TO_COLUMN.get(header_key(str(key)))
            if column and column not in data:
                data[column] = "" if value is None else str(value)
        numbered.append((index, data))
    return validated(numbered)
