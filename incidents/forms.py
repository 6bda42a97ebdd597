from django import forms
from django.utils import timezone

from szmz_security.core.forms import BootstrapFormMixin
from szmz_security.org.access import creatable_departments
from szmz_security.org.models import Department

from .models import Incident


class IncidentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Incident
        fields = ["title", "department", "discovered_at", "secret_leak", "description"]
        widgets = {
            "discovered_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "secret_leak": "涉及泄密的事件仅报告人、保密办和安全员可见，并须在24小时内报告保密机关。"
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        allowed = creatable_departments(user, Incident)
        if self.instance.pk:
            allowed = allowed | Department.objects.filter(pk=self.instance.department_id)
        self.fields["department"].queryset = allowed.distinct()
        if not self.instance.pk:
            self.fields["department"].initial = Department.objects.of_user(user).first()
            self.fields["discovered_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    def clean_discovered_at(self):
        value = self.cleaned_data["discovered_at"]
        recorded = self.instance.discovered_at if self.instance.pk else None
        # The input shows minutes only: an unchanged minute keeps the recorded seconds, so an edit of
        # another field neither alters the time nor lists it as a change in the history.
        if recorded is not None and value == recorded.replace(second=0, microsecond=0):
            return recorded
        if value > timezone.now():
            raise forms.ValidationError("发现时间不能晚于当前时间。")
        return value

    def save(self, commit=True):
        if not self.instance.pk:
            self.instance.reported_by = self.user
        return super().save(commit)
