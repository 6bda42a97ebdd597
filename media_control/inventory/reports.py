"""The signed annual inventory (PDF), the evidence of 清点."""

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from szmz_security.core.pdf import build_pdf, field_table, local, para, styles
from szmz_security.org.models import display_name


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
