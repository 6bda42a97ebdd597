from celery import shared_task

from . import services


@shared_task(name="media_control.ensure_inventory_obligations")
def ensure_inventory_obligations():
    """Daily (idempotent): this year's media inventory (清点) and its obligation for every
    department holding media."""
    return [inventory.pk for inventory in services.ensure_inventory_obligations()]
