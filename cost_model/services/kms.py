"""AWS KMS: a customer managed key's monthly fee; after destroy it is pending deletion for its PendingWindowInDays,
not billed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cost_model.builder import Builder, literal_number
from cost_model.templates import properties

# A KMS key's waiting period before deletion when the template does not say (ScheduleKeyDeletion's default).
KMS_DEFAULT_PENDING_DAYS = 30


def key(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    """A KMS customer managed key: a month's fee while it exists; not billed while pending deletion."""
    props = properties(resource)
    item = "KMS customer managed key"
    if props.get("EnableKeyRotation") is True:
        item += (" (rotated yearly: each of its first two rotations adds the same fee again, from its second "
                 "year; priced at its first year)")
    price = b.region.usd("kms_key_month")
    b.line(name, item, 1, "key", price, "month", stopped=True, after_destroy=retained)
    if not retained:
        days = int(literal_number(props.get("PendingWindowInDays", KMS_DEFAULT_PENDING_DAYS),
                                   f"{name}.PendingWindowInDays"))
        b.line(name, f"pending deletion for {days} days after cdk destroy (PendingWindowInDays), then deleted "
                     "by AWS KMS; not billed meanwhile (AWS KMS pricing: no charge for keys scheduled for "
                     "deletion)", 1, "key", Decimal(0), "month", running=False, after_destroy=True)


PRICED = {"AWS::KMS::Key": key}
