"""Filing an incident. The incidents issue adds grading, the regulator reports and handling."""

from django.db import transaction

from szmz_security.org.access import grant


@transaction.atomic
def file_incident(incident):
    incident.save()
    # The reporter always keeps sight of their own report, restricted or not (need-to-know).
    grant("view", incident.reported_by, incident)
    return incident
