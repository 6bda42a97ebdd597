"""Synthetic data at the bureau's scale, for benchmarks and for trying the portal with volume.

Used by ``manage.py generate_data`` and by ``bench/run.py``. At scale 1 it writes what DESIGN.md
("Scale to plan for") plans for: ~40 departments (the bureau's real 处室 and 直属单位 first, see
``szmz_security/org/demo.py``, then the districts' welfare homes and relief stations), ~1,000 staff
with roles and profiles, 50,000 open obligations around now, and 50,000 incidents over five years
with the reports they owe. Scale N multiplies departments,
staff and records; the bureau-wide role holders (安全员, 局领导, 保密办 …) stay at the real
bureau's headcount, so every obligation has the same recipients whatever the scale.

Everything is written with bulk inserts that still record history (DESIGN.md pitfall 5):
``bulk_create_with_history`` for departments, profiles, obligations and incidents, and group
memberships through the ``User.groups`` through table. Passwords are hashed once and reused. The random
choices come from a seeded generator, so two runs with one seed write the same data.

Generated rows are recognisable: usernames start with ``gen.`` and generated departments' codes
with ``G``. A database that already holds generated data is refused (``GeneratedDataExists``).

Later apps add their records (assets, media …) as further steps in ``generate()``.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from szmz_security.obligations.models import Obligation
from szmz_security.obligations.services import _next_reminder, _stages_to_send, reminder_stages
from szmz_security.org.demo import DEMO_PASSWORD, DEPARTMENTS
from szmz_security.org.models import DEPARTMENT_GROUP_PREFIX, Department, StaffProfile
from szmz_security.org.roles import ROLES_BY_CODE

from .common import CHANGE_REASON, DEPARTMENT_CODE_PREFIX, USERNAME_PREFIX
from .incidents import Incident, generate_incidents

# Per unit of scale.
DEPARTMENTS_PER_SCALE = 40
USERS_PER_SCALE = 1000
OBLIGATIONS_PER_SCALE = 50_000
INCIDENTS_PER_SCALE = 50_000

# Bureau-wide role holders, the real bureau's headcount at every scale:
# role codes, 职务, preferred department code (falls back to the first department), how many.
BUREAU_ROLES = [
    (["security_officer", "staff"], "安全员", "XXZX", 4),
    (["system_administrator", "staff"], "系统管理员", "XXZX", 1),
    (["security_administrator"], "安全管理员", None, 1),
    (["audit_administrator"], "审计管理员", None, 1),
    (["leadership"], "局领导", "BGS", 3),
    (["secrecy_office", "staff"], "保密办", "BGS", 2),
    (["information_officer", "staff"], "信息员", "BGS", 2),
    (["inspector"], "检查员", None, 2),
]

DISTRICTS = [
    "福田区",
    "罗湖区",
    "盐田区",
    "南山区",
    "宝安区",
    "龙岗区",
    "龙华区",
    "坪山区",
    "光明区",
    "大鹏新区",
    "深汕特别合作区",
]
CITY_UNITS = [
    "深圳市救助管理站",
    "深圳市养老护理院",
    "深圳市第二儿童福利院",
    "深圳市福利彩票发行中心",
    "深圳市社会组织服务中心",
    "深圳市婚姻登记服务中心",
]
DISTRICT_UNIT_KINDS = [
    "社会福利院",
    "救助管理站",
    "殡仪馆",
    "婚姻登记处",
    "养老服务中心",
    "儿童福利院",
    "社会工作服务中心",
    "残疾人托养中心",
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲建国文辉鹏飞婷雪琳晨宇浩然欣怡子涵梓轩"
STAFF_TITLES = ["科员", "科员", "科员", "副主任科员", "主任科员", "一级科员", "四级主任科员", "办事员"]

# kind, title, clause, authority, notify roles, how long before the deadline it is created
OBLIGATION_KINDS = [
    (
        "incident.police_report",
        "向公安机关报告：{dept}安全事件",
        "市民政局制度 第三章第4条",
        "公安机关",
        ("security_officer",),
        timedelta(hours=24),
    ),
    (
        "assets.reconciliation",
        "{dept} IP/MAC 地址月度核查",
        "市民政局制度 第七章第1条",
        "",
        ("security_officer",),
        timedelta(days=30),
    ),
    (
        "audits.quarterly_review",
        "{dept}季度内部风险评估",
        "市民政局制度 第九章第2条",
        "",
        ("security_officer",),
        timedelta(days=90),
    ),
    (
        "machine_room.fire_check",
        "{dept}机房灭火器月度检查",
        "市民政局制度 第五章第7条",
        "",
        ("security_officer",),
        timedelta(days=30),
    ),
    (
        "media.return",
        "移动存储介质归还：{dept} U盘 {n}",
        "市民政局制度 第四章第3条",
        "",
        ("security_officer",),
        timedelta(days=7),
    ),
    (
        "audits.finding_remediation",
        "整改：{dept}风险评估发现问题 {n}",
        "市民政局制度 第九章第4条",
        "",
        ("security_officer",),
        timedelta(days=45),
    ),
    (
        "audits.external_assessment",
        "{dept}年度外部安全测评",
        "市民政局制度 第九章第3条",
        "测评机构",
        ("security_officer",),
        timedelta(days=365),
    ),
]


class GeneratedDataExists(Exception):
    pass


@dataclass
class Summary:
    departments: int = 0
    users: int = 0
    obligations: int = 0
    history_rows: int = 0
    timings: list = field(default_factory=list)  # (step, seconds)
    staff_username: str = ""  # a plain 工作人员 of one department, for the dashboard benchmark
    incidents: int = 0
    incident_obligations: int = 0  # the reports incidents owe (open, met, waived), on top of ``obligations``


def scaled(per_scale, scale, minimum=1):
    return max(minimum, round(per_scale * scale))


def department_plan(count):
    """``count`` (code, name, kind) triples: the bureau's real departments first, then its units."""
    plan = [(code, name, kind) for code, name, kind, _parent in DEPARTMENTS]
    names = list(CITY_UNITS)
    for kind in DISTRICT_UNIT_KINDS:
        names.extend(f"{district}{kind}" for district in DISTRICTS)
    serial = 0
    while len(plan) < count:
        base = names[serial % len(names)]
        round_no = serial // len(names)
        name = base if round_no == 0 else f"{base}（{round_no + 1}分部）"
        serial += 1
        plan.append((f"{DEPARTMENT_CODE_PREFIX}{serial:04d}", name, Department.Kind.UNIT))
    return plan[:count]


def generated_data_exists():
    return get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).exists()


def generate(scale=1.0, *, seed=2026, reminders="swept", now=None, log=None):
    """Write the data for ``scale``; ``reminders`` is ``"swept"`` (the state the minute sweep
    leaves: past stages sent, ``next_reminder_at`` in the future) or ``"pending"`` (as
    ``create_obligation`` leaves a new row: its first stage due now, nothing sent yet)."""
    if reminders not in ("swept", "pending"):
        raise ValueError("reminders must be 'swept' or 'pending'")
    if generated_data_exists():
        raise GeneratedDataExists(
            "数据库中已有生成的数据（用户名以 gen. 开头），请使用新的数据库（如 make clean 后重建）。 "
            "Generated data already exists (usernames starting with 'gen.'); use a fresh database."
        )
    rng = random.Random(seed)
    now = now or timezone.now()
    summary = Summary()
    log = log or (lambda message: None)

    def step(name, func, *args):
        started = time.perf_counter()
        result = func(*args)
        elapsed = time.perf_counter() - started
        summary.timings.append((name, elapsed))
        log(f"{name}: {elapsed:.2f} s")
        return result

    with transaction.atomic():
        departments = step("departments", _departments, scaled(DEPARTMENTS_PER_SCALE, scale, minimum=2), now)
        summary.departments = len(departments)
        members, staff_username, user_count = step(
            "users", _users, departments, scaled(USERS_PER_SCALE, scale), rng, now
        )
        summary.users = user_count
        summary.staff_username = staff_username
        summary.obligations = step(
            "obligations",
            _obligations,
            departments,
            members,
            scaled(OBLIGATIONS_PER_SCALE, scale),
            rng,
            now,
            reminders,
        )
        summary.incidents, summary.incident_obligations = step(
            "incidents",
            generate_incidents,
            departments,
            members,
            scaled(INCIDENTS_PER_SCALE, scale),
            rng,
            now,
            reminders,
        )
        summary.history_rows = (
            Department.history.count()
            + StaffProfile.history.count()
            + Obligation.history.count()
            + Incident.history.count()
        )
    return summary


def _departments(count, now):
    plan = department_plan(count)
    existing = {
        department.code: department
        for department in Department.objects.filter(code__in=[code for code, _name, _kind in plan])
    }
    missing = [(code, name, kind) for code, name, kind in plan if code not in existing]
    Group.objects.bulk_create(
        [Group(name=f"{DEPARTMENT_GROUP_PREFIX}{code}") for code, _name, _kind in missing],
        ignore_conflicts=True,  # a group left behind by a deleted department is reused
    )
    group_ids = dict(
        Group.objects.filter(
            name__in=[f"{DEPARTMENT_GROUP_PREFIX}{code}" for code, _name, _kind in missing]
        ).values_list("name", "pk")
    )
    order = {code: index for index, (code, _name, _kind) in enumerate(plan)}
    created = bulk_create_with_history(
        [
            Department(
                code=code,
                name=name,
                kind=kind,
                sort_order=order[code] * 10,
                group_id=group_ids[f"{DEPARTMENT_GROUP_PREFIX}{code}"],
            )
            for code, name, kind in missing
        ],
        Department,
        batch_size=500,
        default_change_reason=CHANGE_REASON,
        default_date=now,
    )
    by_code = {**existing, **{department.code: department for department in created}}
    return [by_code[code] for code, _name, _kind in plan]


def _person_name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _users(departments, total, rng, now):
    """Bureau-wide role holders, one head per department, and 工作人员 for the rest."""
    user_model = get_user_model()
    by_code = {department.code: department for department in departments}
    role_groups = dict(
        Group.objects.filter(name__in=[role.name for role in ROLES_BY_CODE.values()]).values_list(
            "name", "pk"
        )
    )
    password = make_password(DEMO_PASSWORD)  # hashed once, shared by every generated account

    # (username, 姓名, 职务, role codes, departments)
    people = []
    for role_codes, title, department_code, count in BUREAU_ROLES:
        home = by_code.get(department_code, departments[0]) if department_code else None
        for n in range(1, count + 1):
            username = f"{USERNAME_PREFIX}{role_codes[0].replace('_', '-')}{n}"
            people.append((username, _person_name(rng), title, role_codes, [home] if home else []))
    for department in departments:
        people.append(
            (
                f"{USERNAME_PREFIX}head.{department.code.lower()}",
                _person_name(rng),
                "处室负责人",
                ["department_head", "staff"],
                [department],
            )
        )
    staff_count = max(len(departments), total - len(people))
    # Bigger offices and smaller units: a skewed spread, at least one 工作人员 per department.
    weights = [rng.uniform(0.5, 2.0) for _ in departments]
    homes = list(departments) + rng.choices(departments, weights=weights, k=staff_count - len(departments))
    for n, home in enumerate(homes, start=1):
        member_of = [home]
        if rng.random() < 0.02:  # a few belong to a second department
            other = rng.choice(departments)
            if other is not home:
                member_of.append(other)
        people.append(
            (
                f"{USERNAME_PREFIX}staff{n:05d}",
                _person_name(rng),
                rng.choice(STAFF_TITLES),
                ["staff"],
                member_of,
            )
        )

    users = user_model.objects.bulk_create(
        [
            user_model(
                username=username,
                first_name=full_name,
                email=f"{username}@szmz.example",
                password=password,
                is_staff=any(ROLES_BY_CODE[code].admin_site for code in role_codes),
                date_joined=now,
            )
            for username, full_name, _title, role_codes, _departments in people
        ],
        batch_size=1000,
    )
    if users and users[0].pk is None:  # a backend that does not return keys from bulk inserts
        ids = dict(
            user_model.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", "pk")
        )
        for user in users:
            user.pk = ids[user.username]

    through = user_model.groups.through
    memberships = []
    members = {department.pk: [] for department in departments}
    staff_username = ""
    for user, (_username, _name, _title, role_codes, member_of) in zip(users, people, strict=True):
        memberships.extend(
            through(user_id=user.pk, group_id=role_groups[ROLES_BY_CODE[code].name]) for code in role_codes
        )
        memberships.extend(through(user_id=user.pk, group_id=department.group_id) for department in member_of)
        for department in member_of:
            members[department.pk].append(user.pk)
        if not staff_username and role_codes == ["staff"] and len(member_of) == 1:
            staff_username = user.username
    through.objects.bulk_create(memberships, batch_size=2000)

    bulk_create_with_history(
        [
            StaffProfile(
                user_id=user.pk,
                full_name=full_name,
                title=title,
                phone=f"0755-8{rng.randrange(10**6, 10**7)}",
                employee_no=f"SZMZ{index:05d}",
            )
            for index, (user, (_username, full_name, title, _roles, _departments)) in enumerate(
                zip(users, people, strict=True), start=1
            )
        ],
        StaffProfile,
        batch_size=1000,
        default_change_reason=CHANGE_REASON,
        default_date=now,
    )
    return members, staff_username, len(users)


def _deadline(rng, now):
    """Some overdue, some due within a day, most later."""
    draw = rng.random()
    if draw < 0.10:
        return now - timedelta(minutes=rng.uniform(10, 10 * 24 * 60))
    if draw < 0.20:
        return now + timedelta(minutes=rng.uniform(1, 24 * 60))
    return now + timedelta(minutes=rng.uniform(24 * 60, 90 * 24 * 60))


def _obligations(departments, members, total, rng, now, reminders, chunk=5000):
    stages = reminder_stages()
    written = 0
    serial = 0
    while written < total:
        batch = []
        for _ in range(min(chunk, total - written)):
            serial += 1
            department = rng.choice(departments)
            kind, title, clause, authority, notify_roles, lead_time = rng.choice(OBLIGATION_KINDS)
            due_at = _deadline(rng, now)
            created_at = min(due_at - lead_time, now - timedelta(minutes=rng.uniform(1, 120)))
            restricted = rng.random() < 0.02
            people = members[department.pk]
            obligation = Obligation(
                title=title.format(dept=department.name, n=serial),
                kind=kind,
                clause=clause,
                authority=authority,
                department=department,
                assignee_id=rng.choice(people) if people and rng.random() < 0.7 else None,
                notify_roles=list(notify_roles) + (["secrecy_office"] if restricted else []),
                escalate_roles=["leadership"],
                restricted=restricted,
                created_at=created_at,
                due_at=due_at,
            )
            obligation._history_date = created_at
            # The sweep's own bookkeeping (obligations/services.py), so it sees what it would have left.
            obligation.last_stage_index = -1
            if reminders == "swept":
                _to_send, passed = _stages_to_send(obligation, stages, now)
                if passed:
                    obligation.last_stage_index = max(stage.index for stage in passed)
            obligation.next_reminder_at = _next_reminder(obligation, stages, obligation.last_stage_index)
            batch.append(obligation)
        bulk_create_with_history(batch, Obligation, batch_size=1000, default_change_reason=CHANGE_REASON)
        written += len(batch)
    return written
