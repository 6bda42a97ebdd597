"""The per-object grants of a protected model (DESIGN.md §1, pitfall 4): guardian's direct
foreign-key permission models, declared in one line beside the model::

    MediumUserObjectPermission, MediumGroupObjectPermission = object_permission_models(Medium)

The classes are named and shaped as if written out by hand, so their tables and migrations are
the same."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


def object_permission_models(model):
    """The user and the group permission model of ``model``, in its module (and app)."""

    def declare(kind, base):
        name = f"{model.__name__}{kind}ObjectPermission"
        attrs = {
            "__module__": model.__module__,
            "__qualname__": name,
            "content_object": models.ForeignKey(model, on_delete=models.CASCADE),
        }
        return type(name, (base,), attrs)

    return declare("User", UserObjectPermissionBase), declare("Group", GroupObjectPermissionBase)
