"""The incidents of the synthetic data (``generate()``): 50,000 per unit of scale over five years,
as filing and handling would have left them, with the reports they owe."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from incidents.categories import SUBCATEGORIES, Category, Grade, minimum_grade_for
from incidents.models import Incident, IncidentUserObjectPermission, ReportingRule, TimelineEntry
from szmz_security.obligations.models import Obligation
from szmz_security.obligations.services import _next_reminder, _stages_to_send, reminder_stages

from .common import CHANGE_REASON, USERNAME_PREFIX

# --- incidents ------------------------------------------------------------------------------------

# (state, share, how long ago it was discovered: (min, max) in hours). Most incidents of five years
# are closed; the open ones are recent, as a bureau handles an incident within days or weeks.
INCIDENT_STATES = [
    (Incident.State.NEW, 0.03, (0.1, 72)),
    (Incident.State.ACCEPTED, 0.03, (1, 10 * 24)),
    (Incident.State.HANDLING, 0.04, (3, 30 * 24)),
    (Incident.State.RECOVERED, 0.03, (24, 60 * 24)),
    (Incident.State.CLOSED, 0.80, (24, 5 * 365 * 24)),
    (Incident.State.FALSE_ALARM, 0.07, (24, 5 * 365 * 24)),
]
INCIDENT_CATEGORIES = [
    (Category.MALWARE, 0.30),
    (Category.ATTACK, 0.18),
    (Category.INFORMATION_DAMAGE, 0.10),
    (Category.CONTENT, 0.05),
    (Category.FACILITY_FAULT, 0.27),
    (Category.DISASTER, 0.03),
    (Category.OTHER, 0.07),
]
INCIDENT_GRADES = [
    (Grade.GENERAL, 0.85),
    (Grade.LARGER, 0.11),
    (Grade.MAJOR, 0.03),
    (Grade.EXTRAORDINARY, 0.01),
]
SECRET_LEAK_SHARE = 0.02
PERSONAL_INFO_SHARE = 0.05
CRIME_SUSPECTED_SHARE = 0.08
CRITICAL_INFRASTRUCTURE_SHARE = 0.03
INCIDENT_OBJECTS = [
    "办公电脑",
    "业务系统服务器",
    "门户网站",
    "内网交换机",
    "档案室终端",
    "救助信息系统",
    "养老服务平台",
    "婚姻登记系统",
    "视频监控主机",
    "打印机",
    "移动存储介质",
    "机房空调",
]
INCIDENT_PLACES = ["办公区", "机房", "档案室", "服务大厅", "会议室", "值班室"]


def _pick(rng, weighted):
    return rng.choices([value for value, _weight in weighted], weights=[w for _v, w in weighted])[0]


def _incident(rng, department, reporter_id, serial, now):
    """One unsaved incident, as filing and handling would have left it."""
    state, _share, (earliest, latest) = rng.choices(
        INCIDENT_STATES, weights=[share for _state, share, _ago in INCIDENT_STATES]
    )[0]
    discovered_at = now - timedelta(hours=rng.uniform(earliest, latest))
    secret_leak = rng.random() < SECRET_LEAK_SHARE
    category = Category.INFORMATION_DAMAGE if secret_leak else _pick(rng, INCIDENT_CATEGORIES)
    subcategory = "damage.leak" if secret_leak else rng.choice(SUBCATEGORIES[category])[0]
    subcategory_label = dict(SUBCATEGORIES[category])[subcategory]
    personal_info_involved = rng.random() < PERSONAL_INFO_SHARE
    personal_info_count = None
    if personal_info_involved and rng.random() < 0.8:
        # Mostly a few records; now and then a database of a million people or more.
        personal_info_count = rng.choice((rng.randrange(1, 5_000), rng.randrange(5_000, 200_000)))
        if rng.random() < 0.02:
            personal_info_count = rng.randrange(1_000_000, 20_000_000)
    grade = None if state == Incident.State.NEW else _pick(rng, INCIDENT_GRADES)
    if grade is not None:
        grade = max(grade, minimum_grade_for(personal_info_count))
    created_at = min(now, discovered_at + timedelta(minutes=rng.uniform(1, 6 * 60)))
    handling_ended_at = closed_at = None
    if state in (Incident.State.RECOVERED, Incident.State.CLOSED):
        handling_ended_at = min(now, discovered_at + timedelta(hours=rng.uniform(1, 10 * 24)))
    if state == Incident.State.CLOSED:
        closed_at = min(now, handling_ended_at + timedelta(days=rng.uniform(1, 30)))
    thing = rng.choice(INCIDENT_OBJECTS)
    incident = Incident(
        title=f"{department.name}{thing}{subcategory_label}（{serial}）",
        description=f"{timezone.localtime(discovered_at):%Y-%m-%d %H:%M} 发现{thing}出现{subcategory_label}，"
        "已报告信息中心并保留现场。",
        discovered_at=discovered_at,
        occurred_at=discovered_at - timedelta(hours=rng.uniform(0, 48)) if rng.random() < 0.4 else None,
        place=f"{department.name}{rng.choice(INCIDENT_PLACES)}",
        affected_assets=f"SZMZ-{rng.randrange(1, 100_000):05d}（{thing}）",
        affects_critical_infrastructure=rng.random() < CRITICAL_INFRASTRUCTURE_SHARE,
        category=category,
        subcategory=subcategory,
        secret_leak=secret_leak,
        # A leak is need-to-know from filing (Incident.save does this; bulk inserts skip save()).
        restricted=secret_leak,
        personal_info_involved=personal_info_involved,
        personal_info_count=personal_info_count,
        crime_suspected=rng.random() < CRIME_SUSPECTED_SHARE,
        suggested_grade=rng.choice((Grade.GENERAL, Grade.LARGER)) if rng.random() < 0.2 else None,
        grade=grade,
        state=state,
        handling_ended_at=handling_ended_at,
        closed_at=closed_at,
        false_alarm_reason="经核查为误报。" if state == Incident.State.FALSE_ALARM else "",
        root_cause="终端未及时安装安全补丁。" if state == Incident.State.CLOSED else "",
        lessons_learned="加强终端补丁管理与人员培训。" if state == Incident.State.CLOSED else "",
        department=department,
        reported_by_id=reporter_id,
        created_at=created_at,
    )
    incident._history_date = created_at
    return incident


def _incident_obligation(rng, incident, rule, subject_type, officers, stages, now, reminders):
    """The report ``rule`` makes ``incident`` owe, in the state handling would have left it: waived
    for a false alarm, met (mostly in time) for a closed incident or one reported already, open
    (possibly overdue) for the rest of the open incidents."""
    due_at = rule.due_at(incident)
    obligation = Obligation(
        title=f"向{rule.authority}报告：{incident.title}"[:200],
        kind=rule.kind,
        clause=rule.clause[:60],
        authority=rule.authority,
        department_id=incident.department_id,
        subject_type=subject_type,
        subject_id=incident.pk,
        restricted=incident.restricted,
        notify_roles=list(rule.notify_roles),
        escalate_roles=list(rule.escalate_roles),
        created_at=incident.created_at,
        due_at=due_at,
    )
    obligation._history_date = incident.created_at
    if incident.state == Incident.State.FALSE_ALARM:
        obligation.state = Obligation.State.WAIVED
        obligation.waived_by_id = rng.choice(officers)
        obligation.waived_at = min(now, incident.created_at + timedelta(hours=rng.uniform(1, 72)))
        obligation.waived_reason = f"误报：{incident.false_alarm_reason}"
        return obligation
    reported = incident.state == Incident.State.CLOSED or rng.random() < (0.85 if due_at <= now else 0.2)
    if reported:
        # Mostly some hours before the deadline, now and then after it; never before filing.
        sent_at = max(incident.created_at, min(now, due_at - timedelta(hours=rng.uniform(-6, 20))))
        obligation.state = Obligation.State.MET if sent_at <= due_at else Obligation.State.MET_LATE
        obligation.met_at = sent_at
        obligation.met_by_id = rng.choice(officers)
        obligation.evidence = f"已通过网上报送平台报送{rule.authority}，回执编号 BS-{incident.pk:07d}"
        return obligation
    obligation.last_stage_index = -1
    if reminders == "swept":
        _to_send, passed = _stages_to_send(obligation, stages, now)
        if passed:
            obligation.last_stage_index = max(stage.index for stage in passed)
    obligation.next_reminder_at = _next_reminder(obligation, stages, obligation.last_stage_index)
    return obligation


def generate_incidents(departments, members, total, rng, now, reminders, chunk=5000):
    """Incidents spread over the departments (bigger offices report more), each with what filing
    writes: the reporter's view grant (need-to-know for leaks), a 报告 timeline entry, and the
    reports the seeded rules (``ReportingRule``) make it owe, as obligations whose subject is the
    incident. Returns (incidents, their obligations)."""
    user_model = get_user_model()
    rules = list(ReportingRule.objects.filter(active=True))
    subject_type = ContentType.objects.get_for_model(Incident)
    view_permission = Permission.objects.get(content_type=subject_type, codename="view_incident")
    officers = list(
        user_model.objects.filter(username__startswith=f"{USERNAME_PREFIX}security-officer").values_list(
            "pk", flat=True
        )
    )
    stages = reminder_stages()
    weights = [rng.uniform(0.5, 2.0) for _ in departments]
    written = obligations_written = 0
    while written < total:
        batch = []
        for _ in range(min(chunk, total - written)):
            department = rng.choices(departments, weights=weights)[0]
            reporter_id = rng.choice(members[department.pk])
            incident = _incident(rng, department, reporter_id, written + len(batch) + 1, now)
            incident._history_user = user_model(pk=reporter_id)
            batch.append(incident)
        incidents = bulk_create_with_history(
            batch, Incident, batch_size=1000, default_change_reason=CHANGE_REASON
        )
        IncidentUserObjectPermission.objects.bulk_create(
            [
                IncidentUserObjectPermission(
                    user_id=incident.reported_by_id, permission=view_permission, content_object_id=incident.pk
                )
                for incident in incidents
            ],
            batch_size=2000,
        )
        TimelineEntry.objects.bulk_create(
            [
                TimelineEntry(
                    incident_id=incident.pk,
                    at=incident.created_at,
                    kind=TimelineEntry.Kind.FILED,
                    text=f"{incident.department}报告事件",
                    user_id=incident.reported_by_id,
                )
                for incident in incidents
            ],
            batch_size=2000,
        )
        owed = [
            _incident_obligation(rng, incident, rule, subject_type, officers, stages, now, reminders)
            for incident in incidents
            for rule in rules
            if rule.applies_to(incident)
        ]
        bulk_create_with_history(owed, Obligation, batch_size=1000, default_change_reason=CHANGE_REASON)
        written += len(incidents)
        obligations_written += len(owed)
    return written, obligations_written
