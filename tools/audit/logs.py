"""Amazon CloudWatch Logs in the audit: log groups named ``/<stack>/...``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from cost_model.prices import RegionPrices
from tools.audit.common import GIB, price
from tools.audit.report import Finding


def log_groups(logs: Any, region: str, prices: Optional[RegionPrices], stack_name: str | None) -> list[Finding]:
    """Log groups named /<stack>/...: cdk destroy deletes them, so any still there is left behind."""
    if not stack_name:
        return []
    findings = []
    for page in logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=f"/{stack_name}/"):
        for group in page["logGroups"]:
            name, stored = group["logGroupName"], int(group.get("storedBytes", 0))
            kept = f"kept {group['retentionInDays']} days" if group.get("retentionInDays") else "never expires"
            findings.append(Finding(
                "log-group", name, f"{stored:,} bytes stored, {kept} (cdk destroy deletes it)",
                monthly=price(prices, "logs_storage_gb_month", Decimal(stored) / GIB),
                remove=(f"aws logs delete-log-group --log-group-name {name} --region {region}",)))
    return findings
