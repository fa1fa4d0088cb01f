"""Elastic Load Balancing in the audit: load balancers and target groups with the tag."""

from __future__ import annotations

from typing import Any

from tools.audit.common import belongs
from tools.audit.report import Finding

# ELBv2 DescribeTags takes at most 20 resource ARNs a call.
_ELB_TAG_BATCH = 20


def load_balancing(elbv2: Any, tag_key: str, tag_value: str, stack_name: str | None) -> list[Finding]:
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
        if belongs(tags.get(balancer["LoadBalancerArn"]), tag_key, tag_value, stack_name):
            state = (balancer.get("State") or {}).get("Code", "?")
            findings.append(Finding("load-balancer", balancer["LoadBalancerName"],
                                    f"{state}, {balancer.get('Type', '?')}, {balancer.get('Scheme', '?')}, "
                                    f"{balancer.get('DNSName', '')}"))
    for group in groups:
        if belongs(tags.get(group["TargetGroupArn"]), tag_key, tag_value, stack_name):
            attached = len(group.get("LoadBalancerArns") or [])
            findings.append(Finding("target-group", group["TargetGroupName"],
                                    f"{group.get('Protocol', '?')} {group.get('Port', '?')}, "
                                    f"{attached} load balancer(s)"))
    return findings
