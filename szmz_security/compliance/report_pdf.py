"""The inspection PDF's layout (reportlab platypus): cover, status table, chapter chart, clause
tables, deadlines, findings and the signature block, from the data ``reports.collect`` gathers."""

import datetime
import re

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer, Table, TableStyle

from szmz_security.core.pdf import FONT_NAME, field_table, local, para, styles
from szmz_security.org.models import display_name

from .outcome import STATUS_LABELS, STATUS_ORDER, Status

WIDTH = A4[0] - 40 * mm
TITLE = "信息安全合规检查报告"
ISSUER = "深圳市民政局"
REF_LIMIT = 5

GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)
STATUS_COLORS = {
    Status.OVERDUE: colors.HexColor("#dc3545"),
    Status.LATE: colors.HexColor("#a52834"),
    Status.NO_EVENTS: colors.HexColor("#0dcaf0"),
    Status.DUE_SOON: colors.HexColor("#ffc107"),
    Status.NO_EVIDENCE: colors.HexColor("#6c757d"),
    Status.MET: colors.HexColor("#198754"),
    Status.NOT_APPLICABLE: colors.HexColor("#cfd4da"),
}

# How a regulator deadline (an ``incident.*`` obligation) stood at the end of the period.


SUMMARY_CAVEAT = "要点摘要，以正式文本为准"


def date_text(value):
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        return local(value, "%Y-%m-%d")
    return value.strftime("%Y-%m-%d")


CHUNK_ROWS = 100


def _long_table(header, rows, widths, s):
    """A long table as consecutive tables of ``CHUNK_ROWS`` rows, each repeating the header: reportlab
    re-measures the remainder of a table at every page split, quadratic in its length."""
    return [_table(header, rows[i : i + CHUNK_ROWS], widths, s) for i in range(0, len(rows), CHUNK_ROWS)]


def _table(header, rows, widths, s):
    data = [[para(h, s["label"]) for h in header]] + [[para(c, s["cell"]) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(GRID)
    return table


# --- data -------------------------------------------------------------------------------------------


def chapter_chart(chapters):
    """A stacked horizontal bar per chapter: how many clauses are in each status."""
    shown = list(STATUS_ORDER)
    height = max(60, 14 * len(chapters)) + 40
    drawing = Drawing(WIDTH, height + 20)
    chart = HorizontalBarChart()
    chart.x = 70
    chart.y = 30
    chart.width = WIDTH - 90
    chart.height = height - 20
    chart.data = [[ch["counts"][status] for ch in reversed(chapters)] for status in shown]
    chart.categoryAxis.categoryNames = [ch["label"] for ch in reversed(chapters)]
    chart.categoryAxis.labels.fontName = FONT_NAME
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.style = "stacked"
    chart.valueAxis.labels.fontName = FONT_NAME
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    widest = max((sum(ch["counts"].values()) for ch in chapters), default=1)
    chart.valueAxis.valueMax = max(widest, 1)
    chart.valueAxis.valueStep = max(1, -(-widest // 10))
    chart.barSpacing = 1
    for index, status in enumerate(shown):
        chart.bars[index].fillColor = STATUS_COLORS[status]
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x = 40
    legend.y = 12
    legend.fontName = FONT_NAME
    legend.fontSize = 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 56  # seven statuses side by side within the page width
    legend.dx = 8
    legend.dy = 8
    legend.colorNamePairs = [(STATUS_COLORS[status], STATUS_LABELS[status]) for status in shown]
    drawing.add(legend)
    return drawing


def counts_text(counts):
    return "，".join(f"{STATUS_LABELS[status]} {counts[status]}" for status in STATUS_ORDER)


def story(report, data, generated_at):
    s = styles()
    period = f"{report.period_start:%Y年%m月%d日} 至 {report.period_end:%Y年%m月%d日}"
    scope = "、".join(fw["name"] for fw in data["frameworks"]) or "（无启用的合规框架）"
    flow = [
        Spacer(1, 35 * mm),
        Paragraph(ISSUER, s["title"]),
        Paragraph(TITLE, s["title"]),
        Spacer(1, 12 * mm),
        field_table(
            [
                ("检查期间", period),
                ("检查范围", scope),
                ("申请人", display_name(report.requested_by)),
                ("生成时间", local(generated_at)),
                ("报告编号", f"HGJC-{report.period_end:%Y}-{report.pk:05d}"),
            ],
            s,
        ),
        PageBreak(),
        Paragraph("一、合规状况概要", s["h2"]),
    ]
    for fw in data["frameworks"]:
        flow += [
            para(
                f"{fw['name']}（数据版本 {fw['version']}）：共 {fw['total']} 条，{counts_text(fw['counts'])}；"
                f"适用条款已满足 {fw['percent']}%。",
                s["body"],
            ),
            para(
                f"出处：{fw['source']}"
                + (f"。条文标注为摘要者：{SUMMARY_CAVEAT}。" if fw["summary"] else ""),
                s["small"],
            ),
            Spacer(1, 2 * mm),
            _table(
                ["章", "条款数"] + [STATUS_LABELS[status] for status in STATUS_ORDER] + ["满足率"],
                [
                    [f"{ch['label']} {ch['title']}", str(ch["total"])]
                    + [str(ch["counts"][status]) for status in STATUS_ORDER]
                    + [f"{ch['percent']}%"]
                    for ch in fw["chapters"]
                ],
                [WIDTH - 16 * mm - 12 * mm - 13 * mm * len(STATUS_ORDER), 12 * mm]
                + [13 * mm] * len(STATUS_ORDER)
                + [16 * mm],
                s,
            ),
            Spacer(1, 3 * mm),
            CondPageBreak(60 * mm),
            para(f"{fw['short_name']}：各章条款状态", s["label"]),
            chapter_chart(fw["chapters"]),
        ]
    flow.append(Paragraph("二、逐章检查情况", s["h2"]))
    for fw in data["frameworks"]:
        for ch in fw["chapters"]:
            flow += [
                CondPageBreak(40 * mm),
                para(f"{fw['short_name']} {ch['label']} {ch['title']}", s["h2"]),
                para(counts_text(ch["counts"]), s["small"]),
                *_long_table(
                    ["条款", "条文", "状态", "按期情况、核查情况与证据"],
                    ch["rows"],
                    [18 * mm, 70 * mm, 16 * mm, WIDTH - 104 * mm],
                    s,
                ),
            ]
    flow.append(Paragraph("三、安全事件与报告时限", s["h2"]))
    if data["incidents"]:
        rows = []
        for title, discovered, state, deadlines in data["incidents"]:
            if deadlines:
                for index, (name, due, status, sent) in enumerate(deadlines):
                    first = index == 0
                    rows.append(
                        (
                            title if first else "〃",
                            discovered if first else "",
                            state if first else "",
                            name,
                            due,
                            status,
                            sent,
                        )
                    )
            else:
                rows.append((title, discovered, state, "无报告义务", "—", "—", "—"))
        flow += _long_table(
            ["事件", "发现时间", "状态", "报告对象", "报告时限", "时限情况", "报送记录"],
            rows,
            [WIDTH - 138 * mm, 25 * mm, 15 * mm, 22 * mm, 25 * mm, 17 * mm, 34 * mm],
            s,
        )
    else:
        flow.append(para("检查期间未发生安全事件。", s["body"]))
    flow.append(Paragraph("四、截至期末的逾期事项", s["h2"]))
    overdue = data["overdue"]
    if overdue["total"]:
        flow += [
            para(f"截至期末共有 {overdue['total']} 项事项逾期未完成，按类别：", s["body"]),
            _table(
                ["类别", "制度条款", "逾期项数"],
                [(row["kind"], row["clause"], str(row["n"])) for row in overdue["by_kind"]],
                [60 * mm, WIDTH - 85 * mm, 25 * mm],
                s,
            ),
            Spacer(1, 3 * mm),
        ]
        if len(overdue["rows"]) < overdue["total"]:
            flow.append(
                para(
                    f"以下列出截止时间最早的 {len(overdue['rows'])} 项（共 {overdue['total']} 项）。",
                    s["small"],
                )
            )
        flow += _long_table(
            ["事项", "制度条款", "责任部门", "截止时间", "期末后状态"],
            overdue["rows"],
            [WIDTH - 110 * mm, 36 * mm, 26 * mm, 28 * mm, 20 * mm],
            s,
        )
    else:
        flow.append(para("截至期末无逾期事项。", s["body"]))
    flow.append(Paragraph("五、发现问题与整改情况", s["h2"]))
    flow += (
        _long_table(
            ["问题", "来源", "严重程度", "责任部门", "责任人", "完成期限", "整改状态"],
            data["findings"],
            [WIDTH - 128 * mm, 30 * mm, 14 * mm, 22 * mm, 18 * mm, 22 * mm, 22 * mm],
            s,
        )
        if data["findings"]
        else [para("检查期间无发现问题。", s["body"])]
    )
    flow += [
        CondPageBreak(70 * mm),
        Paragraph("六、检查结论与签字", s["h2"]),
        para(
            f"本报告各条款状态按 {local(data['as_of'])} 的记录评估（检查期末，期末未到时为生成时刻）；"
            "周期性条款逐期核查，仅当每一到期期次均按期完成时为“已满足”，逾期完成或缺失的期次为“未按期”。",
            s["small"],
        ),
    ]
    if data.get("audit_chain"):
        flow.append(para(f"审计日志完整性校验：{data['audit_chain']}", s["body"]))
    flow += [
        para("检查意见：", s["body"]),
        Spacer(1, 25 * mm),
        signature_block(s),
    ]
    return flow


def signature_block(s):
    cells = [
        [para("检查人（签字）：", s["body"]), para("被检查单位负责人（签字）：", s["body"])],
        [Spacer(1, 14 * mm), Spacer(1, 14 * mm)],
        [para("日期：　　　年　　月　　日", s["body"]), para("日期：　　　年　　月　　日", s["body"])],
        [para("检查单位（盖章）：", s["body"]), para("被检查单位（盖章）：", s["body"])],
        [Spacer(1, 20 * mm), Spacer(1, 20 * mm)],
    ]
    table = Table(cells, colWidths=[WIDTH / 2, WIDTH / 2])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999"))]))
    return table


def count_pages(pdf):
    return len(re.findall(rb"/Type /Page[^s]", pdf))
