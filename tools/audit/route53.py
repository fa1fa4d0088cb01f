"""Amazon Route 53 in the audit: dangling records in every public hosted zone of the account (to a load balancer or a
public address the account no longer has: a subdomain takeover risk), and ACM's validation CNAMEs no certificate
uses (intended leftovers)."""

from __future__ import annotations

import ipaddress
import json
import re
import shlex
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Optional

from tools.audit.acm import validation_records_in_use
from tools.audit.report import DANGLING, Finding

# An Elastic Load Balancing load balancer's DNS name, with the region it is in: ALB and Classic
# (<name>-<id>.<region>.elb.amazonaws.com) and NLB (<name>-<id>.elb.<region>.amazonaws.com), maybe dualstack.-prefixed.
_ELB_DNS = re.compile(r"(?:^|\.)elb\.([a-z0-9-]+)\.amazonaws\.com$|\.([a-z]{2}(?:-[a-z]+)+-\d+)\.elb\.amazonaws\.com$")
# Where ACM's DNS validation CNAMEs point (ACM user guide, "DNS validation").
_ACM_VALIDATION_SUFFIX = ".acm-validations.aws"


def delete_record_command(zone_id: str, record: dict[str, Any]) -> str:
    """The AWS CLI command that deletes ``record`` (Route 53 deletes a record set given its exact current values)."""
    batch = json.dumps({"Changes": [{"Action": "DELETE", "ResourceRecordSet": record}]}, separators=(",", ":"))
    return f"aws route53 change-resource-record-sets --hosted-zone-id {zone_id} --change-batch {shlex.quote(batch)}"


def elb_region(dns_name: str) -> Optional[str]:
    """The region in a load balancer's DNS name, or None when the name is not a load balancer's."""
    found = _ELB_DNS.search(dns_name.rstrip(".").lower())
    return (found.group(1) or found.group(2)) if found else None


def bare(dns_name: str) -> str:
    name = dns_name.rstrip(".").lower()
    return name.removeprefix("dualstack.")


class AccountTargets:
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
            self._balancers[region] = {bare(name) for name in names}
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


def public_ips(values: Iterable[str]) -> list[str]:
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


def records(route53: Any, acm: Any, targets: AccountTargets, region: str) -> list[Finding]:
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
                if target and elb_region(target):
                    if bare(target) not in targets.balancers(elb_region(target) or region):
                        findings.append(dangling(zone_id, zone_name, record, f"{'alias' if alias else 'CNAME'} to "
                                                  f"{target.rstrip('.')}: no load balancer of this account has that "
                                                  "name (deleted)"))
                    continue
                if kind in ("A", "AAAA") and not alias:
                    public = public_ips(values)
                    gone = [ip for ip in public if ip not in targets.addresses()] if public else []
                    if gone:
                        findings.append(dangling(
                            zone_id, zone_name, record,
                            f"{kind} to {', '.join(gone)}: no Elastic IP or network interface of this account holds it "
                            "in any region (released: anyone may be given it next; if it is a server outside AWS, it "
                            "is not dangling, which the audit cannot tell)"))
    if validations:
        used = validation_records_in_use(acm)
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
                remove=(delete_record_command(zone_id, record),)))
    return findings


def dangling(zone_id: str, zone_name: str, record: dict[str, Any], why: str) -> Finding:
    return Finding(DANGLING, f"{record['Name'].rstrip('.')} {record['Type']}",
                   f"in zone {zone_name}: {why}; a dangling record (subdomain takeover risk)",
                   monthly=Decimal(0), remove=(delete_record_command(zone_id, record),))
