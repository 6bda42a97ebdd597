from celery import shared_task

from .inventory.services import ensure_inventory_obligations as ensure_inventories


@shared_task(name="media_control.ensure_inventory_obligations")
def ensure_inventory_obligations():
    """Daily (idempotent): this year's media inventory (清点) and its obligation for every
    department holding media."""
    return [inventory.pk for inventory in ensure_inventories()]
