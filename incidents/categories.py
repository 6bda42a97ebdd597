"""Event types and grades of the national plan (国家网络安全事件应急预案, 2017; GB/Z 20986).

Kept in code: they are the national classification, not bureau configuration. The reporting
rules that hang off them are data (``ReportingRule``), editable by administrators.
"""

from django.db import models


class Category(models.TextChoices):
    MALWARE = "malware", "有害程序事件"
    ATTACK = "attack", "网络攻击事件"
    INFORMATION_DAMAGE = "information_damage", "信息破坏事件"
    CONTENT = "content", "信息内容安全事件"
    FACILITY_FAULT = "facility_fault", "设备设施故障"
    DISASTER = "disaster", "灾害性事件"
    OTHER = "other", "其他事件"


SUBCATEGORIES = {
    Category.MALWARE: [
        ("malware.virus", "计算机病毒事件"),
        ("malware.worm", "蠕虫事件"),
        ("malware.trojan", "特洛伊木马事件"),
        ("malware.botnet", "僵尸网络事件"),
        ("malware.ransomware", "勒索软件事件"),
        ("malware.hybrid", "混合攻击程序事件"),
        ("malware.web_embedded", "网页内嵌恶意代码事件"),
        ("malware.other", "其他有害程序事件"),
    ],
    Category.ATTACK: [
        ("attack.dos", "拒绝服务攻击事件"),
        ("attack.backdoor", "后门攻击事件"),
        ("attack.vulnerability", "漏洞攻击事件"),
        ("attack.intrusion", "网络入侵事件"),
        ("attack.scan", "网络扫描窃听事件"),
        ("attack.phishing", "网络钓鱼事件"),
        ("attack.interference", "干扰事件"),
        ("attack.other", "其他网络攻击事件"),
    ],
    Category.INFORMATION_DAMAGE: [
        ("damage.tampering", "信息篡改事件"),
        ("damage.counterfeit", "信息假冒事件"),
        ("damage.leak", "信息泄露事件"),
        ("damage.theft", "信息窃取事件"),
        ("damage.loss", "信息丢失事件"),
        ("damage.other", "其他信息破坏事件"),
    ],
    Category.CONTENT: [
        ("content.illegal", "违反法律法规的有害信息"),
        ("content.public_opinion", "网上敏感舆情热点"),
        ("content.incitement", "煽动串联集会游行"),
        ("content.other", "其他信息内容安全事件"),
    ],
    Category.FACILITY_FAULT: [
        ("fault.hardware_software", "软硬件自身故障"),
        ("fault.supporting", "外围保障设施故障"),
        ("fault.sabotage", "人为破坏事故"),
        ("fault.other", "其他设备设施故障"),
    ],
    Category.DISASTER: [
        ("disaster.natural", "自然灾害"),
        ("disaster.other", "其他灾害性事件"),
    ],
    Category.OTHER: [("other.other", "其他事件")],
}

# Grouped by type, as Django renders <optgroup>s.
SUBCATEGORY_CHOICES = [(category.label, choices) for category, choices in SUBCATEGORIES.items()]
SUBCATEGORY_LABELS = {code: label for choices in SUBCATEGORIES.values() for code, label in choices}


def category_of(subcategory):
    for category, choices in SUBCATEGORIES.items():
        if any(code == subcategory for code, _ in choices):
            return category
    return None


class Grade(models.IntegerChoices):
    """Ordered, so "较大 or above" is ``grade >= Grade.LARGER``."""

    GENERAL = 1, "一般"
    LARGER = 2, "较大"
    MAJOR = 3, "重大"
    EXTRAORDINARY = 4, "特别重大"


GRADE_COLOURS = {
    Grade.GENERAL: "primary",
    Grade.LARGER: "warning",
    Grade.MAJOR: "orange",
    Grade.EXTRAORDINARY: "danger",
}

# 国家网络安全事件报告管理办法 (2025): people whose personal information is involved → minimum grade.
PERSONAL_INFO_GRADE_THRESHOLDS = (
    (100_000_000, Grade.EXTRAORDINARY),
    (10_000_000, Grade.MAJOR),
    (1_000_000, Grade.LARGER),
)


def minimum_grade_for(personal_info_count):
    for threshold, grade in PERSONAL_INFO_GRADE_THRESHOLDS:
        if (personal_info_count or 0) >= threshold:
            return grade
    return Grade.GENERAL
