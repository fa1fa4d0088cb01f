"""AWS KMS in the audit: keys with the tag; pending deletion is what ``cdk destroy`` leaves (fine, not billed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from cost_model.prices import RegionPrices
from tools.audit.common import NOT_OURS, belongs, error_code, price
from tools.audit.report import Finding


def kms_keys(kms: Any, region: str, prices: Optional[RegionPrices], tag_key: str, tag_value: str,
             stack_name: str | None) -> list[Finding]:
    """Keys with the tag: pending deletion is what cdk destroy leaves (fine, and not billed); enabled or disabled,
    a key was left behind and costs its monthly fee."""
    findings = []
    for page in kms.get_paginator("list_keys").paginate():
        for key in page["Keys"]:
            try:
                tags = kms.list_resource_tags(KeyId=key["KeyId"]).get("Tags", [])
            except kms.exceptions.ClientError as error:
                if error_code(error) in NOT_OURS:
                    continue  # another service's or account's key we may not read
                raise
            pairs = [{"Key": tag["TagKey"], "Value": tag["TagValue"]} for tag in tags]
            if not belongs(pairs, tag_key, tag_value, stack_name):
                continue
            meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
            state = meta.get("KeyState", "?")
            if state in ("PendingDeletion", "PendingReplicaDeletion"):
                when = f" until {meta['DeletionDate']:%Y-%m-%d}" if meta.get("DeletionDate") else ""
                findings.append(Finding(
                    "kms-key", key["KeyId"], f"pending deletion{when}: fine, cdk destroy schedules it and AWS KMS "
                                             "deletes it then (not billed meanwhile)", intended=True, monthly=Decimal(0)))
            else:
                findings.append(Finding(
                    "kms-key", key["KeyId"], f"{state} (cdk destroy schedules its deletion)",
                    monthly=price(prices, "kms_key_month", Decimal(1)),
                    remove=(f"aws kms schedule-key-deletion --key-id {key['KeyId']} --pending-window-in-days 7 "
                            f"--region {region}",)))
    return findings
