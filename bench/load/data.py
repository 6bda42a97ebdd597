"""The load test's data (``bench/load/run.py``): ``generate_data`` at a scale, the assets, and the
simulated staff's accounts. Imported once Django is set up."""

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from psycopg2 import sql
from simple_history.utils import bulk_create_with_history

from assets.generate import generate_assets
from incidents.models import Incident
from szmz_security.core.generate import generate
from szmz_security.org.models import Department, StaffProfile
from szmz_security.org.roles import STAFF


def prepare(scale, assets, users, prefix, password, marker):
    """Migrate and fill the (new, empty) database; ``marker`` becomes its comment, which tells a
    later run that it may reuse it."""
    started = time.perf_counter()

    def log(line):
        print(f"  {line} ({time.perf_counter() - started:.0f} s)", flush=True)

    call_command("migrate", verbosity=0)
    log("migrated")
    summary = generate(scale)
    log(f"generated: {summary.incidents:,} incidents, {summary.obligations:,} obligations")
    generate_assets(assets)
    make_staff(users, prefix, password)
    with connection.cursor() as cursor:
        # The steady state after a bulk load (autovacuum's insert threshold): counts index-only.
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(
            sql.SQL("COMMENT ON DATABASE {} IS %s").format(sql.Identifier(connection.settings_dict["NAME"])),
            [marker],
        )
    connection.close()
    log(f"{assets:,} assets, {users} load users")


def make_staff(count, prefix, password):
    """``count`` plain 工作人员 with one known password (hashed once), spread over the departments
    that have incidents, so that every one has a list and a detail to open."""
    user_model = get_user_model()
    departments = list(
        Department.objects.filter(pk__in=Incident.objects.values("department_id")).order_by("pk")
    ) or list(Department.objects.order_by("pk"))
    hashed = make_password(password)
    now = timezone.now()
    user_model.objects.bulk_create(
        [
            user_model(
                username=f"{prefix}{n:03d}",
                first_name=f"压测{n:03d}",
                email=f"{prefix}{n:03d}@szmz.example",
                password=hashed,
                date_joined=now,
            )
            for n in range(1, count + 1)
        ]
    )
    users = list(user_model.objects.filter(username__startswith=prefix).order_by("username"))
    staff_group = Group.objects.get(name=STAFF.name).pk
    through = user_model.groups.through
    memberships = []
    for index, user in enumerate(users):
        memberships.append(through(user_id=user.pk, group_id=staff_group))
        memberships.append(through(user_id=user.pk, group_id=departments[index % len(departments)].group_id))
    through.objects.bulk_create(memberships)
    bulk_create_with_history(
        [StaffProfile(user=user, full_name=user.first_name, title="科员") for user in users],
        StaffProfile,
        default_change_reason="负载测试账号",
    )
