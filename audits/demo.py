"""Demo records for ``manage.py seed_demo`` (idempotent): this quarter's internal risk review,
partly assessed with one finding and circulated to one department; one project waiting at the
go-live gate (assessment passed, but a 较大 risk neither removed nor accepted); a few risks across
the four levels."""

import datetime

from django.utils import timezone

from . import services
from .models import GoLiveAssessment, Project, ReviewItem, Risk, RiskEstimate

PROJECT_NAME = "社会救助“一网通办”系统（演示）"

# title, department, owner, likelihood, severity, project?
DEMO_RISKS = [
    ("数据交换接口未启用传输加密（演示）", "SHJZ", "head.shjz", 3, 4, True),
    ("核心业务数据库仅单机备份（演示）", "XXZX", "officer2", 3, 5, False),
    ("部分办公终端杀毒软件版本过旧（演示）", "YLFW", "head.ylfw", 3, 3, False),
    ("机房门禁登记簿填写不全（演示）", "XXZX", "officer2", 2, 2, False),
]


def seed(departments, users):
    officer = users["officer"]
    today = timezone.localdate()

    # This quarter's review (what the hourly beat creates), partly assessed.
    review = services.ensure_quarterly_review()
    if review is not None and not review.signed_off:
        pending = list(review.items.filter(result="").order_by("sort_order")[:8])
        if len(pending) == 8 and not review.items.exclude(result="").exists():
            for item in pending[:6]:
                services.assess_item(
                    item, result=ReviewItem.Result.COMPLIANT, note="抽查记录齐全。", by=officer
                )
            services.assess_item(
                pending[6],
                result=ReviewItem.Result.PARTIAL,
                note="部分处室未按月更新杀毒软件病毒库。",
                by=officer,
            )
        if not review.findings.exists():
            services.add_finding(
                review,
                title="养老服务处 3 台办公终端病毒库超过 30 天未更新（演示）",
                measures="统一推送更新并纳入月度检查。",
                severity="medium",
                department=departments["YLFW"],
                owner=users["head.ylfw"],
                due_at=services.end_of_day(today + datetime.timedelta(days=30)),
                by=officer,
            )
        if not review.circulations.exists():
            services.circulate(review, [departments["YLFW"]], by=officer)

    # A project at the go-live gate.
    project = Project.objects.filter(name=PROJECT_NAME).first()
    if project is None:
        project = services.register_project(
            Project(
                name=PROJECT_NAME,
                department=departments["SHJZ"],
                owner=users["head.shjz"],
                description="社会救助申请、审核、审批全流程网上办理，与公安、人社数据交换。",
            ),
            by=officer,
        )
        services.record_estimate(
            project,
            RiskEstimate(
                assessor="信息中心",
                assessed_on=today - datetime.timedelta(days=120),
                risks_identified="涉及低保对象个人信息；跨部门数据交换。",
                acceptable=True,
                conclusion="风险可控，同意立项，建设中须落实等级保护第三级要求。",
            ),
            by=officer,
        )
        for state in (Project.State.APPROVED, Project.State.BUILDING, Project.State.GOLIVE_REVIEW):
            project = services.transition_project(project, state, by=officer)
        services.record_golive_assessment(
            project,
            GoLiveAssessment(
                assessor="深圳市信息安全测评中心",
                assessed_on=today - datetime.timedelta(days=3),
                passed=True,
                conclusion="主要安全功能满足要求；数据交换接口加密须在上线前完成或经局领导批准接受风险。",
            ),
            by=officer,
        )

    # Risks across the levels (重大, 较大, 一般, 低).
    for title, code, owner, likelihood, severity, on_project in DEMO_RISKS:
        if Risk.objects.filter(title=title).exists():
            continue
        services.save_risk(
            Risk(
                title=title,
                department=departments[code],
                owner=users[owner],
                project=project if on_project else None,
                likelihood=likelihood,
                severity=severity,
                treatment=Risk.Treatment.REDUCE,
                plan="制定整改计划，按期复核。",
                next_review=today + datetime.timedelta(days=30),
            ),
            by=officer,
        )
    return review
