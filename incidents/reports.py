"""The incident report document sent to a regulator (国家网络安全事件报告管理办法, 2025: unit,
system, time and place, type, grade, impact, measures taken, likely development, cause, tracing
leads, next steps, how the scene was preserved)."""

from django.utils import timezone
from reportlab.platypus import Paragraph, Spacer

from szmz_security.core.pdf import build_pdf, field_table, local, para, styles
from szmz_security.org.models import display_name

BUREAU = "深圳市民政局"


def incident_report_pdf(incident, obligation=None):
    def story():
        s = styles()
        recipient = obligation.authority if obligation else "有关主管部门"
        parts = [
            Paragraph("网络安全事件报告", s["title"]),
            para(f"报送单位：{BUREAU}（{incident.department}）    报送对象：{recipient}", s["body"]),
            para(f"生成时间：{local(timezone.now())}    事件编号：{incident.pk}", s["small"]),
            Spacer(1, 4),
            Paragraph("一、基本情况", s["h2"]),
            field_table(
                [
                    ("事件名称", incident.title),
                    ("报告单位", f"{BUREAU} {incident.department}"),
                    ("涉事系统", incident.affected_system or incident.affected_assets),
                    ("发生时间", local(incident.occurred_at)),
                    ("发现时间", local(incident.discovered_at)),
                    ("发生地点", incident.place),
                    (
                        "事件类型",
                        f"{incident.get_category_display()} {incident.get_subcategory_label()}".strip(),
                    ),
                    ("事件等级", incident.get_effective_grade_display()),
                    ("涉及关键信息基础设施", "是" if incident.affects_critical_infrastructure else "否"),
                    ("涉及泄密", "是" if incident.secret_leak else "否"),
                    (
                        "涉及个人信息",
                        f"是，约 {incident.personal_info_count:,} 人"
                        if incident.personal_info_involved and incident.personal_info_count
                        else ("是" if incident.personal_info_involved else "否"),
                    ),
                    ("报告人", display_name(incident.reported_by)),
                ],
                s,
            ),
            Paragraph("二、事件情况", s["h2"]),
            field_table(
                [
                    ("事件描述", incident.description),
                    ("影响范围与危害", incident.impact),
                    ("已采取的措施", incident.measures_taken),
                    (
                        "断网处置",
                        f"已于 {local(incident.disconnected_at)} 断网（{incident.disconnected_by}）"
                        if incident.network_disconnected
                        else "未断网",
                    ),
                    ("事态发展趋势", incident.likely_development),
                    ("初步原因", incident.cause),
                    ("溯源线索", incident.tracing_leads),
                    ("下一步工作", incident.next_steps),
                    ("现场保护情况", incident.scene_preservation),
                ],
                s,
            ),
            Spacer(1, 12),
            para("报送单位（盖章）：                    负责人签字：                    日期：", s["body"]),
        ]
        return parts

    return build_pdf(story, title=f"网络安全事件报告 - {incident.title}")
