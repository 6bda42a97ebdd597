"""What every app's models wrote again and again, declared once (no models here). A field built
here deconstructs exactly like the one written out, so moving a model to it needs no migration."""

from functools import lru_cache

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, reverse

_PK_MARKER = 987654321


@lru_cache(maxsize=512)
def _url_parts(script_prefix, viewname):
    prefix, suffix = reverse(viewname, args=[_PK_MARKER]).rsplit(str(_PK_MARKER), 1)
    return prefix, suffix


def detail_url(viewname, pk):
    """``reverse(viewname, args=[pk])`` for a route whose one argument is an integer key, resolved
    once per route: a list page links every row, and ``reverse`` per row was a tenth of its time."""
    prefix, suffix = _url_parts(get_script_prefix(), viewname)
    return f"{prefix}{int(pk)}{suffix}"


class DetailUrlMixin:
    """``get_absolute_url``: the record's detail page under its NetBox name (``audits:risk``), the
    one the registry generates for a declared model."""

    def get_absolute_url(self):
        return detail_url(f"{self._meta.app_label}:{self._meta.model_name}", self.pk)


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
