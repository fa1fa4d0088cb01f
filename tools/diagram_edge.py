"""The edge in make diagram's picture: the stack's own VPC (vpc_id=new), the WAF web ACL on the load balancer and the
CloudFront distribution in front of it (ec2_web_server/edge.py, ec2_web_server/network.py)."""

from __future__ import annotations

import re
from typing import Any

from tools import templates


def _node(logical_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", logical_id)


def edge(template: dict, found: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    balancers = templates.resources(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    ipv6 = {templates.reference(templates.properties(block).get("VpcId"))
            for block in templates.resources(template, "AWS::EC2::VPCCidrBlock").values()
            if templates.properties(block).get("AmazonProvidedIpv6CidrBlock")}
    for vpc_id, vpc in templates.resources(template, "AWS::EC2::VPC").items():
        subnets = [s for s in templates.resources(template, "AWS::EC2::Subnet").values()
                   if templates.reference(templates.properties(s).get("VpcId")) == vpc_id]
        zones = len({str(templates.properties(s).get("AvailabilityZone")) for s in subnets})
        nat = "NAT gateway" if templates.resources(template, "AWS::EC2::NatGateway") else "no NAT gateway"
        label = (f"VPC {templates.properties(vpc).get('CidrBlock')}{' + Amazon IPv6 /56' if vpc_id in ipv6 else ''}"
                 f"<br/>{len(subnets)} public subnets in {zones} zones, {nat}")
        lines.append(f'  {_node(vpc_id)}[["{label}"]]')
        for lb_id in balancers:
            lines.append(f"  {_node(vpc_id)} -. subnets .- {_node(lb_id)}")
    for acl_id, acl in templates.resources(template, "AWS::WAFv2::WebACL").items():
        rules = templates.properties(acl).get("Rules") or []
        rate = next((r["Statement"]["RateBasedStatement"].get("Limit") for r in rules
                     if "RateBasedStatement" in r.get("Statement", {})), None)
        managed = sum(1 for r in rules if "ManagedRuleGroupStatement" in r.get("Statement", {}))
        label = f"AWS WAF web ACL<br/>{managed} managed rule groups" + (
            f", {rate} requests / 5 min per address" if rate is not None else "")
        lines.append(f'  {_node(acl_id)}{{"{label}"}}')
        for association in templates.resources(template, "AWS::WAFv2::WebACLAssociation").values():
            target = templates.reference(templates.properties(association).get("ResourceArn"))
            if target in found:
                lines.append(f"  {_node(acl_id)} -. filters .-> {_node(target)}")
    for cdn_id, cdn in templates.resources(template, "AWS::CloudFront::Distribution").items():
        config = templates.properties(cdn).get("DistributionConfig") or {}
        aliases = ", ".join(config.get("Aliases") or []) or "its cloudfront.net name"
        lines.append(f'  {_node(cdn_id)}(["CloudFront<br/>{aliases}, HTTP redirected to HTTPS"])')
        lines.append(f"  internet --> {_node(cdn_id)}")
        for origin in config.get("Origins") or []:
            target = templates.reference(origin.get("DomainName"))
            policy = (origin.get("CustomOriginConfig") or {}).get("OriginProtocolPolicy", "")
            if target in found:
                lines.append(f"  {_node(cdn_id)} -->|origin, {policy}| {_node(target)}")
    return lines
