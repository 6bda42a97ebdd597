"""What every app's models wrote again and again, declared once (no models here). A field built
here deconstructs exactly like the one written out, so moving a model to it needs no migration."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class DetailUrlMixin:
    """``get_absolute_url``: the record's detail page under its NetBox name (``audits:risk``), the
    one the registry generates for a declared model."""

    def get_absolute_url(self):
        return reverse(f"{self._meta.app_label}:{self._meta.model_name}", args=[self.pk])


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
