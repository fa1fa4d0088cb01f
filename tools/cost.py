"""What the synthesized stacks cost: per billable resource, per hour and per month (730 hours), in total,
while the instances are stopped, and what is left to pay for after ``cdk destroy``.

    python -m tools.cost                      # every stack in cdk.out (run `make synth` first)
    python -m tools.cost --template T.json    # one template; region from cdk.out's manifest, or --region
    python -m tools.cost --region ap-northeast-1

Prices come from ``tools/prices.json`` (On-Demand list prices with the date and source of each figure). The
region is the stack's environment (``aws://account/region`` in the cloud assembly's manifest). An instance
type, volume type or region the price file does not know is an error that names it (exit status 2), never a
silent zero.

What is counted, per stack:

- instance hours by instance type;
- EBS storage by volume type: each instance's root volume (its BlockDeviceMappings) and every
  ``AWS::EC2::Volume``; provisioned IOPS and throughput above the free baseline (gp3: 3,000 IOPS and
  125 MiB/s are free; io1: every IOPS; io2: every IOPS, cheaper per tier);
- public IPv4 addresses: every one costs the same, Elastic IPs included. Each instance gets one from its
  public subnet; an Elastic IP associated with it replaces that address, so each instance counts once,
  and an Elastic IP with no instance counts on its own;
- detailed monitoring (one-minute metrics, billed per metric);
- the Auto Scaling tier: the group's instances at its minimum size (MinSize; the maximum is said, not
  priced), each launched from its launch template (instance type, root and data volumes, a public IPv4
  address from the public subnet); the Application Load Balancer's hours, its load balancer capacity units
  (LCUs: an assumed average, ``--lcu``) and its public IPv4 addresses (one per Availability Zone it spans,
  at least); the access logs bucket's storage (an assumed volume of logs a month, kept as long as its
  lifecycle rule says); the CloudWatch alarms target tracking creates (two per policy); the Lambda function
  of CDK's bucket auto-delete custom resource, free at this use (it runs on deploy and destroy only);
- while stopped: EBS volumes and Elastic IPs keep costing; instance hours, the auto-assigned address
  (released on stop) and metrics (none are sent) do not; a load balancer and its addresses keep costing;
- after destroy: snapshots that ``DeletionPolicy: Snapshot`` volumes (``on_destroy: snapshot``) leave
  behind (at most the volume's size: a snapshot stores only the blocks written), and anything retained.

Not counted: data transfer, I/O requests of magnetic volumes, S3 requests (log deliveries), snapshots you
take yourself, the free tier, Savings Plans and taxes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Optional

from tools.templates import (
    DEFAULT_VOLUME_TYPE,
    RETAINED_POLICIES,
    AssemblyError,
    StackTemplate,
    assembly_stacks,
    display_name,
    properties,
    references,
    resources,
    template_stack,
)

ROOT = Path(__file__).resolve().parent.parent
PRICES_FILE = Path(__file__).resolve().parent / "prices.json"
DEFAULT_CDK_OUT = ROOT / "cdk.out"

# gp3's free baseline: every gp3 volume includes 3,000 IOPS and 125 MiB/s; only what is provisioned above
# is billed (Amazon EBS pricing, "Example 1 - General Purpose SSD (gp3) Volumes").
GP3_FREE_IOPS = 3_000
GP3_FREE_THROUGHPUT = 125

# Resource types that cost nothing by themselves (their cost, if any, is counted on another resource:
# an EIPAssociation moves an address that the EIP already counts; a KeyPair's private key is a standard,
# free SSM parameter).
FREE_TYPES = frozenset({
    "AWS::CloudFormation::WaitCondition",
    "AWS::CloudFormation::WaitConditionHandle",
    "AWS::EC2::EIPAssociation",
    "AWS::EC2::KeyPair",
    "AWS::EC2::LaunchTemplate",  # what the group's instances cost is counted on the group
    "AWS::EC2::PlacementGroup",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::VolumeAttachment",
    "AWS::ElasticLoadBalancingV2::Listener",  # a load balancer's listeners are in its hourly price
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::IAM::InstanceProfile",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Policy",
    "AWS::IAM::Role",
    "AWS::S3::BucketPolicy",
    "AWS::SSM::Parameter",
    "Custom::S3AutoDeleteObjects",  # an invocation of the Lambda function counted on its own
})
# Auto Scaling's target tracking creates and manages two CloudWatch alarms per policy (scale out, scale in).
TARGET_TRACKING_ALARMS = 2
# Root device names of Linux AMIs (Amazon Linux: /dev/xvda; many others: /dev/sda1).
ROOT_DEVICES = ("/dev/xvda", "/dev/sda1", "/dev/sda")


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

    def io2_tiers(self) -> list[tuple[Optional[int], Decimal]]:
        return [(tier["up_to"], tier["usd"]) for tier in self._figure("io2_iops_month")["tiers"]]

    @property
    def detailed_monitoring_metrics(self) -> int:
        return int(self._figure("cloudwatch_metric_month")["detailed_monitoring_metrics_per_instance"])


@dataclass(frozen=True)
class Assumptions:
    """What a template cannot say and a price needs: stated in the output next to each figure they make."""

    lcu: Decimal  # a load balancer's average LCUs an hour
    access_logs_gb_month: Decimal  # access logs written a month


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

    def assumptions(self, *, lcu: Optional[Decimal] = None) -> Assumptions:
        raw = self.raw["assumptions"]
        return Assumptions(lcu=Decimal(lcu) if lcu is not None else Decimal(raw["alb_lcu_average"]["value"]),
                           access_logs_gb_month=Decimal(raw["access_logs_gb_per_month"]["value"]))


# --------------------------------------------------------------------------------------------------
# Line items and estimates


@dataclass(frozen=True)
class Line:
    """One billable thing: ``quantity`` units at ``price`` USD per unit per hour or per month."""

    resource: str
    item: str
    quantity: Decimal
    unit: str  # what one unit is: "instance", "GB", "IOPS", "MiB/s", "address", "metric"
    price: Decimal
    per: str  # "hour" or "month"
    hours_per_month: Decimal
    running: bool = True
    stopped: bool = False
    after_destroy: bool = False

    @property
    def monthly(self) -> Decimal:
        cost = self.quantity * self.price
        return cost * self.hours_per_month if self.per == "hour" else cost

    @property
    def hourly(self) -> Decimal:
        cost = self.quantity * self.price
        return cost if self.per == "hour" else cost / self.hours_per_month


@dataclass
class Estimate:
    """What one stack costs in one region."""

    stack: str
    region: str
    region_name: str
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stack_region: Optional[str] = None  # the stack's own region, when priced in another one

    def _sum(self, attribute: str, selected: Iterable[Line]) -> Decimal:
        return sum((getattr(line, attribute) for line in selected), Decimal(0))

    def total(self, phase: str = "running") -> tuple[Decimal, Decimal]:
        """(per hour, per month) for ``phase``: running, stopped or after_destroy."""
        selected = [line for line in self.lines if getattr(line, phase)]
        return self._sum("hourly", selected), self._sum("monthly", selected)

    @property
    def monthly(self) -> Decimal:
        return self.total("running")[1]

    @property
    def stopped_monthly(self) -> Decimal:
        return self.total("stopped")[1]

    @property
    def after_destroy_monthly(self) -> Decimal:
        return self.total("after_destroy")[1]


def _literal_number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, float, str)):
        raise CostError(f"{where} is not a literal number ({json.dumps(value, default=str)[:80]}); cannot price it")
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise CostError(f"{where} is not a number ({value!r})") from None


def _literal_string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise CostError(f"{where} is not a literal value ({json.dumps(value, default=str)[:80]}); cannot price it")
    return value


class _Builder:
    """Turns one template into line items."""

    def __init__(self, template: dict[str, Any], region: RegionPrices, hours: Decimal,
                 assumptions: Assumptions) -> None:
        self.resources = resources(template)
        self.region = region
        self.hours = hours
        self.assumptions = assumptions
        self.lines: list[Line] = []
        self.notes: list[str] = []

    def line(self, resource: str, item: str, quantity: Any, unit: str, price: Decimal, per: str, *,
             stopped: bool = False, running: bool = True, after_destroy: bool = False) -> None:
        self.lines.append(Line(resource=resource, item=item, quantity=Decimal(quantity), unit=unit, price=price,
                               per=per, hours_per_month=self.hours, running=running, stopped=stopped,
                               after_destroy=after_destroy))

    def build(self) -> None:
        eip_instances = self._eip_instances()
        instances_with_eip = {instance for instance in eip_instances.values() if instance}
        for logical_id in sorted(self.resources, key=lambda k: display_name(k, self.resources[k])):
            resource = self.resources[logical_id]
            kind = resource.get("Type", "")
            name = display_name(logical_id, resource)
            retained = resource.get("DeletionPolicy") in RETAINED_POLICIES
            if kind == "AWS::EC2::Instance":
                self.instance(logical_id, name, resource, has_eip=logical_id in instances_with_eip, retained=retained)
            elif kind == "AWS::EC2::Volume":
                self.volume(name, resource, retained=retained)
            elif kind == "AWS::EC2::EIP":
                item = "Elastic IP (public IPv4)" if eip_instances.get(logical_id) else \
                    "Elastic IP (public IPv4), not associated with an instance here"
                self.line(name, item, 1, "address", self.region.usd("public_ipv4_hour"), "hour",
                          stopped=True, after_destroy=retained)
            elif kind == "AWS::AutoScaling::AutoScalingGroup":
                self.group(name, resource)
            elif kind == "AWS::ElasticLoadBalancingV2::LoadBalancer":
                self.load_balancer(name, resource, retained=retained)
            elif kind == "AWS::S3::Bucket":
                self.bucket(logical_id, name, resource, retained=retained)
            elif kind == "AWS::Lambda::Function":
                self.function(logical_id, name)
            elif kind == "AWS::AutoScaling::ScalingPolicy" and \
                    properties(resource).get("PolicyType") == "TargetTrackingScaling":
                self.line(name, "CloudWatch alarms that target tracking creates (scale out, scale in)",
                          TARGET_TRACKING_ALARMS, "alarm", self.region.usd("cloudwatch_alarm_month"), "month",
                          stopped=True)
            elif kind == "AWS::CloudWatch::Alarm":
                self.line(name, "CloudWatch alarm (standard resolution)", 1, "alarm",
                          self.region.usd("cloudwatch_alarm_month"), "month", stopped=True, after_destroy=retained)
            elif kind not in FREE_TYPES:
                self.notes.append(f"not priced: {name} ({kind})")

    # The Auto Scaling tier

    def group(self, name: str, resource: dict[str, Any]) -> None:
        """The group's instances at MinSize, each as its launch template makes it; MaxSize said in a note."""
        props = properties(resource)
        low = int(_literal_number(props.get("MinSize"), f"{name}.MinSize"))
        high = int(_literal_number(props.get("MaxSize"), f"{name}.MaxSize"))
        template_ids = references((props.get("LaunchTemplate") or {}).get("LaunchTemplateId")) & set(self.resources)
        if not template_ids:
            self.notes.append(f"not priced: {name}: its launch template is not in this template")
            return
        data = properties(self.resources[next(iter(template_ids))]).get("LaunchTemplateData") or {}
        first = len(self.lines)
        instance_type = _literal_string(data.get("InstanceType", "m1.small"), f"{name}.InstanceType")
        self.line(name, f"{instance_type} instances (group of {low} to {high}, priced at its minimum)", low,
                  "instance", self.region.instance_hour(instance_type), "hour")
        for index, mapping in enumerate(data.get("BlockDeviceMappings") or []):
            ebs = mapping.get("Ebs")
            if ebs is None:
                continue
            device = mapping.get("DeviceName", f"BlockDeviceMappings[{index}]")
            if "VolumeSize" not in ebs:
                self.notes.append(f"{name}: volume {device} takes its size from the AMI; it is not included")
                continue
            label = f"root volume {device}" if device in ROOT_DEVICES else f"volume {device}"
            self.ebs(name, f"{label} of each instance", ebs, size_key="VolumeSize", type_key="VolumeType",
                     after_destroy=False, count=low, stopped=False)
        if self._gets_public_address(data):
            self.line(name, "public IPv4 address of each instance (auto-assigned)", low, "address",
                      self.region.usd("public_ipv4_hour"), "hour")
        if (data.get("Monitoring") or {}).get("Enabled") is True:
            metrics = self.region.detailed_monitoring_metrics
            self.line(name, "detailed monitoring of each instance (one-minute metrics)", metrics * low, "metric",
                      self.region.usd("cloudwatch_metric_month"), "month")
        per_instance = sum((line.monthly for line in self.lines[first:]), Decimal(0)) / low if low else Decimal(0)
        if high > low:
            self.notes.append(
                f"{name} is priced at its minimum of {low} instances (MinSize); scaled out to its maximum of {high} "
                f"(MaxSize) it costs {money(per_instance * (high - low))} a month more "
                f"({money(per_instance)} per instance)")

    def load_balancer(self, name: str, resource: dict[str, Any], *, retained: bool) -> None:
        props = properties(resource)
        if props.get("Type", "application") != "application":
            self.notes.append(f"not priced: {name} (a {props.get('Type')} load balancer)")
            return
        self.line(name, "Application Load Balancer hours", 1, "load balancer", self.region.usd("alb_hour"), "hour",
                  stopped=True, after_destroy=retained)
        lcu = self.assumptions.lcu
        self.line(name, f"load balancer capacity units: {_plain(lcu)} LCU an hour on average, assumed (one LCU is 25 "
                        "new connections a second, 3,000 active connections a minute, 1 GB processed an hour or 1,000 "
                        "rule evaluations a second, whichever is highest)", lcu, "LCU",
                  self.region.usd("alb_lcu_hour"), "hour", stopped=True, after_destroy=retained)
        if props.get("Scheme", "internet-facing") == "internet-facing" and \
                props.get("IpAddressType") != "dualstack-without-public-ipv4":
            zones = len(props.get("Subnets") or props.get("SubnetMappings") or []) or 1
            self.line(name, "public IPv4 addresses of the load balancer (one per Availability Zone, at least)", zones,
                      "address", self.region.usd("public_ipv4_hour"), "hour", stopped=True, after_destroy=retained)

    def bucket(self, logical_id: str, name: str, resource: dict[str, Any], *, retained: bool) -> None:
        """An access logs bucket's storage at its steady state: the assumed logs a month, kept as long as its
        lifecycle rule's expiry (or a year when it has none)."""
        logging_to = [r for r in self.resources.values()
                      if r.get("Type") == "AWS::ElasticLoadBalancingV2::LoadBalancer"
                      and any(attribute.get("Key") == "access_logs.s3.bucket"
                              and logical_id in references(attribute.get("Value"))
                              for attribute in properties(r).get("LoadBalancerAttributes") or [])]
        if not logging_to:
            self.notes.append(f"not priced: {name} (an S3 bucket: its storage depends on what you put in it)")
            return
        rules = ((properties(resource).get("LifecycleConfiguration") or {}).get("Rules")) or []
        days = next((int(_literal_number(rule["ExpirationInDays"], f"{name}.ExpirationInDays")) for rule in rules
                     if rule.get("Status") == "Enabled" and "ExpirationInDays" in rule), None)
        kept = Decimal(days if days is not None else 365)
        monthly = self.assumptions.access_logs_gb_month
        stored = (monthly * kept / 30).quantize(Decimal("0.01"))
        self.line(name, f"access logs in S3 Standard: {_plain(monthly)} GB written a month, assumed, kept "
                        f"{days if days is not None else 'a year (no expiry rule; assumed)'}"
                        f"{' days' if days is not None else ''}", stored, "GB", self.region.usd("s3_standard_gb_month"),
                  "month", stopped=True, after_destroy=retained)

    def function(self, logical_id: str, name: str) -> None:
        """A Lambda function: priced only as CDK's custom resource handler, which runs on deploy and destroy."""
        served = [r for r in self.resources.values() if str(r.get("Type", "")).startswith("Custom::")
                  and logical_id in references(properties(r).get("ServiceToken"))]
        if not served:
            self.notes.append(f"not priced: {name} (AWS::Lambda::Function: its cost depends on how often it runs)")
            return
        kinds = ", ".join(sorted({str(r["Type"]) for r in served}))
        self.line(name, f"Lambda function of {kinds}: runs only when the stack is deployed or destroyed, so free at "
                        "this use (Lambda's free tier: 1 million requests and 400,000 GB-seconds a month)", 0,
                  "request", self.region.usd("lambda_request"), "month", stopped=True)

    def _eip_instances(self) -> dict[str, Optional[str]]:
        """Each Elastic IP's logical id -> the instance it is associated with in this template (or None)."""
        eips: dict[str, Optional[str]] = {k: None for k, r in self.resources.items() if r.get("Type") == "AWS::EC2::EIP"}
        for logical_id in eips:
            instance_refs = references(properties(self.resources[logical_id]).get("InstanceId"))
            eips[logical_id] = next(iter(instance_refs), None)
        for resource in self.resources.values():
            if resource.get("Type") != "AWS::EC2::EIPAssociation":
                continue
            props = properties(resource)
            targets = references(props.get("AllocationId")) | references(props.get("EIP"))
            instances = references(props.get("InstanceId"))
            for eip in targets & set(eips):
                eips[eip] = next(iter(instances), None)
        return eips

    def instance(self, logical_id: str, name: str, resource: dict[str, Any], *, has_eip: bool, retained: bool) -> None:
        props = properties(resource)
        instance_type = _literal_string(props.get("InstanceType", "m1.small"), f"{name}.InstanceType")
        self.line(name, f"{instance_type} instance", 1, "instance", self.region.instance_hour(instance_type), "hour",
                  after_destroy=retained)
        for index, mapping in enumerate(props.get("BlockDeviceMappings") or []):
            ebs = mapping.get("Ebs")
            if ebs is None:
                continue  # an instance-store volume: included in the instance price
            device = mapping.get("DeviceName", f"BlockDeviceMappings[{index}]")
            if "VolumeSize" not in ebs:
                self.notes.append(f"{name}: volume {device} takes its size from the AMI, which the template does "
                                  "not say; it is not included")
                continue
            kept = ebs.get("DeleteOnTermination", True) is False
            label = f"root volume {device}" if device in ROOT_DEVICES else f"volume {device}"
            self.ebs(name, label, ebs, size_key="VolumeSize", type_key="VolumeType",
                     after_destroy=retained or kept)
        if not has_eip and self._gets_public_address(props):
            # Auto-assigned by the public subnet; released when the instance stops.
            self.line(name, "public IPv4 address (auto-assigned)", 1, "address",
                      self.region.usd("public_ipv4_hour"), "hour", after_destroy=retained)
        if props.get("Monitoring") is True:
            metrics = self.region.detailed_monitoring_metrics
            self.line(name, "detailed monitoring (one-minute metrics)", metrics, "metric",
                      self.region.usd("cloudwatch_metric_month"), "month", after_destroy=retained)

    @staticmethod
    def _gets_public_address(props: dict[str, Any]) -> bool:
        interfaces = props.get("NetworkInterfaces")
        if interfaces:
            return any(i.get("AssociatePublicIpAddress") is True for i in interfaces)
        return True  # the public subnet's auto-assign setting (on in every default VPC's subnets)

    def volume(self, name: str, resource: dict[str, Any], *, retained: bool) -> None:
        props = properties(resource)
        self.ebs(name, "data volume", props, size_key="Size", type_key="VolumeType", after_destroy=retained)
        if resource.get("DeletionPolicy") == "Snapshot":
            size = _literal_number(props.get("Size"), f"{name}.Size")
            self.line(name, "snapshot left by cdk destroy (at most the volume's size)", size, "GB",
                      self.region.usd("snapshot_gb_month"), "month", running=False, after_destroy=True)

    def ebs(self, name: str, label: str, props: dict[str, Any], *, size_key: str, type_key: str,
            after_destroy: bool, count: int = 1, stopped: bool = True) -> None:
        """Storage, IOPS and throughput of one EBS volume (``count`` alike); they keep costing while the instance
        is stopped."""
        size = _literal_number(props.get(size_key), f"{name}.{size_key}")
        volume_type = _literal_string(props.get(type_key, DEFAULT_VOLUME_TYPE), f"{name}.{type_key}")
        where = f"{label}: {volume_type}"
        flags = {"stopped": stopped, "after_destroy": after_destroy}
        self.line(name, f"{where} storage", size * count, "GB", self.region.ebs_gb_month(volume_type), "month",
                  **flags)
        iops = props.get("Iops")
        if volume_type == "gp3":
            if iops is not None:
                extra = _literal_number(iops, f"{name}.Iops") - GP3_FREE_IOPS
                if extra > 0:
                    self.line(name, f"{where} IOPS above {GP3_FREE_IOPS:,}", extra * count, "IOPS",
                              self.region.usd("gp3_iops_month"), "month", **flags)
            throughput = props.get("Throughput")
            if throughput is not None:
                extra = _literal_number(throughput, f"{name}.Throughput") - GP3_FREE_THROUGHPUT
                if extra > 0:
                    self.line(name, f"{where} throughput above {GP3_FREE_THROUGHPUT} MiB/s", extra * count, "MiB/s",
                              self.region.usd("gp3_throughput_mibps_month"), "month", **flags)
        elif volume_type == "io1":
            iops_count = _literal_number(iops, f"{name}.Iops")
            self.line(name, f"{where} provisioned IOPS", iops_count * count, "IOPS", self.region.usd("io1_iops_month"),
                      "month", **flags)
        elif volume_type == "io2":
            remaining = _literal_number(iops, f"{name}.Iops")
            lower = 0
            for up_to, price in self.region.io2_tiers():
                in_tier = remaining if up_to is None else min(remaining, Decimal(up_to - lower))
                if in_tier > 0:
                    span = f"{lower + 1:,}-{up_to:,}" if up_to is not None else f"above {lower:,}"
                    self.line(name, f"{where} provisioned IOPS {span}", in_tier * count, "IOPS", price, "month",
                              **flags)
                remaining -= in_tier
                lower = up_to if up_to is not None else lower


def _plain(number: Decimal) -> str:
    """``1``, ``0.5``: a number as a person writes it."""
    return format(Decimal(number).normalize(), "f")


def estimate_template(template: dict[str, Any], *, region: str, prices: Prices, stack: str = "",
                      assumptions: Optional[Assumptions] = None, stack_region: Optional[str] = None) -> Estimate:
    """Price one synthesized template in ``region``. Raises CostError for anything it cannot price."""
    region_prices = prices.region(region)
    builder = _Builder(template, region_prices, prices.hours_per_month, assumptions or prices.assumptions())
    builder.build()
    return Estimate(stack=stack, region=region, region_name=region_prices.name, lines=builder.lines,
                    notes=builder.notes, stack_region=stack_region if stack_region != region else None)


# --------------------------------------------------------------------------------------------------
# Rendering


def money(value: Decimal, places: int = 2) -> str:
    """``$12.92``; ``places`` decimals, half up."""
    quantum = Decimal(1).scaleb(-places)
    return f"${value.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"


def unit_price(value: Decimal) -> str:
    """A price as the price file has it, with at least two decimals: ``$0.0116``, ``$0.10``."""
    text = format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    return f"${whole}.{fraction.ljust(2, '0')}"


def quantity(line: Line) -> str:
    number = line.quantity
    text = f"{int(number):,}" if number == number.to_integral_value() else f"{number.normalize():,}"
    unit = line.unit
    if unit in COUNTED_UNITS and number != 1:
        unit += "es" if unit.endswith("ss") else "s"
    return f"{text} {unit}"


# Units counted in whole things (pluralized); the others (GB, IOPS, MiB/s, LCU) are measures.
COUNTED_UNITS = ("instance", "address", "metric", "alarm", "load balancer", "request")


def _per(line: Line) -> str:
    if line.unit == "request":  # billed per request, whenever it happens
        return f"{unit_price(line.price)} per request"
    return f"{unit_price(line.price)} per {line.unit}-{line.per}"


def render_estimate(estimate: Estimate) -> str:
    out = [f"### Cost of {estimate.stack} in {estimate.region} ({estimate.region_name})", ""]
    if estimate.stack_region:
        out += [f"Priced in {estimate.region} as asked; the stack itself is synthesized for {estimate.stack_region} "
                "(the same resources: prices differ by region, the template does not).", ""]
    running = [line for line in estimate.lines if line.running]
    out += ["| resource | item | quantity | unit price | per hour | per month |",
            "|---|---|---:|---:|---:|---:|"]
    for line in running:
        out.append(f"| {line.resource} | {line.item} | {quantity(line)} | {_per(line)} | "
                   f"{money(line.hourly, 4)} | {money(line.monthly)} |")
    hourly, monthly = estimate.total("running")
    out.append(f"| **total while running** | | | | **{money(hourly, 4)}** | **{money(monthly)}** |")
    out.append("")
    stopped_hourly, stopped_monthly = estimate.total("stopped")
    out.append(f"- **While stopped: {money(stopped_monthly)} a month** ({money(stopped_hourly, 4)} an hour): EBS "
               "volumes, Elastic IPs, load balancers and stored logs keep costing; instance hours, auto-assigned "
               "addresses and detailed monitoring stop (an Auto Scaling group's instances are not stopped but "
               "scaled in: counted as stopping).")
    left = [line for line in estimate.lines if line.after_destroy]
    if left:
        out.append(f"- **After `cdk destroy`: {money(estimate.after_destroy_monthly)} a month** until you delete "
                   "what is left:")
        for line in left:
            out.append(f"  - {line.resource}: {line.item}, {quantity(line)} at {_per(line)}: {money(line.monthly)}")
    else:
        out.append("- After `cdk destroy`: nothing left that costs money.")
    for note in estimate.notes:
        out.append(f"- Note: {note}.")
    return "\n".join(out)


def render_markdown(estimates: Sequence[Estimate], prices: Prices) -> str:
    parts = ["## Cost estimate", "",
             f"On-Demand list prices in USD from `tools/prices.json` (figures checked {', '.join(prices.checked_dates())}); "
             f"a month is {prices.hours_per_month} hours. Not included: data transfer, the free tier, taxes, "
             "snapshots you take yourself. Each instance is assumed to get a public IPv4 address from its "
             "subnet (every default VPC's public subnets assign one).", ""]
    for estimate in estimates:
        parts += [render_estimate(estimate), ""]
    return "\n".join(parts).rstrip() + "\n"


# --------------------------------------------------------------------------------------------------


def estimate_stacks(stacks: Sequence[StackTemplate], *, prices: Prices, region: Optional[str] = None,
                    assumptions: Optional[Assumptions] = None) -> list[Estimate]:
    return [estimate_template(stack.load(), region=region or stack.region or "", prices=prices, stack=stack.name,
                              assumptions=assumptions, stack_region=stack.region)
            for stack in stacks]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.cost", description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", action="append", type=Path, default=[],
                        help="a synthesized template (repeatable); default: every stack in --cdk-out")
    parser.add_argument("--cdk-out", type=Path, default=DEFAULT_CDK_OUT, help="the cloud assembly (default: cdk.out)")
    parser.add_argument("--region", help="price in this region instead of the stack's own (make cost REGION=...)")
    parser.add_argument("--lcu", type=Decimal, default=None,
                        help="a load balancer's average LCUs an hour (default: prices.json's assumption)")
    parser.add_argument("--prices", type=Path, default=PRICES_FILE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        prices = Prices.load(args.prices)
        if args.lcu is not None and args.lcu < 0:
            raise CostError(f"--lcu must be 0 or more (got {args.lcu})")
        stacks = [template_stack(path) for path in args.template] if args.template else assembly_stacks(args.cdk_out)
        missing = [stack.name for stack in stacks if not (args.region or stack.region)]
        if missing:
            raise CostError(f"no region known for {', '.join(missing)} (no cdk.out manifest next to it); pass --region")
        estimates = estimate_stacks(stacks, prices=prices, region=args.region,
                                    assumptions=prices.assumptions(lcu=args.lcu))
    except (CostError, AssemblyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(render_markdown(estimates, prices))
    return 0


if __name__ == "__main__":
    sys.exit(main())
