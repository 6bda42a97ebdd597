"""The inspection PDF (信息安全合规检查报告, DESIGN.md §6–7): cover, compliance summary by framework
and chapter (table and bar chart), one table per chapter with evidence, the incidents of the period
with every regulator deadline, the obligations overdue at the period's end, the findings and their
rectification, and a signature block.

``build(report, progress=...)`` collects the data once (long lists streamed with ``.iterator()``
into small tuples of strings), then renders through ``core.pdf.build_pdf``; ``progress(percent,
step)`` is called as it goes. Every row comes from ``visible_to(report.requested_by)``.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from szmz_security.auditlog.models import AuditChainVerification
from szmz_security.core.pdf import build_pdf, local
from szmz_security.jobs import services as jobs
from szmz_security.obligations.models import Obligation
from szmz_security.org.models import display_name

from . import services
from .models import InspectionReport
from .outcome import STATUS_LABELS
from .report_pdf import ISSUER, REF_LIMIT, SUMMARY_CAVEAT, TITLE, date_text, story

DEADLINE_MET = "已按期"
DEADLINE_MET_LATE = "逾期完成"
DEADLINE_MISSED = "已逾期"
DEADLINE_OPEN = "未到期"
DEADLINE_WAIVED = "不再需要"


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
                    f"· {ref.title}（{date_text(ref.date)}{'，' + ref.state if ref.state else ''}）"
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
