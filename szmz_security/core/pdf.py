"""PDF reports (DESIGN.md §7): reportlab platypus with an embedded TrueType CJK font.

``UnicodeCIDFont('STSong-Light')`` is not embedded and renders blank without extra packages, so
the portal embeds a TrueType font: WenQuanYi Micro Hei from Debian's fonts-wqy-microhei (installed
by ``make test`` and the Dockerfile), or the file named by PDF_CJK_FONT. Build documents with
``build_pdf``; every page carries "第 X 页 共 Y 页".
"""

import io
from functools import lru_cache
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError  # noqa: F401 - re-exported for callers

FONT_NAME = "PortalCJK"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


@lru_cache(maxsize=1)
def register_font():
    """Register the CJK font once per process; a clear error when none is installed."""
    candidates = [settings.PDF_CJK_FONT] if getattr(settings, "PDF_CJK_FONT", "") else list(FONT_CANDIDATES)
    for path in candidates:
        try:
            font = (
                TTFont(FONT_NAME, path, subfontIndex=0) if path.endswith(".ttc") else TTFont(FONT_NAME, path)
            )
        except OSError:
            continue
        except Exception as error:  # noqa: BLE001 - reportlab refuses CFF/OTF outlines with TTFError
            raise ImproperlyConfigured(
                f"PDF 字体 {path} 不是 TrueType 字体（需含 glyf 表）：{error}"
            ) from error
        pdfmetrics.registerFont(font)
        return FONT_NAME
    raise ImproperlyConfigured(
        "未找到用于 PDF 的中文 TrueType 字体。请安装：apt-get install fonts-wqy-microhei，"
        "或用 PDF_CJK_FONT 指定字体文件。No CJK TrueType font for PDFs: install fonts-wqy-microhei "
        "or set PDF_CJK_FONT."
    )


def styles():
    font = register_font()
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=colors.grey),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=6 * mm
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontSize=13, leading=18, spaceBefore=4 * mm, spaceAfter=2 * mm
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13),
        "label": ParagraphStyle(
            "label", parent=base, fontSize=9.5, leading=13, textColor=colors.HexColor("#333333")
        ),
    }


def para(text, style):
    """A paragraph of user text: XML-escaped, line breaks kept."""
    return Paragraph(escape(str(text or "—")).replace("\n", "<br/>"), style)


def field_table(rows, style_set, widths=(38 * mm, None)):
    """A two-column label / value table."""
    data = [[para(label, style_set["label"]), para(value, style_set["cell"])] for label, value in rows]
    table = Table(data, colWidths=[widths[0], A4[0] - 40 * mm - widths[0]], repeatRows=0)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _page_footer(total_pages_holder):
    def draw(canvas, document):
        canvas.saveState()
        canvas.setFont(FONT_NAME, 8.5)
        total = total_pages_holder.get("total")
        text = f"第 {document.page} 页 共 {total} 页" if total else f"第 {document.page} 页"
        canvas.drawCentredString(A4[0] / 2, 10 * mm, text)
        canvas.drawString(20 * mm, A4[1] - 12 * mm, total_pages_holder.get("header", ""))
        canvas.restoreState()

    return draw


def build_pdf(story_factory, *, title, header="深圳市民政局信息安全管理平台"):
    """Render a document twice: once to count its pages, then with "第 X 页 共 Y 页"."""
    register_font()
    holder = {"header": header}
    for _ in range(2):
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            title=title,
            author=header,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=20 * mm,
            bottomMargin=18 * mm,
        )
        footer = _page_footer(holder)
        document.build(story_factory(), onFirstPage=footer, onLaterPages=footer)
        holder["total"] = document.page
    return buffer.getvalue()


def local(dt, fmt="%Y-%m-%d %H:%M"):
    return timezone.localtime(dt).strftime(fmt) if dt else "—"
