from szmz_security.core.views import (
    ObjectDeleteView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectView,
)

from . import services
from .filters import IncidentFilterSet
from .forms import IncidentForm
from .models import Incident
from .tables import IncidentTable


class IncidentListView(ObjectListView):
    model = Incident
    table_class = IncidentTable
    filterset_class = IncidentFilterSet
    title = "安全事件"

    def get_queryset(self):
        return super().get_queryset().select_related("department", "reported_by__profile")


class IncidentView(ObjectView):
    model = Incident
    template_name = "incidents/incident.html"

    def get_queryset(self):
        return super().get_queryset().select_related("department", "reported_by__profile")


class IncidentEditView(ObjectEditView):
    model = Incident
    form_class = IncidentForm

    def save_form(self, form):
        if form.instance.pk is None:
            return services.file_incident(form.save(commit=False))
        return form.save()


class IncidentDeleteView(ObjectDeleteView):
    model = Incident


class IncidentHistoryView(ObjectHistoryView):
    model = Incident
