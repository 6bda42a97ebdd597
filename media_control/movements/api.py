"""The check-outs of a medium in the API (/api/media/{id}/checkouts/, served by the ledger's
``MediumViewSet``)."""

from rest_framework import serializers

from szmz_security.core.api import ModelSerializer

from .models import Checkout


class CheckoutSerializer(ModelSerializer):
    requester = serializers.PrimaryKeyRelatedField(read_only=True)
    # Blank until the medium comes back; DRF drops allow_blank from a read-only field, so the
    # schema would otherwise promise one of the three conditions.
    condition = serializers.ChoiceField(choices=Checkout.Condition.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Checkout
        fields = [
            "id",
            "medium",
            "requester",
            "purpose",
            "zone",
            "expected_return_at",
            "state",
            "created_at",
            "head_approved_by",
            "head_approved_at",
            "secrecy_approved_by",
            "secrecy_approved_at",
            "handed_out_at",
            "returned_at",
            "condition",
            "obligation",
        ]
        read_only_fields = [name for name in fields if name not in ("purpose", "zone", "expected_return_at")]
