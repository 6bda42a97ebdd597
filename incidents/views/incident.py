"""Incident screens: the report form, the list (with each open deadline's countdown) and the
detail page with its handling actions. Views stay thin: each action calls one service; a
service's ValidationError is shown next to the field it names (400), PermissionDenied is 403, an
incident outside the access rule 404.
"""

from django.db.models import Prefetch
from django.utils import timezone

from szmz_security.core.registry import register_model, register_model_view
from szmz_security.core.templatetags.portal import humanize_remaining
from szmz_security.core.views import (
    DetailFormsMixin,
    ObjectActionMixin,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)
from szmz_security.obligations.models import Obligation

from .. import services
from ..filters import IncidentFilterSet
from ..forms import (
    AttachmentForm,
    CorrectiveActionForm,
    GradeForm,
    IncidentForm,
    NoteForm,
    ReportContentForm,
    TransitionForm,
)
from ..models import Incident
from ..tables import IncidentTable

register_model(
    Incident,
    path="",
    table=IncidentTable,
    filterset=IncidentFilterSet,
    form=IncidentForm,
    title="安全事件",
    export_filename="incidents",
    actions=("list", "detail", "add", "edit", "delete", "history"),
)


def open_obligations_prefetch():
    """Each incident's open obligations, in one query for a whole page (the list's cell picks the
    nearest deadline: ``incident_tags.next_obligation``).

    Deliberately without ORDER BY: ordered by due date, SQLite (without ANALYZE statistics) walks
    the index obligation_state_due through every open obligation of the bureau (50,000 at scale
    1, ~100 ms a page) to save sorting a page's few rows, instead of looking the page's 25
    incidents up in obligation_subject (bench/bench_incidents.py)."""
    return Prefetch(
        "obligations",
        queryset=Obligation.objects.filter(state=Obligation.State.OPEN).order_by(),
        to_attr="open_obligations",
    )


# --- lists ----------------------------------------------------------------------------------------


@register_model_view(Incident, "list")
class IncidentListView(ObjectListView):
    model = Incident
    table_class = IncidentTable
    filterset_class = IncidentFilterSet
    template_name = "incidents/incident_list.html"
    title = "安全事件"
    export_filename = "incidents"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("department", "reported_by__profile")
            .prefetch_related(open_obligations_prefetch())
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The page offers its own “报告事件” button (a clerk reports; nobody “creates an incident”).
        context["report_url"], context["add_url"] = context["add_url"], None
        return context


@register_model_view(Incident, "mine", detail=False, url_name="my_incidents")
class MyIncidentListView(IncidentListView):
    """我的报告: what the user reported, wherever it has moved since."""

    title = "我的报告"
    export_filename = "my-incidents"

    def get_queryset(self):
        return super().get_queryset().filter(reported_by=self.request.user)


# --- filing and editing ---------------------------------------------------------------------------


def owed_reports_message(incident):
    """What the clerk is told after filing: which reports are now owed and by when."""
    owed = [
        obligation
        for obligation in services.obligations_of(incident).filter(state=Obligation.State.OPEN)
        if obligation.kind != services.CORRECTIVE_ACTION_KIND
    ]
    if not owed:
        return f"已报告事件“{incident}”。按目前填写的情况，暂无须向监管机构报送的报告；安全员将尽快受理。"
    now = timezone.now()
    parts = [
        f"{obligation.authority}（截止 {timezone.localtime(obligation.due_at):%Y-%m-%d %H:%M}，"
        f"{humanize_remaining((obligation.due_at - now).total_seconds())}）"
        for obligation in owed
    ]
    return f"已报告事件“{incident}”。须报送：" + "；".join(parts) + "。安全员将收到提醒并负责报送。"


@register_model_view(Incident, "add")
@register_model_view(Incident, "edit")
class IncidentEditView(ObjectEditView):
    model = Incident
    form_class = IncidentForm
    field_map = {"file": "evidence"}
    template_name = "incidents/incident_edit.html"

    def save_form(self, form):
        user = self.request.user
        files = form.cleaned_data.get("evidence") or []
        incident = form.save(commit=False)
        self.filed = incident.pk is None
        if self.filed:
            return services.report_incident(incident, by=user, evidence=files, stored=self.stored_files)
        return services.edit_incident(
            incident,
            by=user,
            changed_fields=form.changed_model_fields(),
            evidence=files,
            stored=self.stored_files,
        )

    def success_message(self, incident):
        return owed_reports_message(incident) if self.filed else f"已保存：{incident}"


@register_model_view(Incident, "delete")
class IncidentDeleteView(ObjectDeleteView):
    model = Incident

    def perform_delete(self, obj):
        services.delete_incident(obj, by=self.request.user)


# --- the detail page and its actions --------------------------------------------------------------


@register_model_view(Incident, "detail")
class IncidentView(DetailFormsMixin, ObjectView):
    model = Incident
    template_name = "incidents/incident.html"
    related = ("department", "reported_by__profile")

    def get_context_data(self, **kwargs):
        # The object was read through the access rule (get_object): no second visibility check.
        self.handler = self.content_visible and services.can_handle(
            self.request.user, self.object, visible=True
        )
        context = super().get_context_data(**kwargs)
        if self.content_visible:  # else the redacted page (need-to-know) shows no content
            context.update(self.detail_context(context))
        return context

    def default_forms(self):
        if not self.content_visible:
            return {}
        incident = self.object
        return {
            "grade_form": GradeForm(initial={"grade": incident.grade or incident.effective_grade}),
            "transition_form": TransitionForm(),
            "false_alarm_form": TransitionForm(initial={"to_state": Incident.State.FALSE_ALARM}),
            "close_form": TransitionForm(
                initial={
                    "to_state": Incident.State.CLOSED,
                    "root_cause": incident.root_cause or incident.cause,
                    "lessons_learned": incident.lessons_learned,
                }
            ),
            "action_form": CorrectiveActionForm() if self.handler else None,
            "note_form": NoteForm(),
            "attachment_form": AttachmentForm(),
            "content_form": ReportContentForm(instance=incident) if self.handler else None,
        }

    def detail_context(self, context):
        user = self.request.user
        incident = self.object
        obligations = list(
            services.obligations_of(incident).select_related(
                "met_by__profile", "waived_by__profile", "regulator_report"
            )
        )
        corrective_actions = list(incident.corrective_actions.select_related("owner__profile", "obligation"))
        # The deadlines this user may open link to their pages: the access rule, in one query.
        linked = [o.pk for o in obligations] + [a.obligation_id for a in corrective_actions]
        visible_obligations = set(
            Obligation.objects.visible_to(user, "view").filter(pk__in=linked).values_list("pk", flat=True)
        )
        transitions = services.TRANSITIONS.get(incident.state, ()) if self.handler else ()
        return {
            "can_handle": self.handler,
            "can_contribute": services.can_contribute(user, incident, handler=self.handler),
            # Only a mistaken filing that owes nothing can be deleted: hide a button that would refuse.
            "can_delete": context.get("can_delete") and services.is_deletable(incident),
            "visible_obligations": visible_obligations,
            "report_obligations": [o for o in obligations if o.kind != services.CORRECTIVE_ACTION_KIND],
            "corrective_actions": corrective_actions,
            "timeline": list(incident.timeline.select_related("user__profile")),
            "attachments": list(incident.attachments.select_related("uploaded_by__profile")),
            "simple_transitions": [
                Incident.State(state)
                for state in transitions
                if state not in (Incident.State.FALSE_ALARM, Incident.State.CLOSED)
            ],
            "can_close": Incident.State.CLOSED in transitions,
            "can_mark_false_alarm": Incident.State.FALSE_ALARM in transitions,
            "grade_floor_note": grade_floor_note(incident),
        }


def grade_floor_note(incident):
    floor = incident.minimum_grade
    if floor <= 1:
        return ""
    assessed = incident.grade or incident.suggested_grade or 1
    forced = "，已按此计算报告时限" if assessed < floor else ""
    return f"涉及个人信息 {incident.personal_info_count:,} 人，等级不低于“{floor.label}”{forced}。"


class HandlerActionMixin(ObjectActionMixin):
    """A handling action (core ``ObjectActionMixin``): open to whoever may see the incident's
    content, and among them to its handlers (``services.can_handle``)."""

    action = "view"
    denied_message = "只有安全员或获授权的处置人员可以执行此操作。"

    def allowed(self, user, incident):
        return services.can_handle(user, incident)


@register_model_view(Incident, "grade")
class IncidentGradeView(HandlerActionMixin, IncidentView):
    form_class = GradeForm
    form_name = "grade_form"

    def perform(self, form, incident):
        incident = services.set_grade(
            incident, form.cleaned_data["grade"], by=self.request.user, reason=form.cleaned_data["reason"]
        )
        return f"已定级为“{incident.get_grade_display()}”，报告义务已按新等级重新计算。"


@register_model_view(Incident, "transition")
class IncidentTransitionView(HandlerActionMixin, IncidentView):
    form_class = TransitionForm

    def form_name_for(self, form):
        to_state = form.data.get("to_state")
        if to_state == Incident.State.FALSE_ALARM:
            return "false_alarm_form"
        if to_state == Incident.State.CLOSED:
            return "close_form"
        return "transition_form"

    def perform(self, form, incident):
        data = form.cleaned_data
        to_state = Incident.State(data["to_state"])
        closing = to_state == Incident.State.CLOSED
        services.transition(
            incident,
            to_state,
            by=self.request.user,
            reason=data["reason"],
            root_cause=data["root_cause"] if closing else None,
            lessons_learned=data["lessons_learned"] if closing else None,
        )
        if to_state == Incident.State.FALSE_ALARM:
            return "已标记为误报；尚未完成的报告义务已标记为不再需要。"
        return f"状态已变更为“{to_state.label}”。"


@register_model_view(Incident, "corrective_action_add", path="actions/add", url_name="corrective_action_add")
class CorrectiveActionAddView(HandlerActionMixin, IncidentView):
    form_class = CorrectiveActionForm
    form_name = "action_form"

    def perform(self, form, incident):
        action = services.add_corrective_action(incident, by=self.request.user, **form.cleaned_data)
        return f"已添加整改措施：{action.description}（责任人将收到提醒）。"


@register_model_view(Incident, "report_content")
class ReportContentView(HandlerActionMixin, IncidentView):
    form_class = ReportContentForm
    form_name = "content_form"

    def get_form(self):
        return self.form_class(self.request.POST, instance=self.object)

    def perform(self, form, incident):
        services.update_incident(
            form.save(commit=False),
            by=self.request.user,
            changed_fields=form.changed_data,
            reason="更新报告内容",
        )
        return "已更新报告内容。"


@register_model_view(Incident, "note_add", path="notes/add", url_name="note_add")
class NoteAddView(HandlerActionMixin, IncidentView):
    form_class = NoteForm
    form_name = "note_form"

    def allowed(self, user, incident):
        return services.can_contribute(user, incident)

    def perform(self, form, incident):
        services.add_note(incident, text=form.cleaned_data["text"], by=self.request.user)
        return "已添加处置记录。"


@register_model_view(Incident, "attachment_add", path="attachments/add", url_name="attachment_add")
class AttachmentAddView(NoteAddView):
    form_class = AttachmentForm
    form_name = "attachment_form"
    field_map = {"file": "files"}

    def perform(self, form, incident):
        attachments = services.add_evidence(
            incident,
            form.cleaned_data["files"],
            by=self.request.user,
            stored=self.stored_files,
            description=form.cleaned_data["description"],
        )
        return "已上传：" + "、".join(attachment.original_name for attachment in attachments)
