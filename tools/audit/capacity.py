"""Cost and capacity in the audit: an On-Demand Capacity Reservation left active (billed at its instances' On-Demand
price whether used or not), and the Elastic IPs you own that the stack associated (elastic_ip_allocation_id): listed as
yours, not as left behind."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from cost_model.prices import CostError, Prices, RegionPrices
from tools.audit.common import unique
from tools.audit.report import Finding


def _hours() -> Decimal:
    """A month of hours, as the price file counts them."""
    return Prices.load().hours_per_month


def reservations(ec2: Any, filter_sets: list[list[dict[str, Any]]], region: str,
                 prices: Optional[RegionPrices]) -> list[Finding]:
    """Reservations of the deployment's tag still active: `cdk destroy` cancels them, so one left is a leak."""
    found = [r for filters in filter_sets
             for r in ec2.describe_capacity_reservations(
                 Filters=[*filters, {"Name": "state", "Values": ["active"]}])["CapacityReservations"]]
    findings = []
    for reservation in unique(found, "CapacityReservationId"):
        count, kind = reservation["TotalInstanceCount"], reservation["InstanceType"]
        try:
            monthly = None if prices is None else Decimal(count) * prices.instance_hour(kind) * _hours()
        except CostError:
            monthly = None
        findings.append(Finding(
            "capacity-reservation", reservation["CapacityReservationId"],
            f"active, {count} {kind} in {reservation['AvailabilityZone']}: charged whether used or not",
            monthly=monthly,
            remove=(f"aws ec2 cancel-capacity-reservation --capacity-reservation-id "
                    f"{reservation['CapacityReservationId']} --region {region}",)))
    return findings


def configured_allocation_ids(cdk_json: Path) -> list[str]:
    """elastic_ip_allocation_id as cdk.json's context sets it (one id, or a list), for the audit's default."""
    try:
        value = json.loads(cdk_json.read_text()).get("context", {}).get("elastic_ip_allocation_id")
    except (OSError, ValueError):
        return []
    if isinstance(value, str) and value.strip().startswith("["):
        value = json.loads(value)
    return [value] if isinstance(value, str) and value else list(value or [])


def owned_addresses(ec2: Any, allocation_ids: list[str], prices: Optional[RegionPrices]) -> list[Finding]:
    """The Elastic IPs named by elastic_ip_allocation_id: yours, kept on purpose (their hours still cost)."""
    if not allocation_ids:
        return []
    try:
        addresses = ec2.describe_addresses(AllocationIds=allocation_ids)["Addresses"]
    except Exception as error:  # an id that is not (or no longer) yours: say so rather than fail the audit
        return [Finding("elastic-ip", ", ".join(allocation_ids), f"yours (elastic_ip_allocation_id), not found: "
                        f"{error}", intended=True)]
    return [Finding(
        "elastic-ip", address["AllocationId"],
        f"{address['PublicIp']}, yours (elastic_ip_allocation_id): kept on purpose, not left behind by the stack",
        intended=True, monthly=None if prices is None else prices.usd("public_ipv4_hour") * _hours())
        for address in addresses]
