"""The inspection PDF (信息安全合规检查报告, DESIGN.md §6–7): cover, compliance summary by framework
and chapter (table and bar chart), one table per chapter with evidence, the incidents of the period
with every regulator deadline, the obligations overdue at the period's end, the findings and their
rectification, and a signature block.

``build(report, progress=...)`` collects the data once (long lists streamed with ``.iterator()``
into small tuples of strings), then renders through ``core.pdf.build_pdf``; ``progress(percent,
step)`` is called as it goes. Every row comes from ``visible_to(report.requested_by)``.
"""

import datetime
import re

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer, Table, TableStyle

from szmz_security.auditlog.models import AuditChainVerification
from szmz_security.core.pdf import FONT_NAME, build_pdf, field_table, local, para, styles
from szmz_security.jobs import services as jobs
from szmz_security.obligations.models import Obligation
from szmz_security.org.models import display_name

from . import services
from .models import InspectionReport
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
DEADLINE_MET = "已按期"
DEADLINE_MET_LATE = "逾期完成"
DEADLINE_MISSED = "已逾期"
DEADLINE_OPEN = "未到期"
DEADLINE_WAIVED = "不再需要"


SUMMARY_CAVEAT = "要点摘要，以正式文本为准"


def period_bounds(start, end, now=None):
    """The start of ``start`` and the instant the period is evaluated at (Asia/Shanghai): the end
    of ``end``, or now when the period has not ended — the PDF never predicts the future, and
    prints what the dashboard shows at the same instant (``services.evaluation_instant``)."""
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    return since, services.evaluation_instant(end, now)


def audit_chain_summary(report, as_of):
    """The line “审计日志完整性校验：…” of the signature section: the last verification of the
    audit log's hash chain made by ``as_of`` (DESIGN.md §10), or that none was made."""
    verification = (
        AuditChainVerification.objects.filter(started_at__lte=as_of).order_by("-started_at", "-pk").first()
    )
    if verification is None:
        return f"截至 {timezone.localtime(as_of):%Y-%m-%d %H:%M} 尚未进行校验。"
    when = f"{timezone.localtime(verification.started_at):%Y-%m-%d %H:%M}"
    if verification.ok:
        return f"{when} 校验通过，共核对 {verification.events_checked} 条事件，链条完整。"
    return f"{when} 校验发现链条断裂：{verification.message}"


def deadline_status(obligation, as_of):
    """met / met late / missed / open at ``as_of`` (a completion after it does not count yet)."""
    done = obligation.met_at is not None and obligation.met_at <= as_of
    if obligation.state == Obligation.State.MET and done:
        return DEADLINE_MET
    if obligation.state == Obligation.State.MET_LATE and done:
        return DEADLINE_MET_LATE
    if obligation.state == Obligation.State.WAIVED and (obligation.waived_at or as_of) <= as_of:
        return DEADLINE_WAIVED
    return DEADLINE_MISSED if obligation.due_at <= as_of else DEADLINE_OPEN


def open_at(queryset, as_of):
    """Obligations not yet met or waived at ``as_of``."""
    return queryset.filter(
        Q(state=Obligation.State.OPEN)
        | Q(state__in=[Obligation.State.MET, Obligation.State.MET_LATE], met_at__gt=as_of)
        | Q(state=Obligation.State.WAIVED, waived_at__gt=as_of)
    )


def _date(value):
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


def collect(report, progress=lambda percent, step: None):
    """Everything the PDF shows, as plain values (rendering happens twice, querying once)."""
    user = report.requested_by
    since, as_of = period_bounds(report.period_start, report.period_end)
    data = {"since": since, "as_of": as_of}

    progress(10, "评估合规状况")
    evaluation = services.evaluate(
        framework=report.framework, as_of=as_of, since=since, user=user, with_refs=True, ref_limit=REF_LIMIT
    )
    frameworks = []
    for fw in evaluation.frameworks:
        chapters = []
        for ch in fw.chapters:
            rows = []
            for c in ch.clauses:
                refs = c.refs[:REF_LIMIT]
                evidence = "\n".join(
                    f"· {ref.title}（{_date(ref.date)}{'，' + ref.state if ref.state else ''}）"
                    for ref in refs
                )
                text = f"{c.clause.title}\n{c.clause.text}"
                if c.clause.summary:
                    text += f"\n（{SUMMARY_CAVEAT}）"
                # The reason opens with each item's per-period / per-event coverage.
                checked = "\n".join([c.reason] + (["证据记录：\n" + evidence] if evidence else []))
                rows.append((c.clause.code_on(as_of), text, STATUS_LABELS[c.status], checked))
            chapters.append(
                {
                    "label": ch.chapter.label,
                    "title": ch.chapter.title,
                    "counts": ch.counts,
                    "total": ch.total,
                    "percent": ch.percent_met,
                    "rows": rows,
                }
            )
        frameworks.append(
            {
                "name": fw.framework.name,
                "short_name": fw.framework.short_name,
                "version": fw.framework.version,
                "source": fw.framework.source,
                "summary": any(c.clause.summary for c in fw.clauses),
                "counts": fw.counts,
                "total": fw.total,
                "percent": fw.percent_met,
                "chapters": chapters,
            }
        )
    data["frameworks"] = frameworks

    progress(45, "汇总安全事件与报告时限")
    data["incidents"] = incident_rows(user, since, as_of)

    progress(60, "汇总逾期事项")
    data["overdue"] = overdue_rows(user, as_of)

    progress(70, "汇总发现问题与整改")
    data["findings"] = finding_rows(user, since, as_of)
    data["audit_chain"] = audit_chain_summary(report, as_of)
    return data


def incident_rows(user, since, as_of):
    """[(incident title, discovered, state, [(deadline name, due, status, sent)])] for the incidents
    discovered in the period."""
    # By label: the core names no feature app (DESIGN.md "Layout").
    Incident = apps.get_model("incidents", "Incident")

    incidents = {
        row.pk: row
        for row in Incident.objects.visible_to(user, "view")
        .filter(discovered_at__gte=since, discovered_at__lte=as_of)
        .only("pk", "title", "discovered_at", "state", "department", "restricted")
        .order_by("discovered_at", "pk")
        .iterator(chunk_size=500)
    }
    deadlines = {}
    if incidents:
        obligations = (
            Obligation.objects.filter(
                kind__startswith="incident.",
                subject_type=ContentType.objects.get_for_model(Incident),
                subject_id__in=list(incidents),
            )
            .select_related("regulator_report")
            .order_by("due_at", "pk")
        )
        for obligation in obligations.iterator(chunk_size=500):
            report = getattr(obligation, "regulator_report", None)
            sent = f"{local(report.sent_at)} {report.receiving_body}" if report else "—"
            deadlines.setdefault(obligation.subject_id, []).append(
                (
                    obligation.authority or obligation.title,
                    local(obligation.due_at),
                    deadline_status(obligation, as_of),
                    sent,
                )
            )
    return [
        (
            incident.title,
            local(incident.discovered_at),
            incident.get_state_display(),
            deadlines.get(pk, []),
        )
        for pk, incident in incidents.items()
    ]


def max_rows():
    """How many overdue obligations the PDF lists one by one (COMPLIANCE_REPORT_MAX_ROWS, 2000);
    all of them are counted per kind."""
    return getattr(settings, "COMPLIANCE_REPORT_MAX_ROWS", 2000)


def overdue_rows(user, as_of):
    """Every obligation (all kinds) open and past its deadline at the end of the period: counts per
    kind, and the earliest ``max_rows()`` listed."""
    queryset = open_at(Obligation.objects.visible_to(user, "view"), as_of).filter(due_at__lte=as_of)
    by_kind = list(
        queryset.values("kind").annotate(n=Count("pk"), clause=Min("clause")).order_by("-n", "kind")
    )
    listed = [
        (
            o.title,
            o.clause,
            str(o.department),
            local(o.due_at),
            o.get_state_display() if o.state != "open" else "—",
        )
        for o in queryset.select_related("department")
        .order_by("due_at", "pk")[: max_rows()]
        .iterator(chunk_size=500)
    ]
    return {"total": sum(row["n"] for row in by_kind), "by_kind": by_kind, "rows": listed}


def finding_rows(user, since, as_of):
    """Findings (quarterly reviews and external assessments) raised in the period or still open at
    its end, with their rectification status at the end of the period."""
    QuarterlyReview, ExternalAssessment, Finding = (
        apps.get_model("audits", name) for name in ("QuarterlyReview", "ExternalAssessment", "Finding")
    )

    reviews = QuarterlyReview.objects.visible_to(user, "view").values("pk")
    assessments = ExternalAssessment.objects.visible_to(user, "view").values("pk")
    open_ids = open_at(Obligation.objects.filter(finding__isnull=False), as_of).values("pk")
    findings = (
        Finding.objects.filter(Q(review__in=reviews) | Q(assessment__in=assessments))
        .filter(created_at__lte=as_of)
        .filter(Q(created_at__gte=since) | Q(obligation__in=open_ids))
        .select_related("review", "assessment", "department", "owner__profile", "obligation")
        .order_by("due_at", "pk")
    )
    rows = []
    for finding in findings.iterator(chunk_size=500):
        source = str(finding.review) if finding.review_id else f"外部测评：{finding.assessment}"
        status = deadline_status(finding.obligation, as_of) if finding.obligation else "—"
        rows.append(
            (
                finding.title,
                source,
                finding.get_severity_display(),
                str(finding.department),
                display_name(finding.owner),
                local(finding.due_at, "%Y-%m-%d"),
                {DEADLINE_MET: "已按期整改", DEADLINE_MET_LATE: "逾期完成整改", DEADLINE_OPEN: "整改中"}.get(
                    status, status
                ),
            )
        )
    return rows


# --- rendering ---------------------------------------------------------------------------------------


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


def build(report, progress=lambda percent, step: None):
    """Render the report's PDF; returns the bytes."""
    data = collect(report, progress)
    progress(80, "排版 PDF")
    generated_at = timezone.now()
    return build_pdf(lambda: story(report, data, generated_at), title=f"{ISSUER}{TITLE}")


# --- requests ------------------------------------------------------------------------------------------

MAX_PERIOD_DAYS = 3 * 366


def validate_period(start, end, today=None):
    """Field errors for an inspection period: start ≤ end ≤ today, at most three years."""
    today = today or timezone.localdate()
    errors = {}
    if start and start > today:
        errors["period_start"] = "开始日期不能晚于今天。"
    if end and end > today:
        errors["period_end"] = "结束日期不能晚于今天（不能检查未来的期间）。"
    if start and end and start > end:
        errors["period_end"] = "结束日期不能早于开始日期。"
    elif start and end and (end - start).days > MAX_PERIOD_DAYS:
        errors["period_start"] = "检查期间最长三年，请缩短期间。"
    return errors


def request_report(*, by, period_start, period_end, framework=None):
    """A new report row (never regenerate in place), built by the Celery task after commit."""

    if not services.can_view(by):
        raise PermissionDenied("您没有权限生成合规检查报告。")
    errors = validate_period(period_start, period_end)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = InspectionReport(
            period_start=period_start, period_end=period_end, framework=framework, requested_by=by
        )
        report._change_reason = "申请生成"
        report.save()
        jobs.start("compliance.inspection_report", report, by=by, total=100)
    return report
