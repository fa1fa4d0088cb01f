"""List what a deployment left behind that still costs money (read-only).

    python -m tools.audit [--region R] [--tag-key K --tag-value V] [--stack-name S] [--endpoint-url URL]

A resource belongs to the deployment when it carries the tag ``KEY=VALUE``, or
the ``aws:cloudformation:stack-name`` tag CloudFormation puts on what it creates
for the stack. The defaults are this app's (constants.py): the tag
``app=ec2-web-server``, the stack ``WebServerStack``, and the region from
``AWS_REGION`` or the AWS config, else the example environment's ``us-east-1``
(always that one against an emulator on localhost unless ``--region`` says
otherwise); with ``--stack-name ''`` only the tag counts.

Reported: instances not terminated (an Auto Scaling group's included, with the
group they belong to), Elastic IPs (associated or not: every public IPv4 address
is billed), EBS volumes, key pairs with their ``/ec2/keypair/<id>`` SSM
parameter, load balancers and target groups, launch templates, Auto Scaling
groups, S3 buckets (the load balancer's access logs) with what they hold, the
stack itself if it still exists, and snapshots - listed with their size as
*intended* leftovers (``DeletionPolicy: Snapshot`` keeps them on purpose).

Day two: AWS Backup vaults (found by tag, or by a name starting with the stack's)
and their recovery points are *intended* leftovers (the vault is retained on
purpose), each with its size, its monthly cost and the command that deletes it;
KMS keys pending deletion are fine (``cdk destroy`` schedules that; AWS KMS does
not bill them meanwhile), a key still enabled is left behind. ``cdk destroy``
removes the rest, so any still there is flagged, with its removal command: log
groups named ``/<stack>/...``, EventBridge Scheduler schedules named
``<stack>-...`` (schedules cannot carry tags: CloudFormation names them after the
stack and the logical id), AWS Budgets budgets named after the stack or
filtering on its tag, and SNS topics with the tag. Monthly costs come from
tools/prices.json for the region (left out where it has none).

A site's name: ACM certificates with the tag (or CDK's ``Name`` tag under the
stack's path: CloudFormation does not give certificates its own tags) are left
behind; ``cdk destroy`` deletes them. Route 53 records carry no tags, so the
audit checks every public hosted zone of the account for *dangling* records,
whatever made them: an A/AAAA alias (or a CNAME) to a load balancer that no
longer exists, or an A/AAAA record to a public IP address that no Elastic IP or
network interface of the account holds in any region (released: anyone may be
given it next, a subdomain takeover risk). They are flagged with the command
that deletes each. ACM's DNS validation CNAMEs (``_<hash>.<name>`` to
``*.acm-validations.aws``) that no certificate in the region uses are *intended*
leftovers: CloudFormation leaves them on purpose, they are free, and ACM reuses
them for the next certificate for the name. A record whose target the stack also
left behind (its load balancer, its Elastic IP) is not dangling: the target is
flagged instead.

Credentials: the usual AWS ones (profile, environment, SSO...). With an
``--endpoint-url`` on this machine (``localhost``, ``127.0.0.1``: the local
emulator) the audit signs with fake credentials instead, so it needs none and
never sends real ones to an emulator; fake credentials are never used with any
other endpoint.

Exit status: 0 when nothing unintended is left, 1 otherwise (an error included).
Only Describe/Get/List calls are made (and STS GetCallerIdentity, for the account
that AWS Budgets and the snapshots' owner filter need); it works against a real
account too. Route 53 is global: its
zones are checked whichever region is audited, and the addresses and load
balancers a record may point at are looked up in every region of the account
(only when a record needs it).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import shlex
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional
from urllib.parse import urlparse

from constants import APP_TAG_KEY, APP_TAG_VALUE, EXAMPLE_REGION, STACK_NAME
from tools import cost

STACK_NAME_TAG = "aws:cloudformation:stack-name"
# The kind of finding a dangling DNS record is (flagged whatever made it).
DANGLING = "dns-record"
_LIVE_INSTANCE_STATES = ["pending", "running", "stopping", "stopped", "shutting-down"]
# What a local emulator accepts (moto takes any); sent only to endpoints on this machine.
FAKE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
# ELBv2 DescribeTags takes at most 20 resource ARNs a call.
_ELB_TAG_BATCH = 20
# Objects counted per bucket before the audit stops counting (a leftover is a leftover either way).
_MAX_OBJECTS_COUNTED = 10_000
# AWS Backup tags the snapshots it makes with keys under aws:backup: they are listed as recovery points of their
# vault (and only AWS Backup may delete them).
_BACKUP_TAG_PREFIX = "aws:backup:"
_GIB = Decimal(2**30)
# An Elastic Load Balancing load balancer's DNS name, with the region it is in: ALB and Classic
# (<name>-<id>.<region>.elb.amazonaws.com) and NLB (<name>-<id>.elb.<region>.amazonaws.com), maybe dualstack.-prefixed.
_ELB_DNS = re.compile(r"(?:^|\.)elb\.([a-z0-9-]+)\.amazonaws\.com$|\.([a-z]{2}(?:-[a-z]+)+-\d+)\.elb\.amazonaws\.com$")
# Where ACM's DNS validation CNAMEs point (ACM user guide, "DNS validation").
_ACM_VALIDATION_SUFFIX = ".acm-validations.aws"
# Errors that mean "not ours to read" (another service's key, a topic in someone else's policy), not a failure.
_NOT_OURS = ("AccessDeniedException", "AccessDenied", "AuthorizationError", "NotFoundException", "NotFound")


@dataclass(frozen=True)
class Finding:
    """One leftover resource."""

    # instance, elastic-ip, volume, snapshot, key-pair, ssm-parameter, stack, load-balancer, target-group,
    # launch-template, auto-scaling-group, bucket, backup-vault, recovery-point, log-group, schedule, budget, kms-key,
    # sns-topic, certificate, dns-record (dangling), validation-record
    kind: str
    resource_id: str
    detail: str
    intended: bool = False
    monthly: Optional[Decimal] = None  # USD a month, where the price file knows it
    remove: tuple[str, ...] = ()  # the commands that delete it


@dataclass
class AuditReport:
    """Everything found for one tag (and stack name) in one region."""

    region: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def unintended(self) -> list[Finding]:
        return [f for f in self.findings if not f.intended]

    @property
    def clean(self) -> bool:
        """True when nothing but intended leftovers (snapshots, backup vaults and their recovery points, keys pending
        deletion) remains."""
        return not self.unintended

    @property
    def intended_monthly(self) -> Decimal:
        """What the intended leftovers cost a month (recovery points are in their vault's figure)."""
        return sum((f.monthly or Decimal(0) for f in self.findings if f.intended and f.kind != "recovery-point"),
                   Decimal(0))


def _tag_filters(tag_key: str, tag_value: str, stack_name: str | None) -> list[list[dict[str, Any]]]:
    """One filter list per way of belonging (EC2 filters AND, so ORs are separate calls)."""
    filter_sets = [[{"Name": f"tag:{tag_key}", "Values": [tag_value]}]]
    if stack_name:
        filter_sets.append([{"Name": f"tag:{STACK_NAME_TAG}", "Values": [stack_name]}])
    return filter_sets


def _unique(items: Iterable[dict[str, Any]], key: str) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    for item in items:
        if item[key] not in seen:
            seen.add(item[key])
            yield item


def _name(tags: list[dict[str, str]] | None) -> str:
    for tag in tags or []:
        if tag["Key"] == "Name":
            return f" ({tag['Value']})"
    return ""


def _belongs(tags: Iterable[dict[str, Any]] | None, tag_key: str, tag_value: str, stack_name: str | None) -> bool:
    """True when ``tags`` (``[{"Key", "Value"}]``) carry the app's tag or the stack's name tag."""
    found = {tag.get("Key"): tag.get("Value") for tag in tags or []}
    return found.get(tag_key) == tag_value or bool(stack_name and found.get(STACK_NAME_TAG) == stack_name)


def _instances(ec2: Any, filter_sets: list[list[dict[str, Any]]]) -> list[Finding]:
    found = []
    paginator = ec2.get_paginator("describe_instances")
    for filters in filter_sets:
        live = [*filters, {"Name": "instance-state-name", "Values": _LIVE_INSTANCE_STATES}]
        for page in paginator.paginate(Filters=live):
            for reservation in page["Reservations"]:
                found.extend(reservation["Instances"])
    return [
        Finding(
            "instance",
            i["InstanceId"],
            f"{i['State']['Name']}, {i['InstanceType']}{_name(i.get('Tags'))}",
        )
        for i in _unique(found, "InstanceId")
    ]


def _addresses(ec2: Any, filter_sets: list[list[dict[str, Any]]]) -> list[Finding]:
    found = [a for filters in filter_sets for a in ec2.describe_addresses(Filters=filters)["Addresses"]]
    findings = []
    for address in _unique(found, "PublicIp"):
        where = f"associated with {address['InstanceId']}" if address.get("InstanceId") else "not associated"
        findings.append(
            Finding("elastic-ip", address.get("AllocationId") or address["PublicIp"], f"{address['PublicIp']}, {where}")
        )
    return findings


def _volumes(ec2: Any, filter_sets: list[list[dict[str, Any]]]) -> list[Finding]:
    paginator = ec2.get_paginator("describe_volumes")
    found = [v for filters in filter_sets for page in paginator.paginate(Filters=filters) for v in page["Volumes"]]
    return [
        Finding("volume", v["VolumeId"], f"{v['State']}, {v['Size']} GiB {v['VolumeType']}{_name(v.get('Tags'))}")
        for v in _unique(found, "VolumeId")
    ]


def _snapshots(ec2: Any, filter_sets: list[list[dict[str, Any]]], region: str,
               prices: Optional[cost.RegionPrices], account: str) -> list[Finding]:
    paginator = ec2.get_paginator("describe_snapshots")
    # The owner-id filter says what OwnerIds=self says; the emulator (moto) ignores OwnerIds and would match the tag
    # against its 1,300 public AMI snapshots first (80 ms a call), the owner first takes 1 ms.
    found = [
        s
        for filters in filter_sets
        for page in paginator.paginate(OwnerIds=["self"], Filters=[{"Name": "owner-id", "Values": [account]},
                                                                   *filters])
        for s in page["Snapshots"]
        if not any(tag["Key"].startswith(_BACKUP_TAG_PREFIX) for tag in s.get("Tags") or [])
    ]
    return [
        Finding(
            "snapshot",
            s["SnapshotId"],
            f"{s['VolumeSize']} GiB from {s.get('VolumeId', '?')} (kept on purpose; billed for at most its size)",
            intended=True,
            monthly=_price(prices, "snapshot_gb_month", Decimal(s["VolumeSize"])),
            remove=(f"aws ec2 delete-snapshot --snapshot-id {s['SnapshotId']} --region {region}",),
        )
        for s in _unique(found, "SnapshotId")
    ]


def _price(prices: Optional[cost.RegionPrices], key: str, quantity: Decimal) -> Optional[Decimal]:
    """``quantity`` units at the region's ``key`` figure a month; None where the price file has no such region."""
    return None if prices is None else quantity * prices.usd(key)


def _error_code(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))


# --- day two ---------------------------------------------------------------------------------------------------


def _backup_vaults(backup: Any, region: str, prices: Optional[cost.RegionPrices], tag_key: str, tag_value: str,
                   stack_name: str | None) -> list[Finding]:
    """Vaults with the tag (or named after the stack: CDK names a vault after its stack and path), each followed by
    its recovery points: intended leftovers (the vault is retained on purpose), with sizes, costs and commands."""
    findings = []
    for page in backup.get_paginator("list_backup_vaults").paginate():
        for vault in page["BackupVaultList"]:
            name = vault["BackupVaultName"]
            tags = [{"Key": k, "Value": v}
                    for k, v in backup.list_tags(ResourceArn=vault["BackupVaultArn"]).get("Tags", {}).items()]
            if not (_belongs(tags, tag_key, tag_value, stack_name) or (stack_name and name.startswith(stack_name))):
                continue
            # A vault AWS counts as empty is not listed (one call less; AWS refuses to delete a vault that still
            # holds recovery points, so trusting the count loses nothing).
            points = [] if vault.get("NumberOfRecoveryPoints") == 0 else [
                point for points_page in backup.get_paginator("list_recovery_points_by_backup_vault").paginate(
                    BackupVaultName=name) for point in points_page["RecoveryPoints"]]
            size = sum((Decimal(p.get("BackupSizeInBytes", 0)) for p in points), Decimal(0)) / _GIB
            prefix = f"aws backup delete-recovery-point --backup-vault-name {name} --recovery-point-arn"
            commands = tuple(f"{prefix} {p['RecoveryPointArn']} --region {region}" for p in points)
            findings.append(Finding(
                "backup-vault", name,
                f"{len(points)} recovery point(s), {_gib(size)} GiB (kept on purpose: retained by cdk destroy)"
                + (", locked" if vault.get("Locked") else ""),
                intended=True, monthly=_price(prices, "backup_ebs_gb_month", size),
                remove=(*commands, f"aws backup delete-backup-vault --backup-vault-name {name} --region {region}")))
            for point, command in zip(points, commands, strict=True):
                gib = Decimal(point.get("BackupSizeInBytes", 0)) / _GIB
                lifecycle = point.get("CalculatedLifecycle") or {}
                until = f", deleted by its lifecycle on {lifecycle['DeleteAt']:%Y-%m-%d}" if lifecycle.get("DeleteAt") \
                    else ", kept until you delete it"
                made = f", made {point['CreationDate']:%Y-%m-%d}" if point.get("CreationDate") else ""
                source = str(point.get("ResourceArn", "?")).rsplit("/", 1)[-1]
                findings.append(Finding(
                    "recovery-point", point["RecoveryPointArn"],
                    f"{point.get('ResourceType', '?')} {source}, {_gib(gib)} GiB at most, {point.get('Status', '?')}"
                    f"{made}{until} (in vault {name})",
                    intended=True, monthly=_price(prices, "backup_ebs_gb_month", gib), remove=(command,)))
    return findings


def _gib(size: Decimal) -> str:
    return format(size.quantize(Decimal("0.01")).normalize(), "f")


def _log_groups(logs: Any, region: str, prices: Optional[cost.RegionPrices], stack_name: str | None) -> list[Finding]:
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
                monthly=_price(prices, "logs_storage_gb_month", Decimal(stored) / _GIB),
                remove=(f"aws logs delete-log-group --log-group-name {name} --region {region}",)))
    return findings


def _schedules(scheduler: Any, region: str, stack_name: str | None) -> list[Finding]:
    """EventBridge Scheduler schedules named <stack>-...: cdk destroy deletes them; one left behind costs nothing
    but keeps acting (stopping and starting whatever instances it names)."""
    if not stack_name:
        return []
    findings = []
    for page in scheduler.get_paginator("list_schedules").paginate(NamePrefix=f"{stack_name}-"):
        for schedule in page["Schedules"]:
            name, group = schedule["Name"], schedule.get("GroupName", "default")
            action = str((schedule.get("Target") or {}).get("Arn", "?")).rsplit(":", 1)[-1]
            findings.append(Finding(
                "schedule", name, f"{schedule.get('State', '?')}, calls {action}, group {group} (cdk destroy deletes "
                                  "it; free, but it keeps acting)", monthly=Decimal(0),
                remove=(f"aws scheduler delete-schedule --name {name} --group-name {group} --region {region}",)))
    return findings


def _budgets(budgets: Any, account: str, tag_key: str, tag_value: str, stack_name: str | None) -> list[Finding]:
    """AWS Budgets budgets named after the stack, or filtering costs on its tag or the app's: cdk destroy deletes
    them. Budgets are account-wide, not regional."""
    ours = {f"user:{tag_key}${tag_value}", f"{tag_key}${tag_value}"}
    if stack_name:
        ours.add(f"{STACK_NAME_TAG}${stack_name}")
    findings = []
    for page in budgets.get_paginator("describe_budgets").paginate(AccountId=account):
        for budget in page.get("Budgets", []):
            name = budget["BudgetName"]
            filters = set((budget.get("CostFilters") or {}).get("TagKeyValue") or [])
            if not (filters & ours or (stack_name and name.startswith(stack_name))):
                continue
            limit = budget.get("BudgetLimit") or {}
            findings.append(Finding(
                "budget", name, f"{limit.get('Amount', '?')} {limit.get('Unit', '')} "
                                f"{str(budget.get('TimeUnit', '')).lower()} (cdk destroy deletes it; free without "
                                "actions)", monthly=Decimal(0),
                remove=(f"aws budgets delete-budget --account-id {account} --budget-name {name}",)))
    return findings


def _kms_keys(kms: Any, region: str, prices: Optional[cost.RegionPrices], tag_key: str, tag_value: str,
              stack_name: str | None) -> list[Finding]:
    """Keys with the tag: pending deletion is what cdk destroy leaves (fine, and not billed); enabled or disabled,
    a key was left behind and costs its monthly fee."""
    findings = []
    for page in kms.get_paginator("list_keys").paginate():
        for key in page["Keys"]:
            try:
                tags = kms.list_resource_tags(KeyId=key["KeyId"]).get("Tags", [])
            except kms.exceptions.ClientError as error:
                if _error_code(error) in _NOT_OURS:
                    continue  # another service's or account's key we may not read
                raise
            pairs = [{"Key": tag["TagKey"], "Value": tag["TagValue"]} for tag in tags]
            if not _belongs(pairs, tag_key, tag_value, stack_name):
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
                    monthly=_price(prices, "kms_key_month", Decimal(1)),
                    remove=(f"aws kms schedule-key-deletion --key-id {key['KeyId']} --pending-window-in-days 7 "
                            f"--region {region}",)))
    return findings


def _topics(sns: Any, region: str, tag_key: str, tag_value: str, stack_name: str | None) -> list[Finding]:
    """SNS topics with the tag: cdk destroy deletes them (and their subscriptions)."""
    findings = []
    for page in sns.get_paginator("list_topics").paginate():
        for topic in page["Topics"]:
            arn = topic["TopicArn"]
            try:
                tags = sns.list_tags_for_resource(ResourceArn=arn).get("Tags", [])
            except sns.exceptions.ClientError as error:
                if _error_code(error) in _NOT_OURS:
                    continue
                raise
            if not _belongs(tags, tag_key, tag_value, stack_name):
                continue
            subscriptions = sns.list_subscriptions_by_topic(TopicArn=arn).get("Subscriptions", [])
            findings.append(Finding(
                "sns-topic", arn, f"{len(subscriptions)} subscription(s) (cdk destroy deletes it)", monthly=Decimal(0),
                remove=(f"aws sns delete-topic --topic-arn {arn} --region {region}",)))
    return findings


# --- a site's name: certificates and DNS records ---------------------------------------------------------------


def _all_key_types(acm: Any) -> list[str]:
    """Every key algorithm ACM knows: ListCertificates returns only RSA_1024 and RSA_2048 certificates unless asked
    for others (ACM API reference, Filters.keyTypes)."""
    return list(acm.meta.service_model.shape_for("KeyAlgorithm").enum)


def _certificates(acm: Any, region: str, prices: Optional[cost.RegionPrices], tag_key: str, tag_value: str,
                  stack_name: str | None) -> list[Finding]:
    """ACM certificates with the app's tag, the stack's name tag, or a Name tag under the stack's construct path
    (CDK names a certificate after its path; CloudFormation does not put its aws:cloudformation tags on ACM
    certificates, aws-cloudformation/cloudformation-coverage-roadmap#1438): cdk destroy deletes them."""
    findings = []
    paginator = acm.get_paginator("list_certificates")
    for page in paginator.paginate(Includes={"keyTypes": _all_key_types(acm)}):
        for summary in page["CertificateSummaryList"]:
            arn = summary["CertificateArn"]
            try:
                tags = acm.list_tags_for_certificate(CertificateArn=arn).get("Tags", [])
            except acm.exceptions.ClientError as error:
                if _error_code(error) in (*_NOT_OURS, "ResourceNotFoundException"):
                    continue  # deleted meanwhile, or not ours to read
                raise
            named = {tag["Key"]: tag.get("Value", "") for tag in tags}.get("Name", "")
            if not (_belongs(tags, tag_key, tag_value, stack_name)
                    or (stack_name and named.startswith(f"{stack_name}/"))):
                continue
            described = acm.describe_certificate(CertificateArn=arn)["Certificate"]
            kind, users = described.get("Type", "?"), described.get("InUseBy") or []
            public = kind == "AMAZON_ISSUED" and (described.get("Options") or {}).get("Export") != "ENABLED"
            used = f", in use by {', '.join(users)}" if users else ""
            said = "; a public certificate costs nothing" if public else ""
            first = "; delete what uses it first (ACM refuses a certificate in use)" if users else ""
            findings.append(Finding(
                "certificate", arn, f"{described.get('DomainName', '?')}, {described.get('Status', '?')}, {kind}{used} "
                                    f"(cdk destroy deletes it{said}{first})",
                monthly=_price(prices, "acm_public_certificate_month", Decimal(1)) if public else None,
                remove=(f"aws acm delete-certificate --certificate-arn {arn} --region {region}",)))
    return findings


def _delete_record_command(zone_id: str, record: dict[str, Any]) -> str:
    """The AWS CLI command that deletes ``record`` (Route 53 deletes a record set given its exact current values)."""
    batch = json.dumps({"Changes": [{"Action": "DELETE", "ResourceRecordSet": record}]}, separators=(",", ":"))
    return f"aws route53 change-resource-record-sets --hosted-zone-id {zone_id} --change-batch {shlex.quote(batch)}"


def _elb_region(dns_name: str) -> Optional[str]:
    """The region in a load balancer's DNS name, or None when the name is not a load balancer's."""
    found = _ELB_DNS.search(dns_name.rstrip(".").lower())
    return (found.group(1) or found.group(2)) if found else None


def _bare(dns_name: str) -> str:
    name = dns_name.rstrip(".").lower()
    return name.removeprefix("dualstack.")


class _AccountTargets:
    """What a DNS record may point at in the account, looked up lazily (a region only when a record needs it):
    load balancers' DNS names per region, and every public IP address an Elastic IP or a network interface holds in
    any region of the account."""

    def __init__(self, client: Any, region: str) -> None:
        self._client, self._region = client, region
        self._balancers: dict[str, set[str]] = {}
        self._addresses: Optional[set[str]] = None

    def balancers(self, region: str) -> set[str]:
        if region not in self._balancers:
            elbv2, elb = self._client("elbv2", region), self._client("elb", region)
            names = {b["DNSName"] for page in elbv2.get_paginator("describe_load_balancers").paginate()
                     for b in page["LoadBalancers"]}
            names |= {b["DNSName"] for page in elb.get_paginator("describe_load_balancers").paginate()
                      for b in page["LoadBalancerDescriptions"] if b.get("DNSName")}
            self._balancers[region] = {_bare(name) for name in names}
        return self._balancers[region]

    def addresses(self) -> set[str]:
        if self._addresses is None:
            found: set[str] = set()
            regions = [r["RegionName"] for r in self._client("ec2", self._region).describe_regions()["Regions"]]
            for region in regions:
                ec2 = self._client("ec2", region)
                found |= {a["PublicIp"] for a in ec2.describe_addresses()["Addresses"] if a.get("PublicIp")}
                for page in ec2.get_paginator("describe_network_interfaces").paginate():
                    for interface in page["NetworkInterfaces"]:
                        public = (interface.get("Association") or {}).get("PublicIp")
                        found |= {public} if public else set()
                        found |= {str(ipaddress.ip_address(a["Ipv6Address"])) for a in interface.get("Ipv6Addresses")
                                  or [] if a.get("Ipv6Address")}
            self._addresses = found
        return self._addresses


def _public_ips(values: Iterable[str]) -> list[str]:
    """The values of an A/AAAA record that are public addresses (private ones cannot be taken over from outside)."""
    found = []
    for value in values:
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            continue
        if address.is_global:
            found.append(str(address))
    return found


def _records(route53: Any, acm: Any, targets: _AccountTargets, region: str) -> list[Finding]:
    """Dangling records in every public hosted zone of the account (flagged, whatever made them), and ACM's
    validation CNAMEs that no certificate in ``region`` uses (intended leftovers)."""
    findings: list[Finding] = []
    validations: list[tuple[str, str, dict[str, Any]]] = []
    for page in route53.get_paginator("list_hosted_zones").paginate():
        for zone in page["HostedZones"]:
            if (zone.get("Config") or {}).get("PrivateZone"):
                continue  # not answered on the Internet: nothing to take over
            zone_id, zone_name = zone["Id"].rsplit("/", 1)[-1], zone["Name"].rstrip(".")
            pages = route53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone["Id"])
            for record in (r for records_page in pages for r in records_page["ResourceRecordSets"]):
                kind, name = record["Type"], record["Name"].rstrip(".")
                values = [r["Value"] for r in record.get("ResourceRecords") or []]
                alias = (record.get("AliasTarget") or {}).get("DNSName")
                if kind == "CNAME" and len(values) == 1 and values[0].rstrip(".").lower().endswith(
                        _ACM_VALIDATION_SUFFIX):
                    validations.append((zone_id, zone_name, record))
                    continue
                target = alias if kind in ("A", "AAAA") and alias else values[0] if kind == "CNAME" and values else None
                if target and _elb_region(target):
                    if _bare(target) not in targets.balancers(_elb_region(target) or region):
                        findings.append(_dangling(zone_id, zone_name, record, f"{'alias' if alias else 'CNAME'} to "
                                                  f"{target.rstrip('.')}: no load balancer of this account has that "
                                                  "name (deleted)"))
                    continue
                if kind in ("A", "AAAA") and not alias:
                    public = _public_ips(values)
                    gone = [ip for ip in public if ip not in targets.addresses()] if public else []
                    if gone:
                        findings.append(_dangling(
                            zone_id, zone_name, record,
                            f"{kind} to {', '.join(gone)}: no Elastic IP or network interface of this account holds it "
                            "in any region (released: anyone may be given it next; if it is a server outside AWS, it "
                            "is not dangling, which the audit cannot tell)"))
    if validations:
        used = _validation_records_in_use(acm)
        for zone_id, zone_name, record in validations:
            name = record["Name"].rstrip(".")
            if name.lower() in used:
                continue
            covered = name.split(".", 1)[-1]
            findings.append(Finding(
                "validation-record", f"{name} CNAME",
                f"in zone {zone_name}: ACM's DNS validation record for {covered}, which no certificate in {region} "
                "uses; left on purpose (CloudFormation does not delete it, cloudformation-coverage-roadmap#1603), free, "
                "and reused by the next certificate for the name", intended=True, monthly=Decimal(0),
                remove=(_delete_record_command(zone_id, record),)))
    return findings


def _dangling(zone_id: str, zone_name: str, record: dict[str, Any], why: str) -> Finding:
    return Finding(DANGLING, f"{record['Name'].rstrip('.')} {record['Type']}",
                   f"in zone {zone_name}: {why}; a dangling record (subdomain takeover risk)",
                   monthly=Decimal(0), remove=(_delete_record_command(zone_id, record),))


def _validation_records_in_use(acm: Any) -> set[str]:
    """The names of the validation CNAMEs the region's certificates use (DescribeCertificate's
    DomainValidationOptions), lower case, without the final dot."""
    used = set()
    for page in acm.get_paginator("list_certificates").paginate(Includes={"keyTypes": _all_key_types(acm)}):
        for summary in page["CertificateSummaryList"]:
            try:
                described = acm.describe_certificate(CertificateArn=summary["CertificateArn"])["Certificate"]
            except acm.exceptions.ClientError as error:
                if _error_code(error) in (*_NOT_OURS, "ResourceNotFoundException"):
                    continue
                raise
            for option in described.get("DomainValidationOptions") or []:
                if option.get("ResourceRecord"):
                    used.add(option["ResourceRecord"]["Name"].rstrip(".").lower())
    return used


def _key_pairs(ec2: Any, ssm: Any, filter_sets: list[list[dict[str, Any]]]) -> list[Finding]:
    found = [k for filters in filter_sets for k in ec2.describe_key_pairs(Filters=filters)["KeyPairs"]]
    findings = []
    for key in _unique(found, "KeyPairId"):
        findings.append(Finding("key-pair", key["KeyPairId"], key["KeyName"]))
        parameter = f"/ec2/keypair/{key['KeyPairId']}"
        try:
            ssm.get_parameter(Name=parameter)
        except ssm.exceptions.ParameterNotFound:
            continue
        findings.append(Finding("ssm-parameter", parameter, f"private key of {key['KeyName']}"))
    return findings


def _load_balancing(elbv2: Any, tag_key: str, tag_value: str, stack_name: str | None) -> list[Finding]:
    """Load balancers and target groups with the app's tag or the stack's name tag."""
    balancers = [b for page in elbv2.get_paginator("describe_load_balancers").paginate()
                 for b in page["LoadBalancers"]]
    groups = [g for page in elbv2.get_paginator("describe_target_groups").paginate() for g in page["TargetGroups"]]
    arns = [b["LoadBalancerArn"] for b in balancers] + [g["TargetGroupArn"] for g in groups]
    tags: dict[str, list[dict[str, str]]] = {}
    for start in range(0, len(arns), _ELB_TAG_BATCH):
        for description in elbv2.describe_tags(ResourceArns=arns[start:start + _ELB_TAG_BATCH])["TagDescriptions"]:
            tags[description["ResourceArn"]] = description.get("Tags", [])
    findings = []
    for balancer in balancers:
        if _belongs(tags.get(balancer["LoadBalancerArn"]), tag_key, tag_value, stack_name):
            state = (balancer.get("State") or {}).get("Code", "?")
            findings.append(Finding("load-balancer", balancer["LoadBalancerName"],
                                    f"{state}, {balancer.get('Type', '?')}, {balancer.get('Scheme', '?')}, "
                                    f"{balancer.get('DNSName', '')}"))
    for group in groups:
        if _belongs(tags.get(group["TargetGroupArn"]), tag_key, tag_value, stack_name):
            attached = len(group.get("LoadBalancerArns") or [])
            findings.append(Finding("target-group", group["TargetGroupName"],
                                    f"{group.get('Protocol', '?')} {group.get('Port', '?')}, "
                                    f"{attached} load balancer(s)"))
    return findings


def _launch_templates(ec2: Any, filter_sets: list[list[dict[str, Any]]]) -> list[Finding]:
    paginator = ec2.get_paginator("describe_launch_templates")
    found = [t for filters in filter_sets for page in paginator.paginate(Filters=filters)
             for t in page["LaunchTemplates"]]
    return [Finding("launch-template", t["LaunchTemplateId"],
                    f"{t['LaunchTemplateName']}, version {t.get('LatestVersionNumber', '?')} (free, but left behind)")
            for t in _unique(found, "LaunchTemplateId")]


def _auto_scaling(autoscaling: Any, tag_key: str, tag_value: str, stack_name: str | None,
                  known_instances: set[str]) -> list[Finding]:
    """Auto Scaling groups with the tag, and their instances (those the instance search has not found already)."""
    findings = []
    for page in autoscaling.get_paginator("describe_auto_scaling_groups").paginate():
        for group in page["AutoScalingGroups"]:
            if not _belongs(group.get("Tags"), tag_key, tag_value, stack_name):
                continue
            name = group["AutoScalingGroupName"]
            instances = group.get("Instances") or []
            findings.append(Finding("auto-scaling-group", name,
                                    f"{len(instances)} instance(s), {group.get('MinSize')} to {group.get('MaxSize')}"
                                    + (", being deleted" if group.get("Status") else "")))
            for instance in instances:
                if instance["InstanceId"] not in known_instances:
                    findings.append(Finding("instance", instance["InstanceId"],
                                            f"{instance.get('LifecycleState', '?')}, {instance.get('InstanceType', '?')}"
                                            f", in group {name}"))
    return findings


def _buckets(s3: Any, region: str, tag_key: str, tag_value: str, stack_name: str | None) -> list[Finding]:
    """S3 buckets in ``region`` with the tag (the load balancer's access logs), with what they hold."""
    findings = []
    for bucket in s3.list_buckets().get("Buckets", []):
        name = bucket["Name"]
        try:
            location = s3.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"
            if location != region:
                continue
            tags = s3.get_bucket_tagging(Bucket=name).get("TagSet", [])
        except s3.exceptions.ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchTagSet", "NoSuchBucket", "AccessDenied"):
                continue  # untagged, gone meanwhile, or someone else's to read
            raise
        if not _belongs(tags, tag_key, tag_value, stack_name):
            continue
        count, size = 0, 0
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
            for item in page.get("Contents", []):
                count, size = count + 1, size + item.get("Size", 0)
            if count >= _MAX_OBJECTS_COUNTED:
                break
        more = "+" if count >= _MAX_OBJECTS_COUNTED else ""
        findings.append(Finding("bucket", name, f"{count}{more} object(s), {size:,} bytes"))
    return findings


def _stacks(cloudformation: Any, tag_key: str, tag_value: str, stack_name: str | None) -> list[Finding]:
    stacks: list[dict[str, Any]] = []
    if stack_name:
        try:
            stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
        except cloudformation.exceptions.ClientError as error:
            if "does not exist" not in str(error):
                raise
    for page in cloudformation.get_paginator("describe_stacks").paginate():
        for stack in page["Stacks"]:
            tags = {t["Key"]: t["Value"] for t in stack.get("Tags", [])}
            if tags.get(tag_key) == tag_value:
                stacks.append(stack)
    return [
        Finding("stack", s["StackName"], s["StackStatus"])
        for s in _unique(stacks, "StackId")
        if s["StackStatus"] != "DELETE_COMPLETE"
    ]


def audit(
    region: str,
    tag_key: str = APP_TAG_KEY,
    tag_value: str = APP_TAG_VALUE,
    *,
    stack_name: str | None = None,
    endpoint_url: str | None = None,
    session: Any = None,
) -> AuditReport:
    """Find what is left for the tag (and stack name) in ``region``."""
    # Against an emulator on this machine (fixed fake credentials) clients are made once per process and reused:
    # each new session loads every service's model again (30-40 ms a client), and tests and make demo audit often.
    cache = _LOCAL_CLIENTS if session is None and is_local(endpoint_url) else {}
    signer: list[Any] = [session]

    def client(service: str, where: str = region) -> Any:
        key = (endpoint_url, service, where)
        if key not in cache:
            signer[0] = signer[0] or session_for(endpoint_url, region)
            cache[key] = signer[0].client(service, region_name=where, endpoint_url=endpoint_url)
        return cache[key]

    ec2, ssm, cloudformation = client("ec2"), client("ssm"), client("cloudformation")
    filter_sets = _tag_filters(tag_key, tag_value, stack_name)
    try:
        prices: Optional[cost.RegionPrices] = cost.Prices.load().region(region)
    except cost.CostError:
        prices = None  # a region the price file does not know: leftovers listed without their cost
    report = AuditReport(region)
    account = client("sts").get_caller_identity()["Account"]  # AWS Budgets needs it; snapshots are filtered on it
    report.findings += _stacks(cloudformation, tag_key, tag_value, stack_name)
    report.findings += _instances(ec2, filter_sets)
    known = {f.resource_id for f in report.findings if f.kind == "instance"}
    report.findings += _auto_scaling(client("autoscaling"), tag_key, tag_value, stack_name, known)
    report.findings += _load_balancing(client("elbv2"), tag_key, tag_value, stack_name)
    report.findings += _launch_templates(ec2, filter_sets)
    report.findings += _addresses(ec2, filter_sets)
    report.findings += _volumes(ec2, filter_sets)
    report.findings += _key_pairs(ec2, ssm, filter_sets)
    report.findings += _buckets(client("s3"), region, tag_key, tag_value, stack_name)
    report.findings += _snapshots(ec2, filter_sets, region, prices, account)
    report.findings += _backup_vaults(client("backup"), region, prices, tag_key, tag_value, stack_name)
    report.findings += _kms_keys(client("kms"), region, prices, tag_key, tag_value, stack_name)
    report.findings += _log_groups(client("logs"), region, prices, stack_name)
    report.findings += _schedules(client("scheduler"), region, stack_name)
    report.findings += _budgets(client("budgets"), account, tag_key, tag_value, stack_name)
    report.findings += _topics(client("sns"), region, tag_key, tag_value, stack_name)
    acm = client("acm")
    report.findings += _certificates(acm, region, prices, tag_key, tag_value, stack_name)
    report.findings += _records(client("route53"), acm, _AccountTargets(client, region), region)
    return report


_LOCAL_CLIENTS: dict[tuple[Optional[str], str, str], Any] = {}


def is_local(endpoint_url: Optional[str]) -> bool:
    """True for an endpoint on this machine: ``localhost`` (or a name under it) or a loopback address."""
    host = urlparse(endpoint_url or "").hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def session_for(endpoint_url: Optional[str], region: Optional[str] = None) -> Any:
    """A boto3 session: fake credentials for an emulator on this machine, the usual credential chain otherwise."""
    import boto3

    if is_local(endpoint_url):
        return boto3.session.Session(region_name=region, **FAKE_CREDENTIALS)
    return boto3.session.Session(region_name=region)


def default_region(endpoint_url: Optional[str]) -> str:
    """The example environment's region against a local emulator; else the configured one (AWS_REGION, the AWS
    config file), else the example environment's."""
    if is_local(endpoint_url):
        return EXAMPLE_REGION
    import boto3

    # botocore reads AWS_DEFAULT_REGION and the config file; AWS_REGION (what the CDK CLI and the README use) first.
    return os.environ.get("AWS_REGION") or boto3.session.Session().region_name or EXAMPLE_REGION


def format_report(report: AuditReport, what: str) -> str:
    """A plain table, the commands that remove what it lists, then a one-line verdict."""
    lines = [f"Leftovers for {what} in {report.region}:"]
    if not report.findings:
        lines.append("  nothing found")
    else:
        rows = [("KIND", "ID", "DETAIL", "MONTHLY", "")] + [
            (f.kind, f.resource_id, f.detail, cost.money(f.monthly) if f.monthly is not None else "",
             "intended" if f.intended else "DANGLING" if f.kind == DANGLING else "LEFT BEHIND")
            for f in report.findings
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            lines.append("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
    kept = [f for f in report.findings if f.intended and f.remove and f.kind != "recovery-point"]
    if kept:
        lines.append(f"Intended leftovers cost {cost.money(report.intended_monthly)} a month (where priced); once you "
                     "no longer need them, remove them with:")
        lines += [f"  {command}" for f in kept for command in f.remove]
    left = [f for f in report.unintended if f.remove and f.kind != DANGLING]
    if left:
        lines.append("cdk destroy removes these; remove what it left with:")
        lines += [f"  {command}" for f in left for command in f.remove]
    dangling = [f for f in report.unintended if f.kind == DANGLING]
    if dangling:
        lines.append("Dangling DNS records point at an address or load balancer the account no longer has, whatever made "
                     "them: anyone who is given that address can answer for the name. Check, then delete each with:")
        lines += [f"  {command}" for f in dangling for command in f.remove]
    count = len(report.unintended)
    said = f" ({len(dangling)} of them dangling DNS record(s))" if dangling else ""
    lines.append("OK: nothing unintended is left." if report.clean else
                 f"NOT CLEAN: {count} resource(s) left behind{said}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.audit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--region", default=None,
                        help=f"default: the configured region (AWS_REGION, AWS config), else {EXAMPLE_REGION}; "
                             f"{EXAMPLE_REGION} against a local --endpoint-url")
    parser.add_argument("--tag-key", default=APP_TAG_KEY, help=f"default: {APP_TAG_KEY}")
    parser.add_argument("--tag-value", default=APP_TAG_VALUE, help=f"default: {APP_TAG_VALUE}")
    parser.add_argument("--stack-name", default=STACK_NAME,
                        help=f"also match the aws:cloudformation:stack-name tag and the stack (default: {STACK_NAME}; "
                             "'' for the tag alone)")
    parser.add_argument("--endpoint-url", help="an emulator's endpoint (default: the real AWS endpoints)")
    args = parser.parse_args(argv)
    what = f"{args.tag_key}={args.tag_value}" + (f" or stack {args.stack_name}" if args.stack_name else "")
    try:
        region = args.region or default_region(args.endpoint_url)
        report = audit(
            region, args.tag_key, args.tag_value, stack_name=args.stack_name, endpoint_url=args.endpoint_url
        )
    except Exception as error:  # credentials, network, permissions: say so plainly
        print(f"audit failed: {error}", file=sys.stderr)
        return 1
    print(format_report(report, what))
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
