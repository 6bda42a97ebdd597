"""Asset labels: an A4 sheet of 3 × 8 labels (70 × 37 mm, the common self-adhesive sheet), each
with the bureau's name, the asset number, name and department, and a QR code (reportlab's own
QrCodeWidget) holding the asset number and the URL of its page in the portal."""

import io

from django.conf import settings
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdf_canvas

from szmz_security.core.pdf import register_font

BUREAU = "深圳市民政局"
COLUMNS, ROWS = 3, 8
LABEL_WIDTH, LABEL_HEIGHT = A4[0] / COLUMNS, A4[1] / ROWS
PADDING = 3 * mm
QR_SIZE = LABEL_HEIGHT - 2 * PADDING


def fit(text, font, size, width):
    """``text`` cut (with …) to ``width`` points."""
    text = str(text or "")
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def qr_payload(asset, url):
    return f"{asset.number}\n{url}"


def draw_qr(canvas, value, x, y, size):
    widget = QrCodeWidget(value, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def asset_url(asset, request=None):
    path = asset.get_absolute_url()
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def draw_label(canvas, asset, x, y, font, url):
    canvas.setStrokeColor(colors.HexColor("#bbbbbb"))
    canvas.setLineWidth(0.3)
    canvas.rect(x + 1 * mm, y + 1 * mm, LABEL_WIDTH - 2 * mm, LABEL_HEIGHT - 2 * mm)
    draw_qr(canvas, qr_payload(asset, url), x + LABEL_WIDTH - PADDING - QR_SIZE, y + PADDING, QR_SIZE)
    text_width = LABEL_WIDTH - 3 * PADDING - QR_SIZE
    left = x + PADDING
    top = y + LABEL_HEIGHT - PADDING
    canvas.setFillColor(colors.HexColor("#555555"))
    canvas.setFont(font, 7.5)
    canvas.drawString(left, top - 7, fit(f"{BUREAU} 固定资产", font, 7.5, text_width))
    canvas.setFillColor(colors.black)
    canvas.setFont(font, 10.5)
    canvas.drawString(left, top - 20, fit(asset.number, font, 10.5, text_width))
    canvas.setFont(font, 8.5)
    canvas.drawString(left, top - 32, fit(asset.name, font, 8.5, text_width))
    canvas.drawString(left, top - 43, fit(asset.department.name, font, 8.5, text_width))
    canvas.setFont(font, 7)
    canvas.setFillColor(colors.HexColor("#555555"))
    canvas.drawString(left, top - 54, fit(asset.get_type_display(), font, 7, text_width))


def labels_pdf(assets, request=None):
    """The PDF (bytes) for ``assets`` (department selected), 24 a page."""
    font = register_font()
    buffer = io.BytesIO()
    canvas = pdf_canvas.Canvas(buffer, pagesize=A4)
    canvas.setTitle("资产标签")
    canvas.setAuthor(BUREAU)
    per_page = COLUMNS * ROWS
    for index, asset in enumerate(assets):
        if index and index % per_page == 0:
            canvas.showPage()
        slot = index % per_page
        column, row = slot % COLUMNS, slot // COLUMNS
        x = column * LABEL_WIDTH
        y = A4[1] - (row + 1) * LABEL_HEIGHT
        draw_label(canvas, asset, x, y, font, asset_url(asset, request))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
