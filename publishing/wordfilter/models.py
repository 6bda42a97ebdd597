"""The sensitive-word list (10 §2): words with their category and level, and the list's version."""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class WordCategory(models.TextChoices):
    POLITICS = "politics", "政治"
    PORNOGRAPHY = "pornography", "色情"
    GAMBLING = "gambling", "赌博"
    CULT = "cult", "邪教"
    TERRORISM = "terrorism", "暴恐"
    ADVERTISING = "advertising", "广告"
    OTHER = "other", "其他"


class WordLevel(models.TextChoices):
    BLOCK = "block", "拦截"
    REVIEW = "review", "人工审核"


class SensitiveWord(models.Model):
    word = models.CharField("敏感词", max_length=100)
    # The word as the matcher sees it (width, case, traditional → simplified folded); unique.
    normalized = models.CharField("规范形式", max_length=100, unique=True, editable=False)
    category = models.CharField(
        "类别", max_length=20, choices=WordCategory.choices, default=WordCategory.OTHER
    )
    level = models.CharField("级别", max_length=10, choices=WordLevel.choices, default=WordLevel.BLOCK)
    active = models.BooleanField("启用", default=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("添加时间", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "敏感词"
        verbose_name_plural = "敏感词"
        ordering = ["category", "word"]
        indexes = [models.Index(fields=["active", "category"], name="word_active_category")]

    def __str__(self):
        return self.word


class WordListVersion(models.Model):
    """One row: bumped on every change to the word list, so each process rebuilds its automaton
    once per version (and the web, worker and API processes agree on which list they use)."""

    version = models.PositiveIntegerField("版本", default=0)
    changed_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "词库版本"
        verbose_name_plural = "词库版本"

    def __str__(self):
        return f"v{self.version}"


# --- the publication workflow (10 §1) -------------------------------------------------------------
