"""Incident screens, declared to the model registry (``core.registry``): the incident pages and
their handling actions (``incident``), and the reports to regulators with the access-checked
files (``reports``). Importing the package registers them all."""

from . import incident, reports

__all__ = ["incident", "reports"]
