"""AWS KMS: a customer managed key's monthly fee and its requests (an assumed number a month, ``--kms-requests``,
within the account's free 20,000); after destroy it is pending deletion for its PendingWindowInDays, not billed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cost_model.builder import Builder, literal_number
from cost_model.templates import properties
from cost_model.words import counted, unit_price

REQUESTS = "kms.requests"  # the builder's state: the requests counted on the keys priced so far

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
    requests(b, name, retained)
    if not retained:
        days = int(literal_number(props.get("PendingWindowInDays", KMS_DEFAULT_PENDING_DAYS),
                                   f"{name}.PendingWindowInDays"))
        b.line(name, f"pending deletion for {days} days after cdk destroy (PendingWindowInDays), then deleted "
                     "by AWS KMS; not billed meanwhile (AWS KMS pricing: no charge for keys scheduled for "
                     "deletion)", 1, "key", Decimal(0), "month", running=False, after_destroy=True)


def requests(b: Builder, name: str, retained: bool) -> None:
    """A key's requests, an assumed number a month: AWS KMS pricing charges 0.03 USD per 10,000 requests beyond a free
    tier of 20,000 a month "calculated across all regions", so the allowance is the account's, shared by every key:
    the keys priced first use it up first, and only what is beyond it is billed."""
    assumed = b.assumptions.kms_requests_month
    free = b.region.free_per_month("kms_request")
    price = b.region.usd("kms_request")
    before = b.state.get(REQUESTS, Decimal(0))
    b.state[REQUESTS] = before + assumed
    billed = max(Decimal(0), before + assumed - max(free, before))
    shared = f" (with this template's other keys: {counted(before + assumed)})" if before else ""
    b.line(name, f"KMS requests: {counted(assumed)} a month, assumed{shared}; the first {counted(free)} a month of "
                 f"the account are free (then {unit_price(price * 10_000)} per 10,000)",
           billed, "request", price, "month", stopped=True, after_destroy=retained)


PRICED = {"AWS::KMS::Key": key}
