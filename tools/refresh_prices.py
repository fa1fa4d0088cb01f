"""Refresh cost_model/prices.json's EC2 and EBS figures for one region from an AWS Price List bulk offer file.

    curl -o ec2-ap-northeast-1.json \\
      https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/ap-northeast-1/index.json
    python -m tools.refresh_prices --offer ec2-ap-northeast-1.json --region ap-northeast-1 [--add-type m7g.large]

The offer file is public (no credentials) but large (hundreds of MB), so downloading it is left to you;
this script itself never uses the network. It rewrites, for that region, the instance-hour prices of the
types already listed (plus ``--add-type``) and every EBS figure, and records the offer file's
publication date and URL as their source. Public IPv4 (AmazonVPC offer) and CloudWatch figures are
other offers and are left as they are. A type or figure the offer file lacks is an error, not a zero.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from tools.cost import PRICES_FILE

OFFER_URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/{region}/index.json"
EBS_USAGE = {  # usage type (after the region prefix) -> (figure, key)
    "EBS:VolumeUsage.gp2": ("ebs_gb_month", "gp2"),
    "EBS:VolumeUsage.gp3": ("ebs_gb_month", "gp3"),
    "EBS:VolumeUsage.piops": ("ebs_gb_month", "io1"),
    "EBS:VolumeUsage.io2": ("ebs_gb_month", "io2"),
    "EBS:VolumeUsage.st1": ("ebs_gb_month", "st1"),
    "EBS:VolumeUsage.sc1": ("ebs_gb_month", "sc1"),
    "EBS:VolumeUsage": ("ebs_gb_month", "standard"),
    "EBS:VolumeP-IOPS.gp3": ("gp3_iops_month", None),
    "EBS:VolumeP-IOPS.piops": ("io1_iops_month", None),
    "EBS:VolumeP-IOPS.io2": ("io2_iops_month", 0),
    "EBS:VolumeP-IOPS.io2.tier2": ("io2_iops_month", 1),
    "EBS:VolumeP-IOPS.io2.tier3": ("io2_iops_month", 2),
    "EBS:VolumeP-Throughput.gp3": ("gp3_throughput_mibps_month", None),
    "EBS:SnapshotUsage": ("snapshot_gb_month", None),
}
LINUX = {"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used",
         "licenseModel": "No License required"}


class RefreshError(Exception):
    pass


def _on_demand_price(offer: dict[str, Any], sku: str) -> tuple[Decimal, str]:
    for term in offer.get("terms", {}).get("OnDemand", {}).get(sku, {}).values():
        for dimension in term.get("priceDimensions", {}).values():
            return Decimal(dimension["pricePerUnit"]["USD"]).normalize(), dimension.get("unit", "")
    raise RefreshError(f"SKU {sku} has no On-Demand price")


def _usage(attributes: dict[str, Any]) -> str:
    usage = attributes.get("usagetype", "")
    return usage[usage.index("EBS:"):] if "EBS:" in usage else usage


def extract(offer: dict[str, Any], region: str, instance_types: set[str]) -> dict[str, Any]:
    """The figures for ``region`` from an AmazonEC2 offer file."""
    instance_hour: dict[str, Decimal] = {}
    ebs: dict[tuple[str, Any], Decimal] = {}
    for sku, product in offer.get("products", {}).items():
        attributes = product.get("attributes", {})
        if attributes.get("regionCode", region) != region:
            continue
        if product.get("productFamily") == "Compute Instance" and attributes.get("instanceType") in instance_types \
                and all(attributes.get(k) == v for k, v in LINUX.items()):
            instance_hour[attributes["instanceType"]] = _on_demand_price(offer, sku)[0]
        elif _usage(attributes) in EBS_USAGE:
            price, unit = _on_demand_price(offer, sku)
            if unit.lower().startswith("gibps"):
                price = (price / 1024).normalize()  # priced per GiB/s-month; the file counts MiB/s
            ebs[EBS_USAGE[_usage(attributes)]] = price
    missing = sorted(instance_types - set(instance_hour)) + sorted(
        f"{figure}[{key}]" for figure, key in set(EBS_USAGE.values()) - set(ebs))
    if missing:
        raise RefreshError(f"the offer file has no On-Demand price in {region} for: {', '.join(missing)}")
    return {"instance_hour": instance_hour, "ebs": ebs}


def refresh(prices: dict[str, Any], offer: dict[str, Any], region: str, *, add_types: Sequence[str] = (),
            today: Optional[str] = None) -> dict[str, Any]:
    """``prices`` (the parsed price file) with ``region``'s EC2 and EBS figures replaced from ``offer``."""
    regions = prices["regions"]
    current = regions.get(region)
    if current is None:
        raise RefreshError(f"{region} is not in the price file yet: copy another region's entry as a start")
    types = set(current["instance_hour"]["prices"]) | set(add_types)
    figures = extract(offer, region, types)
    source = f"pricelist-{region}"
    prices["sources"][source] = {
        "checked": today or date.today().isoformat(),
        "where": f"AWS Price List bulk file {OFFER_URL.format(region=region)} (publicationDate "
                 f"{offer.get('publicationDate', 'unknown')}, version {offer.get('version', 'unknown')}): "
                 "On-Demand, Linux, shared tenancy.",
    }
    current["instance_hour"] = {"source": source, "prices": dict(sorted(figures["instance_hour"].items()))}
    storage = {key: price for (figure, key), price in figures["ebs"].items() if figure == "ebs_gb_month"}
    current["ebs_gb_month"] = {"source": source, "prices": dict(sorted(storage.items()))}
    for figure in ("gp3_iops_month", "io1_iops_month", "gp3_throughput_mibps_month", "snapshot_gb_month"):
        current[figure] = {"source": source, "usd": figures["ebs"][(figure, None)]}
    current["io2_iops_month"] = {"source": source, "tiers": [
        {"up_to": up_to, "usd": figures["ebs"][("io2_iops_month", index)]}
        for index, up_to in enumerate((32000, 64000, None))]}
    return prices


def _decimal_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value))


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.refresh_prices", description=__doc__.split("\n\n")[0])
    parser.add_argument("--offer", type=Path, required=True, help="an AmazonEC2 offer file (index.json) for the region")
    parser.add_argument("--region", required=True)
    parser.add_argument("--add-type", action="append", default=[], help="also price this instance type")
    parser.add_argument("--prices", type=Path, default=PRICES_FILE)
    args = parser.parse_args(argv)
    try:
        prices = json.loads(args.prices.read_text(), parse_float=Decimal)
        offer = json.loads(args.offer.read_text())
        refresh(prices, offer, args.region, add_types=args.add_type)
    except (RefreshError, OSError, json.JSONDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args.prices.write_text(json.dumps(prices, indent=2, default=_decimal_default) + "\n")
    print(f"updated {args.prices} for {args.region}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
