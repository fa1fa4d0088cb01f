"""tools/refresh_prices.py on a miniature AWS Price List offer file (the real one is hundreds of MB)."""

import json
from decimal import Decimal

import pytest

from tools import cost
from tools.refresh_prices import RefreshError, main, refresh

EBS = {
    "EBS:VolumeUsage.gp2": ("GB-Mo", "0.1200000000"), "EBS:VolumeUsage.gp3": ("GB-Mo", "0.0960000000"),
    "EBS:VolumeUsage.piops": ("GB-Mo", "0.1420000000"), "EBS:VolumeUsage.io2": ("GB-month", "0.1420000000"),
    "EBS:VolumeUsage.st1": ("GB-Mo", "0.0540000000"), "EBS:VolumeUsage.sc1": ("GB-Mo", "0.0180000000"),
    "EBS:VolumeUsage": ("GB-Mo", "0.0800000000"), "EBS:VolumeP-IOPS.gp3": ("IOPS-Mo", "0.0060000000"),
    "EBS:VolumeP-IOPS.piops": ("IOPS-Mo", "0.0740000000"), "EBS:VolumeP-IOPS.io2": ("IOPS-Mo", "0.0740000000"),
    "EBS:VolumeP-IOPS.io2.tier2": ("IOPS-Mo", "0.0518000000"),
    "EBS:VolumeP-IOPS.io2.tier3": ("IOPS-Mo", "0.0362600000"),
    "EBS:VolumeP-Throughput.gp3": ("GiBps-mo", "49.1520000000"), "EBS:SnapshotUsage": ("GB-Mo", "0.0500000000"),
}
LINUX = {"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used",
         "licenseModel": "No License required", "regionCode": "ap-northeast-1"}


def offer(instance_prices):
    products, on_demand = {}, {}

    def add(sku, family, attributes, unit, usd):
        products[sku] = {"sku": sku, "productFamily": family, "attributes": attributes}
        on_demand[sku] = {f"{sku}.T": {"priceDimensions": {f"{sku}.T.R": {"unit": unit, "pricePerUnit": {"USD": usd}}}}}

    for name, usd in instance_prices.items():
        add(f"I-{name}", "Compute Instance", {**LINUX, "instanceType": name}, "Hrs", usd)
        # The same type with Windows must not be picked.
        add(f"W-{name}", "Compute Instance", {**LINUX, "instanceType": name, "operatingSystem": "Windows"}, "Hrs", "9")
    for usage, (unit, usd) in EBS.items():
        add(f"E-{usage}", "Storage", {"usagetype": f"APN1-{usage}", "regionCode": "ap-northeast-1"}, unit, usd)
    return {"publicationDate": "2026-11-20T00:00:00Z", "version": "20261120", "products": products,
            "terms": {"OnDemand": on_demand}}


@pytest.fixture
def raw():
    return json.loads(cost.PRICES_FILE.read_text(), parse_float=Decimal)


def tokyo_types(raw):
    return raw["regions"]["ap-northeast-1"]["instance_hour"]["prices"]


def test_refresh_takes_linux_prices_and_records_the_source(raw):
    new_prices = {name: "0.5000000000" for name in tokyo_types(raw)}
    new_prices["t2.micro"] = "0.0160000000"
    refreshed = refresh(raw, offer(new_prices), "ap-northeast-1", today="2026-11-29")
    tokyo = refreshed["regions"]["ap-northeast-1"]
    assert tokyo["instance_hour"]["prices"]["t2.micro"] == Decimal("0.016")
    assert tokyo["gp3_throughput_mibps_month"]["usd"] == Decimal("0.048")  # 49.152 per GiB/s / 1024
    assert [tier["usd"] for tier in tokyo["io2_iops_month"]["tiers"]] == [Decimal("0.074"), Decimal("0.0518"),
                                                                          Decimal("0.03626")]
    source = refreshed["sources"][tokyo["ebs_gb_month"]["source"]]
    assert source["checked"] == "2026-11-29"
    assert "publicationDate 2026-11-20T00:00:00Z" in source["where"]


def test_a_type_missing_from_the_offer_is_an_error(raw):
    prices = {name: "0.1" for name in tokyo_types(raw) if name != "t2.micro"}
    with pytest.raises(RefreshError, match="no On-Demand price in ap-northeast-1 for: t2.micro"):
        refresh(raw, offer(prices), "ap-northeast-1")


def test_refreshed_file_still_prices_the_stack(raw, tmp_path, default):
    prices_file = tmp_path / "prices.json"
    prices_file.write_text(cost.PRICES_FILE.read_text())
    offer_file = tmp_path / "offer.json"
    offer_file.write_text(json.dumps(offer({**{n: "0.5" for n in tokyo_types(raw)}, "t2.micro": "0.0160"})))
    assert main(["--offer", str(offer_file), "--region", "ap-northeast-1", "--prices", str(prices_file)]) == 0
    result = cost.estimate_template(default.template, region="ap-northeast-1", prices=cost.Prices.load(prices_file))
    assert result.monthly == Decimal("0.016") * 730 + Decimal("0.96") + Decimal("3.65")
