"""List what a deployment left behind that still costs money (read-only).

    python -m tools.audit [--region R] [--tag-key K --tag-value V] [--stack-name S] [--endpoint-url URL]

A resource belongs to the deployment when it carries the tag ``KEY=VALUE``, or
the ``aws:cloudformation:stack-name`` tag CloudFormation puts on what it creates
for the stack. The defaults are this app's (constants.py): the tag
``app=ec2-web-server``, the stack ``WebServerStack``, and the region from
``AWS_REGION``, else the example environment's ``us-east-1``; with
``--stack-name ''`` only the tag counts.

Reported: instances not terminated, Elastic IPs (associated or not: every public
IPv4 address is billed), EBS volumes, key pairs with their ``/ec2/keypair/<id>``
SSM parameter, the stack itself if it still exists, and snapshots - listed with
their size as *intended* leftovers (``DeletionPolicy: Snapshot`` keeps them on
purpose).

Exit status: 0 when nothing unintended is left, 1 otherwise (an error included).
Only Describe/Get/List calls are made; it works against a real account too.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from constants import APP_TAG_KEY, APP_TAG_VALUE, EXAMPLE_REGION, STACK_NAME

STACK_NAME_TAG = "aws:cloudformation:stack-name"
_LIVE_INSTANCE_STATES = ["pending", "running", "stopping", "stopped", "shutting-down"]


@dataclass(frozen=True)
class Finding:
    """One leftover resource."""

    kind: str  # instance, elastic-ip, volume, snapshot, key-pair, ssm-parameter, stack
    resource_id: str
    detail: str
    intended: bool = False


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
        """True when nothing but intended leftovers (snapshots) remains."""
        return not self.unintended


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


def _snapshots(ec2: Any, filter_sets: list[list[dict[str, Any]]]) -> list[Finding]:
    paginator = ec2.get_paginator("describe_snapshots")
    found = [
        s
        for filters in filter_sets
        for page in paginator.paginate(OwnerIds=["self"], Filters=filters)
        for s in page["Snapshots"]
    ]
    return [
        Finding(
            "snapshot",
            s["SnapshotId"],
            f"{s['VolumeSize']} GiB from {s.get('VolumeId', '?')} (kept on purpose)",
            intended=True,
        )
        for s in _unique(found, "SnapshotId")
    ]


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
    import boto3

    session = session or boto3.session.Session()

    def client(service: str) -> Any:
        return session.client(service, region_name=region, endpoint_url=endpoint_url)

    ec2, ssm, cloudformation = client("ec2"), client("ssm"), client("cloudformation")
    filter_sets = _tag_filters(tag_key, tag_value, stack_name)
    report = AuditReport(region)
    report.findings += _stacks(cloudformation, tag_key, tag_value, stack_name)
    report.findings += _instances(ec2, filter_sets)
    report.findings += _addresses(ec2, filter_sets)
    report.findings += _volumes(ec2, filter_sets)
    report.findings += _key_pairs(ec2, ssm, filter_sets)
    report.findings += _snapshots(ec2, filter_sets)
    return report


def format_report(report: AuditReport, what: str) -> str:
    """A plain table, then a one-line verdict."""
    lines = [f"Leftovers for {what} in {report.region}:"]
    if not report.findings:
        lines.append("  nothing found")
    else:
        rows = [("KIND", "ID", "DETAIL", "")] + [
            (f.kind, f.resource_id, f.detail, "intended" if f.intended else "LEFT BEHIND")
            for f in report.findings
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            lines.append("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
    count = len(report.unintended)
    lines.append("OK: nothing unintended is left." if report.clean else f"NOT CLEAN: {count} resource(s) left behind.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.audit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--region", default=os.environ.get("AWS_REGION") or EXAMPLE_REGION,
                        help=f"default: $AWS_REGION, else {EXAMPLE_REGION}")
    parser.add_argument("--tag-key", default=APP_TAG_KEY, help=f"default: {APP_TAG_KEY}")
    parser.add_argument("--tag-value", default=APP_TAG_VALUE, help=f"default: {APP_TAG_VALUE}")
    parser.add_argument("--stack-name", default=STACK_NAME,
                        help=f"also match the aws:cloudformation:stack-name tag and the stack (default: {STACK_NAME}; "
                             "'' for the tag alone)")
    parser.add_argument("--endpoint-url", help="an emulator's endpoint (default: the real AWS endpoints)")
    args = parser.parse_args(argv)
    what = f"{args.tag_key}={args.tag_value}" + (f" or stack {args.stack_name}" if args.stack_name else "")
    try:
        report = audit(
            args.region, args.tag_key, args.tag_value, stack_name=args.stack_name, endpoint_url=args.endpoint_url
        )
    except Exception as error:  # credentials, network, permissions: say so plainly
        print(f"audit failed: {error}", file=sys.stderr)
        return 1
    print(format_report(report, what))
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
