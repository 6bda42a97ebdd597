"""The two model links every app writes again and again, declared once. A field built here
deconstructs exactly like the one written out, so moving a model to them needs no migration."""

from django.conf import settings
from django.db import models


def user_field(verbose_name, *, null=False, on_delete=models.PROTECT, related_name="+", **options):
    """The user a record names (who reported, approved, signed): kept while the record exists
    (PROTECT), no reverse accessor on the user; ``null=True`` for a step not taken yet."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=null,
        blank=null,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


def optional_link(
    to, verbose_name, *, on_delete=models.PROTECT, related_name="+", one_to_one=False, **options
):
    """A link a record may lack: NULL in the table, blank in its forms."""
    field = models.OneToOneField if one_to_one else models.ForeignKey
    return field(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )
