"""The ledger's label sheet (PDF): QR code, number and marking of each medium."""

from django.conf import settings
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from szmz_security.core.pdf import build_pdf, para, styles

LABEL_COLUMNS = 3
QR_SIZE = 26 * mm


def qr_drawing(text, size=QR_SIZE):
    widget = QrCodeWidget(text)
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def label_text(medium):
    """What the QR code holds: the number and where the record is (no content of the medium)."""
    return f"{medium.number}\n{settings.PORTAL_BASE_URL}{medium.get_absolute_url()}"


def label_sheet_pdf(media):
    def story():
        s = styles()
        number_style = ParagraphStyle("number", parent=s["body"], fontSize=10, leading=13)
        marking_style = ParagraphStyle(
            "marking", parent=s["body"], fontSize=12, leading=15, textColor=colors.red
        )
        cells = []
        for medium in media:
            text = [
                para(medium.number, number_style),
                para(medium.marking, marking_style if medium.is_classified else s["cell"]),
                para(f"{medium.get_type_display()} · {medium.get_zone_display()}", s["small"]),
                para(str(medium.department), s["small"]),
            ]
            cells.append(
                Table([[qr_drawing(label_text(medium)), text]], colWidths=[QR_SIZE + 2 * mm, 30 * mm])
            )
        if not cells:
            return [Paragraph("介质标签", s["title"]), para("没有可打印标签的介质。", s["body"])]
        rows = [cells[i : i + LABEL_COLUMNS] for i in range(0, len(cells), LABEL_COLUMNS)]
        rows[-1] += [""] * (LABEL_COLUMNS - len(rows[-1]))
        width = (A4[0] - 40 * mm) / LABEL_COLUMNS
        grid = Table(rows, colWidths=[width] * LABEL_COLUMNS)
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        return [Paragraph("移动介质标签", s["title"]), grid]

    return build_pdf(story, title="移动介质标签")
