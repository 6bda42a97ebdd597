"""The bureau's roles: global Django groups carrying global permissions (DESIGN.md §1).

Department-scoped rights are not model permissions (those would reach every department):
a department member sees the department's unrestricted records, and a member holding
``org.manage_department_records`` (处室负责人) may also change them. Everything else a role may do
bureau-wide is listed here as permission patterns ("app_label.codename", fnmatch wildcards).

Apps that land later add their models; ``sync_roles`` runs after every migrate, so a role's
patterns pick up the new permissions. It only adds: permissions an administrator granted by
hand in the admin are left alone. What each role ends up holding is the least-privilege table in
README.md ("Separation of duties"), rendered by ``manage.py roles_table`` and compared by a test.
"""

from dataclasses import dataclass
from fnmatch import fnmatchcase

from django.apps import apps
from django.contrib.auth.models import Group, Permission

DOMAIN_APPS = ("incidents", "assets", "media_control", "audits", "publishing", "secrecy")


@dataclass(frozen=True)
class Role:
    code: str
    name: str
    description: str
    permissions: tuple[str, ...] = ()
    admin_site: bool = False  # may open the Django admin (is_staff) when seeded
    # 等保 L3 identity authentication: privileged roles sign in with a second factor (TOTP, #13).
    requires_second_factor: bool = False


STAFF = Role(
    "staff",
    "工作人员",
    "报告安全事件、申请介质借用、提交信息发布；查看本部门记录。",
    ("incidents.add_incident", "publishing.add_publication", "media_control.add_checkout"),
)
DEPARTMENT_HEAD = Role(
    "department_head",
    "处室负责人",
    "审批本部门的申请，管理本部门的记录。",
    (
        "org.manage_department_records",
        "incidents.add_incident",
        "publishing.add_publication",
        "media_control.add_medium",
        "media_control.add_checkout",
        "media_control.add_repairrequest",
        "media_control.add_destructionrequest",
    ),
)
SECURITY_OFFICER = Role(
    "security_officer",
    "安全员",
    "信息中心安全员：资产与IP/MAC台账、月度核查、季度风险评估、安全事件处置与24小时报告。",
    (
        "incidents.*",
        "assets.*",
        "media_control.*",
        "audits.*",
        "obligations.view_obligation",
        "obligations.change_obligation",
        "auditlog.view_auditevent",
        "auditlog.view_auditpurge",
        "compliance.*",
        "org.read_restricted_content",
    ),
    requires_second_factor=True,
)
INFORMATION_OFFICER = Role(
    "information_officer",
    "信息员",
    "审核对外发布的信息，维护敏感词库。",
    (
        "publishing.add_*",
        "publishing.change_*",
        "publishing.delete_*",
        "publishing.view_*",
        "publishing.review_publication",
        "publishing.publish_publication",
        "publishing.override_filter",
        "incidents.add_incident",
    ),
)
LEADERSHIP = Role(
    "leadership",
    "局领导",
    "审定重大发布，接收逾期升级通知；可查看全局记录。",
    tuple(f"{app}.view_*" for app in DOMAIN_APPS)
    + ("obligations.view_obligation", "publishing.approve_*", "compliance.view_*")
    + ("audits.approve_emergencyplan",),
    requires_second_factor=True,
)
SECRECY_OFFICE = Role(
    "secrecy_office",
    "保密办",
    "处理泄密事件与涉密介质；管理涉密人员、保密教育和档案保密定级。",
    (
        "incidents.view_incident",
        "incidents.change_incident",
        "incidents.handle_incident",
        "incidents.view_*",
        "media_control.*",
        "secrecy.*",
        "obligations.view_obligation",
        "obligations.change_obligation",
        "org.read_restricted_content",
        "org.share_restricted_records",
        # secrecy: personnel and archives (涉密人员、保密教育、档案保密定级)
        # (no delete: a roster entry ends by 脱密, a grade by re-grading; history is kept)
        "secrecy.add_classifiedperson",
        "secrecy.change_classifiedperson",
        "secrecy.view_classifiedperson",
        "secrecy.add_secrecyeducation",
        "secrecy.change_secrecyeducation",
        "secrecy.view_secrecyeducation",
        "secrecy.add_archiveseries",
        "secrecy.change_archiveseries",
        "secrecy.view_archiveseries",
        "secrecy.view_archivegradechange",
    ),
    requires_second_factor=True,
)
# 三员分立 (issue #21, GB/T 22239-2019 L3 安全管理中心): three administrators, least privilege
# each. None reads business records; none assigns its own roles (org/roles_admin.py refuses it).
SYSTEM_ADMINISTRATOR = Role(
    "system_administrator",
    "系统管理员",
    "部门、账户（新建、停用、重置密码或第二因素）、系统参数与定时任务；不看业务内容，不分配角色，不看审计日志。",
    (
        "org.add_department",
        "org.change_department",
        "org.view_department",
        "org.add_staffprofile",
        "org.change_staffprofile",
        "org.view_staffprofile",
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        "accounts.reset_second_factor",
        "django_celery_beat.*",
    ),
    admin_site=True,
    requires_second_factor=True,
)
SECURITY_ADMINISTRATOR = Role(
    "security_administrator",
    "安全管理员",
    "角色分配、任何记录的授权（共享页）、知悉范围、密码与第二因素策略、敏感词库；"
    "受限记录的内容须像他人一样获得授权，不能修改自己的角色。",
    (
        "org.assign_roles",
        "org.share_any_record",
        "org.mark_need_to_know",
        "org.view_department",
        "org.view_staffprofile",
        "auth.view_user",
        "publishing.add_sensitiveword",
        "publishing.change_sensitiveword",
        "publishing.delete_sensitiveword",
        "publishing.view_sensitiveword",
        "publishing.view_wordlistversion",
    ),
    admin_site=True,
    requires_second_factor=True,
)
AUDIT_ADMINISTRATOR = Role(
    "audit_administrator",
    "审计管理员",
    "查阅、检索、导出审计日志与日志链校验结果；别无其他权限。",
    ("auditlog.view_*",),
    admin_site=True,
    requires_second_factor=True,
)
ADMINISTRATOR_ROLES = (SYSTEM_ADMINISTRATOR, SECURITY_ADMINISTRATOR, AUDIT_ADMINISTRATOR)
INSPECTOR = Role(
    "inspector",
    "检查员",
    "检查与审计：全局只读，打印合规报告。",
    tuple(f"{app}.view_*" for app in DOMAIN_APPS)
    + (
        "org.view_*",
        "obligations.view_*",
        "auditlog.view_*",
        "compliance.view_*",
    ),
    requires_second_factor=True,
)

ROLES = (
    STAFF,
    DEPARTMENT_HEAD,
    SECURITY_OFFICER,
    INFORMATION_OFFICER,
    LEADERSHIP,
    SECRECY_OFFICE,
    INSPECTOR,
    SYSTEM_ADMINISTRATOR,
    SECURITY_ADMINISTRATOR,
    AUDIT_ADMINISTRATOR,
)
# Roles that must sign in with a second factor, by code.
SECOND_FACTOR_ROLE_CODES = frozenset(role.code for role in ROLES if role.requires_second_factor)
ROLES_BY_CODE = {role.code: role for role in ROLES}
ROLE_NAMES = {role.name for role in ROLES}


def role_group_name(code):
    return ROLES_BY_CODE[code].name


def permission_matches(role, app_label, codename):
    full = f"{app_label}.{codename}"
    return any(fnmatchcase(full, pattern) for pattern in role.permissions)


def sync_roles(group_model, permission_model):
    """Create the role groups and add every permission their patterns match (idempotent)."""
    permissions = list(permission_model.objects.select_related("content_type"))
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role.name)
        wanted = [p.pk for p in permissions if permission_matches(role, p.content_type.app_label, p.codename)]
        if wanted:
            group.permissions.add(*wanted)


def sync_roles_after_migrate(sender, using="default", **kwargs):

    # post_migrate fires once per app, and each app's permissions are created by its own
    # signal: sync once, after the last app, when every permission exists.
    if sender.label != list(apps.get_app_configs())[-1].label:
        return
    sync_roles(Group, Permission)


def user_role_codes(user):
    """Codes of the roles a user holds (from the groups already loaded, or one query)."""
    names = {group.name for group in user.groups.all()} if user.is_authenticated else set()
    return [role.code for role in ROLES if role.name in names]


def requires_second_factor(user):
    """Whether the user must sign in with a second factor: a privileged role, or a superuser."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(code in SECOND_FACTOR_ROLE_CODES for code in user_role_codes(user))
