from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import bulk_update_with_history

from szmz_security.core.admin import ReadOnlyAdminMixin
from szmz_security.core.uploads import check_upload

from . import wordfilter
from .models import SensitiveWord, WordCategory, WordLevel, WordListVersion

IMPORT_MAX_BYTES = 20 * 1024 * 1024


class SensitiveWordForm(forms.ModelForm):
    class Meta:
        model = SensitiveWord
        fields = ("word", "category", "level", "active", "note")

    def clean_word(self):
        word = self.cleaned_data["word"].strip()
        normalized = wordfilter.normalize_word(word)
        if not normalized:
            raise forms.ValidationError("敏感词只含空白、标点或符号，规范化后为空，无法匹配。")
        clash = SensitiveWord.objects.filter(normalized=normalized).exclude(pk=self.instance.pk).first()
        if clash is not None:
            raise forms.ValidationError(
                f"词库中已有规范形式相同的敏感词“{clash.word}”（规范形式：{normalized}）。"
            )
        return word


class WordImportForm(forms.Form):
    file = forms.FileField(
        label="词表文件",
        help_text="文本文件（.txt，每行一个词，# 开头的行忽略）或 CSV（.csv，每行：敏感词,类别,级别[,备注]，可有表头）；"
        "UTF-8 或 GBK 编码。规范形式与词库已有词相同的词跳过。",
    )
    category = forms.ChoiceField(label="默认类别", choices=WordCategory.choices, initial=WordCategory.OTHER)
    level = forms.ChoiceField(label="默认级别", choices=WordLevel.choices, initial=WordLevel.BLOCK)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(f"文件过大：最多 {IMPORT_MAX_BYTES // 1024 // 1024} MB。")
        try:
            check_upload(upload, {".txt", ".csv"})
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return upload


class FilterTestForm(forms.Form):
    text = forms.CharField(
        label="测试文本", widget=forms.Textarea(attrs={"rows": 8, "cols": 80}), max_length=100_000
    )


@admin.register(SensitiveWord)
class SensitiveWordAdmin(SimpleHistoryAdmin):
    form = SensitiveWordForm
    list_display = ("word", "normalized", "category", "level", "active", "note", "created_at")
    list_filter = ("category", "level", "active")
    search_fields = ("word", "normalized", "note")
    readonly_fields = ("normalized", "created_at")
    fields = ("word", "normalized", "category", "level", "active", "note", "created_at")
    list_per_page = 100
    change_list_template = "admin/publishing/sensitiveword/change_list.html"
    actions = ("make_active", "make_inactive", "make_block", "make_review")

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="publishing_sensitiveword_import",
            ),
            path("test/", self.admin_site.admin_view(self.test_view), name="publishing_sensitiveword_test"),
        ]
        return urls + super().get_urls()

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "has_view_permission": self.has_view_permission(request),
            **extra,
        }

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        errors = []
        form = WordImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = wordfilter.import_words(
                    form.cleaned_data["file"],
                    category=form.cleaned_data["category"],
                    level=form.cleaned_data["level"],
                    user=request.user,
                )
            except wordfilter.WordImportError as error:
                errors = error.errors
            else:
                self.message_user(request, f"导入完成：{result.summary()}", messages.SUCCESS)
                if result.skipped:
                    shown = "；".join(
                        f"第 {line} 行“{text}”（已有“{existing}”）"
                        for line, text, existing in result.skipped[:20]
                    )
                    more = f" 等 {len(result.skipped)} 个" if len(result.skipped) > 20 else ""
                    self.message_user(request, f"跳过：{shown}{more}。", messages.WARNING)
                return redirect(reverse("admin:publishing_sensitiveword_changelist"))
        context = self._context(request, "导入敏感词", form=form, errors=errors, error_count=len(errors))
        return TemplateResponse(request, "admin/publishing/sensitiveword/import.html", context)

    def test_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = FilterTestForm(request.POST or None)
        hits = None
        highlighted = ""
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["text"]
            hits = wordfilter.check(text)
            highlighted = wordfilter.highlight(text, hits)
        context = self._context(
            request,
            "敏感词过滤测试",
            form=form,
            hits=hits,
            highlighted=highlighted,
            blocked=hits is not None and wordfilter.blocking(hits),
            review=hits is not None and wordfilter.needs_review(hits),
        )
        return TemplateResponse(request, "admin/publishing/sensitiveword/test.html", context)

    def delete_queryset(self, request, queryset):
        with wordfilter.batch_changes():  # one version bump, not one per word
            super().delete_queryset(request, queryset)

    def _bulk_set(self, request, queryset, **values):
        objects = list(queryset)
        for obj in objects:
            for name, value in values.items():
                setattr(obj, name, value)
        bulk_update_with_history(
            objects, SensitiveWord, list(values), batch_size=500, default_user=request.user
        )
        wordfilter.bump_version()  # bulk updates send no post_save
        self.message_user(request, f"已更新 {len(objects)} 个敏感词。", messages.SUCCESS)

    @admin.action(description="启用所选敏感词", permissions=["change"])
    def make_active(self, request, queryset):
        self._bulk_set(request, queryset, active=True)

    @admin.action(description="停用所选敏感词", permissions=["change"])
    def make_inactive(self, request, queryset):
        self._bulk_set(request, queryset, active=False)

    @admin.action(description="所选敏感词设为“拦截”", permissions=["change"])
    def make_block(self, request, queryset):
        self._bulk_set(request, queryset, level=WordLevel.BLOCK)

    @admin.action(description="所选敏感词设为“人工审核”", permissions=["change"])
    def make_review(self, request, queryset):
        self._bulk_set(request, queryset, level=WordLevel.REVIEW)


@admin.register(WordListVersion)
class WordListVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("version", "changed_at")
