"""Amazon EC2 in the audit: instances not terminated, Elastic IPs (every public IPv4 address is billed), EBS volumes,
snapshots (intended leftovers of ``DeletionPolicy: Snapshot``), key pairs with their ``/ec2/keypair/<id>`` SSM
parameter, launch templates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from cost_model.prices import RegionPrices
from tools.audit.common import name_tag, price, unique
from tools.audit.report import Finding

_LIVE_INSTANCE_STATES = ["pending", "running", "stopping", "stopped", "shutting-down"]
# AWS Backup tags the snapshots it makes with keys under aws:backup: they are listed as recovery points of their
# vault (and only AWS Backup may delete them).
_BACKUP_TAG_PREFIX = "aws:backup:"


def instances(ec2: Any, filter_sets: list[list[dict[str, Any]]]) -> list[Finding]:
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
            f"{i['State']['Name']}, {i['InstanceType']}{name_tag(i.get('Tags'))}",
        )
        for i in unique(found, "InstanceId")
    ]


def addresses(ec2: Any, filter_sets: list[list[dict[str, Any]]]) -> list[Finding]:
    found = [a for filters in filter_sets for a in ec2.describe_addresses(Filters=filters)["Addresses"]]
    findings = []
    for address in unique(found, "PublicIp"):
        where = f"associated with {address['InstanceId']}" if address.get("InstanceId") else "not associated"
        findings.append(
            Finding("elastic-ip", address.get("AllocationId") or address["PublicIp"], f"{address['PublicIp']}, {where}")
        )
    return findings


def volumes(ec2: Any, filter_sets: list[list[dict[str, Any]]]) -> list[Finding]:
    paginator = ec2.get_paginator("describe_volumes")
    found = [v for filters in filter_sets for page in paginator.paginate(Filters=filters) for v in page["Volumes"]]
    return [
        Finding("volume", v["VolumeId"], f"{v['State']}, {v['Size']} GiB {v['VolumeType']}{name_tag(v.get('Tags'))}")
        for v in unique(found, "VolumeId")
    ]


def snapshots(ec2: Any, filter_sets: list[list[dict[str, Any]]], region: str,
              prices: Optional[RegionPrices], account: str) -> list[Finding]:
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
            monthly=price(prices, "snapshot_gb_month", Decimal(s["VolumeSize"])),
            remove=(f"aws ec2 delete-snapshot --snapshot-id {s['SnapshotId']} --region {region}",),
        )
        for s in unique(found, "SnapshotId")
    ]



def key_pairs(ec2: Any, ssm: Any, filter_sets: list[list[dict[str, Any]]]) -> list[Finding]:
    found = [k for filters in filter_sets for k in ec2.describe_key_pairs(Filters=filters)["KeyPairs"]]
    findings = []
    for key in unique(found, "KeyPairId"):
        findings.append(Finding("key-pair", key["KeyPairId"], key["KeyName"]))
        parameter = f"/ec2/keypair/{key['KeyPairId']}"
        try:
            ssm.get_parameter(Name=parameter)
        except ssm.exceptions.ParameterNotFound:
            continue
        findings.append(Finding("ssm-parameter", parameter, f"private key of {key['KeyName']}"))
    return findings



def launch_templates(ec2: Any, filter_sets: list[list[dict[str, Any]]]) -> list[Finding]:
    paginator = ec2.get_paginator("describe_launch_templates")
    found = [t for filters in filter_sets for page in paginator.paginate(Filters=filters)
             for t in page["LaunchTemplates"]]
    return [Finding("launch-template", t["LaunchTemplateId"],
                    f"{t['LaunchTemplateName']}, version {t.get('LatestVersionNumber', '?')} (free, but left behind)")
            for t in unique(found, "LaunchTemplateId")]
