"""The reporting rules the portal ships with (admin → 报告规则 edits them afterwards).

Seeded by migration 0003 and ensured after every migrate or flush, so that a fresh or flushed
database always knows what an incident owes; existing rows (possibly edited) are left alone.
"""

from django.apps import apps

from .models import ReportingRule

RULES = [
    {
        "code": "police",
        "name": "向公安机关报告",
        "authority": "公安机关",
        "clause": "市民政局制度 第三章第4条",
        "on_categories": ["attack", "content"],
        "on_crime_suspected": True,
        "deadline_hours": 24,
        "notify_roles": ["security_officer"],
        "escalate_roles": ["leadership"],
        "sort_order": 10,
    },
    {
        "code": "secrecy",
        "name": "向保密机关报告",
        "authority": "保密机关",
        "clause": "市民政局制度 第三章第5条；保守国家秘密法",
        "on_secret_leak": True,
        "deadline_hours": 24,
        "notify_roles": ["security_officer", "secrecy_office"],
        "escalate_roles": ["leadership"],
        "sort_order": 20,
    },
    {
        "code": "cac_initial",
        "name": "向省网信办报告",
        "authority": "省网信办",
        "clause": "国家网络安全事件报告管理办法（较大及以上事件4小时内，关键信息基础设施1小时内）",
        "min_grade": 2,
        "deadline_hours": 4,
        "deadline_hours_cii": 1,
        "notify_roles": ["security_officer"],
        "escalate_roles": ["leadership"],
        "sort_order": 30,
    },
    {
        "code": "cac_summary",
        "name": "向省网信办提交总结报告",
        "authority": "省网信办",
        "clause": "国家网络安全事件报告管理办法（处置结束后30日内总结报告）",
        "min_grade": 2,
        "anchor": "handling_ended",
        "deadline_hours": 30 * 24,
        "notify_roles": ["security_officer"],
        "escalate_roles": ["leadership"],
        "sort_order": 40,
    },
    {
        "code": "pipl",
        "name": "向个人信息保护监管部门及受影响个人通知",
        "authority": "个人信息保护监管部门及受影响个人",
        "clause": "个人信息保护法 第五十七条（内部时限，可调整）",
        "on_personal_info": True,
        "deadline_hours": 24,
        "notify_roles": ["security_officer"],
        "escalate_roles": ["leadership"],
        "sort_order": 50,
    },
]


def ensure_reporting_rules(rule_model):
    for rule in RULES:
        rule_model.objects.get_or_create(
            code=rule["code"], defaults={k: v for k, v in rule.items() if k != "code"}
        )


def ensure_after_migrate(sender, **kwargs):
    if sender.label == "incidents" and apps.is_installed("incidents"):
        ensure_reporting_rules(ReportingRule)
