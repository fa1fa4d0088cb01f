"""The edge in the audit (ec2_web_server/edge.py, network.py): WAF web ACLs and CloudFront distributions with the tag,
WAF's log groups (``aws-waf-logs-<stack>-...``), and the stack's own VPCs. cdk destroy deletes all of them; any still
there was left behind (a failed delete: a VPC with something still in it, a distribution still being disabled)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Optional

from cost_model.prices import RegionPrices
from tools.audit.common import GIB, NOT_OURS, belongs, error_code, price
from tools.audit.report import Finding

WAF_LOG_GROUP_PREFIX = "aws-waf-logs-"  # ec2_web_server/edge.py: WAF logs only to groups named so


def web_acls(wafv2: Any, region: str, prices: Optional[RegionPrices], tag_key: str, tag_value: str,
             stack_name: str | None) -> list[Finding]:
    """Regional web ACLs with the tag: each costs its monthly fee and one per rule while it exists."""
    findings = []
    marker = None
    while True:
        page = wafv2.list_web_acls(Scope="REGIONAL", **({"NextMarker": marker} if marker else {}))
        for summary in page.get("WebACLs", []):
            try:
                tags = wafv2.list_tags_for_resource(ResourceARN=summary["ARN"])["TagInfoForResource"].get("TagList", [])
            except wafv2.exceptions.ClientError as error:
                if error_code(error) in (*NOT_OURS, "WAFNonexistentItemException"):
                    continue
                raise
            if not belongs(tags, tag_key, tag_value, stack_name):
                continue
            acl = wafv2.get_web_acl(Name=summary["Name"], Scope="REGIONAL", Id=summary["Id"])
            rules = len(acl["WebACL"].get("Rules", []))
            monthly = None if prices is None else prices.usd("waf_web_acl_month") + rules * prices.usd("waf_rule_month")
            findings.append(Finding(
                "web-acl", summary["ARN"], f"{rules} rule(s) (cdk destroy deletes it)", monthly=monthly,
                remove=(f"aws wafv2 delete-web-acl --scope REGIONAL --name {summary['Name']} --id {summary['Id']} "
                        f"--lock-token {acl['LockToken']} --region {region}",)))
        marker = page.get("NextMarker")
        if not marker or not page.get("WebACLs"):
            return findings


def waf_log_groups(logs: Any, region: str, prices: Optional[RegionPrices], stack_name: str | None) -> list[Finding]:
    if not stack_name:
        return []
    findings = []
    prefix = f"{WAF_LOG_GROUP_PREFIX}{stack_name}-"
    for page in logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=prefix):
        for group in page["logGroups"]:
            name, stored = group["logGroupName"], int(group.get("storedBytes", 0))
            findings.append(Finding(
                "log-group", name, f"WAF's logs, {stored:,} bytes stored (cdk destroy deletes it)",
                monthly=price(prices, "logs_storage_gb_month", Decimal(stored) / GIB),
                remove=(f"aws logs delete-log-group --log-group-name {name} --region {region}",)))
    return findings


def distributions(cloudfront: Any, tag_key: str, tag_value: str, stack_name: str | None) -> list[Finding]:
    """CloudFront distributions with the tag. A distribution must be disabled (and the change deployed) before it
    can be deleted (CloudFront API Reference, DeleteDistribution: DistributionNotDisabled)."""
    findings = []
    for page in cloudfront.get_paginator("list_distributions").paginate():
        for item in (page.get("DistributionList") or {}).get("Items", []) or []:
            tags = cloudfront.list_tags_for_resource(Resource=item["ARN"]).get("Tags", {}).get("Items", [])
            if not belongs(tags, tag_key, tag_value, stack_name):
                continue
            state = "enabled" if item.get("Enabled") else "disabled"
            findings.append(Finding(
                "distribution", item["Id"], f"{item.get('DomainName')}, {state}, {item.get('Status')} (cdk destroy "
                                            "disables and deletes it)", monthly=Decimal(0),
                remove=(f"aws cloudfront get-distribution-config --id {item['Id']}  # set Enabled false, then "
                        f"update-distribution with its ETag; once Deployed: aws cloudfront delete-distribution "
                        f"--id {item['Id']} --if-match <ETag>",)))
    return findings


def vpcs(ec2: Any, filter_sets: list[list[dict[str, Any]]], region: str) -> list[Finding]:
    """VPCs with the tag (vpc_id=new): free by themselves; left behind when something still in them stopped the
    delete."""
    found: dict[str, dict[str, Any]] = {}
    for filters in filter_sets:
        for page in ec2.get_paginator("describe_vpcs").paginate(Filters=filters):
            for vpc in page["Vpcs"]:
                found[vpc["VpcId"]] = vpc
    return [Finding("vpc", vpc_id, f"{vpc.get('CidrBlock')}"
                    + (" with IPv6" if vpc.get("Ipv6CidrBlockAssociationSet") else "")
                    + " (cdk destroy deletes it)", monthly=Decimal(0),
                    remove=(f"aws ec2 delete-vpc --vpc-id {vpc_id} --region {region}",))
            for vpc_id, vpc in sorted(found.items())]


def leftovers(client: Callable[..., Any], ec2: Any, filter_sets: list[list[dict[str, Any]]], region: str,
              prices: Optional[RegionPrices], tag_key: str, tag_value: str, stack_name: str | None) -> list[Finding]:
    return (web_acls(client("wafv2"), region, prices, tag_key, tag_value, stack_name)
            + waf_log_groups(client("logs"), region, prices, stack_name)
            # CloudFront is global: its API is in us-east-1 whatever the stack's region.
            + distributions(client("cloudfront", "us-east-1"), tag_key, tag_value, stack_name)
            + vpcs(ec2, filter_sets, region))
