"""The bureau's roles as groups (szmz_security/org/roles.py) and the cost of the access rule."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission

from incidents.models import Incident
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import grant
from szmz_security.org.roles import ROLES, sync_roles, user_role_codes
from tests.factories import IncidentFactory, ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLE_NAMES = [
    "工作人员",
    "处室负责人",
    "安全员",
    "信息员",
    "局领导",
    "保密办",
    "检查员",
    "系统管理员",
    "安全管理员",
    "审计管理员",
]


def perms_of(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_the_role_groups_exist_after_migrations():
    assert set(ROLE_NAMES) <= set(Group.objects.values_list("name", flat=True))
    assert [role.name for role in ROLES] == ROLE_NAMES


@pytest.mark.parametrize(
    ("group_name", "has", "has_not"),
    [
        (
            "工作人员",
            {"incidents.add_incident"},
            {"incidents.view_incident", "incidents.change_incident", "org.manage_department_records"},
        ),
        (
            "处室负责人",
            {"org.manage_department_records", "incidents.add_incident"},
            {"incidents.view_incident", "incidents.change_incident"},
        ),
        (
            "安全员",
            {
                "incidents.view_incident",
                "incidents.change_incident",
                "incidents.delete_incident",
                "obligations.view_obligation",
                "obligations.change_obligation",
                "auditlog.view_auditevent",
            },
            {"auditlog.delete_auditevent", "auth.change_user", "org.change_department"},
        ),
        ("信息员", {"incidents.add_incident"}, {"incidents.view_incident", "incidents.change_incident"}),
        (
            "局领导",
            {"incidents.view_incident", "obligations.view_obligation"},
            {"incidents.change_incident", "incidents.delete_incident", "obligations.change_obligation"},
        ),
        (
            "保密办",
            {"incidents.view_incident", "incidents.change_incident", "obligations.change_obligation"},
            {"incidents.delete_incident", "auditlog.view_auditevent"},
        ),
        (
            "系统管理员",
            {"auth.change_user", "org.change_department"},
            {"incidents.view_incident", "auditlog.view_auditevent", "org.assign_roles", "auth.change_group"},
        ),
        (
            "检查员",
            {
                "incidents.view_incident",
                "obligations.view_obligation",
                "auditlog.view_auditevent",
                "org.view_department",
            },
            {"incidents.add_incident", "incidents.change_incident", "obligations.change_obligation"},
        ),
    ],
)
def test_role_permissions(group_name, has, has_not):
    perms = perms_of(group_name)
    assert has <= perms, has - perms
    assert not (has_not & perms), has_not & perms


def test_inspector_is_read_only_everywhere():
    perms = perms_of("检查员")
    assert perms
    assert all(perm.split(".", 1)[1].startswith("view_") for perm in perms), sorted(perms)


def test_no_role_holds_every_permission():
    assert all(len(perms_of(name)) < Permission.objects.count() for name in ROLE_NAMES)


def test_a_users_permissions_come_from_the_role(staff, officer, secrecy):
    assert staff.has_perm("incidents.add_incident")
    assert not staff.has_perm("incidents.view_incident")
    assert officer.has_perm("incidents.change_incident")
    assert secrecy.has_perm("incidents.view_incident")
    assert not secrecy.has_perm("incidents.delete_incident")
    assert user_role_codes(officer) == ["staff", "security_officer"]
    assert user_role_codes(staff) == ["staff"]


def test_sync_roles_is_idempotent_and_keeps_hand_granted_permissions():
    staff_group = Group.objects.get(name="工作人员")
    extra = Permission.objects.get(content_type__app_label="incidents", codename="view_incident")
    staff_group.permissions.add(extra)  # an administrator widened the role in the admin
    before = {name: perms_of(name) for name in ROLE_NAMES}

    sync_roles(Group, Permission)

    assert {name: perms_of(name) for name in ROLE_NAMES} == before
    assert "incidents.view_incident" in perms_of("工作人员")
    assert Group.objects.filter(name__in=ROLE_NAMES).count() == len(ROLE_NAMES)


def test_sync_roles_recreates_a_deleted_role():
    Group.objects.filter(name="检查员").delete()
    sync_roles(Group, Permission)
    assert "incidents.view_incident" in perms_of("检查员")


# --- the access rule is one SQL query -----------------------------------------------------------


@pytest.fixture
def scene(department, other_department, staff, head, outsider):
    """Records of every kind the rule has to sort: own, restricted, another department's, and
    records shared by a personal grant and by a group grant to another department."""
    own = IncidentFactory(department=department, title="本部门")
    restricted = IncidentFactory(department=department, title="泄密", secret_leak=True)
    foreign = IncidentFactory(department=other_department, title="外部门")
    shared_with_me = IncidentFactory(department=other_department, title="共享给个人")
    shared_with_department = IncidentFactory(department=other_department, title="共享给部门")
    grant("view", staff, shared_with_me)
    grant("view", department.group, shared_with_department)
    grant("change", staff, own)
    return {
        "own": own,
        "restricted": restricted,
        "foreign": foreign,
        "shared_with_me": shared_with_me,
        "shared_with_department": shared_with_department,
    }


@pytest.mark.parametrize(
    ("user_name", "action", "expected"),
    [
        ("staff", "view", {"own", "shared_with_me", "shared_with_department"}),
        ("staff", "change", {"own"}),  # only through the personal change grant
        ("head", "view", {"own", "shared_with_department"}),
        ("head", "change", {"own"}),  # 处室负责人: own unrestricted records
        ("outsider", "view", {"foreign", "shared_with_me", "shared_with_department"}),
        ("officer", "view", {"own", "restricted", "foreign", "shared_with_me", "shared_with_department"}),
        ("leader", "change", set()),
    ],
)
def test_visible_to_is_one_query(request, django_assert_num_queries, scene, user_name, action, expected):
    user = request.getfixturevalue(user_name)
    user.has_perm("incidents.view_incident")  # warm the user's permission cache
    list(Incident.objects.visible_to(user, action))  # and guardian's content-type cache

    with django_assert_num_queries(1):
        rows = list(Incident.objects.visible_to(user, action))

    assert {row.title for row in rows} == {scene[key].title for key in expected}


def test_visible_to_is_one_query_for_obligations(
    django_assert_num_queries, staff, department, other_department
):
    mine = ObligationFactory(department=department)
    ObligationFactory(department=department, restricted=True)
    ObligationFactory(department=other_department)
    staff.has_perm("obligations.view_obligation")
    list(Obligation.objects.visible_to(staff))

    with django_assert_num_queries(1):
        rows = list(Obligation.objects.visible_to(staff))

    assert rows == [mine]


def test_visible_to_refuses_anonymous_and_inactive_users(scene):
    assert not Incident.objects.visible_to(AnonymousUser()).exists()
    inactive = UserFactory(username="left", roles=["security_officer"])
    inactive.is_active = False
    inactive.save()
    assert not Incident.objects.visible_to(inactive).exists()


def test_visible_to_rejects_an_unknown_action(staff):
    with pytest.raises(ValueError):
        Incident.objects.visible_to(staff, "approve")
