"""PDFs of the media ledger: the label sheet (QR code, number, marking) and the signed annual
inventory, the evidence of 清点."""

from django.conf import settings
from django.utils import timezone
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from szmz_security.core.pdf import build_pdf, field_table, local, para, styles
from szmz_security.org.models import display_name

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


def inventory_pdf(inventory, lines, hidden=0):
    def story():
        s = styles()
        parts = [
            Paragraph(f"{inventory.year}年度移动介质清点表", s["title"]),
            field_table(
                [
                    ("部门", str(inventory.department)),
                    ("状态", inventory.get_state_display()),
                    ("签署人", display_name(inventory.signed_by) if inventory.signed_by else "—"),
                    ("签署时间", local(inventory.signed_at)),
                    ("清点说明", inventory.note),
                    ("依据", "市民政局信息安全管理制度 第六章第5条；保密工作制度"),
                ],
                s,
            ),
            Spacer(1, 4 * mm),
        ]
        data = [
            [para(h, s["label"]) for h in ("编号", "密级标志", "类型", "保管人", "结果", "清点人", "时间")]
        ]
        for line in lines:
            medium = line.medium
            data.append(
                [
                    para(medium.number, s["cell"]),
                    para(medium.marking, s["cell"]),
                    para(medium.get_type_display(), s["cell"]),
                    para(display_name(medium.custodian) if medium.custodian else "—", s["cell"]),
                    para(line.get_result_display(), s["cell"]),
                    para(display_name(line.checked_by) if line.checked_by else "—", s["cell"]),
                    para(local(line.checked_at), s["cell"]),
                ]
            )
        table = Table(
            data, repeatRows=1, colWidths=[38 * mm, 22 * mm, 18 * mm, 22 * mm, 14 * mm, 22 * mm, 34 * mm]
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        parts.append(table)
        if hidden:
            parts += [Spacer(1, 3 * mm), para(f"另有 {hidden} 件涉密介质，限知悉范围，未列出。", s["small"])]
        parts.append(para(f"生成时间：{local(timezone.now())}", s["small"]))
        return parts

    return build_pdf(story, title=f"{inventory.year}年度移动介质清点表")
