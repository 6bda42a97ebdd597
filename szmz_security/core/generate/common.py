"""What marks generated rows (usernames ``gen.…``, department codes ``G…``) and their history, and
the two steps every app's generator takes."""

from itertools import islice

from django.contrib.auth import get_user_model

USERNAME_PREFIX = "gen."
DEPARTMENT_CODE_PREFIX = "G"
CHANGE_REASON = "generate_data 生成的测试数据"


def members_by_department(departments):
    """Department pk → the ids of its members (one query), to pick owners for generated rows."""
    group_department = {d.group_id: d.pk for d in departments}
    members = {}
    through = get_user_model().groups.through.objects.filter(group__department__isnull=False)
    for group_id, user_id in through.values_list("group_id", "user_id"):
        members.setdefault(group_department.get(group_id), []).append(user_id)
    return members


def insert_in_chunks(model, rows, chunk):
    """Plain ``bulk_create`` of ``rows`` (any iterable), ``chunk`` at a time; how many were written."""
    rows = iter(rows)
    written = 0
    while batch := list(islice(rows, chunk)):
        model.objects.bulk_create(batch)
        written += len(batch)
    return written
