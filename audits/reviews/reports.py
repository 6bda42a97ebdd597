"""The PDF of one quarterly review: cover, checklist table, findings, circulation, sign-off."""

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

from szmz_security.core.pdf import build_pdf, field_table, local, para, styles
from szmz_security.org.models import display_name

from .models import ReviewItem

WIDTH = A4[0] - 40 * mm

GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _table(header, rows, widths, s):
    data = [[para(h, s["label"]) for h in header]] + [[para(c, s["cell"]) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(GRID)
    return table


def _item_rows(items):
    return [
        (
            item.clause.display_code,
            item.clause.title,
            item.hint_label,
            item.get_result_display() or "未评估",
            item.note or "",
        )
        for item in items
    ]


ITEM_HEADER = ["条款", "要点", "系统判定", "评估结果", "证据说明"]
ITEM_WIDTHS = [26 * mm, 40 * mm, 20 * mm, 20 * mm, WIDTH - 106 * mm]


def _document_sections(items, s):
    """The self-inspection's checklist: each document (framework) its own section."""
    flow = []
    documents = {}
    for item in items:
        documents.setdefault(item.clause.framework_id, (item.clause.framework, []))[1].append(item)
    for number, (framework, rows) in enumerate(documents.values(), start=1):
        flow.append(Paragraph(f"1.{number} 《{framework.name}》", s["h2"]))
        flow.append(_table(ITEM_HEADER, _item_rows(rows), ITEM_WIDTHS, s))
    return flow


def review_pdf_bytes(review, user=None, progress=None):
    """The PDF of a quarterly review or of a yearly self-inspection (``progress(percent, step)``
    is told how far the build is, for the worker's job)."""
    progress = progress or (lambda percent, step: None)
    items = list(review.items.select_related("clause__chapter", "clause__framework", "assessed_by__profile"))
    progress(20, "读取自查结果" if review.is_self_inspection else "读取评估结果")
    findings = list(review.findings.select_related("owner__profile", "department", "obligation"))
    circulations = list(
        review.circulations.select_related("department", "user__profile").order_by(
            "department__code", "user__username"
        )
    )
    obligation = review.obligation
    counts = dict.fromkeys(ReviewItem.Result.labels, 0)
    pending = 0
    for item in items:
        if item.result:
            counts[ReviewItem.Result(item.result).label] += 1
        else:
            pending += 1

    def story():
        s = styles()
        flow = [
            Spacer(1, 30 * mm),
            Paragraph("深圳市民政局", s["title"]),
            para(str(review), s["title"]),
            Spacer(1, 10 * mm),
            field_table(
                [
                    (
                        "依据",
                        "《信息安全管理制度检查内容》：年度信息安全自查，逐项对照证据核查或人工确认"
                        if review.is_self_inspection
                        else "《深圳市民政局信息安全管理制度》第四章第3条：每季度进行信息安全风险内部评估与纠察，对发现的问题进行通报",
                    ),
                    ("负责部门", str(review.department)),
                    ("截止时间", local(obligation.due_at) if obligation else "—"),
                    ("义务状态", obligation.display_state() if obligation else "—"),
                    (
                        "评估结果",
                        "，".join(f"{label} {n} 项" for label, n in counts.items())
                        + (f"，未评估 {pending} 项" if pending else ""),
                    ),
                    ("发现问题", f"{len(findings)} 项"),
                    (
                        "签发",
                        f"{display_name(review.signed_off_by)} {local(review.signed_off_at)}"
                        if review.signed_off
                        else "尚未签发",
                    ),
                    ("生成", f"{display_name(user) if user else '系统'} {local(timezone.now())}"),
                ],
                s,
            ),
            PageBreak(),
            Paragraph("一、自查清单" if review.is_self_inspection else "一、评估清单", s["h2"]),
        ]
        if not items:
            flow.append(para("评估清单为空。", s["body"]))
        elif review.is_self_inspection:
            flow.extend(_document_sections(items, s))
        else:
            flow.append(_table(ITEM_HEADER, _item_rows(items), ITEM_WIDTHS, s))
        progress(60, "排版")
        flow += [
            Paragraph("二、发现的问题与整改", s["h2"]),
            _table(
                ["问题", "严重程度", "责任部门", "责任人", "完成期限", "状态"],
                [
                    (
                        finding.title + (f"\n整改措施：{finding.measures}" if finding.measures else ""),
                        finding.get_severity_display(),
                        str(finding.department),
                        display_name(finding.owner),
                        local(finding.due_at, "%Y-%m-%d"),
                        finding.obligation.display_state() if finding.obligation else "—",
                    )
                    for finding in findings
                ],
                [WIDTH - 110 * mm, 16 * mm, 26 * mm, 22 * mm, 22 * mm, 24 * mm],
                s,
            )
            if findings
            else para("本季度评估未发现问题。", s["body"]),
            Paragraph("三、通报情况", s["h2"]),
            _table(
                ["部门", "接收人", "通报时间", "阅读时间"],
                [
                    (
                        str(c.department),
                        display_name(c.user),
                        local(c.sent_at),
                        local(c.read_at) if c.read_at else "未读",
                    )
                    for c in circulations
                ],
                [WIDTH - 120 * mm, 30 * mm, 45 * mm, 45 * mm],
                s,
            )
            if circulations
            else para("尚未通报。", s["body"]),
            Paragraph("四、评估结论与签发", s["h2"]),
            para(review.summary or "—", s["body"]),
            Spacer(1, 4 * mm),
            field_table(
                [
                    ("签发人", display_name(review.signed_off_by) if review.signed_off else "尚未签发"),
                    ("签发时间", local(review.signed_off_at)),
                    ("完成证据", obligation.evidence if obligation and obligation.evidence else "—"),
                ],
                s,
            ),
        ]
        return flow

    return build_pdf(story, title=str(review))
