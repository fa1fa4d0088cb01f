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
- day two: CloudWatch alarms; a KMS customer managed key (after destroy: pending deletion for its
  PendingWindowInDays, not billed); an SNS topic mailing its subscribers (an assumed number of alarm emails a
  month, within SNS's free 1,000); the CloudWatch agent's custom metrics (counted from the agent configuration
  that the user data writes) and the logs it ships (an assumed volume per instance a month, ``--log-gb``,
  ingested, then stored as long as the log groups' RetentionInDays keeps them); AWS Backup's EBS snapshot
  storage for what its selection covers (each backup after the first stores an assumed share of changed
  data; kept as its plan's lifecycle says, and still there after destroy while the vault is retained);
  EventBridge Scheduler (its invocations within the free 14 million a month); an AWS Budgets budget;
- a site's name: an ACM public certificate ($0: public certificates used with Elastic Load Balancing cost
  nothing; an exportable or private one is named, not priced) and the DNS validation record it leaves in the
  zone after destroy; each Route 53 record's queries (an assumed number a month, ``--dns-queries``): free for an
  alias to a load balancer, standard queries otherwise. A hosted zone the stack only looks up is said in a note
  (it costs a month's fee outside the stack), not counted; one the stack creates is priced;
- while stopped: EBS volumes and Elastic IPs keep costing; instance hours, the auto-assigned address
  (released on stop) and metrics (none are sent) do not; a load balancer and its addresses keep costing;
- with the schedule: when EventBridge Scheduler stops and starts instances (ec2:stopInstances /
  startInstances) or scheduled actions scale a group to zero and back, the share of the time they run
  (tools/cron.py) scales what follows their running time (instance hours, auto-assigned addresses, metrics,
  logs; a group's instances and their volumes, which scaling in terminates); the rest stays as it is;
- after destroy: snapshots that ``DeletionPolicy: Snapshot`` volumes (``on_destroy: snapshot``) leave
  behind (at most the volume's size: a snapshot stores only the blocks written), and anything retained.

Not counted: data transfer, I/O requests of magnetic volumes, S3 requests (log deliveries), KMS and SNS
requests (within their free tiers at alarm volumes), snapshots you take yourself, the free tier (except
where a line says so), Savings Plans and taxes.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Optional

from tools import cron
from tools.templates import (
    DEFAULT_VOLUME_TYPE,
    RETAINED_POLICIES,
    AssemblyError,
    StackTemplate,
    assembly_stacks,
    display_name,
    elastic_ip_associations,
    properties,
    references,
    render_value,
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
    "AWS::AutoScaling::ScheduledAction",  # Auto Scaling itself is free; what it changes is counted on the group
    "AWS::Backup::BackupPlan",  # what a plan stores is counted on its vault
    "AWS::Backup::BackupSelection",
    "AWS::ElasticLoadBalancingV2::Listener",  # a load balancer's listeners are in its hourly price
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::IAM::InstanceProfile",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Policy",
    "AWS::IAM::Role",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::Subscription",  # the emails it receives are counted on its topic
    "AWS::SNS::TopicPolicy",
    "AWS::SSM::Parameter",
    "Custom::S3AutoDeleteObjects",  # an invocation of the Lambda function counted on its own
})
# Auto Scaling's target tracking creates and manages two CloudWatch alarms per policy (scale out, scale in).
TARGET_TRACKING_ALARMS = 2
# A KMS key's waiting period before deletion when the template does not say (ScheduleKeyDeletion's default).
KMS_DEFAULT_PENDING_DAYS = 30
# How long storage is priced for when nothing expires it (log groups without RetentionInDays, backups without
# DeleteAfterDays): a year's worth, as for a log bucket without an expiry rule.
UNEXPIRED_DAYS = 365
# The CloudWatch agent's plugins whose metrics are one per entry of "resources" (a disk, a device, an interface).
AGENT_PER_RESOURCE = ("disk", "diskio", "net", "nvidia_gpu")
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
                    dns_queries: Optional[Decimal] = None) -> Assumptions:
        raw = self.raw["assumptions"]
        return Assumptions(
            lcu=Decimal(lcu) if lcu is not None else Decimal(raw["alb_lcu_average"]["value"]),
            access_logs_gb_month=Decimal(raw["access_logs_gb_per_month"]["value"]),
            log_gb_month=Decimal(log_gb) if log_gb is not None else Decimal(raw["log_gb_per_instance_month"]["value"]),
            backup_changed_share=Decimal(raw["backup_changed_share"]["value"]),
            alarm_emails_month=Decimal(raw["alarm_emails_per_month"]["value"]),
            dns_queries_month=Decimal(dns_queries) if dns_queries is not None
            else Decimal(raw["dns_queries_per_month"]["value"]))


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
    # The instance or group (by display name) whose running time this line's cost follows: a schedule that stops it
    # a share of the time scales this line by that share.
    follows: Optional[str] = None

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
    # display name of a scheduled instance or group -> the share of the time it runs
    running_shares: dict[str, Decimal] = field(default_factory=dict)
    schedules: list[str] = field(default_factory=list)  # each schedule in words

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

    def with_schedule(self, line: Line) -> Decimal:
        """A running line's monthly cost with the schedule applied."""
        share = self.running_shares.get(line.follows or "")
        return line.monthly if share is None else line.monthly * share

    @property
    def scheduled_monthly(self) -> Decimal:
        """The month with the schedule applied (the running month when there is none)."""
        return sum((self.with_schedule(line) for line in self.lines if line.running), Decimal(0))


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
                 assumptions: Assumptions, stack: str = "") -> None:
        self.template = template
        self.resources = resources(template)
        self.names = {logical_id: display_name(logical_id, resource) for logical_id, resource in self.resources.items()}
        self.region = region
        self.hours = hours
        self.assumptions = assumptions
        self.stack = stack
        self.lines: list[Line] = []
        self.notes: list[str] = []
        self.running_shares: dict[str, Decimal] = {}
        self.schedules: list[str] = []
        self._invocations: dict[str, Decimal] = {}  # an EventBridge Scheduler schedule's invocations a month
        self._looked_up_zones: dict[str, list[str]] = {}  # a hosted zone id the stack does not create -> who uses it

    def line(self, resource: str, item: str, quantity: Any, unit: str, price: Decimal, per: str, *,
             stopped: bool = False, running: bool = True, after_destroy: bool = False,
             follows: Optional[str] = None) -> None:
        self.lines.append(Line(resource=resource, item=item, quantity=Decimal(quantity), unit=unit, price=price,
                               per=per, hours_per_month=self.hours, running=running, stopped=stopped,
                               after_destroy=after_destroy, follows=follows))

    def build(self) -> None:
        self.run_schedules()  # first: the schedules' own lines say how often they fire
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
            elif kind == "AWS::KMS::Key":
                self.key(name, resource, retained=retained)
            elif kind == "AWS::SNS::Topic":
                self.topic(name)
            elif kind == "AWS::Backup::BackupVault":
                self.vault(logical_id, name, retained=retained)
            elif kind == "AWS::Scheduler::Schedule":
                self.scheduler(logical_id, name)
            elif kind == "AWS::Budgets::Budget":
                self.budget(name)
            elif kind == "AWS::CertificateManager::Certificate":
                self.certificate(name, resource)
            elif kind == "AWS::Route53::RecordSet":
                self.record(name, resource)
            elif kind == "AWS::Route53::HostedZone":
                self.hosted_zone(name, resource, retained=retained)
            elif kind == "AWS::Logs::LogGroup":
                continue  # priced with the instances that ship logs to it (agents)
            elif kind not in FREE_TYPES:
                self.notes.append(f"not priced: {name} ({kind})")
        self.agents()
        self.zones_outside()
        # One resource's lines together, resources in name order (each resource's own order kept).
        self.lines.sort(key=lambda line: line.resource)

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
                  "instance", self.region.instance_hour(instance_type), "hour", follows=name)
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
                     after_destroy=False, count=low, stopped=False, follows=name)  # scaling in terminates them
        if self._gets_public_address(data):
            self.line(name, "public IPv4 address of each instance (auto-assigned)", low, "address",
                      self.region.usd("public_ipv4_hour"), "hour", follows=name)
        if (data.get("Monitoring") or {}).get("Enabled") is True:
            metrics = self.region.detailed_monitoring_metrics
            self.line(name, "detailed monitoring of each instance (one-minute metrics)", metrics * low, "metric",
                      self.region.usd("cloudwatch_metric_month"), "month", follows=name)
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
        eips: dict[str, Optional[str]] = dict.fromkeys(resources(self.template, "AWS::EC2::EIP"))
        for eip, instance in elastic_ip_associations(self.template):
            if eip in eips:
                eips[eip] = instance
        return eips

    def instance(self, logical_id: str, name: str, resource: dict[str, Any], *, has_eip: bool, retained: bool) -> None:
        props = properties(resource)
        instance_type = _literal_string(props.get("InstanceType", "m1.small"), f"{name}.InstanceType")
        self.line(name, f"{instance_type} instance", 1, "instance", self.region.instance_hour(instance_type), "hour",
                  after_destroy=retained, follows=name)
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
                      self.region.usd("public_ipv4_hour"), "hour", after_destroy=retained, follows=name)
        if props.get("Monitoring") is True:
            metrics = self.region.detailed_monitoring_metrics
            self.line(name, "detailed monitoring (one-minute metrics)", metrics, "metric",
                      self.region.usd("cloudwatch_metric_month"), "month", after_destroy=retained, follows=name)

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
            after_destroy: bool, count: int = 1, stopped: bool = True, follows: Optional[str] = None) -> None:
        """Storage, IOPS and throughput of one EBS volume (``count`` alike); they keep costing while the instance
        is stopped."""
        size = _literal_number(props.get(size_key), f"{name}.{size_key}")
        volume_type = _literal_string(props.get(type_key, DEFAULT_VOLUME_TYPE), f"{name}.{type_key}")
        where = f"{label}: {volume_type}"
        flags: dict[str, Any] = {"stopped": stopped, "after_destroy": after_destroy, "follows": follows}
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

    # Day two: alarms' key and topic, the CloudWatch agent, backups, schedules, a budget

    def key(self, name: str, resource: dict[str, Any], *, retained: bool) -> None:
        """A KMS customer managed key: a month's fee while it exists; not billed while pending deletion."""
        props = properties(resource)
        item = "KMS customer managed key"
        if props.get("EnableKeyRotation") is True:
            item += (" (rotated yearly: each of its first two rotations adds the same fee again, from its second "
                     "year; priced at its first year)")
        price = self.region.usd("kms_key_month")
        self.line(name, item, 1, "key", price, "month", stopped=True, after_destroy=retained)
        if not retained:
            days = int(_literal_number(props.get("PendingWindowInDays", KMS_DEFAULT_PENDING_DAYS),
                                       f"{name}.PendingWindowInDays"))
            self.line(name, f"pending deletion for {days} days after cdk destroy (PendingWindowInDays), then deleted "
                            "by AWS KMS; not billed meanwhile (AWS KMS pricing: no charge for keys scheduled for "
                            "deletion)", 1, "key", Decimal(0), "month", running=False, after_destroy=True)

    def topic(self, name: str) -> None:
        """An SNS topic: the alarm emails it sends, an assumed number, within SNS's free allowance."""
        emails = self.assumptions.alarm_emails_month
        free = self.region.free_per_month("sns_email_notification")
        price = self.region.usd("sns_email_notification")
        self.line(name, f"SNS email notifications: {_plain(emails)} a month, assumed, within the first {free:,} a "
                        f"month that are free (then {unit_price(price * 100_000)} per 100,000); its publishes are "
                        "within the first million requests a month that are free",
                  max(Decimal(0), emails - free), "notification", price, "month", stopped=True)

    def budget(self, name: str) -> None:
        """An AWS Budgets budget without actions: free in AWS's price list."""
        legacy = self.region.figure("budget_day", "legacy_usd_beyond_two")
        day = self.region.usd("budget_day")
        self.line(name, f"AWS Budgets budget without actions: {unit_price(day)} a budget-day in AWS's price list, "
                        f"assumed to hold (older AWS guides charge {unit_price(legacy)} a day for each budget beyond an "
                        f"account's first two: {money(legacy * self.hours / 24)} a month)",
                  1, "budget", day * self.hours / 24, "month", stopped=True)

    def scheduler(self, logical_id: str, name: str) -> None:
        """An EventBridge Scheduler schedule: its invocations, within the free allowance."""
        free = self.region.free_per_month("scheduler_invocation")
        invocations = self._invocations.get(logical_id)
        said = f"{invocations.quantize(Decimal('0.1'))} invocations a month" if invocations is not None else \
            "its invocations"
        billed = max(Decimal(0), invocations - free) if invocations is not None else Decimal(0)
        self.line(name, f"EventBridge Scheduler: {said}, within the first {free:,} a month that are free",
                  billed, "invocation", self.region.usd("scheduler_invocation"), "month", stopped=True)

    # A site's name: its certificate, its records, their hosted zone

    def certificate(self, name: str, resource: dict[str, Any]) -> None:
        """An ACM certificate: a public one costs nothing (ACM pricing: public certificates provisioned through ACM
        are free for use with integrated services such as Elastic Load Balancing); an exportable or private one is
        charged and named, not priced. With DNS validation, cdk destroy leaves its validation record behind."""
        props = properties(resource)
        domains = ", ".join(render_value(d) for d in [props.get("DomainName"), *(props.get("SubjectAlternativeNames")
                                                                             or [])] if d is not None)
        if props.get("CertificateAuthorityArn") is not None:
            self.notes.append(f"not priced: {name} (a private certificate from AWS Private CA: ACM charges for each "
                              "one issued)")
            return
        if props.get("CertificateExport") == "ENABLED":
            self.notes.append(f"not priced: {name} (an exportable public certificate: ACM charges for each name at "
                              "issuance and at each renewal)")
            return
        method = props.get("ValidationMethod", "EMAIL")
        self.line(name, f"ACM public certificate for {domains} ({method}-validated): free (ACM's public certificates "
                        "cost nothing when used with Elastic Load Balancing and its other integrated services)",
                  1, "certificate", self.region.usd("acm_public_certificate_month"), "month", stopped=True)
        for option in props.get("DomainValidationOptions") or []:
            self._zone_used(option.get("HostedZoneId"), name)
        if method == "DNS":
            # CloudFormation writes the validation CNAME into the zone and does not delete it with the certificate
            # (aws-cloudformation/cloudformation-coverage-roadmap#1603); records cost nothing beyond their zone.
            self.line(name, "DNS validation CNAME record left in the hosted zone by cdk destroy: free (records are "
                            "included in the zone's fee) and reused by the next certificate for the same name",
                      1, "record", Decimal(0), "month", running=False, after_destroy=True)

    def record(self, name: str, resource: dict[str, Any]) -> None:
        """A Route 53 record's queries, an assumed number a month: free for an alias to a load balancer (Route 53
        pricing: queries to alias records mapped to Elastic Load Balancing load balancers are free), standard
        queries (per million, tiered) otherwise. Its hosted zone's fee is the zone's."""
        props = properties(resource)
        self._zone_used(props.get("HostedZoneId"), name)
        if props.get("HostedZoneId") is None and props.get("HostedZoneName") is not None:
            self._zone_used(f"named {render_value(props.get('HostedZoneName'))}", name)
        label = f"{render_value(props.get('Name', name)).rstrip('.')} {render_value(props.get('Type', '?'))} record"
        queries = self.assumptions.dns_queries_month
        said = f"{_count(queries)} a month, assumed"
        millions = queries / 1_000_000
        alias = props.get("AliasTarget")
        if alias is not None and self._to_load_balancer(alias):
            self.line(name, f"alias queries to {label} (to a load balancer): {said}; free (Route 53 does not charge "
                            "for queries to an alias to an Elastic Load Balancing load balancer)", millions,
                      "million queries", self.region.usd("route53_alias_queries_elb_million"), "month", stopped=True)
            return
        kind = "alias" if alias is not None else "standard"
        if alias is not None:
            self.notes.append(f"{name}: an alias to something other than a load balancer is priced as standard "
                              "queries (Route 53 does not charge for aliases to CloudFront, S3 websites, API Gateway "
                              "and a few more either)")
        if any(key in props for key in ("Region", "GeoLocation", "GeoProximityLocation", "CidrRoutingConfig")):
            self.notes.append(f"{name}: a latency, geolocation or IP-based record is priced as standard queries (its "
                              "queries cost more)")
        remaining, lower = millions, Decimal(0)
        for up_to, price in self.region.tiers("route53_standard_queries_million"):
            in_tier = remaining if up_to is None else min(remaining, Decimal(up_to) - lower)
            if in_tier > 0 or lower == 0:
                span = f"at the price of the first {_count(Decimal(up_to) * 1_000_000)} a month" \
                    if up_to is not None and lower == 0 else f"those above {_count(lower * 1_000_000)} a month"
                self.line(name, f"{kind} queries to {label}: {said} ({span})", in_tier, "million queries", price,
                          "month", stopped=True)
            remaining -= max(in_tier, Decimal(0))
            lower = Decimal(up_to) if up_to is not None else lower
            if remaining <= 0:
                break

    def _to_load_balancer(self, alias: dict[str, Any]) -> bool:
        """True when an alias targets an Elastic Load Balancing load balancer: this template's, or one named by its
        DNS name (``*.elb.amazonaws.com``, ``*.elb.<region>.amazonaws.com``)."""
        balancers = set(resources(self.template, "AWS::ElasticLoadBalancingV2::LoadBalancer")) | \
            set(resources(self.template, "AWS::ElasticLoadBalancing::LoadBalancer"))
        if references(alias.get("DNSName")) & balancers:
            return True
        target = render_value(alias.get("DNSName")).rstrip(".").lower()
        return target.endswith(".elb.amazonaws.com") or (".elb." in target and target.endswith(".amazonaws.com"))

    def hosted_zone(self, name: str, resource: dict[str, Any], *, retained: bool) -> None:
        """A hosted zone the stack creates: its monthly fee (the first 25 of an account; less beyond)."""
        zone = render_value(properties(resource).get("Name", name)).rstrip(".")
        figure = self.region.raw["route53_hosted_zone_month"]
        self.line(name, f"Route 53 hosted zone {zone} (one of an account's first {figure['first_zones']}; "
                        f"{unit_price(Decimal(figure['usd_beyond']))} a month each beyond)", 1, "hosted zone",
                  self.region.usd("route53_hosted_zone_month"), "month", stopped=True, after_destroy=retained)

    def _zone_used(self, zone: Any, user: str) -> None:
        """Remember a hosted zone a record or certificate uses that this template does not create."""
        if zone is None or references(zone) & set(resources(self.template, "AWS::Route53::HostedZone")):
            return
        users = self._looked_up_zones.setdefault(render_value(zone).replace("/hostedzone/", ""), [])
        if user not in users:
            users.append(user)

    def zones_outside(self) -> None:
        """A note for each hosted zone the stack uses but does not create (looked up): it costs its monthly fee
        whether or not the stack exists, so it is not counted."""
        figure = self.region.raw.get("route53_hosted_zone_month")
        for zone, users in sorted(self._looked_up_zones.items()):
            price = f"{money(Decimal(figure['usd']))} a month (the first {figure['first_zones']} zones of an " \
                    f"account; {money(Decimal(figure['usd_beyond']))} each beyond)" if figure else "its monthly fee"
            self.notes.append(f"the hosted zone {zone} that {' and '.join(users)} {'use' if len(users) > 1 else 'uses'} "
                              f"is looked up, not created by this stack: it exists outside the stack and costs {price} "
                              "before, during and after it; not counted here")

    # The CloudWatch agent: custom metrics and logs, per instance (or per instance of a group)

    def agents(self) -> None:
        shipped_to: set[str] = set()
        for logical_id, resource in sorted(resources(self.template, "AWS::EC2::Instance").items(),
                                           key=lambda item: self.names[item[0]]):
            config = _agent_config(properties(resource).get("UserData"))
            if config is not None:
                shipped_to |= self.agent(self.names[logical_id], config, count=1, each="")
        for logical_id, resource in sorted(resources(self.template, "AWS::AutoScaling::AutoScalingGroup").items(),
                                           key=lambda item: self.names[item[0]]):
            props = properties(resource)
            template_ids = references((props.get("LaunchTemplate") or {}).get("LaunchTemplateId")) & set(self.resources)
            if not template_ids:
                continue
            data = properties(self.resources[next(iter(template_ids))]).get("LaunchTemplateData") or {}
            config = _agent_config(data.get("UserData"))
            if config is not None:
                low = int(_literal_number(props.get("MinSize"), f"{self.names[logical_id]}.MinSize"))
                shipped_to |= self.agent(self.names[logical_id], config, count=low, each=" of each instance")
        for logical_id in sorted(set(resources(self.template, "AWS::Logs::LogGroup")) - shipped_to, key=self.names.get):
            self.notes.append(f"not priced: {self.names[logical_id]} (AWS::Logs::LogGroup: nothing in this template "
                              "ships logs to it; its cost depends on what does)")

    def agent(self, source: str, config: dict[str, Any], *, count: int, each: str) -> set[str]:
        """The agent on ``count`` instances of ``source``: its custom metrics, and the logs it ships (an assumed
        volume each, ingested, then stored as long as the log groups keep them). Returns the log groups."""
        metrics = config.get("metrics") if isinstance(config.get("metrics"), dict) else {}
        names = _agent_metrics(metrics, self.notes, source)
        if names:
            namespace = metrics.get("namespace", "CWAgent")
            self.line(source, f"CloudWatch agent's custom metrics{each} ({namespace}: {', '.join(names)})",
                      len(names) * count, "metric", self.region.usd("cloudwatch_metric_month"), "month",
                      follows=source)
        groups = self._shipped_log_groups(config)
        if not groups:
            return set()
        retentions = [properties(self.resources[g]).get("RetentionInDays") for g in sorted(groups)]
        if any(days is None for days in retentions):
            days = UNEXPIRED_DAYS
            kept = f"a year (a log group without RetentionInDays never expires; assumed {UNEXPIRED_DAYS} days)"
        else:
            days = max(int(_literal_number(d, "RetentionInDays")) for d in retentions)
            kept = f"{days} days (RetentionInDays{', the longest of its log groups' if len(set(retentions)) > 1 else ''})"
        retained = any(self.resources[g].get("DeletionPolicy") in RETAINED_POLICIES for g in groups)
        label = _common_path(sorted(self.names[g] for g in groups))  # sorted: a set's order changes from run to run
        gb = self.assumptions.log_gb_month
        listed = ", ".join(sorted(render_value(properties(self.resources[g]).get("LogGroupName", self.names[g]))
                                  for g in groups))
        per = " from each instance" if each else ""
        self.line(label, f"logs ingested from {source}: {_plain(gb)} GB a month{per}, assumed "
                         f"({len(groups)} log groups: {listed})", gb * count, "GB ingested",
                  self.region.usd("logs_ingestion_gb"), "month", follows=source)
        stored = (gb * count * days / 30).quantize(Decimal("0.01"))
        self.line(label, f"logs stored from {source}: kept {kept}; at most (CloudWatch Logs stores them compressed)",
                  stored, "GB", self.region.usd("logs_storage_gb_month"), "month", stopped=True,
                  after_destroy=retained, follows=source)
        return groups

    def _shipped_log_groups(self, config: dict[str, Any]) -> set[str]:
        """The log groups of this template the agent configuration ships files to (by reference or by name)."""
        by_name = {render_value(properties(r).get("LogGroupName")): k
                   for k, r in resources(self.template, "AWS::Logs::LogGroup").items() if properties(r).get("LogGroupName")}
        files = (((config.get("logs") or {}).get("logs_collected") or {}).get("files") or {}).get("collect_list") or []
        found = set()
        for entry in files:
            target = str(entry.get("log_group_name", ""))
            logical_id = target[2:-1] if target.startswith("${") and target.endswith("}") else by_name.get(target)
            if logical_id in self.resources and self.resources[logical_id].get("Type") == "AWS::Logs::LogGroup":
                found.add(logical_id)
        return found

    # AWS Backup: what a vault stores for the plans that target it

    def vault(self, logical_id: str, name: str, *, retained: bool) -> None:
        rules = [(plan_id, rule) for plan_id, plan in sorted(resources(self.template, "AWS::Backup::BackupPlan").items())
                 for rule in (properties(plan).get("BackupPlan") or {}).get("BackupPlanRule") or []
                 if logical_id in references(rule.get("TargetBackupVault"))]
        if not rules:
            self.notes.append(f"{name}: no backup plan here stores in it; an empty vault costs nothing")
            return
        share = self.assumptions.backup_changed_share
        for plan_id, rule in rules:
            expression = rule.get("ScheduleExpression") or "cron(0 5 ? * * *)"  # AWS Backup's default: daily 05:00
            try:
                per_day = cron.fires_per_day(cron.parse_aws(expression), rule.get("ScheduleExpressionTimezone", "UTC"))
            except cron.CronError as error:
                self.notes.append(f"not priced: {name}: backup rule {rule.get('RuleName', '?')} ({error})")
                continue
            delete_after = (rule.get("Lifecycle") or {}).get("DeleteAfterDays")
            days = int(_literal_number(delete_after, f"{name}.DeleteAfterDays")) if delete_after is not None \
                else UNEXPIRED_DAYS
            if (rule.get("Lifecycle") or {}).get("MoveToColdStorageAfterDays") is not None:
                self.notes.append(f"{name}: cold storage is priced as warm storage here (an upper bound)")
            points = max(1, math.ceil((per_day * days).quantize(Decimal('0.000001'))))  # not 2.0000...1 -> 3
            kept = f"deleted after {days} days" if delete_after is not None else \
                f"never deleted (no DeleteAfterDays; priced at {UNEXPIRED_DAYS} days' worth)"
            after = ("; the vault is retained: after cdk destroy they stay until each is deleted"
                     f"{f', at most {days} days later' if delete_after is not None else ''}") if retained else ""
            for source, gb in self._backed_up(plan_id, name):
                stored = (gb * (1 + (points - 1) * share)).quantize(Decimal("0.01"))
                self.line(name, f"EBS snapshot backups of {source}: {points} recovery points kept ({expression}, "
                                f"{kept}); the first stores the whole {_plain(gb)} GB at most, each next one "
                                f"{_plain(share * 100)}% of it (changed data, assumed){after}",
                          stored, "GB", self.region.usd("backup_ebs_gb_month"), "month", stopped=True,
                          after_destroy=retained)

    def _backed_up(self, plan_id: str, vault_name: str) -> list[tuple[str, Decimal]]:
        """What a plan's selections cover: each instance (an AMI with all its EBS volumes) and each data volume."""
        instances, volumes = resources(self.template, "AWS::EC2::Instance"), resources(self.template, "AWS::EC2::Volume")
        covered: set[str] = set()
        for selection in resources(self.template, "AWS::Backup::BackupSelection").values():
            props = properties(selection)
            if plan_id not in references(props.get("BackupPlanId")):
                continue
            chosen = props.get("BackupSelection") or {}
            for condition in chosen.get("ListOfTags") or []:
                key, value = condition.get("ConditionKey"), condition.get("ConditionValue")
                if key == "aws:cloudformation:stack-name" and (not self.stack or value == self.stack):
                    covered |= set(instances) | set(volumes)
                else:
                    covered |= {k for k, r in {**instances, **volumes}.items()
                                if {"Key": key, "Value": value} in (properties(r).get("Tags") or [])}
            listed = chosen.get("Resources") or []
            if "*" in listed:
                covered |= set(instances) | set(volumes)
            covered |= references(listed) & (set(instances) | set(volumes))
            if chosen.get("NotResources") or chosen.get("Conditions"):
                self.notes.append(f"{vault_name}: the selection's NotResources/Conditions are not applied here "
                                  "(priced as if they excluded nothing)")
        attached: dict[str, list[str]] = {}
        for attachment in resources(self.template, "AWS::EC2::VolumeAttachment").values():
            props = properties(attachment)
            for instance in references(props.get("InstanceId")):
                attached.setdefault(instance, []).extend(sorted(references(props.get("VolumeId")) & set(volumes)))
        found = []
        for logical_id in sorted(covered & set(instances), key=self.names.get):
            props = properties(instances[logical_id])
            sizes = [_literal_number(m["Ebs"]["VolumeSize"], f"{self.names[logical_id]}.VolumeSize")
                     for m in props.get("BlockDeviceMappings") or [] if "VolumeSize" in (m.get("Ebs") or {})]
            sizes += [_literal_number(properties(volumes[v]).get("Size"), f"{self.names[v]}.Size")
                      for v in attached.get(logical_id, [])]
            with_data = f" and {len(attached[logical_id])} attached data volume(s)" if attached.get(logical_id) else ""
            found.append((f"{self.names[logical_id]} (an AMI: its root volume{with_data})", sum(sizes, Decimal(0))))
        for logical_id in sorted(covered & set(volumes), key=self.names.get):
            found.append((self.names[logical_id],
                          _literal_number(properties(volumes[logical_id]).get("Size"), f"{self.names[logical_id]}.Size")))
        if any(attached.get(i) for i in covered & set(instances)) and covered & set(volumes):
            self.notes.append(f"{vault_name}: data volumes are backed up twice, in their instance's AMI and on their "
                              "own: counted twice (an upper bound, if EBS stores one set incrementally to the other)")
        return found

    # Schedules: when the instances and groups run

    def run_schedules(self) -> None:
        """The share of the time each scheduled instance or group runs (EventBridge Scheduler's stopInstances /
        startInstances, Auto Scaling's scheduled actions to zero and back), and each schedule's invocations."""
        instances = set(resources(self.template, "AWS::EC2::Instance"))
        groups = set(resources(self.template, "AWS::AutoScaling::AutoScalingGroup"))
        plans: dict[frozenset[str], tuple[list[tuple[cron.Cron, str]], list[tuple[cron.Cron, str]]]] = {}
        for logical_id, resource in sorted(self.resources.items(), key=lambda item: self.names[item[0]]):
            kind, props, name = resource.get("Type"), properties(resource), self.names[logical_id]
            if kind == "AWS::Scheduler::Schedule":
                expression, tz = props.get("ScheduleExpression"), props.get("ScheduleExpressionTimezone") or "UTC"
                action = render_value((props.get("Target") or {}).get("Arn"))
                direction = "stop" if action.endswith("ec2:stopInstances") else \
                    "start" if action.endswith("ec2:startInstances") else None
                targets = frozenset(references((props.get("Target") or {}).get("Input")) & instances)
                if not (isinstance(expression, str) and expression.startswith("cron(")):
                    if direction:
                        self.notes.append(f"{name}: only cron(...) schedules are simulated, not {expression!r}")
                    continue
                try:
                    parsed = cron.parse_aws(expression)
                    self._invocations[logical_id] = cron.fires_per_day(parsed, tz) * self.hours / 24
                except cron.CronError as error:
                    self.notes.append(f"{name}: schedule not simulated ({error})")
                    continue
                if props.get("State") == "DISABLED":
                    self.notes.append(f"{name} is disabled: not applied")
                    continue
            elif kind == "AWS::AutoScaling::ScheduledAction":
                expression, tz = props.get("Recurrence"), props.get("TimeZone") or "UTC"
                targets = frozenset(references(props.get("AutoScalingGroupName")) & groups)
                if not isinstance(expression, str):
                    self.notes.append(f"{name}: a scheduled action without Recurrence (one-off) is not applied")
                    continue
                try:
                    parsed = cron.parse_unix(expression)
                except cron.CronError as error:
                    self.notes.append(f"{name}: schedule not simulated ({error})")
                    continue
                desired, low, high = (props.get(key) for key in ("DesiredCapacity", "MinSize", "MaxSize"))
                direction = "stop" if desired == 0 or high == 0 else \
                    "start" if (desired or 0) > 0 or (low or 0) > 0 else None
            else:
                continue
            if direction and targets:
                stops, starts = plans.setdefault(targets, ([], []))
                (stops if direction == "stop" else starts).append((parsed, tz))
        for targets, (stops, starts) in sorted(plans.items(), key=lambda item: sorted(item[0])):
            try:
                share = cron.running_share(stops=stops, starts=starts)
            except cron.CronError as error:
                self.notes.append(f"schedule not simulated ({error})")
                continue
            names = sorted(self.names[t] for t in targets)
            for target in names:
                self.running_shares[target] = share.fraction
            zones = sorted({tz for _, tz in (*stops, *starts)})
            self.schedules.append(
                f"{', '.join(names)} {'run' if len(names) > 1 else 'runs'} {share.describe()}: stopped at "
                f"{' / '.join(c.text for c, _ in stops) or 'never'}, started at "
                f"{' / '.join(c.text for c, _ in starts) or 'never'} ({', '.join(zones)})")


def _count(number: Decimal) -> str:
    """``1,000,000``; ``2.5``: a count as a person writes it."""
    number = Decimal(number)
    return f"{int(number):,}" if number == number.to_integral_value() else f"{number.normalize():,}"


def _plain(number: Decimal) -> str:
    """``1``, ``0.5``: a number as a person writes it."""
    return format(Decimal(number).normalize(), "f")


def _common_path(names: Sequence[str]) -> str:
    """``WebServer/Logs`` for ``WebServer/Logs/Boot`` and ``WebServer/Logs/HttpdError``."""
    parts = [name.split("/") for name in names]
    common = []
    for pieces in zip(*parts, strict=False):  # as far as the shortest goes
        if len(set(pieces)) != 1:
            break
        common.append(pieces[0])
    return "/".join(common) or names[0]


def _agent_config(user_data: Any) -> Optional[dict[str, Any]]:
    """The CloudWatch agent's configuration that the user data writes (the first JSON object in it with a
    ``metrics`` or ``logs`` section), or None. References in it read ``${LogicalId}``."""
    if isinstance(user_data, dict) and "Fn::Base64" in user_data:
        user_data = user_data["Fn::Base64"]
    if user_data is None:
        return None
    text = render_value(user_data)
    decoder = json.JSONDecoder()
    index = text.find("{")
    while index != -1:
        try:
            found, _ = decoder.raw_decode(text, index)
        except ValueError:
            found = None
        if isinstance(found, dict) and any(isinstance(found.get(key), dict) for key in ("metrics", "logs")):
            return found
        index = text.find("{", index + 1)
    return None


def _agent_metrics(metrics: dict[str, Any], notes: list[str], source: str) -> list[str]:
    """The custom metrics an agent configuration's ``metrics_collected`` makes per instance, as the agent names
    them (``mem_used_percent``, ``disk_used_percent`` of ``/``): one per measurement, and per resource for the
    plugins that take resources (a disk, a device)."""
    found = []
    for plugin, settings in sorted((metrics.get("metrics_collected") or {}).items()):
        settings = settings if isinstance(settings, dict) else {}
        resources_ = settings.get("resources") if plugin in AGENT_PER_RESOURCE else None
        if resources_ and "*" in resources_:
            notes.append(f"{source}: the agent's {plugin} metrics are per {plugin} resource (\"*\"): counted once")
            resources_ = None
        for measurement in settings.get("measurement") or []:
            metric = measurement if isinstance(measurement, str) else str(measurement.get("name", "?"))
            metric = metric if metric.startswith(f"{plugin}_") else f"{plugin}_{metric}"
            found += [f"{metric} of {where}" for where in resources_] if resources_ else [metric]
    if metrics.get("aggregation_dimensions"):
        notes.append(f"{source}: the agent's aggregation_dimensions add metrics not counted here")
    return found


def estimate_template(template: dict[str, Any], *, region: str, prices: Prices, stack: str = "",
                      assumptions: Optional[Assumptions] = None, stack_region: Optional[str] = None) -> Estimate:
    """Price one synthesized template in ``region``. Raises CostError for anything it cannot price."""
    region_prices = prices.region(region)
    builder = _Builder(template, region_prices, prices.hours_per_month, assumptions or prices.assumptions(), stack)
    builder.build()
    return Estimate(stack=stack, region=region, region_name=region_prices.name, lines=builder.lines,
                    notes=builder.notes, stack_region=stack_region if stack_region != region else None,
                    running_shares=builder.running_shares, schedules=builder.schedules)


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
COUNTED_UNITS = ("instance", "address", "metric", "alarm", "load balancer", "request", "key", "notification",
                 "invocation", "budget", "certificate", "record", "hosted zone")
# Units billed each time they happen (or per GB as it comes in), not per unit kept for an hour or a month.
EVENT_UNITS = ("request", "notification", "invocation", "GB ingested", "million queries")


def _per(line: Line) -> str:
    if line.unit in EVENT_UNITS:
        return f"{unit_price(line.price)} per {line.unit}"
    return f"{unit_price(line.price)} per {line.unit}-{line.per}"


def _percent(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def render_schedule(estimate: Estimate) -> list[str]:
    """The month with the schedule applied: what it scales, line by line, and the total."""
    scaled = [line for line in estimate.lines if line.running and line.follows in estimate.running_shares]
    out = ["", f"#### The month with the schedule: {money(estimate.scheduled_monthly)}", ""]
    out += [f"- {schedule}." for schedule in estimate.schedules]
    out += ["- Scaled by the share of the time they run: instance hours, auto-assigned public IPv4 addresses, "
            "metrics and logs (and a group's instances with their volumes, which scaling in terminates); EBS "
            "volumes of stopped instances, Elastic IPs, load balancers, alarms, keys, backups and the rest stay as "
            "they are.", "",
            "| resource | item | runs | per month | with the schedule |", "|---|---|---:|---:|---:|"]
    for line in scaled:
        out.append(f"| {line.resource} | {line.item} | {_percent(estimate.running_shares[line.follows or ''])} | "
                   f"{money(line.monthly)} | {money(estimate.with_schedule(line))} |")
    out.append(f"| **total with the schedule** | | | **{money(estimate.monthly)}** | "
               f"**{money(estimate.scheduled_monthly)}** |")
    return out


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
               "volumes, Elastic IPs, load balancers, stored logs and backups, keys, alarms and DNS queries keep "
               "costing; instance hours, auto-assigned addresses, metrics and log ingestion stop (an Auto Scaling "
               "group's instances are not stopped but scaled in: counted as stopping).")
    if estimate.running_shares:
        out.append(f"- **With the schedule: {money(estimate.scheduled_monthly)} a month** "
                   f"({money(estimate.monthly - estimate.scheduled_monthly)} less than running all month): "
                   + "; ".join(estimate.schedules) + " (details below).")
    left = [line for line in estimate.lines if line.after_destroy]
    if left and estimate.after_destroy_monthly == 0:
        out.append("- After `cdk destroy`: nothing left that costs money; left at no cost:")
        for line in left:
            out.append(f"  - {line.resource}: {line.item}")
    elif left:
        out.append(f"- **After `cdk destroy`: {money(estimate.after_destroy_monthly)} a month** until you delete "
                   "what is left:")
        for line in left:
            out.append(f"  - {line.resource}: {line.item}, {quantity(line)} at {_per(line)}: {money(line.monthly)}")
    else:
        out.append("- After `cdk destroy`: nothing left that costs money.")
    for note in estimate.notes:
        out.append(f"- Note: {note}.")
    if estimate.running_shares:
        out += render_schedule(estimate)
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
    parser.add_argument("--log-gb", type=Decimal, default=None,
                        help="GB of logs the CloudWatch agent ships from each instance a month (default: prices.json's "
                             "assumption)")
    parser.add_argument("--dns-queries", type=Decimal, default=None,
                        help="DNS queries Route 53 answers a month for each of the stack's records (default: prices.json's "
                             "assumption); free for an alias to a load balancer")
    parser.add_argument("--prices", type=Path, default=PRICES_FILE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        prices = Prices.load(args.prices)
        for option, value in (("--lcu", args.lcu), ("--log-gb", args.log_gb), ("--dns-queries", args.dns_queries)):
            if value is not None and value < 0:
                raise CostError(f"{option} must be 0 or more (got {value})")
        stacks = [template_stack(path) for path in args.template] if args.template else assembly_stacks(args.cdk_out)
        missing = [stack.name for stack in stacks if not (args.region or stack.region)]
        if missing:
            raise CostError(f"no region known for {', '.join(missing)} (no cdk.out manifest next to it); pass --region")
        estimates = estimate_stacks(stacks, prices=prices, region=args.region,
                                    assumptions=prices.assumptions(lcu=args.lcu, log_gb=args.log_gb,
                                                                   dns_queries=args.dns_queries))
    except (CostError, AssemblyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(render_markdown(estimates, prices))
    return 0


if __name__ == "__main__":
    sys.exit(main())
