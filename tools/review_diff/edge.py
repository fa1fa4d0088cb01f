"""The edge in the review: the WAF web ACL (what it starts or stops blocking), the CloudFront distribution (how long
its creation and deletion take, and that a deleted one is disabled first), the stack's own VPC (what its replacement
or removal takes with it), and the load balancer's IP address type (dual-stack or not)."""

from __future__ import annotations

from typing import Any

from cost_model.templates import properties
from tools.review_diff.model import Change

WEB_ACL = "AWS::WAFv2::WebACL"
DISTRIBUTION = "AWS::CloudFront::Distribution"
VPC = "AWS::EC2::VPC"
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"


def _rate_limit(props: dict[str, Any]) -> Any:
    return next((rule["Statement"]["RateBasedStatement"].get("Limit") for rule in props.get("Rules") or []
                 if "RateBasedStatement" in rule.get("Statement", {})), None)


def _managed(props: dict[str, Any]) -> list[str]:
    return [rule["Statement"]["ManagedRuleGroupStatement"].get("Name") for rule in props.get("Rules") or []
            if "ManagedRuleGroupStatement" in rule.get("Statement", {})]


def edge_lines(change: Change, base: dict[str, dict[str, Any]], head: dict[str, dict[str, Any]]) -> tuple[
        list[str], list[str]]:
    """(bold, plain) lines for one change of the edge's resources."""
    old = properties(base.get(change.logical_id))
    new = properties(head.get(change.new_logical_id or change.logical_id))
    name = f"`{change.name}`"
    if change.type == WEB_ACL:
        if change.action == "add":
            return [f"Starts filtering requests with WAF web ACL {name}: a client address over {_rate_limit(new)} "
                    f"requests in 5 minutes, or a request matching {', '.join(_managed(new))}, is answered 403."], []
        if change.action == "remove":
            return [], [f"Removes WAF web ACL {name}: the load balancer takes every request unfiltered again."]
        if change.action == "update" and _rate_limit(old) != _rate_limit(new):
            return [], [f"WAF web ACL {name}: rate limit per client address {_rate_limit(old)} to "
                        f"{_rate_limit(new)} requests in 5 minutes (in place)."]
    if change.type == DISTRIBUTION:
        if change.action == "add":
            return [], [f"Creates CloudFront distribution {name}: the deploy waits (often 5 minutes or more) until "
                        "it has reached every edge location."]
        if change.action in ("remove", "replace"):
            return [f"Deletes CloudFront distribution {name}: CloudFormation disables it, waits until every edge "
                    "location has it disabled, then deletes it (several minutes); its cloudfront.net name stops "
                    "answering."], []
    if change.type == VPC and change.action in ("remove", "replace"):
        verb = "Replaces" if change.action == "replace" else "Deletes"
        return [f"{verb} VPC {name}: everything in it (subnets, load balancer, instances) goes with it, "
                "and CloudFormation deletes the VPC last, once they are gone."], []
    if change.type == VPC and change.action == "add":
        return [], [f"Creates VPC {name} in the stack (public subnets, no NAT gateway)."]
    if change.type == LOAD_BALANCER and change.action == "update" \
            and old.get("IpAddressType", "ipv4") != new.get("IpAddressType", "ipv4"):
        return [], [f"Load balancer {name}: IP address type {old.get('IpAddressType', 'ipv4')} to "
                    f"{new.get('IpAddressType', 'ipv4')} (in place)."]
    return [], []
