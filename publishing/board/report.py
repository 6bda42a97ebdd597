"""The monthly report of held harmful content (regulation 10 §4) as documents: the month's
bounds and deadline, and its PDF and CSV."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from szmz_security.core.pdf import build_pdf, field_table, local, para, styles

REPORT_CLAUSE = "市民政局制度 第十章第4条"


def month_start(day):
    return day.replace(day=1)


def previous_month(day):
    return month_start(month_start(day) - timedelta(days=1))


def next_month(month):
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_bounds(month):
    """[start, end) of a month in local time, as aware datetimes."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(month, time.min), tz)
    end = timezone.make_aware(datetime.combine(next_month(month), time.min), tz)
    return start, end


def report_due_at(month):
    """The 10th of the following month, end of day (local time)."""
    due_day = next_month(month).replace(day=10)
    return timezone.make_aware(datetime.combine(due_day, time(23, 59, 59)), timezone.get_current_timezone())


def excerpt(text, length=80):
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def hits_text(hits):
    return "；".join(
        f"{hit['word']}（{hit.get('category', '')}，{'拦截' if hit['level'] == 'block' else '审核'}）"
        for hit in hits
    )


@dataclass
class ReportData:
    month: date
    messages: list
    generated_at: datetime
    by: object


def report_csv(data):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(["编号", "留言时间", "留言人", "联系方式", "IP地址", "内容摘录", "命中敏感词"])
    for message in data.messages:
        writer.writerow(
            [
                message.pk,
                timezone.localtime(message.submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
                message.name,
                message.contact,
                message.ip_address or "",
                excerpt(message.text, 200),
                hits_text(message.filter_hits),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def report_pdf(data):
    def story():
        style = styles()
        by_word = {}
        for message in data.messages:
            for hit in message.filter_hits:
                by_word[hit["word"]] = by_word.get(hit["word"], 0) + 1
        top = "、".join(
            f"{word}（{count}）" for word, count in sorted(by_word.items(), key=lambda i: -i[1])[:10]
        )
        elements = [
            Paragraph(f"{data.month:%Y年%m月}公众留言有害信息报告", style["title"]),
            field_table(
                [
                    ("报告单位", "深圳市民政局"),
                    (
                        "统计期间",
                        f"{data.month:%Y-%m-%d} 至 {next_month(data.month) - timedelta(days=1):%Y-%m-%d}",
                    ),
                    ("拦截留言数", f"{len(data.messages)} 条"),
                    ("主要命中词", top or "无"),
                    ("依据", REPORT_CLAUSE),
                    ("生成时间", local(data.generated_at)),
                    ("生成人", getattr(data.by, "get_username", lambda: "系统")()),
                ],
                style,
            ),
            Spacer(1, 4 * mm),
            Paragraph("拦截留言明细", style["h2"]),
        ]
        if not data.messages:
            elements.append(para("本月无被拦截的有害信息。", style["body"]))
            return elements
        rows = [[para(label, style["label"]) for label in ("时间", "留言人", "内容摘录", "命中敏感词")]]
        for message in data.messages:
            rows.append(
                [
                    para(local(message.submitted_at), style["cell"]),
                    para(message.name, style["cell"]),
                    para(excerpt(message.text), style["cell"]),
                    para(hits_text(message.filter_hits), style["cell"]),
                ]
            )
        table = Table(rows, colWidths=[30 * mm, 25 * mm, 70 * mm, 45 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        elements.append(table)
        return elements

    return build_pdf(story, title=f"{data.month:%Y年%m月}有害信息报告")
