"""Load the bureau's departments, one demo user per role and department, and a few records.

Idempotent: running it twice changes nothing. Refused in production settings.
"""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from incidents.categories import Category, Grade
from incidents.models import Incident
from incidents.services import file_incident
from publishing.accounts.models import Platform, PublicAccount
from publishing.accounts.services import ensure_reviews as ensure_account_reviews
from publishing.accounts.services import save_account
from publishing.board.services import submit_message
from publishing.models import Channel, Publication
from publishing.publications.services import approve, create_publication, submit
from publishing.wordfilter import add_words
from szmz_security.accounts.services import demo_totp_device
from szmz_security.obligations.services import create_obligation, meet
from szmz_security.org.demo import DEMO_PASSWORD, DEMO_USERS, DEPARTMENTS
from szmz_security.org.models import Department, StaffProfile
from szmz_security.org.roles import ROLES, ROLES_BY_CODE


class Command(BaseCommand):
    help = "加载演示数据（部门、各角色演示账号、少量记录）；可重复运行。Load idempotent demo data."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "生产环境不允许加载演示数据（DEBUG=False）。Demo data is refused in production settings."
            )
        with transaction.atomic():
            departments = self.seed_departments()
            users = self.seed_users(departments)
            self.seed_records(departments, users)
            self.seed_publishing(departments, users)
            # Each domain app adds a few records of its own (``<app>/demo.py``, idempotent).
            for app_label in ("assets", "media_control", "audits", "secrecy"):
                import_module(f"{app_label}.demo").seed(departments, users)
        self.print_logins()

    def seed_departments(self):
        departments = {}
        for order, (code, name, kind, parent) in enumerate(DEPARTMENTS):
            department, _ = Department.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "kind": kind,
                    "sort_order": order * 10,
                    "parent": departments.get(parent),
                },
            )
            departments[code] = department
        return departments

    def seed_users(self, departments):
        user_model = get_user_model()
        users = {}
        for username, full_name, title, roles, department_codes in DEMO_USERS:
            user, created = user_model.objects.get_or_create(
                username=username, defaults={"email": f"{username}@szmz.example", "first_name": full_name}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = any(ROLES_BY_CODE[code].admin_site for code in roles)
                user.save()
            StaffProfile.objects.get_or_create(user=user, defaults={"full_name": full_name, "title": title})
            user.groups.add(*Group.objects.filter(name__in=[ROLES_BY_CODE[code].name for code in roles]))
            user.groups.add(*[departments[code].group for code in department_codes])
            if any(ROLES_BY_CODE[code].requires_second_factor for code in roles):
                demo_totp_device(user)
            users[username] = user
        return users

    def seed_records(self, departments, users):
        if Incident.objects.exists():
            return
        now = timezone.now()
        # Filed 20 hours after discovery: the 24-hour report to the police is due in 4 hours.
        file_incident(
            Incident(
                title="救助系统终端感染勒索病毒",
                department=departments["SHJZ"],
                reported_by=users["staff.shjz"],
                discovered_at=now - timedelta(hours=20),
                place="社会救助处 3楼 302 室",
                category=Category.MALWARE,
                subcategory="malware.ransomware",
                crime_suspected=True,
                network_disconnected=True,
                disconnected_at=now - timedelta(hours=19, minutes=50),
                disconnected_by="陈安",
                affected_assets="SZMZ-PC-0302（办公电脑）",
                suggested_grade=Grade.GENERAL,
                description="社会救助处一台办公电脑弹出勒索提示，文件被加密，已拔除网线并保留现场。",
            )
        )
        # A leak discovered 26 hours ago: its report to the secrecy bureau is already overdue.
        file_incident(
            Incident(
                title="涉密文件误发至互联网邮箱",
                department=departments["YLFW"],
                reported_by=users["staff.ylfw"],
                discovered_at=now - timedelta(hours=26),
                secret_leak=True,
                category=Category.INFORMATION_DAMAGE,
                subcategory="damage.leak",
                description="一份内部文件被误发至外部邮箱，已联系收件人删除。",
            )
        )
        file_incident(
            Incident(
                title="养老服务处打印机故障",
                department=departments["YLFW"],
                reported_by=users["staff.ylfw"],
                discovered_at=now - timedelta(days=3),
                category=Category.FACILITY_FAULT,
                subcategory="fault.hardware_software",
                description="网络打印机无法连接，已报修。",
            )
        )
        done = create_obligation(
            title="机房灭火器月度检查",
            kind="machine_room.fire_check",
            clause="市民政局制度 第五章第7条",
            department=departments["XXZX"],
            due_at=now - timedelta(days=2),
            created_at=now - timedelta(days=30),
        )
        meet(done, by=users["officer"], evidence="已检查 6 具灭火器，压力正常。", at=now - timedelta(days=3))
        create_obligation(
            title="11月 IP/MAC 地址月度核查",
            kind="assets.reconciliation",
            clause="市民政局制度 第七章第1条",
            department=departments["XXZX"],
            due_at=now + timedelta(days=5),
            created_at=now - timedelta(days=20),
        )

    def seed_publishing(self, departments, users):
        if Publication.objects.exists():
            return
        # A few illustrative entries; a bureau imports its real lists (admin → 敏感词 → 导入词表).
        add_words(
            [
                {"word": "网络赌博", "category": "gambling", "level": "block"},
                {"word": "博彩平台", "category": "gambling", "level": "block"},
                {"word": "代开发票", "category": "advertising", "level": "block"},
                {"word": "办证刻章", "category": "advertising", "level": "block"},
                {"word": "加盟代理", "category": "advertising", "level": "review"},
                {"word": "色情服务", "category": "pornography", "level": "block"},
            ],
            user=users["info"],
        )
        notice = create_publication(
            Publication(
                title="关于开展2026年养老服务机构安全检查的通知",
                department=departments["YLFW"],
                author=users["staff.ylfw"],
                channel=Channel.PORTAL,
                body="各区民政局：为做好养老服务机构安全管理工作，现将有关事项通知如下……",
            ),
            by=users["staff.ylfw"],
        )
        submit(notice, by=users["staff.ylfw"], comment="请审批")
        approve(notice, by=users["head.ylfw"], comment="同意，请信息员审核")
        # The bureau's WeChat account (公众账号), operated by the information centre.
        wechat = save_account(
            PublicAccount(
                department=departments["XXZX"],
                platform=Platform.WECHAT,
                name="深圳民政",
                account_id="szmzj_wx",
                registered_entity="深圳市民政局",
                registered_on=timezone.localdate().replace(year=2018, month=3, day=1),
                certification_no="政务认证（演示）",
                content_officer=users["info"],
            ),
            by=users["info"],
            reason="演示数据",
        )
        ensure_account_reviews()
        create_publication(
            Publication(
                title="社会救助政策问答（草稿）",
                department=departments["SHJZ"],
                author=users["staff.shjz"],
                channel=Channel.WECHAT,
                account=wechat,
                body="问：最低生活保障如何申请？答：……",
            ),
            by=users["staff.shjz"],
        )
        submit_message(name="市民张先生", contact="138****0000", text="请问临时救助的申请材料有哪些？")
        submit_message(
            name="匿名", contact="", text="低价代开发票，联系微信……"
        )  # held by the filter, kept in the archive

    def print_logins(self):
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / demo data ready."))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）/ demo logins (password {DEMO_PASSWORD}):")
        for username, full_name, _title, roles, _department_codes in DEMO_USERS:
            if username.startswith(("head.", "staff.")) and not username.endswith((".shjz", ".ylfw")):
                continue
            role_names = "、".join(ROLES_BY_CODE[code].name for code in roles)
            self.stdout.write(f"  {username:<12} {full_name:<10} {role_names}")
        self.stdout.write(
            "  head.<部门代码> / staff.<部门代码>：每个部门的负责人与职员，如 head.xxzx、staff.bgs"
        )
        privileged = "、".join(role.name for role in ROLES if role.requires_second_factor)
        self.stdout.write(
            f"{privileged}须输入动态口令 / these roles need a TOTP code:\n"
            "  身份验证器密钥 / authenticator key: KNNE2WRNMRSW23ZNKRHVIUBNGIYDENRB\n"
            "  或运行 / or run: python manage.py demo_totp <用户名>"
        )
