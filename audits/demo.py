"""Demo records for ``manage.py seed_demo`` (idempotent): this quarter's internal risk review,
partly assessed with one finding and circulated to one department; one project waiting at the
go-live gate (assessment passed, but a 较大 risk neither removed nor accepted); a few risks across
the four levels."""

import datetime

from django.utils import timezone

from media_control.models import Vendor

from .common import end_of_day
from .continuity import services as continuity
from .continuity.models import EmergencyDrill, EmergencyPlan
from .governance import services as governance
from .models import (
    GoLiveAssessment,
    LogSource,
    OfficerAppointment,
    OnCallShift,
    PrivilegedAccount,
    Project,
    ReviewItem,
    Risk,
    RiskEstimate,
    SecurityScan,
    TrainingSession,
)
from .outsourcing import services as outsourcing
from .outsourcing.models import ServiceContract, VendorStaffAccess
from .projects import services as projects
from .reviews import services as reviews
from .risks import services as risks

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
    review = reviews.ensure_quarterly_review()
    if review is not None and not review.signed_off:
        pending = list(review.items.filter(result="").order_by("sort_order")[:8])
        if len(pending) == 8 and not review.items.exclude(result="").exists():
            for item in pending[:6]:
                reviews.assess_item(
                    item, result=ReviewItem.Result.COMPLIANT, note="抽查记录齐全。", by=officer
                )
            reviews.assess_item(
                pending[6],
                result=ReviewItem.Result.PARTIAL,
                note="部分处室未按月更新杀毒软件病毒库。",
                by=officer,
            )
        if not review.findings.exists():
            reviews.add_finding(
                review,
                title="养老服务处 3 台办公终端病毒库超过 30 天未更新（演示）",
                measures="统一推送更新并纳入月度检查。",
                severity="medium",
                department=departments["YLFW"],
                owner=users["head.ylfw"],
                due_at=end_of_day(today + datetime.timedelta(days=30)),
                by=officer,
            )
        if not review.circulations.exists():
            reviews.circulate(review, [departments["YLFW"]], by=officer)

    # This year's self-inspection (年度自查), opened and partly answered (idempotent: opened once a year).
    inspection, created = reviews.open_self_inspection(by=officer) if review is not None else (None, False)
    if created:
        for item in inspection.items.order_by("sort_order")[:2]:
            reviews.assess_item(
                item, result=ReviewItem.Result.COMPLIANT, note="已核查相关记录（演示）。", by=officer
            )

    # A project at the go-live gate.
    project = Project.objects.filter(name=PROJECT_NAME).first()
    if project is None:
        project = projects.register_project(
            Project(
                name=PROJECT_NAME,
                department=departments["SHJZ"],
                owner=users["head.shjz"],
                description="社会救助申请、审核、审批全流程网上办理，与公安、人社数据交换。",
            ),
            by=officer,
        )
        projects.record_estimate(
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
            project = projects.transition_project(project, state, by=officer)
        projects.record_golive_assessment(
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
        risks.save_risk(
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
    seed_governance(departments, users)
    seed_outsourcing(departments, users)
    seed_continuity(departments, users)
    return review


def seed_governance(departments, users):
    """Governance records: a roster one part-time officer short of 2 §1 (so the dashboard shows
    the warning), a rota covering this week, a scan with an open finding, two log sources (one
    below 网络安全法's six months), a training session with attendance, a privileged account."""
    xxzx = departments["XXZX"]
    officer = users["officer"]
    today = timezone.localdate()
    year_start = datetime.date(today.year, 1, 1)
    for username, kind, phone in (
        ("officer", OfficerAppointment.Kind.FULL_TIME, "0755-88880001"),
        ("officer2", OfficerAppointment.Kind.PART_TIME, "0755-88880002"),
        ("sysadmin", OfficerAppointment.Kind.PART_TIME, "0755-88880003"),
    ):
        OfficerAppointment.objects.get_or_create(
            person=users[username],
            kind=kind,
            defaults={"phone": phone, "appointed_on": year_start, "department": xxzx},
        )
    monday = today - datetime.timedelta(days=today.weekday())
    for offset, username, phone in ((0, "officer", "13800000001"), (4, "officer2", "13800000002")):
        starts = monday + datetime.timedelta(days=offset)
        OnCallShift.objects.get_or_create(
            starts_on=starts,
            defaults={
                "person": users[username],
                "phone": phone,
                "ends_on": starts + datetime.timedelta(days=3 if offset == 0 else 2),
                "department": xxzx,
            },
        )
    scan_system = "社会救助业务系统（演示）"
    if not SecurityScan.objects.filter(system=scan_system).exists():
        scan = SecurityScan(
            scanned_on=today - datetime.timedelta(days=5),
            tool="绿盟远程安全评估系统",
            system=scan_system,
            performed_by=officer,
            summary="发现高危漏洞 1 个、中危 3 个，均已通知责任人。",
            department=xxzx,
        )
        scan._change_reason = "演示数据"
        scan.save()
        governance.add_scan_finding(
            scan,
            severity="high",
            description="Web 中间件版本过旧，存在远程代码执行漏洞（演示）",
            owner=users["officer2"],
            fix_due=today + datetime.timedelta(days=10),
            by=officer,
        )
    for system, location, days in (
        ("门户网站（演示）", "日志审计服务器 /data/logs/portal", 180),
        ("OA 办公系统（演示）", "OA 服务器本地 /var/log/oa", 90),
    ):
        LogSource.objects.get_or_create(
            system=system,
            defaults={
                "location": location,
                "retention_days": days,
                "last_verified_on": today - datetime.timedelta(days=20),
                "verified_by": officer,
                "department": xxzx,
            },
        )
    session, created = TrainingSession.objects.get_or_create(
        title="网络安全法与个人信息保护培训（演示）",
        defaults={
            "held_on": today - datetime.timedelta(days=14),
            "trainer": "市网信办讲师",
            "audience": "全体安全员及各处室信息员",
            "hours": 2,
            "department": xxzx,
        },
    )
    if created:
        governance.record_attendance(session, users=[officer, users["officer2"], users["info"]])
        governance.record_attendance(session, users=[users["sysadmin"]], attended=False)
    PrivilegedAccount.objects.get_or_create(
        system="核心业务数据库（演示）",
        account_name="dbadmin",
        defaults={
            "holder": users["sysadmin"],
            "approved_by": users["leader"],
            "approved_on": today - datetime.timedelta(days=120),
            "password_interval_days": 90,
            "department": xxzx,
        },
    )


def seed_continuity(departments, users):
    """An approved emergency plan of the information centre (with its yearly drill obligation),
    a held drill and a planned one (idempotent)."""
    xxzx = departments["XXZX"]
    today = timezone.localdate()
    plan, created = EmergencyPlan.objects.get_or_create(
        title="网络安全事件应急预案（演示）",
        department=xxzx,
        defaults={
            "scope": "政务外网、门户网站、民政业务系统",
            "version": f"{today.year}版",
            "summary": "启动条件、应急组织、事件报告、处置流程、系统恢复流程、事后总结与培训。",
            "next_review_on": today + datetime.timedelta(days=300),
        },
    )
    if created:
        plan._change_reason = "演示数据"
        continuity.approve_plan(plan, by=users["leader"])
    if not EmergencyDrill.objects.filter(plan=plan).exists():
        held = EmergencyDrill(
            plan=plan,
            department=xxzx,
            planned_on=today - datetime.timedelta(days=30),
            scenario="门户网站遭篡改，启动应急预案：断网、取证、恢复备份、上报。",
            participant_text="信息中心全体、外包运维 2 人",
        )
        continuity.save_drill(held, [users["officer"], users["officer2"]])
        continuity.record_drill_held(
            held,
            held_on=today - datetime.timedelta(days=30),
            findings="备份恢复耗时 90 分钟，超过预案要求的 60 分钟。",
            improvements="增加增量备份，恢复脚本每季度演练一次。",
            by=users["officer"],
        )
        continuity.save_drill(
            EmergencyDrill(
                plan=plan,
                department=xxzx,
                planned_on=today + datetime.timedelta(days=60),
                scenario="核心数据库故障，切换备用服务器。",
            ),
            [users["officer"]],
        )


def seed_outsourcing(departments, users):
    """外包服务: an active operations contract with its security agreement and two vendor staff,
    one of whom has already left (access revoked)."""
    xxzx = departments["XXZX"]
    today = timezone.localdate()
    vendor, _ = Vendor.objects.get_or_create(
        name="深圳市某信息技术服务有限公司（演示）",
        defaults={"services": "运维、安全服务", "contact": "陈经理"},
    )
    contract, _ = ServiceContract.objects.get_or_create(
        title="民政业务系统运维服务合同（演示）",
        defaults={
            "vendor": vendor,
            "scope": ServiceContract.Scope.OPERATIONS,
            "systems": "民政业务系统、中心机房服务器",
            "starts_on": today - datetime.timedelta(days=90),
            "ends_on": today + datetime.timedelta(days=275),
            "agreement_signed_on": today - datetime.timedelta(days=91),
            "contact": "陈经理",
            "department": xxzx,
        },
    )
    if contract.status == ServiceContract.Status.DRAFT:
        outsourcing.activate(contract, by=users["officer"])
    for name, identifier, revoked in (
        ("刘工", "440301198805120031", None),
        ("黄工", "440301199210230047", 30),
    ):
        VendorStaffAccess.objects.get_or_create(
            contract=contract,
            name=name,
            defaults={
                "identifier": identifier,
                "role": "驻场运维工程师",
                "access_scope": "民政业务系统运维账号；中心机房（陪同）",
                "access_granted_on": today - datetime.timedelta(days=85),
                "access_revoked_on": today - datetime.timedelta(days=revoked) if revoked else None,
                "commitment_signed_on": today - datetime.timedelta(days=86),
                "department": xxzx,
            },
        )
