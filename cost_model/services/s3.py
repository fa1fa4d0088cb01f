"""Amazon S3: the load balancer's access logs bucket, its storage at its steady state (an assumed volume of logs a
month, kept as long as its lifecycle rule says). Requests (log deliveries) are not counted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cost_model.builder import Builder, literal_number
from cost_model.templates import properties, references
from cost_model.words import plain

FREE = frozenset({"AWS::S3::BucketPolicy"})


def bucket(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    """An access logs bucket's storage at its steady state: the assumed logs a month, kept as long as its
    lifecycle rule's expiry (or a year when it has none)."""
    logging_to = [r for r in b.resources.values()
                  if r.get("Type") == "AWS::ElasticLoadBalancingV2::LoadBalancer"
                  and any(attribute.get("Key") == "access_logs.s3.bucket"
                          and logical_id in references(attribute.get("Value"))
                          for attribute in properties(r).get("LoadBalancerAttributes") or [])]
    if not logging_to:
        b.notes.append(f"not priced: {name} (an S3 bucket: its storage depends on what you put in it)")
        return
    rules = ((properties(resource).get("LifecycleConfiguration") or {}).get("Rules")) or []
    days = next((int(literal_number(rule["ExpirationInDays"], f"{name}.ExpirationInDays")) for rule in rules
                 if rule.get("Status") == "Enabled" and "ExpirationInDays" in rule), None)
    kept = Decimal(days if days is not None else 365)
    monthly = b.assumptions.access_logs_gb_month
    stored = (monthly * kept / 30).quantize(Decimal("0.01"))
    b.line(name, f"access logs in S3 Standard: {plain(monthly)} GB written a month, assumed, kept "
                 f"{days if days is not None else 'a year (no expiry rule; assumed)'}"
                 f"{' days' if days is not None else ''}", stored, "GB", b.region.usd("s3_standard_gb_month"),
           "month", stopped=True, after_destroy=retained)


PRICED = {"AWS::S3::Bucket": bucket}
