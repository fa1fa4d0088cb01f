"""The price file (cost_model/prices.json's figures, each with its date and source) and the assumptions a
template cannot state: exact decimals, never floats. A region, instance type or volume type the file does not
know is a CostError that names it, never a silent zero."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

PRICES_FILE = Path(__file__).resolve().parent / "prices.json"
# The price file as the tools' outputs name it: the path from the repository's root.
PRICES_SHOWN = "cost_model/prices.json"


class CostError(Exception):
    """A template or region the price file cannot price. The message names what is missing."""


# --------------------------------------------------------------------------------------------------
# Prices


@dataclass(frozen=True)
class RegionPrices:
    """One region's figures from prices.json."""

    code: str
    raw: dict[str, Any]
    file: Path

    @property
    def name(self) -> str:
        return self.raw.get("name", self.code)

    def _figure(self, key: str) -> dict[str, Any]:
        try:
            return self.raw[key]
        except KeyError:
            raise CostError(f"{self.file.name} has no {key} for region {self.code}") from None

    def instance_hour(self, instance_type: str) -> Decimal:
        prices = self._figure("instance_hour")["prices"]
        if instance_type not in prices:
            raise CostError(
                f"no price for instance type {instance_type} in {self.code} in {self.file.name} "
                f"(it has {len(prices)} types there, e.g. {', '.join(sorted(prices)[:4])}); "
                "add it with its source (or run tools/refresh_prices.py)"
            )
        return prices[instance_type]

    def ebs_gb_month(self, volume_type: str) -> Decimal:
        prices = self._figure("ebs_gb_month")["prices"]
        if volume_type not in prices:
            raise CostError(f"no price for EBS volume type {volume_type} in {self.code} in {self.file.name} "
                            f"(known: {', '.join(sorted(prices))})")
        return prices[volume_type]

    def usd(self, key: str) -> Decimal:
        return self._figure(key)["usd"]

    def free_per_month(self, key: str) -> Decimal:
        """The monthly free allowance a figure's source states (e.g. SNS's 1,000 emails)."""
        return Decimal(self._figure(key)["free_per_month"])

    def figure(self, key: str, field: str) -> Decimal:
        return Decimal(self._figure(key)[field])

    def io2_tiers(self) -> list[tuple[Optional[int], Decimal]]:
        return self.tiers("io2_iops_month")

    def tiers(self, key: str) -> list[tuple[Optional[int], Decimal]]:
        """A tiered figure's (up to, USD) pairs, the last one open (up to None)."""
        return [(tier["up_to"], tier["usd"]) for tier in self._figure(key)["tiers"]]

    @property
    def detailed_monitoring_metrics(self) -> int:
        return int(self._figure("cloudwatch_metric_month")["detailed_monitoring_metrics_per_instance"])


@dataclass(frozen=True)
class Assumptions:
    """What a template cannot say and a price needs: stated in the output next to each figure they make."""

    lcu: Decimal  # a load balancer's average LCUs an hour
    access_logs_gb_month: Decimal  # access logs written a month
    log_gb_month: Decimal = Decimal(1)  # logs the CloudWatch agent ships from each instance a month
    backup_changed_share: Decimal = Decimal("0.05")  # share of a volume each backup after the first stores
    alarm_emails_month: Decimal = Decimal(100)  # emails an alarm topic sends a month
    dns_queries_month: Decimal = Decimal(1_000_000)  # DNS queries Route 53 answers a month for each record
    kms_requests_month: Decimal = Decimal(10_000)  # requests each KMS key receives a month
    spot_discount: Decimal = Decimal("0.6")  # how far below On-Demand a Spot hour is assumed to be (0-1)


@dataclass(frozen=True)
class Prices:
    """The whole price file; exact decimals, never floats."""

    raw: dict[str, Any]
    file: Path

    @classmethod
    def load(cls, path: Path = PRICES_FILE) -> Prices:
        try:
            raw = json.loads(Path(path).read_text(), parse_float=Decimal)
        except FileNotFoundError:
            raise CostError(f"price file {path} not found") from None
        return cls(raw=raw, file=Path(path))

    @property
    def hours_per_month(self) -> Decimal:
        return Decimal(self.raw["hours_per_month"])

    @property
    def regions(self) -> list[str]:
        return sorted(self.raw["regions"])

    def region(self, code: Optional[str]) -> RegionPrices:
        if not code or code.startswith("unknown-"):
            raise CostError("the stack has no region (an environment-agnostic stack); pass --region")
        if code not in self.raw["regions"]:
            raise CostError(f"no prices for region {code} in {self.file.name} (it has: {', '.join(self.regions)}); "
                            "add the region (tools/refresh_prices.py) or pass --region")
        return RegionPrices(code=code, raw=self.raw["regions"][code], file=self.file)

    def checked_dates(self) -> list[str]:
        return sorted({source["checked"] for source in self.raw["sources"].values()})

    def assumptions(self, *, lcu: Optional[Decimal] = None, log_gb: Optional[Decimal] = None,
                    dns_queries: Optional[Decimal] = None, kms_requests: Optional[Decimal] = None,
                    spot_discount: Optional[Decimal] = None) -> Assumptions:
        raw = self.raw["assumptions"]
        return Assumptions(
            lcu=Decimal(lcu) if lcu is not None else Decimal(raw["alb_lcu_average"]["value"]),
            access_logs_gb_month=Decimal(raw["access_logs_gb_per_month"]["value"]),
            log_gb_month=Decimal(log_gb) if log_gb is not None else Decimal(raw["log_gb_per_instance_month"]["value"]),
            backup_changed_share=Decimal(raw["backup_changed_share"]["value"]),
            alarm_emails_month=Decimal(raw["alarm_emails_per_month"]["value"]),
            dns_queries_month=Decimal(dns_queries) if dns_queries is not None
            else Decimal(raw["dns_queries_per_month"]["value"]),
            kms_requests_month=Decimal(kms_requests) if kms_requests is not None
            else Decimal(raw["kms_requests_per_month"]["value"]),
            spot_discount=Decimal(spot_discount) if spot_discount is not None
            else Decimal(str(raw["spot_discount"]["value"])))
