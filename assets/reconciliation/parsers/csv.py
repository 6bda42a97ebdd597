"""A scan uploaded as CSV (the column names of the common exports are understood, see
``HEADER_ALIASES``), and JSON rows kept as the run's CSV file."""

import csv
import io

from django.core.exceptions import ValidationError

from ...network.addresses import normalise_ip, normalise_mac
from .rows import ALIAS_TO_COLUMN, COLUMN_LABELS, ScanRejected, header_key, validated


def decode_scan(raw):
    """UTF-8 with or without BOM; GB18030 (what Excel on a Chinese Windows saves) as fallback."""
    if isinstance(raw, str):
        return raw.lstrip("\ufeff")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ScanRejected(
                [{"line": 0, "errors": {"scan": "文件编码无法识别，请保存为 UTF-8 编码的 CSV。"}}]
            ) from None


def _delimiter(first_line):
    if "\t" in first_line:
        return "\t"
    if ";" in first_line and "," not in first_line:
        return ";"
    return ","


def parse_csv(raw):
    """A ``ParsedScan`` from CSV (comma, semicolon or tab separated) bytes or text."""
    text = decode_scan(raw)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise ScanRejected([{"line": 0, "errors": {"scan": "文件为空。"}}])
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first))
    header = None
    columns = {}
    numbered = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = cells
            for index, cell in enumerate(cells):
                column = ALIAS_TO_COLUMN.get(header_key(cell))
                if column and column not in columns:
                    columns[column] = index
            if not columns:
                # No header: ip, mac[, hostname[, time]] when the first row reads so.
                try:
                    normalise_ip(cells[0])
                    normalise_mac(cells[1] if len(cells) > 1 else "", device=False)
                except ValidationError:
                    pass
                else:
                    columns = {"ip": 0, "mac": 1, "hostname": 2, "time": 3}
                    numbered.append((reader.line_num, _pick(cells, columns)))
                    continue
            missing = [COLUMN_LABELS[c] for c in ("ip", "mac") if c not in columns]
            if missing:
                raise ScanRejected(
                    [
                        {
                            "line": reader.line_num,
                            "errors": {
                                "scan": f"表头缺少{'、'.join(missing)}列（可用列名如 IP Address、"
                                "MAC Address / Physical Address / hwaddr、Hostname、Last Seen）。"
                            },
                        }
                    ]
                )
            continue
        numbered.append((reader.line_num, _pick(cells, columns)))
    return validated(numbered)


def _pick(cells, columns):
    return {name: (cells[index] if index < len(cells) else "") for name, index in columns.items()}


def rows_as_csv(rows):
    """JSON rows kept as the run's scan file (the evidence of what was compared)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["ip", "mac", "hostname", "time"])
    for row in rows:
        writer.writerow([row.ip, row.mac, row.hostname, row.seen_at.isoformat() if row.seen_at else ""])
    return buffer.getvalue().encode("utf-8")
