import django_tables2 as tables
from django.utils.html import format_html

from szmz_security.core.tables import DateColumn
from szmz_security.org.access import REDACTED, content_readable
from szmz_security.org.models import display_name

from .models import ClassifiedPerson, SecrecyEducation

STATUS_BADGES = {
    "pending": "secondary",
    "on_post": "success",
    "declassifying": "warning",
    "released": "light",
}


def _link(record):
    return record.get_absolute_url()


class ClassifiedPersonTable(tables.Table):
    """Need-to-know: a restricted row whose content the user may not read shows only that it
    exists, its department, status and 脱密期 end (the model's public fields)."""

    name = tables.Column(verbose_name="涉密人员", accessor="pk", linkify=_link, orderable=False)
    post = tables.Column(verbose_name="涉密岗位")
    level = tables.Column(verbose_name="涉密等级")
    review_result = tables.Column(verbose_name="资格审查")
    commitment_signed_on = DateColumn(verbose_name="承诺书签订", format="Y-m-d")
    status = tables.Column(verbose_name="状态")
    declassification_ends_on = DateColumn(verbose_name="脱密期届满", format="Y-m-d")

    class Meta:
        model = ClassifiedPerson
        fields = (
            "name",
            "department",
            "post",
            "level",
            "review_result",
            "commitment_signed_on",
            "status",
            "declassification_ends_on",
        )

    def render_name(self, record):
        return self.value_name(record)

    def value_name(self, record):
        return str(record) if content_readable(record) else f"{REDACTED} #{record.pk}"

    def render_post(self, record, value):
        return self.value_post(record, value)

    def value_post(self, record, value):
        return value if content_readable(record) else REDACTED

    def render_level(self, record):
        return self.value_level(record)

    def value_level(self, record):
        return record.get_level_display() if content_readable(record) else REDACTED

    def render_review_result(self, record):
        return self.value_review_result(record)

    def value_review_result(self, record):
        if not content_readable(record):
            return REDACTED
        return record.get_review_result_display() or "未审查"

    def render_commitment_signed_on(self, record, value):
        return self.value_commitment_signed_on(record, value)

    def value_commitment_signed_on(self, record, value):
        if not content_readable(record):
            return REDACTED
        return f"{value:%Y-%m-%d}" if value else "—"

    def render_status(self, record):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>',
            STATUS_BADGES.get(record.status, "secondary"),
            record.get_status_display(),
        )

    def value_status(self, record):
        return record.get_status_display()


class SecrecyEducationTable(tables.Table):
    held_on = DateColumn(verbose_name="教育日期", format="Y-m-d", linkify=_link)
    attendee_count = tables.Column(verbose_name="参加人数", orderable=False, empty_values=())

    class Meta:
        model = SecrecyEducation
        fields = ("held_on", "topic", "organizer", "attendee_count", "department")

    def render_attendee_count(self, record):
        return getattr(record, "attendee_count", 0)


def people_names(users):
    return "、".join(display_name(u) for u in users) or "—"
